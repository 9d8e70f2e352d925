/*
 * gendiv.h: the stable C ABI of gendiv's RLHF kernels.
 *
 * Plain C, read by JavaCPP (java/kernels, jni) and mirrored by the FFM binding
 * (java/kernels, ffm; a test keeps the two in step). Conventions:
 *   - Every call returns a gd_status; on failure gd_last_error() holds a message for the
 *     calling thread naming the offending argument. Nothing is written to outputs on failure
 *     of argument checks.
 *   - The caller owns every buffer. Nothing is retained after a call returns.
 *   - ctx selects the device: NULL or device < 0 means the CPU. With a CUDA device every
 *     pointer is a device pointer, and the call is asynchronous on ctx->stream.
 *   - Matrices are row-major with an explicit row stride in elements (>= vocab).
 *   - Logits are float32 or bf16 (gd_dtype) where a function takes a dtype; all other
 *     arrays are float32 (int32 for token ids).
 * Formulas: docs/design.md (Kernels) and kernels/include/gendiv/math.h.
 */
#ifndef GENDIV_H
#define GENDIV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define GD_API __declspec(dllexport)
#else
#define GD_API __attribute__((visibility("default")))
#endif

typedef enum gd_status {
    GD_OK = 0,
    GD_ERR_INVALID_ARGUMENT = 1,
    GD_ERR_NO_CUDA_DEVICE = 2,
    GD_ERR_CUDA = 3,
    GD_ERR_OUT_OF_MEMORY = 4,
    GD_ERR_INTERNAL = 5
} gd_status;

typedef enum gd_dtype { GD_F32 = 0, GD_BF16 = 1 } gd_dtype;

typedef enum gd_kl_estimator { GD_KL_K1 = 1, GD_KL_K2 = 2, GD_KL_K3 = 3 } gd_kl_estimator;

/* Where a call runs. device < 0: CPU with num_threads threads (0 = all cores).
 * device >= 0: that CUDA ordinal, on stream (a cudaStream_t; NULL = the default stream). */
typedef struct gd_context {
    int32_t device;
    int32_t num_threads;
    void* stream;
} gd_context;

/* Sampling parameters. temperature 0 = greedy (argmax, lowest index on ties).
 * top_k 0 = off; top_p 1 = off; min_p 0 = off. Filters apply in the order top-k, top-p
 * (on the top-k set, renormalised), min-p (against the most likely token). */
typedef struct gd_sampling_params {
    float temperature;
    int32_t top_k;
    float top_p;
    float min_p;
    uint64_t seed;
    int64_t step;
} gd_sampling_params;

/* Per-token KL penalty rewards: reward_t = -beta * k_t, plus the sequence score at the
 * last unmasked token, clipped to [-score_clip, score_clip] when score_clip > 0. */
typedef struct gd_kl_reward_params {
    float beta;
    int32_t estimator; /* gd_kl_estimator */
    float score_clip;
} gd_kl_reward_params;

/* Fused PPO loss. ratio = exp(clamp(logp - old_logp, +-log_ratio_clamp)); per token
 * l = max(-A ratio, -A clip(ratio, 1 - eps_low, 1 + eps_high)), and for A < 0 with
 * dual_clip > 1, min(l, -dual_clip A). loss = masked_mean(l) - entropy_coef * masked_mean(H). */
typedef struct gd_ppo_params {
    float temperature;
    float eps_low;
    float eps_high;
    float dual_clip;       /* 0 = off, else > 1 */
    float entropy_coef;    /* 0 = off */
    float log_ratio_clamp; /* > 0; 20 is the usual choice */
} gd_ppo_params;

typedef struct gd_ppo_stats {
    float loss;          /* the total loss the gradient belongs to */
    float policy_loss;   /* masked mean of the clipped surrogate */
    float clip_fraction; /* masked mean of 1[clipped branch strictly larger] */
    float approx_kl;     /* masked mean of (ratio - 1) - log ratio */
    float entropy;       /* masked mean of the policy entropy at temperature */
    float mask_sum;
} gd_ppo_stats;

typedef struct gd_value_stats {
    float loss;
    float clip_fraction;
    float mask_sum;
} gd_value_stats;

/* ---- library ------------------------------------------------------------------------------ */

/* The last error message of the calling thread ("" when none). Owned by the library. */
GD_API const char* gd_last_error(void);
/* The library version, e.g. "0.1.0". Owned by the library. */
GD_API const char* gd_version(void);
/* 1 when the library was built with the CUDA kernels, else 0. */
GD_API int32_t gd_cuda_compiled(void);
/* Number of usable CUDA devices (0 without a CUDA build or without a device). */
GD_API int32_t gd_cuda_device_count(void);
/* Blocks until all work queued on ctx's stream is done (no-op on the CPU). */
GD_API gd_status gd_synchronize(const gd_context* ctx);

