#!/usr/bin/env bash
# Train the biLM from the packed data (data/pack_en.npz, python -m elmo.pack) on a CUDA machine, in one
# command; no spaCy, no network needed. See docs/training.md.
#
#   SHAPE=benchmarks/shapes/c1024_p256.json STEPS=2400 MINUTES=7 OUT=out bash benchmarks/gpu_train.sh
#
# The run goes to $RUN (runs/gpu). With OUT set, $OUT/result.tar holds best/, the logs and the checkpoint,
# to copy back (SPLIT=15M: in result.tar.partNN files of at most 15 MiB); unpack it with
#   bash benchmarks/gpu_unpack.sh out runs/gpu
# Check on CPU: OUT=$(mktemp -d) DEVICE=cpu STEPS=3 BATCH_TOKENS=2048 BENCH=0 bash benchmarks/gpu_train.sh
set -euo pipefail
OUT=${OUT:-}                      # a folder for result.tar (none: the run stays in $RUN)
SPLIT=${SPLIT:-}                  # e.g. 15M: result.tar in parts of at most this size
SHAPE=${SHAPE:-benchmarks/shapes/c1024_p256.json}
STEPS=${STEPS:-6000}              # the schedule's length (LR decays to its minimum here)
BATCH_TOKENS=${BATCH_TOKENS:-32768}
MINUTES=${MINUTES:-7}             # safety stop (resumable); keep the whole command under 10 minutes
EVAL_EVERY=${EVAL_EVERY:-500}
DEVICE=${DEVICE:-auto}
BENCH=${BENCH:-1}                 # 1: first time SHAPE for 10 steps, with and without LSTM clipping
TEST=${TEST:-1}                   # 1: first run tests/test_train_cuda.py
RUN=${RUN:-runs/gpu}
EXTRA=${EXTRA:-}                  # more elmo.train flags, e.g. "--lr 3e-3 --max-len 200 --resume"
mkdir -p "$RUN"
LOG="$RUN/device.txt"
{
  date -u
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  python -c "import torch, numpy, safetensors; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), \
torch.cuda.get_device_name() if torch.cuda.is_available() else '')"
} 2>&1 | tee "$LOG"

if [ "$TEST" != 1 ]; then
  echo "CUDA test not run (TEST=0)" | tee -a "$LOG"
elif python -c "import pytest" 2>/dev/null; then
  python -m pytest tests/test_train_cuda.py -q -p no:cacheprovider -rs 2>&1 | tail -5 | tee -a "$LOG"
else
  python -c "import tempfile, pathlib, torch, tests.test_train_cuda as t
if torch.cuda.is_available():
    t.test_cuda_training_learns_and_its_checkpoint_round_trips(pathlib.Path(tempfile.mkdtemp())); print('CUDA test passed')
else:
    print('CUDA test skipped: no CUDA')" 2>&1 | tail -5 | tee -a "$LOG"
fi

if [ "$BENCH" = 1 ]; then
  timeout 120 python benchmarks/bench_train_step.py "$SHAPE" --steps 10 --clip --device "$DEVICE" \
    --batch-tokens "$BATCH_TOKENS" --json "$RUN/train_step.json" 2>&1 | tee -a "$LOG" || echo "bench stopped" | tee -a "$LOG"
fi

# shellcheck disable=SC2086
python -m elmo.train --data data/pack_en.npz --out "$RUN" --config "$SHAPE" --steps "$STEPS" \
  --batch-tokens "$BATCH_TOKENS" --eval-every "$EVAL_EVERY" --checkpoint-every "$EVAL_EVERY" \
  --max-minutes "$MINUTES" --device "$DEVICE" --half-weights \
  --checkpoint-moments "${CKPT_MOMENTS:-bfloat16}" $EXTRA 2>&1 | tee "$RUN/train.txt" \
  || echo "training failed (see train.txt)" | tee -a "$LOG"

# the results in one tar, to copy to the machine that runs the app
[ -n "$OUT" ] || exit 0
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$RUN"
items=""
for f in best train_log.json train.txt device.txt train_step.json checkpoint; do [ -e "$f" ] && items="$items $f"; done
# shellcheck disable=SC2086
tar cf "$OUT/result.tar" $items
if [ -n "$SPLIT" ]; then
  split -b "$SPLIT" -d -a 2 "$OUT/result.tar" "$OUT/result.tar.part"
  rm "$OUT/result.tar"
fi
ls -l "$OUT"
