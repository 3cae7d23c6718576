#!/usr/bin/env bash
# Unpack what benchmarks/gpu_train.sh left in $OUT: bash benchmarks/gpu_unpack.sh FILES_AT runs/gpu
set -euo pipefail
SRC=${1:?folder holding result.tar.partNN}
DEST=${2:-runs/gpu}
mkdir -p "$DEST"
cat "$SRC"/result.tar.part* | tar xf - -C "$DEST"
echo "unpacked into $DEST:"; ls "$DEST" "$DEST/best"