/* ---- 1. sampling -------------------------------------------------------------------------- */

/* Draws one token per row of logits [rows, vocab] by Gumbel-max over the kept set, with
 * noise from Philox4x32-10 keyed by params->seed and countered by (row_ids[r] or r,
 * params->step, token). row_ids may be NULL. Outputs, each [rows]: out_tokens; out_logprobs,
 * the token's log-prob under the full temperature-scaled distribution; out_kept_mass
 * (nullable), that distribution's mass on the kept set. A row with no finite logit gives
 * token -1 and a NaN log-prob. */
GD_API gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows,
                           int64_t vocab, int64_t row_stride, const int64_t* row_ids,
                           const gd_sampling_params* params, int32_t* out_tokens,
                           float* out_logprobs, float* out_kept_mass);

/* ---- 2. token log-probs and entropy -------------------------------------------------------- */

/* For each row n of logits [n, vocab]: out_logprobs[n] = z_y/T - logsumexp(z/T) with
 * y = targets[n], and out_entropy[n] (nullable) = entropy of softmax(z/T). */
GD_API gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype,
                                   int64_t n, int64_t vocab, int64_t row_stride,
                                   const int32_t* targets, float temperature,
                                   float* out_logprobs, float* out_entropy);

/* ---- 3. KL penalty ------------------------------------------------------------------------- */

/* out_kl[i] = k(logprobs[i], ref_logprobs[i]) for the chosen estimator, for n tokens. */
GD_API gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs,
                                 const float* ref_logprobs, int64_t n, int32_t estimator,
                                 float* out_kl);

/* Rewards [batch, seq_len]: -beta * k * mask, plus scores[b] (clipped) at the last token with
 * mask != 0 of row b (none when the row's mask is all zero). out_kl (nullable) receives
 * k * mask. */
GD_API gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs,
                               const float* ref_logprobs, const float* mask, const float* scores,
                               int64_t batch, int64_t seq_len, const gd_kl_reward_params* params,
                               float* out_rewards, float* out_kl);

/* Exact KL(softmax(z/T) || softmax(z_ref/T)) for each row of two logit matrices [n, vocab]. */
GD_API gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits,
                             int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride,
                             int64_t ref_row_stride, float temperature, float* out_kl);

/* ---- 4. fused PPO clipped loss -------------------------------------------------------------- */

/* Loss, statistics and d loss / d logits for logits [n, vocab] (rows are tokens), actions,
 * old_logprobs, advantages and mask [n]. grad_logits (nullable) has the dtype and row stride
 * of logits and may alias logits (the gradient overwrites them in place). */
GD_API gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n,
                             int64_t vocab, int64_t row_stride, const int32_t* actions,
                             const float* old_logprobs, const float* advantages,
                             const float* mask, const gd_ppo_params* params, void* grad_logits,
                             gd_ppo_stats* out_stats);

/* ---- 5. value loss, GAE, whitening ---------------------------------------------------------- */

/* 0.5 * masked_mean(max((v - R)^2, (clamp(v, v_old +- clip) - R)^2)) over n values;
 * grad_values (nullable) receives its gradient w.r.t. values. */
GD_API gd_status gd_value_loss(const gd_context* ctx, const float* values,
                               const float* old_values, const float* returns, const float* mask,
                               int64_t n, float clip, float* grad_values,
                               gd_value_stats* out_stats);

/* GAE over [batch, seq_len]: delta_t = r_t + gamma V_{t+1} - V_t,
 * A_t = delta_t + gamma lambda A_{t+1}; returns = A + V. A masked position gets A = R = 0
 * and ends the recursion (V_{t+1} = A_{t+1} = 0 before it), as the end of a sequence does. */
GD_API gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values,
                        const float* mask, int64_t batch, int64_t seq_len, float gamma,
                        float lambda, float* out_advantages, float* out_returns);

/* out = (x - mean) / sqrt(var + 1e-8) over the masked entries (Bessel-corrected variance;
 * needs a mask sum >= 2), plus the mean again when shift_mean is 0; masked-out entries get 0.
 * out may alias x. */
GD_API gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask,
                                  int64_t n, int32_t shift_mean, float* out);

#ifdef __cplusplus
}
#endif

#endif /* GENDIV_H */
