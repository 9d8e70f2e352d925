// Clipped value loss, GAE and masked whitening on the CPU. These touch O(batch * seq_len)
// floats, far less than the logits, so they are plain serial loops with float64 reductions.
#include <cmath>

#include "cpu.h"

namespace gendiv::cpu {

gd_status value_loss(const gd_context*, const float* values, const float* old_values, const float* returns,
                     const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out) {
    double msum = 0.0, loss = 0.0, clipped = 0.0;
    for (int64_t i = 0; i < n; ++i) msum += mask[i];
    for (int64_t i = 0; i < n; ++i) {
        ValueToken t = value_token(values[i], old_values[i], returns[i], clip);
        bool on = mask[i] != 0.0f && msum > 0.0;
        if (on) {
            loss += double(mask[i]) * t.loss;
            clipped += double(mask[i]) * t.clipped;
        }
        if (grad_values) grad_values[i] = on ? float(double(mask[i]) * t.dloss_dv / msum) : 0.0f;
    }
    double d = msum == 0.0 ? 1.0 : msum;
    out->loss = float(loss / d);
    out->clip_fraction = float(clipped / d);
    out->mask_sum = float(msum);
    return GD_OK;
}

gd_status gae(const gd_context*, const float* rewards, const float* values, const float* mask, int64_t batch,
              int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns) {
    for (int64_t b = 0; b < batch; ++b) {
        int64_t o = b * seq_len;
        gae_sequence(rewards + o, values + o, mask + o, seq_len, gamma, lambda, out_advantages + o, out_returns + o);
    }
    return GD_OK;
}

gd_status masked_whiten(const gd_context*, const float* x, const float* mask, int64_t n, int32_t shift_mean,
                        float* out) {
    double msum = 0.0, sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        msum += mask[i];
        sum += double(mask[i]) * x[i];
    }
    double mean = sum / msum, ss = 0.0;
    for (int64_t i = 0; i < n; ++i) ss += double(mask[i]) * (x[i] - mean) * (x[i] - mean);
    double var = ss / (msum - 1.0);  // Bessel-corrected, as torch.var(unbiased=True)
    double inv_std = 1.0 / std::sqrt(var + 1e-8);
    for (int64_t i = 0; i < n; ++i) {
        double w = (x[i] - mean) * inv_std + (shift_mean ? 0.0 : mean);
        out[i] = mask[i] != 0.0f ? float(w) : 0.0f;
    }
    return GD_OK;
}

}  // namespace gendiv::cpu
