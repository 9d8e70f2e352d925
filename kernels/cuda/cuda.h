// kernels/cuda/cuda.h: the CUDA kernels' host entry points (called by native/src after the
// argument checks that need no device memory). Pointers are device pointers; calls are
// asynchronous on `stream` unless they must read a result back (noted per function).
#ifndef GENDIV_CUDA_H
#define GENDIV_CUDA_H

#include "gendiv.h"

namespace gendiv::cuda {

// Device count, 0 when the driver or a device is missing. Never fails.
int device_count();
// Makes ordinal current on the calling thread; GD_OK or GD_ERR_CUDA with a message.
gd_status use_device(int ordinal, char* msg, int msg_len);
gd_status synchronize(void* stream, char* msg, int msg_len);
// Index of the first id outside [0, vocab), or -1 (reads back: synchronous on stream).
gd_status first_bad_id(const int32_t* ids, int64_t n, int64_t vocab, void* stream, int64_t* first_bad, char* msg,
                       int msg_len);

gd_status sample(void* stream, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride,
                 const int64_t* row_ids, const gd_sampling_params* p, int32_t* out_tokens, float* out_logprobs,
                 float* out_kept_mass, char* msg, int msg_len);
gd_status token_logprobs(void* stream, const void* logits, int32_t dtype, int64_t n, int64_t vocab,
                         int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs,
                         float* out_entropy, char* msg, int msg_len);
gd_status kl_per_token(void* stream, const float* logprobs, const float* ref_logprobs, int64_t n,
                       int32_t estimator, float* out_kl, char* msg, int msg_len);
gd_status kl_rewards(void* stream, const float* logprobs, const float* ref_logprobs, const float* mask,
                     const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* p,
                     float* out_rewards, float* out_kl, char* msg, int msg_len);
gd_status kl_exact(void* stream, const void* logits, const void* ref_logits, int32_t dtype, int64_t n,
                   int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl,
                   char* msg, int msg_len);
// Synchronous: the statistics are read back into host memory.
gd_status ppo_loss(void* stream, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride,
                   const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask,
                   const gd_ppo_params* p, void* grad_logits, gd_ppo_stats* out, char* msg, int msg_len);
// Synchronous: the statistics are read back into host memory.
gd_status value_loss(void* stream, const float* values, const float* old_values, const float* returns,
                     const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out, char* msg,
                     int msg_len);
gd_status gae(void* stream, const float* rewards, const float* values, const float* mask, int64_t batch,
              int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns, char* msg,
              int msg_len);
// Synchronous: the mask sum is read back to check it is >= 2.
gd_status masked_whiten(void* stream, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out,
                        char* msg, int msg_len);

}  // namespace gendiv::cuda

#endif
