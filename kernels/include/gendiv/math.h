// gendiv/math.h: the per-element math of every gendiv kernel, written once and compiled
// both by the host compiler (kernels/cpu) and by nvcc (kernels/cuda), so what the CPU tests
// prove about a formula holds on the GPU; only reductions and scheduling differ.
//
// Floating-point contract: the CPU build uses -ffp-contract=off and the CUDA build
// -fmad=false for the code that decides which token is sampled (Philox, the Gumbel key),
// so a row's draw is the same bits on every device. Everything else is float32 math
// accumulated in float32 per chunk and merged in float64 where rows are reduced; on the CPU a
// chunk's sums run in 16 fixed lanes (cpu.h's LaneSums), so every instruction set the loader
// may pick (SSE2, AVX2, AVX-512) gives the same bits.
#ifndef GENDIV_MATH_H
#define GENDIV_MATH_H

#include <stdint.h>
#include <string.h>
#include <math.h>

#if defined(__CUDACC__)
#define GD_HD __host__ __device__ __forceinline__
#define GD_UNROLL _Pragma("unroll")
#else
#define GD_HD inline __attribute__((always_inline))
#define GD_UNROLL _Pragma("GCC unroll 16")
#endif

namespace gendiv {

constexpr float kInf = __builtin_huge_valf();

// ---- bit casts and bf16 -------------------------------------------------------------------
GD_HD uint32_t float_bits(float x) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(x);
#else
    return __builtin_bit_cast(uint32_t, x);
#endif
}
GD_HD float bits_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    return __builtin_bit_cast(float, u);
#endif
}
// bf16 is the top half of a float32.
GD_HD float bf16_to_float(uint16_t h) { return bits_float(uint32_t(h) << 16); }
// Round to nearest even; NaN stays a (quiet) NaN.
GD_HD uint16_t float_to_bf16(float x) {
    uint32_t u = float_bits(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return uint16_t(u >> 16);
}
GD_HD float load_logit(const float* p, int64_t i) { return p[i]; }
GD_HD float load_logit(const uint16_t* p, int64_t i) { return bf16_to_float(p[i]); }
GD_HD void store_logit(float* p, int64_t i, float v) { p[i] = v; }
GD_HD void store_logit(uint16_t* p, int64_t i, float v) { p[i] = float_to_bf16(v); }

// ---- exp and log that vectorise and give the same bits on CPU and GPU --------------------
// exp(x) for x <= 0 (every call site subtracts a running max first); -inf gives 0.
// Cody-Waite range reduction and a degree-6 polynomial (Cephes expf), max rel. error ~2e-7.
GD_HD float exp_nonpos(float x) {
    x = x < -87.0f ? -87.0f : x;                    // also maps -inf; underflows to ~0 below
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    float scale = bits_float(uint32_t(int32_t(n) + 127) << 23);
    return x <= -87.0f ? 0.0f : p * scale;
}

// 2^y for y < 128, for sums of exp(x - m) = 2^((x - m) log2 e) (the sampler's logsumexp, with m
// the chunk's max): fewer operations than exp_nonpos (no Cody-Waite split, one degree lower), max
// rel. error 1.9e-7. Adding 1.5 * 2^23 rounds y to the nearest
// integer n and leaves n in the low bits, which then build 2^n's exponent; the polynomial is 2^f
// on [-1/2, 1/2] with p(0) = 1 exactly (a relative-error minimax fit). Below -126 it returns
// 2^-126 (-inf included): next to the max's term of 1, V such terms change a sum by V * 1.2e-38.
GD_HD float exp2_fast(float y) {
    y = y < -126.0f ? -126.0f : y;
    float t = y + 12582912.0f;  // 1.5 * 2^23
    float f = y - (t - 12582912.0f);
    float p = 1.3264708687e-3f;
    p = p * f + 9.6715111285e-3f;
    p = p * f + 5.5507339537e-2f;
    p = p * f + 2.4022242427e-1f;
    p = p * f + 6.9314700365e-1f;
    p = p * f + 1.0f;
    return p * bits_float((float_bits(t) + 127u) << 23);
}
constexpr float kLog2e = 1.44269504088896341f;

// Natural log for positive normal x (Cephes logf), max rel. error ~1e-7.
GD_HD float log_pos(float x) {
    uint32_t u = float_bits(x);
    int32_t e = int32_t((u >> 23) & 0xffu) - 127;
    float m = bits_float((u & 0x007fffffu) | 0x3f800000u);  // [1, 2)
    bool big = m > 1.41421356237f;  // branch-free, so loops of log_pos vectorise
    m = big ? m * 0.5f : m;
    e += big ? 1 : 0;
    float f = m - 1.0f;
    float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    float fe = float(e);
    y += fe * -2.12194440e-4f;
    y += -0.5f * z;
    return f + y + fe * 0.693359375f;
}

// ---- Philox4x32-10 (Salmon et al., SC'11) -------------------------------------------------
struct Philox4 {
    uint32_t v[4];
};
GD_HD void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
    uint64_t p = uint64_t(a) * uint64_t(b);
    hi = uint32_t(p >> 32);
    lo = uint32_t(p);
}
GD_HD Philox4 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
    GD_UNROLL
    for (int round = 0; round < 10; ++round) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(0xD2511F53u, c0, hi0, lo0);
        mulhilo(0xCD9E8D57u, c2, hi1, lo1);
        uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return Philox4{{c0, c1, c2, c3}};
}

