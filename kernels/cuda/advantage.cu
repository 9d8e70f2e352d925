// Clipped value loss, GAE and masked whitening on CUDA. Small O(batch * seq_len) work: one
// block for the reductions, one thread per sequence for the GAE recursion.
#include "block.cuh"

namespace gendiv::cuda {

__global__ void mask_sum_kernel(const float* mask, int64_t n, double* out);  // ppo.cu

// Value loss (single block): fixed reduction order, so the result is deterministic.
__global__ void value_loss_kernel(const float* v, const float* v_old, const float* ret, const float* mask,
                                  int64_t n, float clip, const double* msum, float* grad, gd_value_stats* out) {
    const double ms = *msum;
    float loss = 0.0f, clipped = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        ValueToken t = value_token(v[i], v_old[i], ret[i], clip);
        bool on = mask[i] != 0.0f && ms > 0.0;
        if (on) {
            loss += mask[i] * t.loss;
            clipped += mask[i] * t.clipped;
        }
        if (grad) grad[i] = on ? float(double(mask[i]) * t.dloss_dv / ms) : 0.0f;
    }
    loss = block_sum(loss);
    clipped = block_sum(clipped);
    if (threadIdx.x == 0) {
        double d = ms == 0.0 ? 1.0 : ms;
        out->loss = float(loss / d);
        out->clip_fraction = float(clipped / d);
        out->mask_sum = float(ms);
    }
}

gd_status value_loss(void* stream, const float* values, const float* old_values, const float* returns,
                     const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out, char* msg,
                     int msg_len) {
    cudaStream_t s = as_stream(stream);
    char* scratch = nullptr;
    GD_CUDA_TRY(cudaMallocAsync(&scratch, sizeof(double) + sizeof(gd_value_stats), s), "cudaMallocAsync");
    double* msum = reinterpret_cast<double*>(scratch);
    gd_value_stats* d_stats = reinterpret_cast<gd_value_stats*>(msum + 1);
    mask_sum_kernel<<<1, kMaxBlock, 0, s>>>(mask, n, msum);
    value_loss_kernel<<<1, kMaxBlock, 0, s>>>(values, old_values, returns, mask, n, clip, msum, grad_values, d_stats);
    cudaError_t launched = cudaGetLastError();
    cudaMemcpyAsync(out, d_stats, sizeof *out, cudaMemcpyDeviceToHost, s);
    cudaFreeAsync(scratch, s);
    GD_CUDA_TRY(launched, "value_loss kernels");
    GD_CUDA_TRY(cudaStreamSynchronize(s), "value_loss");
    return GD_OK;
}

__global__ void gae_kernel(const float* rewards, const float* values, const float* mask, int64_t batch,
                           int64_t seq_len, float gamma, float lambda, float* adv_out, float* ret_out) {
    int64_t b = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
    if (b >= batch) return;
    int64_t o = b * seq_len;
    gae_sequence(rewards + o, values + o, mask + o, seq_len, gamma, lambda, adv_out + o, ret_out + o);
}

gd_status gae(void* stream, const float* rewards, const float* values, const float* mask, int64_t batch,
              int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns, char* msg,
              int msg_len) {
    unsigned blocks = unsigned((batch + 127) / 128);
    gae_kernel<<<blocks, 128, 0, as_stream(stream)>>>(rewards, values, mask, batch, seq_len, gamma, lambda,
                                                      out_advantages, out_returns);
    GD_CUDA_LAUNCHED("gae kernel");
    return GD_OK;
}

// moments = {mask sum, mean, Bessel variance} in float64, one block.
__global__ void whiten_moments_kernel(const float* x, const float* mask, int64_t n, double* moments) {
    double m = 0.0, sx = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        m += mask[i];
        sx += double(mask[i]) * x[i];
    }
    double msum = block_sum_f64(m);
    double mean = block_sum_f64(sx) / msum;
    double ss = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) ss += double(mask[i]) * (x[i] - mean) * (x[i] - mean);
    ss = block_sum_f64(ss);
    if (threadIdx.x == 0) {
        moments[0] = msum;
        moments[1] = mean;
        moments[2] = ss / (msum - 1.0);
    }
}

__global__ void whiten_apply_kernel(const float* x, const float* mask, int64_t n, int32_t shift_mean,
                                    const double* moments, float* out) {
    double mean = moments[1], inv_std = rsqrt(moments[2] + 1e-8);
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        double w = (x[i] - mean) * inv_std + (shift_mean ? 0.0 : mean);
        out[i] = mask[i] != 0.0f ? float(w) : 0.0f;
    }
}

gd_status masked_whiten(void* stream, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out,
                        char* msg, int msg_len) {
    cudaStream_t s = as_stream(stream);
    double* moments = nullptr;
    double h[3];
    GD_CUDA_TRY(cudaMallocAsync(&moments, sizeof h, s), "cudaMallocAsync");
    whiten_moments_kernel<<<1, kMaxBlock, 0, s>>>(x, mask, n, moments);
    cudaError_t launched = cudaGetLastError();
    cudaMemcpyAsync(h, moments, sizeof h, cudaMemcpyDeviceToHost, s);
    cudaError_t synced = cudaStreamSynchronize(s);
    if (launched != cudaSuccess || synced != cudaSuccess || h[0] < 2.0) {
        cudaFreeAsync(moments, s);
        GD_CUDA_TRY(launched, "whiten moments kernel");
        GD_CUDA_TRY(synced, "masked_whiten");
        snprintf(msg, size_t(msg_len),
                 "the mask must select at least 2 entries (Bessel-corrected variance), mask sum = %g", h[0]);
        return GD_ERR_INVALID_ARGUMENT;
    }
    unsigned blocks = unsigned((n + 255) / 256 < 4096 ? (n + 255) / 256 : 4096);
    whiten_apply_kernel<<<blocks, 256, 0, s>>>(x, mask, n, shift_mean, moments, out);
    launched = cudaGetLastError();
    cudaFreeAsync(moments, s);
    GD_CUDA_TRY(launched, "whiten apply kernel");
    return GD_OK;
}

}  // namespace gendiv::cuda
