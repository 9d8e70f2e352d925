"""Writes a JSONL of synthetic generations for the diversity benchmarks: INPUTS inputs x K samples
of 40..56 words from a log-uniform vocabulary of 20k (the same recipe as DiversityBench).
Usage: python3 make_generations.py OUT.jsonl INPUTS K [SEED]"""
import json
import random
import sys


def main():
    out, inputs, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
    with open(out, "w") as f:
        for q in range(inputs):
            for s in range(k):
                words = []
                for _ in range(40 + rng.randrange(17)):
                    words.append("w%d%s" % (int(20000 ** rng.random()), "." if rng.randrange(12) == 0 else ""))
                f.write(json.dumps({"input_id": "q%d" % q, "sample_index": s, "text": " ".join(words)}) + "\n")


if __name__ == "__main__":
    main()
