#!/usr/bin/env bash
# Kill and resume: `gendiv study` (tiny config) killed with SIGKILL at several points (in pretraining,
# in a later stage or its checkpoint write, in evaluation: the points move with the machine's speed),
# then resumed with --resume until it finishes, must give the results.json of an uninterrupted run,
# every number alike (timings aside). Usage: .ci/kill-resume.sh [DELAY_S ...] (default 2 2.5 3 4.5 6:
# since training runs in shards the tiny study's stages take under a second, so the early points
# moved; on 2026-12-07 2 s fell at the study's start, 2.5 s in the reward model, 3 s in PPO).
set -euo pipefail
cd "$(dirname "$0")/.."
delays=("$@")
[ ${#delays[@]} -gt 0 ] || delays=(2 2.5 3 4.5 6)
work="$(mktemp -d)"
./gendiv study --config .ci/tiny-study.json --out "$work/whole" > /dev/null 2>&1
same() { .ci/same-results.py --quiet "$1" "$2"; }  # results.json and samples.jsonl, timings aside
for d in "${delays[@]}"; do
  out="$work/killed-$d"
  setsid ./gendiv study --config .ci/tiny-study.json --out "$out" > "$work/log-$d" 2>&1 &
  pid=$!
  sleep "$d"
  if kill -0 "$pid" 2> /dev/null; then kill -KILL -- "-$pid" 2> /dev/null || true; fi
  wait "$pid" 2> /dev/null || true
  if [ -f "$out/results.json" ]; then echo "kill-resume: the run finished within ${d} s: no kill"; continue; fi
  echo "kill-resume: killed at ${d} s, in: $(tr '\r' '\n' < "$work/log-$d" | grep -a . | tail -1 | cut -c1-80)"
  tries=0
  until [ -f "$out/results.json" ]; do
    tries=$((tries + 1)); [ $tries -le 3 ] || { echo "kill-resume: resume did not finish"; exit 1; }
    ./gendiv study --config .ci/tiny-study.json --out "$out" --resume > "$work/resume-$d" 2>&1 \
      || { echo "kill-resume: resume after ${d} s failed:"; tail -5 "$work/resume-$d"; exit 1; }
  done
  same "$work/whole" "$out" \
    || { echo "kill-resume: killed at ${d} s and resumed, results.json differs from the uninterrupted run"; exit 1; }
  echo "kill-resume: killed at ${d} s, resumed: results.json equal"
done
rm -rf "$work"
