// Sampling on CUDA: one block per row. Unfiltered (the study's setting: temperature only)
// is one read of the row: online logsumexp plus the running Gumbel-max, each thread taking
// groups of 4 tokens so one Philox call serves 4 tokens. Filters find the kept set's
// boundary in the rank order (value desc, index asc) by bisection over the float's order
// key and then over the index: exact and scratch-free, at the cost of extra passes that
// hit L2. The noise and the key are bit-identical to kernels/cpu (gendiv/math.h).
#include "block.cuh"

namespace gendiv::cuda {

// Monotone map of floats to uint32 (larger float -> larger key).
__device__ __forceinline__ uint32_t order_key(float x) {
    uint32_t u = float_bits(x);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// The boundary of a prefix of the rank order: members with key > tkey, or key == tkey and
// index <= tidx.
struct Boundary {
    uint32_t tkey;
    int64_t tidx;
    __device__ bool contains(uint32_t key, int64_t v) const { return key > tkey || (key == tkey && v <= tidx); }
};

// Weight (1 or p_v) of the members of `in_set` whose rank lies in the prefix {key > k} or
// {key == k, index <= i}; `which` picks the predicate.
template <class T, class InSet>
__device__ float prefix_weight(const T* z, int64_t vocab, float inv_t, LogNorm nz, bool mass, InSet in_set, int which,
                               uint32_t k, int64_t i) {
    float w = 0.0f;
    for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) {
        float x = load_logit(z, v) * inv_t;
        uint32_t key = order_key(x);
        if (!in_set(key, v)) continue;
        bool in = which == 0 ? key >= k : (which == 1 ? key > k : (key == k && v <= i));
        if (in) w += mass ? exp_nonpos(nz.logp(x)) : 1.0f;
    }
    return block_sum(w);
}

// The shortest rank-order prefix of in_set whose weight reaches target.
template <class T, class InSet>
__device__ Boundary find_boundary(const T* z, int64_t vocab, float inv_t, LogNorm nz, bool mass, InSet in_set,
                                  float target) {
    uint32_t lo = 0, hi = 0xffffffffu;  // largest key t with W(key >= t) >= target
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1u) / 2u;
        if (prefix_weight(z, vocab, inv_t, nz, mass, in_set, 0, mid, 0) >= target)
            lo = mid;
        else
            hi = mid - 1u;
    }
    float above = prefix_weight(z, vocab, inv_t, nz, mass, in_set, 1, lo, 0);
    int64_t ilo = 0, ihi = vocab - 1;  // smallest index completing the prefix among ties
    while (ilo < ihi) {
        int64_t mid = (ilo + ihi) / 2;
        if (above + prefix_weight(z, vocab, inv_t, nz, mass, in_set, 2, lo, mid) >= target)
            ihi = mid;
        else
            ilo = mid + 1;
    }
    return Boundary{lo, ilo};
}

template <class T>
__global__ void sample_kernel(const T* logits, int64_t vocab, int64_t stride, const int64_t* row_ids,
                              gd_sampling_params p, int32_t* out_tokens, float* out_logprobs, float* out_kept) {
    const int64_t r = blockIdx.x;
    const T* z = logits + r * stride;
    const DrawKey key = draw_key(p.seed, row_ids ? row_ids[r] : r, p.step);
    auto finish = [&](int32_t token, float logprob, float kept) {
        if (threadIdx.x != 0) return;
        out_tokens[r] = token;
        out_logprobs[r] = logprob;
        if (out_kept) out_kept[r] = kept;
    };

    if (p.temperature == 0.0f) {  // greedy: argmax, lowest index on ties; log-prob of the T -> 0 limit
        ArgBest best{-kInf, -1};
        for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) best = best_of(best, ArgBest{load_logit(z, v), int32_t(v)});
        best = block_reduce(best, BestOp{});
        if (best.key == -kInf) return finish(-1, NAN, 0.0f);
        float ties = 0.0f;
        for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) ties += load_logit(z, v) == best.key ? 1.0f : 0.0f;
        ties = block_sum(ties);
        return finish(best.idx, -logf(ties), 1.0f);
    }

    const float inv_t = 1.0f / p.temperature;
    const bool top_k = p.top_k > 0 && p.top_k < vocab, top_p = p.top_p < 1.0f, min_p = p.min_p > 0.0f;
    const bool filtered = top_k || top_p || min_p;
    Stats3 st = stats_empty();
    ArgBest best{-kInf, -1};
    for (int64_t g = threadIdx.x; 4 * g < vocab; g += blockDim.x) {
        Philox4 rnd = draw_block(key, uint32_t(g));
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            int64_t v = 4 * g + j;
            if (v >= vocab) break;
            float x = load_logit(z, v) * inv_t;
            stats_add(st, x);
            if (!filtered && x != -kInf) best = best_of(best, ArgBest{x + gumbel(rnd.v[j]), int32_t(v)});
        }
    }
    st = block_reduce(st, StatsOp{});
    if (st.m == -kInf) return finish(-1, NAN, 0.0f);
    const LogNorm nz = stats_norm(st);
    if (!filtered) {
        best = block_reduce(best, BestOp{});
        return finish(best.idx, nz.logp(load_logit(z, best.idx) * inv_t), 1.0f);
    }

    auto everything = [](uint32_t, int64_t) { return true; };
    Boundary bk{0u, vocab};  // the whole vocabulary
    if (top_k) bk = find_boundary(z, vocab, inv_t, nz, false, everything, float(p.top_k));
    auto in_k = [bk](uint32_t k, int64_t v) { return bk.contains(k, v); };
    Boundary bp{0u, vocab};
    if (top_p) {
        float total = prefix_weight(z, vocab, inv_t, nz, true, in_k, 0, 0u, 0);
        bp = find_boundary(z, vocab, inv_t, nz, true, in_k, p.top_p * total);
    }
    const float min_x = min_p ? st.m + logf(p.min_p) : -kInf;

    float mass = 0.0f;
    best = ArgBest{-kInf, -1};
    for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) {
        float x = load_logit(z, v) * inv_t;
        uint32_t k = order_key(x);
        if (x == -kInf || !bk.contains(k, v) || !bp.contains(k, v) || x < min_x) continue;
        mass += exp_nonpos(nz.logp(x));
        best = best_of(best, ArgBest{x + token_gumbel(key, v), int32_t(v)});
    }
    mass = block_sum(mass);
    best = block_reduce(best, BestOp{});
    finish(best.idx, nz.logp(load_logit(z, best.idx) * inv_t), mass);
}

gd_status sample(void* stream, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride,
                 const int64_t* row_ids, const gd_sampling_params* p, int32_t* out_tokens, float* out_logprobs,
                 float* out_kept_mass, char* msg, int msg_len) {
    int block = row_block(vocab);
    if (dtype == GD_BF16)
        sample_kernel<<<dim3(unsigned(rows)), block, 0, as_stream(stream)>>>(
            static_cast<const uint16_t*>(logits), vocab, row_stride, row_ids, *p, out_tokens, out_logprobs,
            out_kept_mass);
    else
        sample_kernel<<<dim3(unsigned(rows)), block, 0, as_stream(stream)>>>(
            static_cast<const float*>(logits), vocab, row_stride, row_ids, *p, out_tokens, out_logprobs,
            out_kept_mass);
    GD_CUDA_LAUNCHED("sample kernel");
    return GD_OK;
}

}  // namespace gendiv::cuda
