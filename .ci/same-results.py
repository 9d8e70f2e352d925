#!/usr/bin/env python3
"""Compare two study directories number by number, timings aside.

Usage: .ci/same-results.py DIR_A DIR_B [--quiet]
Compares results.json (every key but "timings", at any depth: each seed has its own), samples.jsonl and sweeps/*.json when present.
Prints the first differences with their JSON paths and exits 1 when anything differs, 0 when
every number is equal.
"""
import json
import math
import os
import sys


def diffs(a, b, path="$"):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k == "timings":
                continue
            if k not in a or k not in b:
                yield f"{path}.{k}: only in {'B' if k not in a else 'A'}"
            else:
                yield from diffs(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diffs(x, y, f"{path}[{i}]")
    elif a != b and not (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)):
        # NaN (written for an undefined statistic, as a Spearman over tied gold) equals NaN here.
        yield f"{path}: {a!r} vs {b!r}"


def load(directory, name):
    p = os.path.join(directory, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        if name.endswith(".jsonl"):
            return [json.loads(line) for line in f if line.strip()]
        return json.load(f)


def main(argv):
    quiet = "--quiet" in argv
    a_dir, b_dir = [x for x in argv[1:] if x != "--quiet"]
    names = ["results.json", "samples.jsonl"]
    for d in (a_dir, b_dir):
        sweeps = os.path.join(d, "sweeps")
        if os.path.isdir(sweeps):
            names += ["sweeps/" + n for n in sorted(os.listdir(sweeps)) if n.endswith(".json")]
    found, compared = [], 0
    for name in dict.fromkeys(names):
        a, b = load(a_dir, name), load(b_dir, name)
        if a is None and b is None:
            continue
        if a is None or b is None:
            found.append(f"{name}: missing in {'A' if a is None else 'B'}")
            continue
        compared += 1
        found += [f"{name} {d}" for d in diffs(a, b)]
    if found:
        if not quiet:
            print(f"same-results: {len(found)} differences; the first:")
            for d in found[:20]:
                print("  " + d)
        return 1
    if not quiet:
        print(f"same-results: {compared} files equal in every number (timings aside)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
