// KL penalty on CUDA: per-token estimators, per-token rewards (one block per sequence), and
// the exact full-vocabulary KL between two logit rows (one block per row, one read of each).
#include "block.cuh"

namespace gendiv::cuda {

__global__ void kl_per_token_kernel(const float* logp, const float* ref, int64_t n, int32_t est, float* out) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        out[i] = kl_estimate(est, logp[i], ref[i]);
}

gd_status kl_per_token(void* stream, const float* logprobs, const float* ref_logprobs, int64_t n, int32_t estimator,
                       float* out_kl, char* msg, int msg_len) {
    int blocks = int((n + 255) / 256 < 4096 ? (n + 255) / 256 : 4096);
    kl_per_token_kernel<<<blocks, 256, 0, as_stream(stream)>>>(logprobs, ref_logprobs, n, estimator, out_kl);
    GD_CUDA_LAUNCHED("kl_per_token kernel");
    return GD_OK;
}

__global__ void kl_rewards_kernel(const float* logp, const float* ref, const float* mask, const float* scores,
                                  int64_t batch, int64_t seq_len, gd_kl_reward_params p, float* rewards, float* out_kl) {
    int64_t b = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
    if (b >= batch) return;
    int64_t o = b * seq_len;
    kl_rewards_sequence(logp + o, ref + o, mask + o, scores[b], seq_len, p.beta, p.estimator, p.score_clip,
                        rewards + o, out_kl ? out_kl + o : nullptr);
}

gd_status kl_rewards(void* stream, const float* logprobs, const float* ref_logprobs, const float* mask,
                     const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* p,
                     float* out_rewards, float* out_kl, char* msg, int msg_len) {
    unsigned blocks = unsigned((batch + 127) / 128);
    kl_rewards_kernel<<<blocks, 128, 0, as_stream(stream)>>>(logprobs, ref_logprobs, mask, scores, batch, seq_len, *p,
                                                             out_rewards, out_kl);
    GD_CUDA_LAUNCHED("kl_rewards kernel");
    return GD_OK;
}

// Per thread: (ma, sa, w) for a with w = sum e^(xa - ma) (xa - xb), and (mb, sb) for b.
struct KlAcc {
    float ma, sa, w, mb, sb;
};
__device__ __forceinline__ KlAcc kl_merge(KlAcc a, KlAcc b) {
    KlAcc r;
    if (a.ma == -kInf) {
        r.ma = b.ma; r.sa = b.sa; r.w = b.w;
    } else if (b.ma == -kInf) {
        r.ma = a.ma; r.sa = a.sa; r.w = a.w;
    } else {
        r.ma = fmaxf(a.ma, b.ma);
        float fa = exp_nonpos(a.ma - r.ma), fb = exp_nonpos(b.ma - r.ma);
        r.sa = fa * a.sa + fb * b.sa;
        r.w = fa * a.w + fb * b.w;
    }
    if (a.mb == -kInf) {
        r.mb = b.mb; r.sb = b.sb;
    } else if (b.mb == -kInf) {
        r.mb = a.mb; r.sb = a.sb;
    } else {
        r.mb = fmaxf(a.mb, b.mb);
        r.sb = exp_nonpos(a.mb - r.mb) * a.sb + exp_nonpos(b.mb - r.mb) * b.sb;
    }
    return r;
}
struct KlOp {
    __device__ KlAcc operator()(KlAcc a, KlAcc b) const { return kl_merge(a, b); }
};

template <class T>
__global__ void kl_exact_kernel(const T* a, const T* b, int64_t vocab, int64_t sa, int64_t sb, float inv_t,
                                float* out) {
    const T* za = a + blockIdx.x * sa;
    const T* zb = b + blockIdx.x * sb;
    KlAcc acc{-kInf, 0.0f, 0.0f, -kInf, 0.0f};
    for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) {
        float xa = load_logit(za, v) * inv_t, xb = load_logit(zb, v) * inv_t;
        KlAcc one{xa, xa == -kInf ? 0.0f : 1.0f, xa == -kInf ? 0.0f : xa - xb, xb, xb == -kInf ? 0.0f : 1.0f};
        acc = kl_merge(acc, one);
    }
    acc = block_reduce(acc, KlOp{});
    if (threadIdx.x == 0)
        out[blockIdx.x] = (acc.ma == -kInf || acc.mb == -kInf)
                              ? NAN
                              : acc.w / acc.sa - (acc.ma - acc.mb) - log_pos(acc.sa) + log_pos(acc.sb);
}

gd_status kl_exact(void* stream, const void* logits, const void* ref_logits, int32_t dtype, int64_t n,
                   int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl,
                   char* msg, int msg_len) {
    float inv_t = 1.0f / temperature;
    int block = row_block(vocab);
    if (dtype == GD_BF16)
        kl_exact_kernel<<<dim3(unsigned(n)), block, 0, as_stream(stream)>>>(
            static_cast<const uint16_t*>(logits), static_cast<const uint16_t*>(ref_logits), vocab, row_stride,
            ref_row_stride, inv_t, out_kl);
    else
        kl_exact_kernel<<<dim3(unsigned(n)), block, 0, as_stream(stream)>>>(
            static_cast<const float*>(logits), static_cast<const float*>(ref_logits), vocab, row_stride,
            ref_row_stride, inv_t, out_kl);
    GD_CUDA_LAUNCHED("kl_exact kernel");
    return GD_OK;
}

}  // namespace gendiv::cuda
