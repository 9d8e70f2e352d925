#!/usr/bin/env python3
"""A/B of two builds of libgendiv.so in one process, calls alternated (this VM's speed drifts).

Usage: python3 bench/ab/kernels_ab.py A.so B.so [--rounds 15] [--threads 1]
Times the CPU kernels whose inner sums differ between builds: sampling (plain T = 1; filtered
T 0.8, top-k 50, top-p 0.9; top-p 0.9 alone), token log-probs and entropy, exact KL, on B = 64
rows of N(0, 3^2) logits over V = 50257. Prints the median of each build and B / A. Needs numpy.
"""
import argparse
import ctypes as C
import statistics
import time

import numpy as np


class Ctx(C.Structure):
    _fields_ = [("device", C.c_int32), ("num_threads", C.c_int32), ("stream", C.c_void_p)]


class Sampling(C.Structure):
    _fields_ = [("temperature", C.c_float), ("top_k", C.c_int32), ("top_p", C.c_float), ("min_p", C.c_float),
                ("seed", C.c_uint64), ("step", C.c_int64)]


def ptr(a):
    return a.ctypes.data_as(C.c_void_p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    libs = {"A": C.CDLL(args.a, mode=C.RTLD_LOCAL), "B": C.CDLL(args.b, mode=C.RTLD_LOCAL)}
    rows, vocab = 64, 50257
    rng = np.random.default_rng(0)
    z = (rng.standard_normal((rows, vocab)) * 3).astype(np.float32)
    ref = (z + rng.standard_normal((rows, vocab)).astype(np.float32) * 0.5).astype(np.float32)
    ids = np.arange(rows, dtype=np.int64)
    targets = rng.integers(0, vocab, rows).astype(np.int32)
    tok = np.zeros(rows, np.int32)
    lp, mass, ent, kl = (np.zeros(rows, np.float32) for _ in range(4))
    ctx = Ctx(-1, args.threads, None)
    cases = {
        "sample plain": Sampling(1.0, 0, 1.0, 0.0, 7, 0),
        "sample filtered": Sampling(0.8, 50, 0.9, 0.0, 7, 0),
        "sample top_p": Sampling(1.0, 0, 0.9, 0.0, 7, 0),
    }

    def call(lib, case):
        if case in cases:
            st = lib.gd_sample(C.byref(ctx), ptr(z), 0, C.c_int64(rows), C.c_int64(vocab), C.c_int64(vocab), ptr(ids),
                               C.byref(cases[case]), ptr(tok), ptr(lp), ptr(mass))
        elif case == "token logprobs":
            st = lib.gd_token_logprobs(C.byref(ctx), ptr(z), 0, C.c_int64(rows), C.c_int64(vocab), C.c_int64(vocab),
                                       ptr(targets), C.c_float(1.0), ptr(lp), ptr(ent))
        else:
            st = lib.gd_kl_exact(C.byref(ctx), ptr(z), ptr(ref), 0, C.c_int64(rows), C.c_int64(vocab), C.c_int64(vocab),
                                 C.c_int64(vocab), C.c_float(1.0), ptr(kl))
        if st != 0:
            raise SystemExit(f"{case}: status {st}")

    names = list(cases) + ["token logprobs", "kl exact"]
    print(f"{rows} x {vocab} float32 logits, {args.threads} thread(s), {args.rounds} alternating rounds; median ms")
    print(f"| kernel | A | B | B / A |\n|---|---|---|---|")
    for case in names:
        times = {"A": [], "B": []}
        for lib in libs.values():
            for _ in range(3):
                call(lib, case)  # warm-up
        for r in range(args.rounds):
            for key in ("A", "B") if r % 2 == 0 else ("B", "A"):
                t0 = time.perf_counter()
                call(libs[key], case)
                times[key].append((time.perf_counter() - t0) * 1e3)
        a, b = statistics.median(times["A"]), statistics.median(times["B"])
        print(f"| {case} | {a:.2f} | {b:.2f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
