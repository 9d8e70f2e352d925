// Fused PPO clipped loss on the CPU. Per row (token): one read for the softmax statistics,
// then, while the row is still in cache, one read+write for the gradient
//   d loss / d z_v = w (g (1[v = y] - p_v) + c_ent p_v (log p_v + H)) / T,
// with w = mask / sum(mask) and g = d l / d logp from gendiv/math.h. The gradient may
// overwrite the logits in place: each element is read before it is written.
#include <algorithm>

#include "cpu.h"

namespace gendiv::cpu {
namespace {

struct RowResult {
    float loss, clipped, approx_kl, entropy;
};

// The dense part of the gradient, -p_v (a - b (log p_v + H)); the caller adds a at v = y.
GD_HOT void grad_dense(const float* z, float* grad, int64_t vocab, float inv_t, LogNorm nz, float h, float a,
                       float b) {
#pragma omp simd
    for (int64_t v = 0; v < vocab; ++v) {
        float lp = nz.logp(z[v] * inv_t);
        float pv = exp_nonpos(lp);
        grad[v] = pv == 0.0f ? 0.0f : -pv * (a - b * (lp + h));
    }
}

template <class T>
void grad_row(const T* z, T* grad, int64_t vocab, float inv_t, LogNorm nz, float h, float a, float b, int32_t y,
              float* buf) {
    if constexpr (sizeof(T) == 4) {
        grad_dense(z, grad, vocab, inv_t, nz, h, a, b);
        grad[y] += a;
    } else {
        for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
            int64_t n = std::min(kChunk, vocab - c0);
            for (int64_t i = 0; i < n; ++i) buf[i] = load_logit(z + c0, i);
            grad_dense(buf, buf, n, inv_t, nz, h, a, b);
            if (y >= c0 && y < c0 + n) buf[y - c0] += a;
            for (int64_t i = 0; i < n; ++i) store_logit(grad + c0, i, buf[i]);
        }
    }
}

template <class T>
void ppo_rows(const T* logits, int64_t n, int64_t vocab, int64_t stride, const int32_t* actions,
              const float* old_logprobs, const float* advantages, const float* mask, const gd_ppo_params& p,
              T* grad, gd_ppo_stats* out, int threads) {
    double msum = 0.0;
    for (int64_t i = 0; i < n; ++i) msum += mask[i];
    const float inv_t = 1.0f / p.temperature;
    std::vector<RowResult> rows(size_t(n), RowResult{0, 0, 0, 0});
    parallel_for(n, threads, grad ? 2 * vocab : vocab, [&](int64_t r0, int64_t r1) {
        std::vector<float> buf(kChunk);
        for (int64_t r = r0; r < r1; ++r) {
            const T* z = logits + r * stride;
            T* gz = grad ? grad + r * stride : nullptr;
            if (mask[r] == 0.0f || msum == 0.0) {
                if (gz)
                    for (int64_t v = 0; v < vocab; ++v) store_logit(gz, v, 0.0f);
                continue;
            }
            RowStats st = row_stats(z, vocab, inv_t, buf.data());
            LogNorm nz = st.norm();
            float h = st.entropy();
            float logp = nz.logp(load_logit(z, actions[r]) * inv_t);
            PpoToken t = ppo_token(logp, old_logprobs[r], advantages[r], p.eps_low, p.eps_high, p.dual_clip,
                                   p.log_ratio_clamp);
            rows[size_t(r)] = {t.loss, t.clipped, t.approx_kl, h};
            if (gz) {
                float w = float(double(mask[r]) / msum);
                grad_row(z, gz, vocab, inv_t, nz, h, w * t.dloss_dlogp * inv_t, w * p.entropy_coef * inv_t,
                         actions[r], buf.data());
            }
        }
    });
    double loss = 0, clipped = 0, akl = 0, ent = 0;
    for (int64_t r = 0; r < n; ++r) {
        double m = mask[r];
        if (m == 0.0) continue;
        loss += m * rows[size_t(r)].loss;
        clipped += m * rows[size_t(r)].clipped;
        akl += m * rows[size_t(r)].approx_kl;
        ent += m * rows[size_t(r)].entropy;
    }
    double d = msum == 0.0 ? 1.0 : msum;
    out->policy_loss = float(loss / d);
    out->clip_fraction = float(clipped / d);
    out->approx_kl = float(akl / d);
    out->entropy = float(ent / d);
    out->loss = float(loss / d - double(p.entropy_coef) * ent / d);
    out->mask_sum = float(msum);
}

}  // namespace

gd_status ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                   int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages,
                   const float* mask, const gd_ppo_params* p, void* grad_logits, gd_ppo_stats* out) {
    int threads = resolve_threads(ctx ? ctx->num_threads : 0);
    if (dtype == GD_BF16)
        ppo_rows(static_cast<const uint16_t*>(logits), n, vocab, row_stride, actions, old_logprobs, advantages, mask,
                 *p, static_cast<uint16_t*>(grad_logits), out, threads);
    else
        ppo_rows(static_cast<const float*>(logits), n, vocab, row_stride, actions, old_logprobs, advantages, mask, *p,
                 static_cast<float*>(grad_logits), out, threads);
    return GD_OK;
}

}  // namespace gendiv::cpu
