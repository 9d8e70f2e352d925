// KL penalty on the CPU: per-token estimators k1/k2/k3, per-token rewards with the sequence
// score at the last unmasked token, and the exact full-vocabulary KL between two logit rows.
#include <algorithm>

#include "cpu.h"

namespace gendiv::cpu {

gd_status kl_per_token(const gd_context*, const float* logprobs, const float* ref_logprobs, int64_t n,
                       int32_t estimator, float* out_kl) {
    for (int64_t i = 0; i < n; ++i) out_kl[i] = kl_estimate(estimator, logprobs[i], ref_logprobs[i]);
    return GD_OK;
}

gd_status kl_rewards(const gd_context*, const float* logprobs, const float* ref_logprobs, const float* mask,
                     const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* p,
                     float* out_rewards, float* out_kl) {
    for (int64_t b = 0; b < batch; ++b) {
        int64_t o = b * seq_len;
        kl_rewards_sequence(logprobs + o, ref_logprobs + o, mask + o, scores[b], seq_len, p->beta, p->estimator,
                            p->score_clip, out_rewards + o, out_kl ? out_kl + o : nullptr);
    }
    return GD_OK;
}

namespace {
// sa = sum e^(xa - ma), w = sum e^(xa - ma) (xa - xb), sb = sum e^(xb - mb).
GD_HOT void chunk_kl_sums(const float* xa, const float* xb, int64_t n, float ma, float mb, float& sa, float& w,
                          float& sb) {
    float t1[kChunk], t2[kChunk], t3[kChunk];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) {
        float ea = exp_nonpos(xa[i] - ma);
        t1[i] = ea;
        t2[i] = ea == 0.0f ? 0.0f : ea * (xa[i] - xb[i]);
        t3[i] = exp_nonpos(xb[i] - mb);
    }
    LaneSums s1, s2, s3;
    s1.add(t1, n);
    s2.add(t2, n);
    s3.add(t3, n);
    sa = s1.total();
    w = s2.total();
    sb = s3.total();
}
}  // namespace

template <class T>
float row_kl(const T* a, const T* b, int64_t vocab, float inv_t, float* buf_a, float* buf_b) {
    float ma = -kInf, sa = 0.0f, w = 0.0f;
    LseState lb;
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        float cma = chunk_load_max(a + c0, n, inv_t, buf_a);
        float cmb = chunk_load_max(b + c0, n, inv_t, buf_b);
        float csa, cw, csb;
        chunk_kl_sums(buf_a, buf_b, n, cma == -kInf ? 0.0f : cma, cmb == -kInf ? 0.0f : cmb, csa, cw, csb);
        if (cmb != -kInf) lse_merge(lb, cmb, csb);
        if (cma == -kInf) continue;
        if (cma > ma) {
            float f = exp_nonpos(ma - cma);
            sa = sa * f + csa;
            w = w * f + cw;
            ma = cma;
        } else {
            float f = exp_nonpos(cma - ma);
            sa += csa * f;
            w += cw * f;
        }
    }
    if (ma == -kInf || lb.m == -kInf) return NAN;
    // KL = sum p (xa - xb) - lse_a + lse_b, with the large maxima cancelled first.
    return w / sa - (ma - lb.m) - log_pos(sa) + log_pos(lb.s);
}
template float row_kl<float>(const float*, const float*, int64_t, float, float*, float*);
template float row_kl<uint16_t>(const uint16_t*, const uint16_t*, int64_t, float, float*, float*);

template <class T>
static void kl_rows(const T* a, const T* b, int64_t n, int64_t vocab, int64_t sa, int64_t sb, float temperature,
                    float* out, int threads) {
    float inv_t = 1.0f / temperature;
    parallel_for(n, threads, 2 * vocab, [&](int64_t r0, int64_t r1) {
        std::vector<float> buf(2 * kChunk);
        for (int64_t r = r0; r < r1; ++r)
            out[r] = row_kl(a + r * sa, b + r * sb, vocab, inv_t, buf.data(), buf.data() + kChunk);
    });
}

gd_status kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n,
                   int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl) {
    int threads = resolve_threads(ctx ? ctx->num_threads : 0);
    if (dtype == GD_BF16)
        kl_rows(static_cast<const uint16_t*>(logits), static_cast<const uint16_t*>(ref_logits), n, vocab, row_stride,
                ref_row_stride, temperature, out_kl, threads);
    else
        kl_rows(static_cast<const float*>(logits), static_cast<const float*>(ref_logits), n, vocab, row_stride,
                ref_row_stride, temperature, out_kl, threads);
    return GD_OK;
}

}  // namespace gendiv::cpu
