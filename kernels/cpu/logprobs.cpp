// Token log-probs and entropy on the CPU: logp = z_y/T - logsumexp(z/T),
// H = logsumexp(z/T) - sum p z/T, one read of each row (chunked through L1).
#include <algorithm>

#include "cpu.h"

namespace gendiv::cpu {

namespace {
// Rescales (m, s, u) to a new max M: s' = s e^(m-M), u' = e^(m-M) (u + (m - M) s).
inline void rescale(float& s, float& u, float m, float big_m) {
    float f = exp_nonpos(m - big_m);
    u = f * (u + (m - big_m) * s);
    s = f * s;
}

}  // namespace

template <class T>
GD_HOT float chunk_load_max(const T* z, int64_t n, float inv_t, float* buf) {
    float cm = -kInf;
#pragma omp simd reduction(max : cm)
    for (int64_t i = 0; i < n; ++i) {
        float x = load_logit(z, i) * inv_t;
        buf[i] = x;
        cm = x > cm ? x : cm;
    }
    return cm;
}
template float chunk_load_max<float>(const float*, int64_t, float, float*);
template float chunk_load_max<uint16_t>(const uint16_t*, int64_t, float, float*);

namespace {
GD_HOT void chunk_sum_exp(const float* buf, int64_t n, float cm, float& out_s, float& out_u) {
    float es[kChunk], us[kChunk];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) {
        float d = buf[i] - cm;
        float e = exp_nonpos(d);
        es[i] = e;
        us[i] = e == 0.0f ? 0.0f : e * d;
    }
    LaneSums cs, cu;
    cs.add(es, n);
    cu.add(us, n);
    out_s = cs.total();
    out_u = cu.total();
}
}  // namespace

GD_HOT float chunk_sum_exp(const float* buf, int64_t n, float cm) {
    float es[kChunk];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) es[i] = exp2_fast((buf[i] - cm) * kLog2e);
    LaneSums cs;
    cs.add(es, n);
    return cs.total();
}

template <class T>
RowStats row_stats(const T* z, int64_t vocab, float inv_t, float* buf) {
    RowStats a;
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        float cm = chunk_load_max(z + c0, n, inv_t, buf);
        if (cm == -kInf) continue;
        float cs, cu;
        chunk_sum_exp(buf, n, cm, cs, cu);
        if (a.m == -kInf) {
            a = RowStats{cm, cs, cu};
        } else if (cm > a.m) {
            rescale(a.s, a.u, a.m, cm);
            a = RowStats{cm, a.s + cs, a.u + cu};
        } else {
            rescale(cs, cu, cm, a.m);
            a.s += cs;
            a.u += cu;
        }
    }
    return a;
}
template RowStats row_stats<float>(const float*, int64_t, float, float*);
template RowStats row_stats<uint16_t>(const uint16_t*, int64_t, float, float*);

template <class T>
static void logprobs_rows(const T* logits, int64_t n, int64_t vocab, int64_t stride, const int32_t* targets,
                          float temperature, float* out_logprobs, float* out_entropy, int threads) {
    float inv_t = 1.0f / temperature;
    parallel_for(n, threads, vocab, [&](int64_t r0, int64_t r1) {
        std::vector<float> buf(kChunk);
        for (int64_t r = r0; r < r1; ++r) {
            const T* z = logits + r * stride;
            RowStats st = row_stats(z, vocab, inv_t, buf.data());
            out_logprobs[r] = st.m == -kInf ? NAN : st.norm().logp(load_logit(z, targets[r]) * inv_t);
            if (out_entropy) out_entropy[r] = st.m == -kInf ? NAN : st.entropy();
        }
    });
}

gd_status token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                         int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs,
                         float* out_entropy) {
    int threads = resolve_threads(ctx ? ctx->num_threads : 0);
    if (dtype == GD_BF16)
        logprobs_rows(static_cast<const uint16_t*>(logits), n, vocab, row_stride, targets, temperature, out_logprobs,
                      out_entropy, threads);
    else
        logprobs_rows(static_cast<const float*>(logits), n, vocab, row_stride, targets, temperature, out_logprobs,
                      out_entropy, threads);
    return GD_OK;
}

}  // namespace gendiv::cpu
