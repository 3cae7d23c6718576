#!/usr/bin/env bash
# Unpack what benchmarks/gpu_train.sh wrote to OUT (result.tar, or its result.tar.partNN parts):
#   bash benchmarks/gpu_unpack.sh OUT runs/gpu
set -euo pipefail
SRC=${1:?folder holding result.tar or result.tar.partNN}
DEST=${2:-runs/gpu}
mkdir -p "$DEST"
if [ -f "$SRC/result.tar" ]; then
  tar xf "$SRC/result.tar" -C "$DEST"
else
  cat "$SRC"/result.tar.part* | tar xf - -C "$DEST"
fi
echo "unpacked into $DEST:"; ls "$DEST" "$DEST/best"
