// native/src/gendiv.cpp: the C ABI. Checks every argument, keeps the thread's last error, and
// dispatches to kernels/cpu or kernels/cuda. No C++ exception crosses this boundary.
#include "gendiv.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <new>
#include <string>

#include "../../kernels/cpu/cpu.h"
#if defined(GENDIV_WITH_CUDA)
#include "../../kernels/cuda/cuda.h"
#endif

#ifndef GENDIV_VERSION
#define GENDIV_VERSION "0.0.0"
#endif

namespace {

thread_local std::string g_last_error;

// Thrown by the checks below and turned into a status at the boundary.
struct Failure {
    gd_status status;
};

[[noreturn]] void fail(gd_status status, const char* fn, const char* fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g_last_error = std::string(fn) + ": " + msg;
    throw Failure{status};
}

#define CHECK(cond, ...) \
    do {                 \
        if (!(cond)) fail(GD_ERR_INVALID_ARGUMENT, fn, __VA_ARGS__); \
    } while (0)

template <class Body>
gd_status guarded(const char* fn, Body body) {
    try {
        g_last_error.clear();
        return body();
    } catch (const Failure& f) {
        return f.status;
    } catch (const std::bad_alloc&) {
        g_last_error = std::string(fn) + ": out of host memory";
        return GD_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        g_last_error = std::string(fn) + ": internal error: " + e.what();
        return GD_ERR_INTERNAL;
    } catch (...) {
        g_last_error = std::string(fn) + ": internal error";
        return GD_ERR_INTERNAL;
    }
}

bool on_cuda(const gd_context* ctx) { return ctx != nullptr && ctx->device >= 0; }

void check_context(const char* fn, const gd_context* ctx) {
    if (ctx == nullptr) return;
    CHECK(ctx->num_threads >= 0, "ctx->num_threads must be >= 0 (0 = all cores), got %d", ctx->num_threads);
    if (ctx->device < 0) return;
#if defined(GENDIV_WITH_CUDA)
    int count = gendiv::cuda::device_count();
    if (count == 0) fail(GD_ERR_NO_CUDA_DEVICE, fn, "no CUDA device: ctx->device = %d but none is visible", ctx->device);
    CHECK(ctx->device < count, "ctx->device = %d but only %d CUDA device(s) are visible", ctx->device, count);
    char msg[256] = "";
    if (gendiv::cuda::use_device(ctx->device, msg, sizeof msg) != GD_OK) fail(GD_ERR_CUDA, fn, "%s", msg);
#else
    fail(GD_ERR_NO_CUDA_DEVICE, fn, "no CUDA device: this build of gendiv has no CUDA kernels (ctx->device = %d)",
         ctx->device);
#endif
}

void check_ptr(const char* fn, const void* p, const char* name) { CHECK(p != nullptr, "%s must not be NULL", name); }

void check_rows(const char* fn, int64_t rows, const char* rows_name, int64_t vocab, int64_t stride,
                const char* stride_name) {
    CHECK(rows > 0, "%s must be > 0, got %lld", rows_name, (long long)rows);
    CHECK(vocab > 0 && vocab <= std::numeric_limits<int32_t>::max(), "vocab must be in [1, 2^31 - 1], got %lld",
          (long long)vocab);
    CHECK(stride >= vocab, "%s must be >= vocab (%lld), got %lld", stride_name, (long long)vocab, (long long)stride);
    CHECK(rows <= std::numeric_limits<int64_t>::max() / stride, "%s * %s overflows", rows_name, stride_name);
}

void check_dtype(const char* fn, int32_t dtype) {
    CHECK(dtype == GD_F32 || dtype == GD_BF16, "dtype must be GD_F32 (0) or GD_BF16 (1), got %d", dtype);
}

void check_temperature(const char* fn, float t, bool allow_zero) {
    if (allow_zero)
        CHECK(std::isfinite(t) && t >= 0.0f, "temperature must be finite and >= 0, got %g", double(t));
    else
        CHECK(std::isfinite(t) && t > 0.0f, "temperature must be finite and > 0, got %g", double(t));
}

void check_finite(const char* fn, float x, const char* name) {
    CHECK(std::isfinite(x), "%s must be finite, got %g", name, double(x));
}

// Token ids must index the vocabulary; on CUDA they are checked on the device.
void check_ids(const char* fn, const gd_context* ctx, const int32_t* ids, int64_t n, int64_t vocab,
               const char* name) {
    int64_t bad = -1;
    int32_t bad_value = 0;
    if (on_cuda(ctx)) {
#if defined(GENDIV_WITH_CUDA)
        char msg[256] = "";
        if (gendiv::cuda::first_bad_id(ids, n, vocab, ctx->stream, &bad, msg, sizeof msg) != GD_OK)
            fail(GD_ERR_CUDA, fn, "%s", msg);
        if (bad >= 0) fail(GD_ERR_INVALID_ARGUMENT, fn, "%s[%lld] is outside [0, %lld)", name, (long long)bad,
                           (long long)vocab);
#endif
        return;
    }
    for (int64_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= vocab) {
            bad = i;
            bad_value = ids[i];
            break;
        }
    if (bad >= 0)
        fail(GD_ERR_INVALID_ARGUMENT, fn, "%s[%lld] = %d is outside [0, %lld)", name, (long long)bad, bad_value,
             (long long)vocab);
}

#if defined(GENDIV_WITH_CUDA)
// Runs a CUDA entry point and turns its status and message into a Failure.
template <class Call>
gd_status run_cuda(const char* fn, Call call) {
    char msg[256] = "";
    gd_status s = call(msg, int(sizeof msg));
    if (s != GD_OK) fail(s, fn, "%s", msg[0] ? msg : "CUDA error");
    return GD_OK;
}
#define DISPATCH_CUDA(...) return run_cuda(fn, [&](char* msg, int msg_len) { return gendiv::cuda::__VA_ARGS__; })
#else
#define DISPATCH_CUDA(...) fail(GD_ERR_NO_CUDA_DEVICE, fn, "no CUDA device")
#endif

}  // namespace

