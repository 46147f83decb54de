#!/usr/bin/env bash
# Fails if a torch-free module's sources include a LibTorch header (shared/STYLE.md, Module
# boundaries). Usage: check_torch_free.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: check_torch_free.sh REPO_ROOT}
dirs=()
# Folders, plus the torch-free data layer of models/ (target rigor_models_data) file by file.
for d in stats protocols harness/store harness/cli harness/runner reports \
         models/include/rigor/models/{rng,data,augment}.h models/src/{rng,idx,datasets,synthetic,split,augment}.cpp \
         models/src/data_internal.h; do
  [ -e "$root/$d" ] && dirs+=("$root/$d")
done
if hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](torch|ATen|c10)/' "${dirs[@]}"); then
  echo "torch headers in torch-free modules (move this code to models/ or harness/):"
  echo "$hits"
  exit 1
fi
echo "torch-free modules are clean: ${dirs[*]#$root/}"
