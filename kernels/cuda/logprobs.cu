// Token log-probs and entropy on CUDA: one block per row, one read of the row.
#include "block.cuh"

namespace gendiv::cuda {

template <class T>
__global__ void logprobs_kernel(const T* logits, int64_t vocab, int64_t stride, const int32_t* targets,
                                float inv_t, float* out_logprobs, float* out_entropy) {
    const T* z = logits + blockIdx.x * stride;
    Stats3 st = row_stats(z, vocab, inv_t);
    if (threadIdx.x == 0) {
        bool empty = st.m == -kInf;
        out_logprobs[blockIdx.x] = empty ? NAN : stats_norm(st).logp(load_logit(z, targets[blockIdx.x]) * inv_t);
        if (out_entropy) out_entropy[blockIdx.x] = empty ? NAN : stats_entropy(st);
    }
}

gd_status token_logprobs(void* stream, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                         int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs,
                         float* out_entropy, char* msg, int msg_len) {
    float inv_t = 1.0f / temperature;
    int block = row_block(vocab);
    if (dtype == GD_BF16)
        logprobs_kernel<<<dim3(unsigned(n)), block, 0, as_stream(stream)>>>(
            static_cast<const uint16_t*>(logits), vocab, row_stride, targets, inv_t, out_logprobs, out_entropy);
    else
        logprobs_kernel<<<dim3(unsigned(n)), block, 0, as_stream(stream)>>>(
            static_cast<const float*>(logits), vocab, row_stride, targets, inv_t, out_logprobs, out_entropy);
    GD_CUDA_LAUNCHED("token_logprobs kernel");
    return GD_OK;
}

}  // namespace gendiv::cuda
