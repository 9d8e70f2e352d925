#!/usr/bin/env bash
# Diversity engine end to end, in one run on the same generated files:
#   1. EAD + distinct-n over 100k outputs: `gendiv diversity` against plain Python (ead_python.py),
#      both timed from reading the JSONL to the numbers (the JVM's start-up counted against gendiv);
#      one cold run of the command, then the same computation warm under JMH (DiversityFileBench,
#      on the same file: what a long-running JVM or a larger file sees once the JIT has compiled it);
#   2. scale: 1M outputs of ~48 words through `gendiv diversity` in a 2 GiB heap (peak RSS reported).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
cd "$root"
./gendiv --help >/dev/null   # build first, so no build lands inside a timing
python3 bench/diversity/make_generations.py "$work/100k.jsonl" 6250 16
echo "== 100k outputs: plain Python"
python3 bench/diversity/ead_python.py "$work/100k.jsonl" | tee "$work/python.json"
echo "== 100k outputs: gendiv diversity --metrics ead,distinct"
start=$(date +%s.%N)
./gendiv diversity --input "$work/100k.jsonl" --metrics ead,distinct --bootstrap 0 --output "$work/gendiv.json" \
  2> "$work/gendiv.err" >/dev/null
end=$(date +%s.%N)
cat "$work/gendiv.err"
echo "== 100k outputs: the same computation warm (JMH DiversityFileBench on the same file)"
bench/run.sh DiversityFileBench -p file="$work/100k.jsonl" -wi 3 -i 5 > "$work/jmh.txt" 2>&1 || { cat "$work/jmh.txt"; exit 1; }
grep -E "^(Benchmark|DiversityFileBench)|results in" "$work/jmh.txt"
cp "$(sed -n 's/^bench: results in //p' "$work/jmh.txt")" "$work/jmh.json"
python3 - "$work/python.json" "$work/gendiv.json" "$start" "$end" "$work/gendiv.err" "$work/jmh.json" <<'PY'
import json, re, sys
py = json.load(open(sys.argv[1])); g = json.load(open(sys.argv[2]))["all"]
secs = float(sys.argv[4]) - float(sys.argv[3])
err = open(sys.argv[5]).read()
comp = float(re.search(r"computed the metrics in ([0-9.]+) s", err).group(1))
warm = json.load(open(sys.argv[6]))[0]["primaryMetric"]["score"] / 1000
print(f"after reading the file (word splitting, n-grams, EAD, distinct-n): python {py['compute_seconds']:.2f} s;")
print(f"  gendiv, one cold run (JIT warm-up included, 2 threads): {comp:.2f} s, "
      f"{py['compute_seconds'] / comp:.1f}x")
print(f"  gendiv warm (JMH, 2 threads): {warm:.3f} s, {py['compute_seconds'] / warm:.1f}x")
print(f"end to end incl. JSON parsing and the JVM's start: python {py['seconds']:.2f} s, gendiv {secs:.2f} s: "
      f"{py['seconds'] / secs:.1f}x")
print(f"per-input EAD python {py['per_input_ead']:.6f} gendiv {g['per_input']['ead']['mean']:.6f}; "
      f"across EAD python {py['across_ead']:.6f} gendiv {g['across_input']['ead']:.6f}")
PY
echo "== 1M outputs in a 2 GiB heap (all default metrics)"
python3 bench/diversity/make_generations.py "$work/1m.jsonl" 62500 16
GENDIV_JAVA_OPTS="-Xmx2g" /usr/bin/time -v ./gendiv diversity --input "$work/1m.jsonl" --bootstrap 200 \
  --output "$work/1m.json" 2> "$work/time.txt" >/dev/null || { cat "$work/time.txt"; exit 1; }
grep -E "Elapsed|Maximum resident" "$work/time.txt"
grep "gendiv diversity" "$work/time.txt"
