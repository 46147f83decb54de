#!/usr/bin/env bash
# Fails if a tracked C++ file is not formatted with the repository's .clang-format (Google base).
# Fix with `make format`. Usage: check_format.sh REPO_ROOT
set -euo pipefail
cd "${1:?usage: check_format.sh REPO_ROOT}"
command -v clang-format >/dev/null || { echo "clang-format missing: scripts/install-deps.sh installs it"; exit 1; }
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "not a git checkout: format check skipped"
  exit 0
fi
mapfile -t files < <(git ls-files '*.h' '*.cpp')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/rigor-format.$$; then
  grep -E '^[^ ].*: (warning|error):' /tmp/rigor-format.$$ | cut -d: -f1 | sort | uniq -c
  rm -f /tmp/rigor-format.$$
  echo "these files are not clang-formatted; run 'make format'"
  exit 1
fi
rm -f /tmp/rigor-format.$$
echo "${#files[@]} files clang-formatted"
