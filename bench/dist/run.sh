#!/usr/bin/env bash
# Data-parallel training on this machine: 2 ranks x 1 LibTorch thread (gendiv launch, Gloo over
# loopback) against 1 rank x 2 threads, for SFT and PPO steps at the study's model size, A and B
# alternating in one session (this VM drifts); and the time each step spends in collectives
# (metrics.jsonl's time_collectives) against the gradient's size, from SFT at three widths.
#   bench/dist/run.sh [ROUNDS]      (default 3 rounds; about 10 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
g="$root/gendiv"
cat > "$work/sizes.json" <<J
{"world": {"corpus_docs": 2000, "sft_examples": 512, "sft_eval": 8, "rm_prompts": 64, "rm_eval_prompts": 8, "ppo_prompts": 256}}
J
"$g" world --out "$work/data" --task summarisation --config "$work/sizes.json" >/dev/null
pre() {  # a base model of the given width (the study's: 4 layers, 4 heads, width 64, context 112)
  cat > "$work/pre$1.json" <<J
{"data": "$work/data/corpus.jsonl", "tokenizer": "$work/data/tokenizer.json", "steps": 2, "layers": 4, "width": $1, "heads": 4, "context": 112, "batch_size": 8}
J
  "$g" train pretrain --config "$work/pre$1.json" --out "$work/base$1" >/dev/null 2>&1
}
for w in 64 128 256; do pre $w; done
sft_cfg() {  # SFT, batch 32 as the study's, $2 steps
  cat > "$work/sft$1.json" <<J
{"data": "$work/data/summarisation/sft.jsonl", "init": "$work/base$1/model", "steps": $2, "batch_size": 32,
 "schedule": {"log_every": 1, "eval_every": 0, "checkpoint_every": 0, "seed": 1}}
J
}
for w in 64 128 256; do sft_cfg $w 30; done
cat > "$work/rm.json" <<J
{"data": "$work/data/summarisation/prefs.jsonl", "init": "$work/base128/model", "steps": 1, "batch_size": 8, "normalize_samples": 0}
J
"$g" train rm --config "$work/rm.json" --out "$work/rm" >/dev/null 2>&1
cat > "$work/ppo.json" <<J
{"prompts": "$work/data/summarisation/prompts.jsonl", "init": "$work/base128/model", "reward": "$work/rm/model", "steps": 4,
 "rollout_batch": 32, "minibatch": 16, "epochs": 4, "max_new_tokens": 24,
 "schedule": {"log_every": 1, "eval_every": 0, "checkpoint_every": 0, "seed": 1}}
J
timed() {  # timed LOG CMD...: the "done in X s" rank 0 prints (model loading and training; the JVM's start aside)
  local log="$1"; shift
  "$@" >"$log" 2>&1 || { tail -5 "$log" >&2; exit 1; }
  sed -n 's/.* done in \([0-9.]*\) s.*/\1/p' "$log" | tail -1
}
echo "| round | stage | 1 rank x 2 threads (s) | 2 ranks x 1 thread (s) | B/A |"
echo "|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  for stage in sft ppo; do
    cfg="$work/sft128.json"; [ "$stage" = ppo ] && cfg="$work/ppo.json"
    rm -rf "$work/a" "$work/b"
    a=$(OMP_NUM_THREADS=2 timed "$work/a.log" "$g" train $stage --config "$cfg" --out "$work/a")
    b=$(OMP_NUM_THREADS=1 timed "$work/b.log" "$g" launch --nproc 2 train $stage --config "$cfg" --out "$work/b")
    python3 -c "import sys; a, b = map(float, sys.argv[3:]); print(f'| {sys.argv[1]} | {sys.argv[2]} | {a:.1f} | {b:.1f} | {b / a:.2f} |')" "$r" "$stage" "$a" "$b"
  done
done
echo
echo "| width | parameters | gradient (MB) | collectives per step (ms, mean of steps 2..30; waiting for the other rank included) |"
echo "|---|---|---|---|"
for w in 64 128 256; do
  rm -rf "$work/c$w"
  OMP_NUM_THREADS=1 "$g" launch --nproc 2 train sft --config "$work/sft$w.json" --out "$work/c$w" >/dev/null 2>&1
  python3 - "$work/c$w" "$w" <<'P'
import json, os, struct, sys
run, w = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(run + "/metrics.jsonl")][1:]
with open(run + "/model/model.safetensors", "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
params = sum((v["data_offsets"][1] - v["data_offsets"][0]) // 4 for k, v in header.items() if k != "__metadata__")
coll = sum(l["time_collectives"] for l in lines) / len(lines) * 1e3
print(f"| {w} | {params:,} | {params * 4 / 1e6:.2f} | {coll:.1f} |")
P
done