extern "C" {

const char* gd_last_error(void) { return g_last_error.c_str(); }

const char* gd_version(void) { return GENDIV_VERSION; }

int32_t gd_cuda_compiled(void) {
#if defined(GENDIV_WITH_CUDA)
    return 1;
#else
    return 0;
#endif
}

int32_t gd_cuda_device_count(void) {
#if defined(GENDIV_WITH_CUDA)
    return gendiv::cuda::device_count();
#else
    return 0;
#endif
}

gd_status gd_synchronize(const gd_context* ctx) {
    const char* fn = "gd_synchronize";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        if (!on_cuda(ctx)) return GD_OK;
        DISPATCH_CUDA(synchronize(ctx->stream, msg, msg_len));
    });
}

gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab,
                    int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* params,
                    int32_t* out_tokens, float* out_logprobs, float* out_kept_mass) {
    const char* fn = "gd_sample";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logits, "logits");
        check_ptr(fn, params, "params");
        check_ptr(fn, out_tokens, "out_tokens");
        check_ptr(fn, out_logprobs, "out_logprobs");
        check_dtype(fn, dtype);
        check_rows(fn, rows, "rows", vocab, row_stride, "row_stride");
        check_temperature(fn, params->temperature, true);
        CHECK(params->top_k >= 0 && params->top_k <= vocab, "top_k must be in [0, vocab = %lld], got %d",
              (long long)vocab, params->top_k);
        CHECK(params->top_p > 0.0f && params->top_p <= 1.0f, "top_p must be in (0, 1], got %g",
              double(params->top_p));
        CHECK(params->min_p >= 0.0f && params->min_p < 1.0f, "min_p must be in [0, 1), got %g",
              double(params->min_p));
        if (on_cuda(ctx))
            DISPATCH_CUDA(sample(ctx->stream, logits, dtype, rows, vocab, row_stride, row_ids, params, out_tokens,
                                 out_logprobs, out_kept_mass, msg, msg_len));
        return gendiv::cpu::sample(ctx, logits, dtype, rows, vocab, row_stride, row_ids, params, out_tokens,
                                   out_logprobs, out_kept_mass);
    });
}

gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                            int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs,
                            float* out_entropy) {
    const char* fn = "gd_token_logprobs";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logits, "logits");
        check_ptr(fn, targets, "targets");
        check_ptr(fn, out_logprobs, "out_logprobs");
        check_dtype(fn, dtype);
        check_rows(fn, n, "n", vocab, row_stride, "row_stride");
        check_temperature(fn, temperature, false);
        check_ids(fn, ctx, targets, n, vocab, "targets");
        if (on_cuda(ctx))
            DISPATCH_CUDA(token_logprobs(ctx->stream, logits, dtype, n, vocab, row_stride, targets, temperature,
                                         out_logprobs, out_entropy, msg, msg_len));
        return gendiv::cpu::token_logprobs(ctx, logits, dtype, n, vocab, row_stride, targets, temperature,
                                           out_logprobs, out_entropy);
    });
}

gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n,
                          int32_t estimator, float* out_kl) {
    const char* fn = "gd_kl_per_token";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logprobs, "logprobs");
        check_ptr(fn, ref_logprobs, "ref_logprobs");
        check_ptr(fn, out_kl, "out_kl");
        CHECK(n > 0, "n must be > 0, got %lld", (long long)n);
        CHECK(estimator >= GD_KL_K1 && estimator <= GD_KL_K3, "estimator must be 1 (k1), 2 (k2) or 3 (k3), got %d",
              estimator);
        if (on_cuda(ctx))
            DISPATCH_CUDA(kl_per_token(ctx->stream, logprobs, ref_logprobs, n, estimator, out_kl, msg, msg_len));
        return gendiv::cpu::kl_per_token(ctx, logprobs, ref_logprobs, n, estimator, out_kl);
    });
}

gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask,
                        const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* params,
                        float* out_rewards, float* out_kl) {
    const char* fn = "gd_kl_rewards";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logprobs, "logprobs");
        check_ptr(fn, ref_logprobs, "ref_logprobs");
        check_ptr(fn, mask, "mask");
        check_ptr(fn, scores, "scores");
        check_ptr(fn, params, "params");
        check_ptr(fn, out_rewards, "out_rewards");
        CHECK(batch > 0, "batch must be > 0, got %lld", (long long)batch);
        CHECK(seq_len > 0, "seq_len must be > 0, got %lld", (long long)seq_len);
        CHECK(batch <= std::numeric_limits<int64_t>::max() / seq_len, "batch * seq_len overflows");
        check_finite(fn, params->beta, "beta");
        CHECK(params->estimator >= GD_KL_K1 && params->estimator <= GD_KL_K3,
              "estimator must be 1 (k1), 2 (k2) or 3 (k3), got %d", params->estimator);
        CHECK(std::isfinite(params->score_clip) && params->score_clip >= 0.0f,
              "score_clip must be finite and >= 0 (0 = off), got %g", double(params->score_clip));
        if (on_cuda(ctx))
            DISPATCH_CUDA(kl_rewards(ctx->stream, logprobs, ref_logprobs, mask, scores, batch, seq_len, params,
                                     out_rewards, out_kl, msg, msg_len));
        return gendiv::cpu::kl_rewards(ctx, logprobs, ref_logprobs, mask, scores, batch, seq_len, params,
                                       out_rewards, out_kl);
    });
}

gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n,
                      int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl) {
    const char* fn = "gd_kl_exact";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logits, "logits");
        check_ptr(fn, ref_logits, "ref_logits");
        check_ptr(fn, out_kl, "out_kl");
        check_dtype(fn, dtype);
        check_rows(fn, n, "n", vocab, row_stride, "row_stride");
        check_rows(fn, n, "n", vocab, ref_row_stride, "ref_row_stride");
        check_temperature(fn, temperature, false);
        if (on_cuda(ctx))
            DISPATCH_CUDA(kl_exact(ctx->stream, logits, ref_logits, dtype, n, vocab, row_stride, ref_row_stride,
                                   temperature, out_kl, msg, msg_len));
        return gendiv::cpu::kl_exact(ctx, logits, ref_logits, dtype, n, vocab, row_stride, ref_row_stride,
                                     temperature, out_kl);
    });
}

gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                      int64_t row_stride, const int32_t* actions, const float* old_logprobs,
                      const float* advantages, const float* mask, const gd_ppo_params* params, void* grad_logits,
                      gd_ppo_stats* out_stats) {
    const char* fn = "gd_ppo_loss";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, logits, "logits");
        check_ptr(fn, actions, "actions");
        check_ptr(fn, old_logprobs, "old_logprobs");
        check_ptr(fn, advantages, "advantages");
        check_ptr(fn, mask, "mask");
        check_ptr(fn, params, "params");
        check_ptr(fn, out_stats, "out_stats");
        check_dtype(fn, dtype);
        check_rows(fn, n, "n", vocab, row_stride, "row_stride");
        check_temperature(fn, params->temperature, false);
        CHECK(params->eps_low >= 0.0f && params->eps_low < 1.0f, "eps_low must be in [0, 1), got %g",
              double(params->eps_low));
        CHECK(std::isfinite(params->eps_high) && params->eps_high >= 0.0f, "eps_high must be finite and >= 0, got %g",
              double(params->eps_high));
        CHECK(params->dual_clip == 0.0f || (std::isfinite(params->dual_clip) && params->dual_clip > 1.0f),
              "dual_clip must be 0 (off) or a finite value > 1, got %g", double(params->dual_clip));
        check_finite(fn, params->entropy_coef, "entropy_coef");
        CHECK(std::isfinite(params->log_ratio_clamp) && params->log_ratio_clamp > 0.0f,
              "log_ratio_clamp must be finite and > 0, got %g", double(params->log_ratio_clamp));
        check_ids(fn, ctx, actions, n, vocab, "actions");
        if (on_cuda(ctx))
            DISPATCH_CUDA(ppo_loss(ctx->stream, logits, dtype, n, vocab, row_stride, actions, old_logprobs,
                                   advantages, mask, params, grad_logits, out_stats, msg, msg_len));
        return gendiv::cpu::ppo_loss(ctx, logits, dtype, n, vocab, row_stride, actions, old_logprobs, advantages,
                                     mask, params, grad_logits, out_stats);
    });
}

gd_status gd_value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns,
                        const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out_stats) {
    const char* fn = "gd_value_loss";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, values, "values");
        check_ptr(fn, old_values, "old_values");
        check_ptr(fn, returns, "returns");
        check_ptr(fn, mask, "mask");
        check_ptr(fn, out_stats, "out_stats");
        CHECK(n > 0, "n must be > 0, got %lld", (long long)n);
        CHECK(std::isfinite(clip) && clip >= 0.0f, "clip must be finite and >= 0, got %g", double(clip));
        if (on_cuda(ctx))
            DISPATCH_CUDA(value_loss(ctx->stream, values, old_values, returns, mask, n, clip, grad_values, out_stats,
                                     msg, msg_len));
        return gendiv::cpu::value_loss(ctx, values, old_values, returns, mask, n, clip, grad_values, out_stats);
    });
}

gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch,
                 int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns) {
    const char* fn = "gd_gae";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, rewards, "rewards");
        check_ptr(fn, values, "values");
        check_ptr(fn, mask, "mask");
        check_ptr(fn, out_advantages, "out_advantages");
        check_ptr(fn, out_returns, "out_returns");
        CHECK(batch > 0, "batch must be > 0, got %lld", (long long)batch);
        CHECK(seq_len > 0, "seq_len must be > 0, got %lld", (long long)seq_len);
        CHECK(batch <= std::numeric_limits<int64_t>::max() / seq_len, "batch * seq_len overflows");
        CHECK(gamma >= 0.0f && gamma <= 1.0f, "gamma must be in [0, 1], got %g", double(gamma));
        CHECK(lambda >= 0.0f && lambda <= 1.0f, "lambda must be in [0, 1], got %g", double(lambda));
        if (on_cuda(ctx))
            DISPATCH_CUDA(gae(ctx->stream, rewards, values, mask, batch, seq_len, gamma, lambda, out_advantages,
                              out_returns, msg, msg_len));
        return gendiv::cpu::gae(ctx, rewards, values, mask, batch, seq_len, gamma, lambda, out_advantages,
                                out_returns);
    });
}

gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean,
                           float* out) {
    const char* fn = "gd_masked_whiten";
    return guarded(fn, [&] {
        check_context(fn, ctx);
        check_ptr(fn, x, "x");
        check_ptr(fn, mask, "mask");
        check_ptr(fn, out, "out");
        CHECK(n > 0, "n must be > 0, got %lld", (long long)n);
        if (on_cuda(ctx))
            DISPATCH_CUDA(masked_whiten(ctx->stream, x, mask, n, shift_mean, out, msg, msg_len));
        double msum = 0.0;
        for (int64_t i = 0; i < n; ++i) msum += mask[i];
        CHECK(msum >= 2.0, "the mask must select at least 2 entries (Bessel-corrected variance), mask sum = %g",
              msum);
        return gendiv::cpu::masked_whiten(ctx, x, mask, n, shift_mean, out);
    });
}

}  // extern "C"
