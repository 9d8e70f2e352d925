#!/usr/bin/env bash
# Builds the benchmarks and runs JMH. Arguments go to JMH, e.g.
#   bench/run.sh SamplingBench            # one class
#   bench/run.sh PpoLossBench -p vocab=50257
#   bench/run.sh                          # everything (about 15 minutes on 2 cores)
# Results print as a table and are saved under bench/results/<date>.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
java_home="$(./gendiv --java-home)"   # exits with the install hint when JDK 25 is missing
# LibTorch's OpenMP threads spin at barriers by default; on a 2-core machine shared with the JVM's
# own threads that spin stalls small ops by orders of magnitude (a 16 x 64 GPT forward: 217 ms
# spinning vs 35 ms passive). Baselines are only fair with passive waiting.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# OpenBLAS's workers likewise spin 2^28 cycles after each product unless told otherwise (as the launcher does).
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
mvn -B -q -DskipTests package -pl bench -am
mkdir -p bench/results
out="bench/results/$(date +%Y%m%d-%H%M%S).json"
"$java_home/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "bench/target/gendiv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" org.openjdk.jmh.Main \
  -rf json -rff "$out" "$@" 2> >(grep -v 'Using incubator modules' >&2)
echo "bench: results in $out"
