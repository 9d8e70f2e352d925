// Fused PPO clipped loss on CUDA: one block per row (token). Pass 1 reduces the softmax
// statistics; thread 0 evaluates the clipped surrogate (gendiv/math.h); pass 2 writes
// d loss / d z = w (g (1[v = y] - p_v) + c_ent p_v (log p_v + H)) / T, in place if asked.
// A last single-block kernel reduces the per-row results in a fixed order (deterministic).
#include "block.cuh"

namespace gendiv::cuda {

struct RowOut {
    float loss, clipped, approx_kl, entropy;
};

// sum(mask) in float64 by one block (blockDim a power of two).
__global__ void mask_sum_kernel(const float* mask, int64_t n, double* out) {
    double acc = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) acc += double(mask[i]);
    acc = block_sum_f64(acc);
    if (threadIdx.x == 0) *out = acc;
}

template <class T>
__global__ void ppo_rows_kernel(const T* logits, int64_t vocab, int64_t stride, const int32_t* actions,
                                const float* old_logprobs, const float* adv, const float* mask, gd_ppo_params p,
                                const double* msum, T* grad, RowOut* rows) {
    const int64_t r = blockIdx.x;
    const T* z = logits + r * stride;
    T* g = grad ? grad + r * stride : nullptr;
    const double ms = *msum;
    if (mask[r] == 0.0f || ms == 0.0) {
        if (g)
            for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) store_logit(g, v, 0.0f);
        if (threadIdx.x == 0) rows[r] = RowOut{0, 0, 0, 0};
        return;
    }
    const float inv_t = 1.0f / p.temperature;
    Stats3 st = row_stats(z, vocab, inv_t);
    const LogNorm nz = stats_norm(st);
    const float h = stats_entropy(st);
    const int32_t y = actions[r];
    const float logp = nz.logp(load_logit(z, y) * inv_t);
    PpoToken t = ppo_token(logp, old_logprobs[r], adv[r], p.eps_low, p.eps_high, p.dual_clip, p.log_ratio_clamp);
    __syncthreads();  // every thread has read z[y] before anyone overwrites it
    if (threadIdx.x == 0) rows[r] = RowOut{t.loss, t.clipped, t.approx_kl, h};
    if (!g) return;
    const float w = float(double(mask[r]) / ms);
    const float a = w * t.dloss_dlogp * inv_t, b = w * p.entropy_coef * inv_t;
    for (int64_t v = threadIdx.x; v < vocab; v += blockDim.x) {
        float lp = nz.logp(load_logit(z, v) * inv_t);
        float pv = exp_nonpos(lp);
        float gv = pv == 0.0f ? 0.0f : -pv * (a - b * (lp + h));
        if (v == y) gv += a;
        store_logit(g, v, gv);
    }
}

__global__ void ppo_reduce_kernel(const RowOut* rows, const float* mask, int64_t n, const double* msum,
                                  float entropy_coef, gd_ppo_stats* out) {
    if (threadIdx.x != 0) return;
    double loss = 0, clipped = 0, akl = 0, ent = 0;
    for (int64_t r = 0; r < n; ++r) {
        double m = mask[r];
        if (m == 0.0) continue;
        loss += m * rows[r].loss;
        clipped += m * rows[r].clipped;
        akl += m * rows[r].approx_kl;
        ent += m * rows[r].entropy;
    }
    double d = *msum == 0.0 ? 1.0 : *msum;
    out->policy_loss = float(loss / d);
    out->clip_fraction = float(clipped / d);
    out->approx_kl = float(akl / d);
    out->entropy = float(ent / d);
    out->loss = float(loss / d - double(entropy_coef) * ent / d);
    out->mask_sum = float(*msum);
}

gd_status ppo_loss(void* stream, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride,
                   const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask,
                   const gd_ppo_params* p, void* grad_logits, gd_ppo_stats* out, char* msg, int msg_len) {
    cudaStream_t s = as_stream(stream);
    char* scratch = nullptr;
    size_t rows_bytes = size_t(n) * sizeof(RowOut);
    GD_CUDA_TRY(cudaMallocAsync(&scratch, rows_bytes + sizeof(double) + sizeof(gd_ppo_stats), s), "cudaMallocAsync");
    RowOut* rows = reinterpret_cast<RowOut*>(scratch);
    double* msum = reinterpret_cast<double*>(scratch + rows_bytes);
    gd_ppo_stats* d_stats = reinterpret_cast<gd_ppo_stats*>(msum + 1);
    mask_sum_kernel<<<1, kMaxBlock, 0, s>>>(mask, n, msum);
    int block = row_block(vocab);
    if (dtype == GD_BF16)
        ppo_rows_kernel<<<dim3(unsigned(n)), block, 0, s>>>(static_cast<const uint16_t*>(logits), vocab, row_stride,
                                                           actions, old_logprobs, advantages, mask, *p, msum,
                                                           static_cast<uint16_t*>(grad_logits), rows);
    else
        ppo_rows_kernel<<<dim3(unsigned(n)), block, 0, s>>>(static_cast<const float*>(logits), vocab, row_stride,
                                                           actions, old_logprobs, advantages, mask, *p, msum,
                                                           static_cast<float*>(grad_logits), rows);
    ppo_reduce_kernel<<<1, 32, 0, s>>>(rows, mask, n, msum, p->entropy_coef, d_stats);
    cudaError_t launched = cudaGetLastError();
    cudaMemcpyAsync(out, d_stats, sizeof *out, cudaMemcpyDeviceToHost, s);
    cudaFreeAsync(scratch, s);
    GD_CUDA_TRY(launched, "ppo_loss kernels");
    GD_CUDA_TRY(cudaStreamSynchronize(s), "ppo_loss");
    return GD_OK;
}

}  // namespace gendiv::cuda