// The random stream of one sampling draw. Counter = (token/4, step low, row low,
// row high 16 | step high 16 << 16); key = seed. Token v uses lane v % 4 of block v / 4.
// Distinct for rows and steps below 2^48.
struct DrawKey {
    uint32_t k0, k1, c1, c2, c3;
};
GD_HD DrawKey draw_key(uint64_t seed, int64_t row_id, int64_t step) {
    uint64_t r = uint64_t(row_id), s = uint64_t(step);
    return DrawKey{uint32_t(seed), uint32_t(seed >> 32), uint32_t(s), uint32_t(r),
                   uint32_t((r >> 32) & 0xffffu) | (uint32_t((s >> 32) & 0xffffu) << 16)};
}
GD_HD Philox4 draw_block(const DrawKey& k, uint32_t block) {
    return philox4x32_10(block, k.c1, k.c2, k.c3, k.k0, k.k1);
}
// Uniform in (0, 1): 24 random bits, centred, exact in float32: u in [2^-25, 1 - 2^-25].
GD_HD float uniform_open(uint32_t bits) { return (float(bits >> 8) + 0.5f) * 5.9604644775390625e-8f; }
// Standard Gumbel noise g = -log(-log u).
GD_HD float gumbel(uint32_t bits) { return -log_pos(-log_pos(uniform_open(bits))); }
// The Gumbel noise of one token of a draw.
GD_HD float token_gumbel(const DrawKey& key, int64_t token) {
    return gumbel(draw_block(key, uint32_t(token >> 2)).v[token & 3]);
}
// Bounds of gumbel() over every possible u (u = 1 - 2^-25 gives 17.33; u = 2^-25 gives -2.85):
// a token whose z/T + kGumbelMax cannot beat the best key so far can be skipped exactly.
constexpr float kGumbelMax = 17.5f;

// ---- online log-sum-exp -------------------------------------------------------------------
// (m, s): running max and sum of exp(x - m). merge() is associative up to rounding.
struct LseState {
    float m = -kInf;
    float s = 0.0f;
};
GD_HD void lse_merge(LseState& a, float m, float s) {
    if (m == -kInf) return;
    if (m > a.m) {
        a.s = a.s * exp_nonpos(a.m - m) + s;
        a.m = m;
    } else {
        a.s += s * exp_nonpos(m - a.m);
    }
}

// log softmax as (x - m) - log s rather than x - (m + log s): with logits near 1e4 the sum
// m + log s rounds to float32's 1e-3 spacing there, while x - m is exact.
struct LogNorm {
    float m, log_s;
    GD_HD float logp(float x) const { return (x - m) - log_s; }
};
GD_HD LogNorm log_norm(float m, float s) { return LogNorm{m, log_pos(s)}; }

// ---- KL estimators (Schulman, "Approximating KL divergence", 2020) ------------------------
// r = log pi_ref(y) - log pi(y);  k1 = -r,  k2 = r^2 / 2,  k3 = (e^r - 1) - r.
enum KlEstimator : int32_t { kK1 = 1, kK2 = 2, kK3 = 3 };
GD_HD float kl_estimate(int32_t estimator, float logp, float ref_logp) {
    float r = ref_logp - logp;
    if (estimator == kK1) return -r;
    if (estimator == kK2) return 0.5f * r * r;
    return expm1f(r) - r;
}

