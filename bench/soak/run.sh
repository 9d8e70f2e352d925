#!/usr/bin/env bash
# Soak: STEPS PPO steps (default 2000) of the tiny model (the CI study's size), resident memory of the
# training JVM sampled every second and reported every 100 steps; growth after warm-up (step 200 to the
# end) should stay under 10%. Usage: bench/soak/run.sh [STEPS]. Prints a table; nothing is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-2000}
work="$(mktemp -d)"
./gendiv study --config .ci/tiny-study.json --task summarisation --out "$work/study" > /dev/null 2>&1
./gendiv world --out "$work/world" --task summarisation --config .ci/tiny-study.json > /dev/null 2>&1
m="$work/study/seed-1/summarisation"
cat > "$work/ppo.json" <<JSON
{"prompts": "$work/world/summarisation/prompts.jsonl", "init": "$m/sft/model", "reward": "$m/rm/model",
 "steps": $steps, "rollout_batch": 8, "minibatch": 4, "epochs": 1, "max_new_tokens": 8,
 "schedule": {"log_every": 1, "checkpoint_every": 500}}
JSON
setsid ./gendiv train ppo --config "$work/ppo.json" --out "$work/ppo" > "$work/log" 2>&1 &
launcher=$!
: > "$work/rss"
while kill -0 "$launcher" 2> /dev/null; do
  pid=$(pgrep -f -n "org.gendiv.cli.Main train ppo" || true)
  if [ -n "$pid" ] && [ -f "$work/ppo/metrics.jsonl" ]; then
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
    step=$(wc -l < "$work/ppo/metrics.jsonl")
    [ -n "$rss" ] && echo "$step $rss" >> "$work/rss"
  fi
  sleep 1
done
wait "$launcher" || { echo "soak: training failed"; tail -5 "$work/log"; exit 1; }
echo "| step | resident MB |"
echo "|---|---|"
awk -v every=100 '{ b = int($1 / every) * every; if (b > 0 && !(b in seen)) { seen[b] = 1; printf "| %d | %.0f |\n", b, $2 / 1024 } }' "$work/rss"
awk '{ if ($1 >= 200 && !base) base = $2; last = $2 } END { if (base) printf "soak: resident memory step 200 -> end: %.0f -> %.0f MB (%+.1f%%)\n", base/1024, last/1024, 100 * (last - base) / base }' "$work/rss"
rm -rf "$work"
