// kernels/cuda/block.cuh: block-level building blocks of the CUDA kernels: error plumbing,
// launch sizes, and the reductions (sum, softmax statistics, arg-max) over one block.
#ifndef GENDIV_CUDA_BLOCK_CUH
#define GENDIV_CUDA_BLOCK_CUH

#include <cuda_runtime.h>
#include <stdio.h>

#include "cuda.h"
#include "gendiv/math.h"

namespace gendiv::cuda {

constexpr int kMaxBlock = 1024;

// Logit rows get 1024 threads when long (memory parallelism for few rows), else 256.
inline int row_block(int64_t vocab) { return vocab >= 32768 ? 1024 : 256; }
inline cudaStream_t as_stream(void* s) { return static_cast<cudaStream_t>(s); }

inline gd_status cuda_status(cudaError_t e, const char* what, char* msg, int msg_len) {
    if (e == cudaSuccess) return GD_OK;
    snprintf(msg, size_t(msg_len), "%s: %s", what, cudaGetErrorString(e));
    return e == cudaErrorMemoryAllocation ? GD_ERR_OUT_OF_MEMORY : GD_ERR_CUDA;
}
#define GD_CUDA_TRY(expr, what)                                         \
    do {                                                                \
        gd_status _s = cuda_status((expr), (what), msg, msg_len);       \
        if (_s != GD_OK) return _s;                                     \
    } while (0)
#define GD_CUDA_LAUNCHED(what) GD_CUDA_TRY(cudaGetLastError(), what)

// Softmax statistics of a set of values x: max m, s = sum e^(x-m), u = sum e^(x-m) (x-m).
struct Stats3 {
    float m, s, u;
};
__device__ __forceinline__ Stats3 stats_empty() { return Stats3{-kInf, 0.0f, 0.0f}; }
__device__ __forceinline__ void stats_add(Stats3& a, float x) {
    if (x == -kInf) return;
    if (x > a.m) {
        float f = exp_nonpos(a.m - x);
        a.u = f * (a.u + (a.m - x) * a.s);
        a.s *= f;
        a.m = x;
    }
    float d = x - a.m, e = exp_nonpos(d);
    a.s += e;
    a.u += e == 0.0f ? 0.0f : e * d;
}
__device__ __forceinline__ Stats3 stats_merge(Stats3 a, Stats3 b) {
    if (a.m == -kInf) return b;
    if (b.m == -kInf) return a;
    float m = fmaxf(a.m, b.m);
    float fa = exp_nonpos(a.m - m), fb = exp_nonpos(b.m - m);
    return Stats3{m, fa * a.s + fb * b.s, fa * (a.u + (a.m - m) * a.s) + fb * (b.u + (b.m - m) * b.s)};
}

// Best (key, index): larger key wins, lower index on ties; index -1 is "none".
struct ArgBest {
    float key;
    int32_t idx;
};
__device__ __forceinline__ ArgBest best_of(ArgBest a, ArgBest b) {
    if (a.idx < 0) return b;
    if (b.idx < 0) return a;
    if (b.key > a.key || (b.key == a.key && b.idx < a.idx)) return b;
    return a;
}

// Block-wide reductions; every thread gets the result. Uses one shared array per type.
template <class T, class Op>
__device__ T block_reduce(T v, Op op) {
    __shared__ T warp_vals[32];
    __shared__ T result;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    for (int off = 16; off > 0; off >>= 1) {
        T other;
        static_assert(sizeof(T) % 4 == 0, "shuffled types are whole words");
        const int words = sizeof(T) / 4;
        int* src = reinterpret_cast<int*>(&v);
        int* dst = reinterpret_cast<int*>(&other);
#pragma unroll
        for (int w = 0; w < words; ++w) dst[w] = __shfl_down_sync(0xffffffffu, src[w], off);
        if (lane + off < 32) v = op(v, other);
    }
    if (lane == 0) warp_vals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < warps ? warp_vals[lane] : warp_vals[0];
        for (int off = 16; off > 0; off >>= 1) {
            T other;
            const int words = sizeof(T) / 4;
            int* src = reinterpret_cast<int*>(&v);
            int* dst = reinterpret_cast<int*>(&other);
#pragma unroll
            for (int w = 0; w < words; ++w) dst[w] = __shfl_down_sync(0xffffffffu, src[w], off);
            if (lane + off < warps) v = op(v, other);
        }
        if (lane == 0) result = v;
    }
    __syncthreads();
    T r = result;
    __syncthreads();
    return r;
}

struct SumOp {
    __device__ float operator()(float a, float b) const { return a + b; }
};
struct MaxOp {
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct StatsOp {
    __device__ Stats3 operator()(Stats3 a, Stats3 b) const { return stats_merge(a, b); }
};
struct BestOp {
    __device__ ArgBest operator()(ArgBest a, ArgBest b) const { return best_of(a, b); }
};
__device__ __forceinline__ float block_sum(float v) { return block_reduce(v, SumOp{}); }

// Float64 sum over a block whose size is a power of two, in a fixed order.
__device__ inline double block_sum_f64(double v) {
    __shared__ double part[kMaxBlock];
    part[threadIdx.x] = v;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
        if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
        __syncthreads();
    }
    double r = part[0];
    __syncthreads();
    return r;
}

// Softmax statistics of one row x = z * inv_t, reduced over the block.
template <class T>
__device__ Stats3 row_stats(const T* z, int64_t vocab, float inv_t) {
    Stats3 st = stats_empty();
    for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) stats_add(st, load_logit(z, v) * inv_t);
    return block_reduce(st, StatsOp{});
}
__device__ __forceinline__ float stats_lse(const Stats3& s) { return s.m == -kInf ? -kInf : s.m + log_pos(s.s); }
__device__ __forceinline__ float stats_entropy(const Stats3& s) { return log_pos(s.s) - s.u / s.s; }
__device__ __forceinline__ LogNorm stats_norm(const Stats3& s) { return log_norm(s.m, s.s); }

}  // namespace gendiv::cuda

#endif