// ---- PPO clipped surrogate (Schulman et al. 2017), with dual clip (Ye et al. 2020) --------
struct PpoToken {
    float loss;      // max(-A r, -A clip(r)), then min(., -c A) when A < 0 and dual clip is on
    float dloss_dlogp;
    float clipped;   // 1 when the clipped branch is strictly larger (TRL's clipfrac)
    float approx_kl; // k3 of the ratio: (r - 1) - log r
};
GD_HD PpoToken ppo_token(float logp, float old_logp, float adv, float eps_low, float eps_high,
                         float dual_clip, float log_ratio_clamp) {
    float lr = logp - old_logp;
    float lr_c = lr > log_ratio_clamp ? log_ratio_clamp : (lr < -log_ratio_clamp ? -log_ratio_clamp : lr);
    bool clamp_active = lr_c != lr;
    float ratio = expf(lr_c);
    float lo = 1.0f - eps_low, hi = 1.0f + eps_high;
    float ratio_c = ratio < lo ? lo : (ratio > hi ? hi : ratio);
    float unclipped = -adv * ratio, clipped = -adv * ratio_c;
    PpoToken t;
    t.clipped = clipped > unclipped ? 1.0f : 0.0f;
    t.loss = clipped > unclipped ? clipped : unclipped;
    // d(-A r)/dlogp = -A r; the clipped branch is constant in logp.
    float grad = clipped > unclipped ? 0.0f : -adv * ratio;
    if (dual_clip > 0.0f && adv < 0.0f && t.loss > -dual_clip * adv) {
        t.loss = -dual_clip * adv;
        grad = 0.0f;
    }
    t.dloss_dlogp = clamp_active ? 0.0f : grad;
    t.approx_kl = expm1f(lr_c) - lr_c;
    return t;
}

// ---- clipped value loss -------------------------------------------------------------------
// 0.5 * max((v - R)^2, (v_old + clamp(v - v_old, -eps, eps) - R)^2); returns d/dv of it too.
// Inside the band (|v - v_old| <= eps) the clipped value is v itself, so the unclipped branch is
// taken outright: v_old + (v - v_old) may differ from v by an ulp in float32, and comparing the two
// squares there would count unclipped tokens as clipped.
struct ValueToken {
    float loss, dloss_dv, clipped;
};
GD_HD ValueToken value_token(float v, float v_old, float ret, float eps) {
    float d = v - v_old;
    ValueToken t;
    t.loss = 0.5f * (v - ret) * (v - ret);
    t.dloss_dv = v - ret;
    t.clipped = 0.0f;
    if (d > eps || d < -eps) {
        float vc = v_old + (d > eps ? eps : -eps);
        float b = (vc - ret) * (vc - ret);
        if (b > 2.0f * t.loss) {  // the clipped value is farther from the return: its loss, constant in v
            t.loss = 0.5f * b;
            t.dloss_dv = 0.0f;
            t.clipped = 1.0f;
        }
    }
    return t;
}

// ---- per-token KL rewards of one sequence --------------------------------------------------
// reward_t = -beta k_t mask_t, plus the score (clipped to +-score_clip when > 0) at the last
// t with mask_t != 0; kl_t (nullable) = k_t mask_t.
GD_HD void kl_rewards_sequence(const float* logp, const float* ref, const float* mask, float score, int64_t len,
                               float beta, int32_t estimator, float score_clip, float* rewards, float* kl) {
    int64_t last = -1;
    for (int64_t t = 0; t < len; ++t) {
        float k = mask[t] != 0.0f ? kl_estimate(estimator, logp[t], ref[t]) * mask[t] : 0.0f;
        rewards[t] = -beta * k;
        if (kl) kl[t] = k;
        if (mask[t] != 0.0f) last = t;
    }
    if (last < 0) return;
    if (score_clip > 0.0f) score = score > score_clip ? score_clip : (score < -score_clip ? -score_clip : score);
    rewards[last] += score;
}

// ---- GAE (Schulman et al. 2016) over one sequence -----------------------------------------
// delta_t = r_t + gamma V_{t+1} - V_t, A_t = delta_t + gamma lambda A_{t+1}, R_t = A_t + V_t.
// A masked position gets A = R = 0 and ends the recursion, as the end of the sequence does.
GD_HD void gae_sequence(const float* r, const float* v, const float* mask, int64_t len, float gamma, float lambda,
                        float* adv, float* ret) {
    float next_value = 0.0f, next_adv = 0.0f;
    for (int64_t t = len - 1; t >= 0; --t) {
        if (mask[t] == 0.0f) {
            adv[t] = ret[t] = 0.0f;
            next_value = next_adv = 0.0f;
            continue;
        }
        float delta = r[t] + gamma * next_value - v[t];
        float a = delta + gamma * lambda * next_adv;
        adv[t] = a;
        ret[t] = a + v[t];
        next_value = v[t];
        next_adv = a;
    }
}

}  // namespace gendiv

#endif
