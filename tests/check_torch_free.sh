#!/usr/bin/env bash
# Fails if a torch-free module's sources include a LibTorch header (shared/STYLE.md, Module
# boundaries). Usage: check_torch_free.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: check_torch_free.sh REPO_ROOT}
dirs=()
for d in stats protocols harness/store harness/cli reports; do
  [ -d "$root/$d" ] && dirs+=("$root/$d")
done
if hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](torch|ATen|c10)/' "${dirs[@]}"); then
  echo "torch headers in torch-free modules (move this code to models/ or harness/):"
  echo "$hits"
  exit 1
fi
echo "torch-free modules are clean: ${dirs[*]#$root/}"
