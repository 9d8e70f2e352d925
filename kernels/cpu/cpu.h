// kernels/cpu/cpu.h: the CPU kernels (called by native/src after argument checks) and the
// small helpers they share: a static-partition parallel_for and the one-pass row statistics.
#ifndef GENDIV_CPU_H
#define GENDIV_CPU_H

#include <algorithm>
#include <thread>
#include <vector>

#include "gendiv.h"
#include "gendiv/math.h"

// Hot loops get AVX-512 and AVX2+FMA clones chosen at load time, and a baseline x86-64 one.
// Where a loop needs intrinsics, its versions are written out (GD_FMV_DEFAULT marks the portable
// one) and the loader picks one the same way.
#if defined(__x86_64__) && !defined(GENDIV_NO_CLONES)
#define GD_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define GD_FMV 1
#define GD_FMV_DEFAULT __attribute__((target("default")))
#else
#define GD_HOT
#define GD_FMV 0
#define GD_FMV_DEFAULT
#endif

namespace gendiv::cpu {

// Float sums with the same bits at every vector width. An `omp simd reduction(+)` splits a sum
// into as many partial sums as the loaded clone has lanes (4 on SSE2, 8 on AVX2, 16 on
// AVX-512), so machines would differ in the last bits, and training compounds such bits into
// other results. Here a chunk's terms are computed first (a vectorised loop writing them out),
// then term i goes to lane i % kLanes of kLanes partial sums, and the lanes are added in a fixed
// pairwise order: every clone and the portable build agree.
constexpr int kLanes = 16;

struct LaneSums {
    float v[kLanes] = {};

    // Adds terms t[0, n) (n <= kChunk), t[i] to lane i % kLanes.
    [[gnu::always_inline]] void add(const float* t, int64_t n) {
        int64_t i = 0;
        for (; i + kLanes <= n; i += kLanes) {
#pragma omp simd
            for (int j = 0; j < kLanes; ++j) v[j] += t[i + j];
        }
        for (int j = 0; i + j < n; ++j) v[j] += t[i + j];
    }

    float total() const {
        float t[kLanes];
        for (int j = 0; j < kLanes; ++j) t[j] = v[j];
        for (int w = kLanes / 2; w >= 1; w /= 2)
            for (int j = 0; j < w; ++j) t[j] += t[j + w];
        return t[0];
    }
};

constexpr int64_t kChunk = 1024;  // logits processed per L1-resident chunk

int resolve_threads(int requested);

// Runs task(ctx, i) for i in [0, parts): part 0 on the calling thread, the others on the
// process's pool of parked threads (threads.cpp), all done when it returns.
using Task = void (*)(void* ctx, int part);
void run_parts(int parts, Task task, void* ctx);

// Runs body(begin, end) over [0, n) split into contiguous blocks, one per thread. Work below
// min_per_thread items per thread stays on fewer threads. Results must not depend on the
// split: every kernel writes per-row outputs and reduces rows serially afterwards.
template <class Body>
void parallel_for(int64_t n, int threads, int64_t work_per_item, Body body) {
    constexpr int64_t kMinWorkPerThread = 1 << 15;
    int64_t useful = std::max<int64_t>(1, (n * std::max<int64_t>(work_per_item, 1)) / kMinWorkPerThread);
    int t = int(std::min<int64_t>({int64_t(threads), n, useful}));
    if (t <= 1) {
        if (n > 0) body(int64_t(0), n);
        return;
    }
    struct Split {
        Body& body;
        int64_t n;
        int t;
    } split{body, n, t};
    run_parts(t, [](void* ctx, int i) {
        auto& s = *static_cast<Split*>(ctx);
        s.body(s.n * i / s.t, s.n * (i + 1) / s.t);
    }, &split);
}

// Softmax statistics of one row x = z * inv_t in one read: max m, s = sum exp(x - m) and
// u = sum exp(x - m) (x - m): log-probs come from norm(), entropy = log s - u / s.
struct RowStats {
    float m = -kInf, s = 0.0f, u = 0.0f;
    float entropy() const { return log_pos(s) - u / s; }
    LogNorm norm() const { return log_norm(m, s); }
};

// Loads n logits scaled by inv_t into buf (float32) and returns their max.
template <class T>
float chunk_load_max(const T* z, int64_t n, float inv_t, float* buf);

// sum exp(buf[i] - cm) over a chunk whose max is cm.
float chunk_sum_exp(const float* buf, int64_t n, float cm);

template <class T>
RowStats row_stats(const T* z, int64_t vocab, float inv_t, float* buf);

// Exact KL(softmax(a * inv_t) || softmax(b * inv_t)) of two rows, one read of each.
template <class T>
float row_kl(const T* a, const T* b, int64_t vocab, float inv_t, float* buf_a, float* buf_b);

gd_status sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab,
                 int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* p, int32_t* out_tokens,
                 float* out_logprobs, float* out_kept_mass);
gd_status token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                         int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs,
                         float* out_entropy);
gd_status kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n,
                       int32_t estimator, float* out_kl);
gd_status kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask,
                     const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* p,
                     float* out_rewards, float* out_kl);
gd_status kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n,
                   int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl);
gd_status ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                   int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages,
                   const float* mask, const gd_ppo_params* p, void* grad_logits, gd_ppo_stats* out);
gd_status value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns,
                     const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out);
gd_status gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch,
              int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns);
gd_status masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean,
                        float* out);

}  // namespace gendiv::cpu

#endif
