"""Turns a JMH JSON result file (bench/run.sh writes one under bench/results/) into the markdown
tables of bench/README.md: each benchmark with its score, error, and its ratio to the baseline
measured in the same run (LibTorch composite, naive Java, scalar loop, plain memory read).
Usage: python3 bench/report.py bench/results/<file>.json"""
import json
import sys
from collections import defaultdict

BASELINE = {"SamplingBench": "libtorch", "PpoLossBench": "libtorch", "DiversityBench": "naiveJava",
            "PairwiseCosineBench": "scalar", "BindingOverheadBench": None}
BYTES = {  # bytes of logits one call must move (read, or read twice + write once for PPO fwd+bwd)
    "SamplingBench": lambda p: 64 * int(p["vocab"]) * 4,
    "PpoLossBench": lambda p: 2048 * int(p["vocab"]) * 4,
}


def main():
    rows = json.load(open(sys.argv[1]))
    groups = defaultdict(dict)
    for r in rows:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        params = r.get("params", {})
        key = (cls, tuple(sorted(params.items())))
        groups[key][method] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"],
                               r["primaryMetric"]["scoreUnit"])
    for (cls, params), methods in sorted(groups.items()):
        p = dict(params)
        title = ", ".join(f"{k} = {v}" for k, v in params)
        print(f"\n**{cls}** ({title or 'no parameters'})\n")
        base = methods.get(BASELINE.get(cls) or "")
        read = methods.get("readLogits")
        print("| benchmark | score | ± | vs baseline | GB/s |")
        print("|---|---|---|---|---|")
        for m, (score, err, unit) in sorted(methods.items()):
            ratio = f"{base[0] / score:.1f}x" if base and m != BASELINE.get(cls) else ""
            gbs = ""
            if cls in BYTES and unit == "ms/op":
                moved = BYTES[cls](p) * (3 if cls == "PpoLossBench" and m.startswith("gendiv") else 1)
                gbs = f"{moved / (score / 1e3) / 1e9:.1f}"
            print(f"| {m} | {score:.3f} {unit} | {err:.3f} | {ratio} | {gbs} |")
        if read:
            print(f"\nplain read of the logits: {read[0]:.3f} {read[2]}")


if __name__ == "__main__":
    main()
