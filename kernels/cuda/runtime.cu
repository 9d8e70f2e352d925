// CUDA runtime plumbing: device discovery, streams, and the on-device id range check.
#include <limits.h>

#include "block.cuh"

namespace gendiv::cuda {

int device_count() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no driver" error
        return 0;
    }
    return n;
}

gd_status use_device(int ordinal, char* msg, int msg_len) {
    GD_CUDA_TRY(cudaSetDevice(ordinal), "cudaSetDevice");
    return GD_OK;
}

gd_status synchronize(void* stream, char* msg, int msg_len) {
    GD_CUDA_TRY(cudaStreamSynchronize(as_stream(stream)), "cudaStreamSynchronize");
    return GD_OK;
}

__global__ void first_bad_id_kernel(const int32_t* ids, int64_t n, int64_t vocab, unsigned long long* first) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        if (ids[i] < 0 || ids[i] >= vocab) atomicMin(first, (unsigned long long)i);
}

gd_status first_bad_id(const int32_t* ids, int64_t n, int64_t vocab, void* stream, int64_t* first_bad, char* msg,
                       int msg_len) {
    cudaStream_t s = as_stream(stream);
    unsigned long long* d_first = nullptr;
    unsigned long long h_first = ULLONG_MAX;
    GD_CUDA_TRY(cudaMallocAsync(&d_first, sizeof h_first, s), "cudaMallocAsync");
    cudaMemcpyAsync(d_first, &h_first, sizeof h_first, cudaMemcpyHostToDevice, s);
    int blocks = int((n + 255) / 256 < 1024 ? (n + 255) / 256 : 1024);
    first_bad_id_kernel<<<blocks, 256, 0, s>>>(ids, n, vocab, d_first);
    cudaError_t launched = cudaGetLastError();
    cudaMemcpyAsync(&h_first, d_first, sizeof h_first, cudaMemcpyDeviceToHost, s);
    cudaFreeAsync(d_first, s);
    GD_CUDA_TRY(launched, "id check kernel");
    GD_CUDA_TRY(cudaStreamSynchronize(s), "id check");
    *first_bad = h_first == ULLONG_MAX ? -1 : int64_t(h_first);
    return GD_OK;
}

}  // namespace gendiv::cuda
