#!/usr/bin/env bash
# Coverage-guided fuzzing of gendiv's parsers with Jazzer (java/core ParsersFuzzTest): each target
# fuzzes for its @FuzzTest maxDuration (10 s) per round; the corpus grows in java/core/.cifuzz-corpus
# across rounds, and a finding fails the run (its input is saved under ParsersFuzzTestInputs/, where
# plain JUnit runs replay it from then on). Usage: bench/fuzz/run.sh [ROUNDS] (default 1; CI runs 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-1}
targets="safetensorsHeader generationsJsonl promptsJsonl studyConfig hfConfig tokenizerJson"
mvn=(mvn -B -q -o)
command -v mvn > /dev/null || mvn=(./mvnw -B -q -o)
"${mvn[@]}" install -DskipTests -pl java/core -am > /dev/null   # the fuzz runs below take java/core alone
crashes=0
for round in $(seq "$rounds"); do
  for t in $targets; do
    log=$(mktemp)
    if ! JAZZER_FUZZ=1 "${mvn[@]}" verify -pl java/core -Dtest="ParsersFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false \
        -Djacoco.skip=true > "$log" 2>&1; then
      crashes=$((crashes + 1))
      echo "fuzz $t (round $round): FINDING"; grep -a -m3 -E "AssertionError|Exception:" "$log" || tail -5 "$log"
    fi
    done_line=$(grep -a -E "DONE " "$log" | tail -1 || true)
    corpus=$(ls java/core/.cifuzz-corpus/org.gendiv.core.fuzz.ParsersFuzzTest/$t 2>/dev/null | wc -l)
    echo "fuzz $t (round $round): ${done_line:-no run} corpus $corpus"
    rm -f "$log"
  done
done
echo "fuzz: $rounds round(s) x $(wc -w <<< "$targets") targets, $crashes finding(s)"
[ "$crashes" -eq 0 ]
