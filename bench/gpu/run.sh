#!/usr/bin/env bash
# bench/gpu/run.sh: on a GPU machine (nvcc, CMake, python3 with torch; no JDK needed):
#   1. builds libgendiv with the CUDA kernels, the ctest programs and bench_kernels;
#   2. runs ctest (the CUDA-vs-CPU test must pass, not skip);
#   3. times each kernel (CUDA events) and PyTorch eager on the same shapes, and prints
#      achieved GB/s, the fraction of the device's measured copy bandwidth, and the speed-up.
# Targets (issue 2): >= 70% of copy bandwidth at large B*V, >= 3x PyTorch eager.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build/gpu}"
out="${OUT:-$root/bench/results}"
mkdir -p "$out"
cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGENDIV_CUDA=ON -DGENDIV_GPU_BENCH=ON
cmake --build "$build" --parallel
ctest --test-dir "$build" --output-on-failure | tee "$out/gpu-ctest.txt"
grep -q "kernels_cuda .*Passed" "$out/gpu-ctest.txt" || { echo "gpu: the CUDA-vs-CPU test did not pass" >&2; exit 1; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$out/gpu-device.txt" || true
"$build/bench_kernels" | tee "$out/gpu-kernels.jsonl"
python3 "$root/bench/gpu/torch_peer.py" | tee "$out/gpu-torch.jsonl"
python3 - "$out/gpu-kernels.jsonl" "$out/gpu-torch.jsonl" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
peer = {(r["kernel"], r["vocab"]): r["torch_ms"] for r in map(json.loads, open(sys.argv[2]))}
print(f"{'kernel':36} {'V':>7} {'ms':>8} {'GB/s':>7} {'of copy':>8} {'torch ms':>9} {'speed-up':>9}")
for r in ours:
    t = peer.get((r["kernel"], r["vocab"]))
    print(f"{r['kernel']:36} {r['vocab']:>7} {r['ms']:>8.3f} {r['GBps']:>7.0f} {r['fraction_of_copy']:>8.0%} "
          f"{t if t is not None else float('nan'):>9.3f} {(t / r['ms']) if t else float('nan'):>8.1f}x")
PY
