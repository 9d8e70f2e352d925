"""EAD and distinct-n in plain Python, as the study's code computes them (words = text with "."
and "\\n" deleted, split on single spaces; n = 1..5; V = 50257): per input over its samples, and
across inputs over each input's first sample. The baseline gendiv's engine is timed against.
Usage: python3 ead_python.py GENS.jsonl"""
import json
import sys
import time
from collections import defaultdict

V = 50257


def ead_distinct(texts):
    ead = dist = 0.0
    words = [[w for w in t.replace(".", "").replace("\n", "").split(" ") if w] for t in texts]
    for n in range(1, 6):
        grams = set()
        total = 0
        for ws in words:
            for i in range(len(ws) - n + 1):
                grams.add(tuple(ws[i:i + n]))
                total += 1
        if total:
            ead += len(grams) / (V * (1 - ((V - 1) / V) ** total))
            dist += len(grams) / total
    return ead / 5, dist / 5


def main():
    t0 = time.time()  # reading and grouping, then the metrics, timed apart
    by_input = defaultdict(list)
    with open(sys.argv[1]) as f:
        for line in f:
            o = json.loads(line)
            by_input[o["input_id"]].append((o.get("sample_index", len(by_input[o["input_id"]])), o["text"]))
    t1 = time.time()
    per = [ead_distinct([t for _, t in sorted(v)]) for v in by_input.values() if len(v) >= 2]
    across = ead_distinct([sorted(v)[0][1] for v in by_input.values()])
    n = len(per)
    print(json.dumps({"inputs": len(by_input), "per_input_ead": sum(e for e, _ in per) / n,
                      "per_input_distinct": sum(d for _, d in per) / n, "across_ead": across[0],
                      "across_distinct": across[1], "read_seconds": round(t1 - t0, 3),
                      "compute_seconds": round(time.time() - t1, 3), "seconds": round(time.time() - t0, 3)}))


if __name__ == "__main__":
    main()
