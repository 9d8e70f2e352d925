// bench/gpu/bench_kernels.cu: times gendiv's CUDA kernels with CUDA events and prints, per
// kernel, the time, the bytes it must move, the achieved GB/s and that as a fraction of the
// device's measured device-to-device copy bandwidth. One JSON object per line.
// Built and run by bench/gpu/run.sh on a GPU machine.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gendiv.h"

#define CK(x)                                                                       \
    do {                                                                            \
        cudaError_t e = (x);                                                        \
        if (e != cudaSuccess) {                                                     \
            std::fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e));            \
            std::exit(1);                                                           \
        }                                                                           \
    } while (0)
#define GD(x)                                                                       \
    do {                                                                            \
        if ((x) != GD_OK) {                                                         \
            std::fprintf(stderr, "%s: %s\n", #x, gd_last_error());                  \
            std::exit(1);                                                           \
        }                                                                           \
    } while (0)

template <class F>
static double time_ms(F f, int reps = 20) {
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    f();  // warm-up
    CK(cudaDeviceSynchronize());
    CK(cudaEventRecord(a));
    for (int i = 0; i < reps; ++i) f();
    CK(cudaEventRecord(b));
    CK(cudaEventSynchronize(b));
    float ms = 0;
    CK(cudaEventElapsedTime(&ms, a, b));
    return ms / reps;
}

static float* device_normal(size_t n, float scale) {
    std::vector<float> h(n);
    std::mt19937 g(1);
    std::normal_distribution<float> d(0, scale);
    for (auto& x : h) x = d(g);
    float* p;
    CK(cudaMalloc(&p, n * 4));
    CK(cudaMemcpy(p, h.data(), n * 4, cudaMemcpyHostToDevice));
    return p;
}

static void report(const char* kernel, long rows, long vocab, double ms, double bytes, double copy_gbs) {
    double gbs = bytes / ms / 1e6;
    std::printf("{\"kernel\": \"%s\", \"rows\": %ld, \"vocab\": %ld, \"ms\": %.4f, \"GBps\": %.1f, "
                "\"copy_GBps\": %.1f, \"fraction_of_copy\": %.3f}\n", kernel, rows, vocab, ms, gbs, copy_gbs,
                gbs / copy_gbs);
}

int main() {
    if (gd_cuda_device_count() == 0) {
        std::fprintf(stderr, "no CUDA device\n");
        return 77;
    }
    gd_context ctx{0, 0, nullptr};
    for (long vocab : {50257L, 151936L}) {
        // Device copy bandwidth on a buffer the size of the PPO logits (read + write counted).
        size_t big = 2048UL * vocab;
        float *src = device_normal(big, 2.0f), *dst;
        CK(cudaMalloc(&dst, big * 4));
        double copy_ms = time_ms([&] { CK(cudaMemcpyAsync(dst, src, big * 4, cudaMemcpyDeviceToDevice)); });
        double copy_gbs = 2.0 * big * 4 / copy_ms / 1e6;

        long rows = 64;
        int32_t* tok;
        float *lp, *kept;
        CK(cudaMalloc(&tok, 2048 * 4));
        CK(cudaMalloc(&lp, 2048 * 4));
        CK(cudaMalloc(&kept, 2048 * 4));
        gd_sampling_params plain{1.0f, 0, 1.0f, 0.0f, 1, 0}, filt{0.8f, 50, 0.9f, 0.0f, 1, 0};
        report("sample T=1 (B=64)", rows, vocab,
               time_ms([&] { GD(gd_sample(&ctx, src, GD_F32, rows, vocab, vocab, nullptr, &plain, tok, lp, kept)); }),
               rows * vocab * 4.0, copy_gbs);
        report("sample top-k 50 top-p 0.9 (B=64)", rows, vocab,
               time_ms([&] { GD(gd_sample(&ctx, src, GD_F32, rows, vocab, vocab, nullptr, &filt, tok, lp, kept)); }),
               rows * vocab * 4.0, copy_gbs);
        report("sample T=1 (B=2048)", 2048, vocab,
               time_ms([&] { GD(gd_sample(&ctx, src, GD_F32, 2048, vocab, vocab, nullptr, &plain, tok, lp, kept)); }),
               2048.0 * vocab * 4.0, copy_gbs);

        std::vector<int32_t> ha(2048);
        for (int i = 0; i < 2048; ++i) ha[i] = (i * 7919) % vocab;
        int32_t* act;
        CK(cudaMalloc(&act, 2048 * 4));
        CK(cudaMemcpy(act, ha.data(), 2048 * 4, cudaMemcpyHostToDevice));
        report("token_logprobs (N=2048)", 2048, vocab,
               time_ms([&] { GD(gd_token_logprobs(&ctx, src, GD_F32, 2048, vocab, vocab, act, 1.0f, lp, kept)); }),
               2048.0 * vocab * 4.0, copy_gbs);
        report("kl_exact (N=2048)", 2048, vocab,
               time_ms([&] { GD(gd_kl_exact(&ctx, src, dst, GD_F32, 2048, vocab, vocab, vocab, 1.0f, lp)); }),
               2 * 2048.0 * vocab * 4.0, copy_gbs);
        float* old = device_normal(2048, 1.0f);
        float* adv = device_normal(2048, 1.0f);
        std::vector<float> ones(2048, 1.0f);
        float* mask;
        CK(cudaMalloc(&mask, 2048 * 4));
        CK(cudaMemcpy(mask, ones.data(), 2048 * 4, cudaMemcpyHostToDevice));
        gd_ppo_params pp{1.0f, 0.2f, 0.2f, 0.0f, 0.0f, 20.0f};
        gd_ppo_stats st;
        // Forward + backward: logits read twice (stats, then gradient), gradient written once.
        report("ppo_loss fwd+bwd (N=2048)", 2048, vocab,
               time_ms([&] { GD(gd_ppo_loss(&ctx, src, GD_F32, 2048, vocab, vocab, act, old, adv, mask, &pp, dst, &st)); }),
               3 * 2048.0 * vocab * 4.0, copy_gbs);
        CK(cudaFree(src));
        CK(cudaFree(dst));
        CK(cudaFree(tok));
        CK(cudaFree(lp));
        CK(cudaFree(kept));
        CK(cudaFree(act));
        CK(cudaFree(old));
        CK(cudaFree(adv));
        CK(cudaFree(mask));
    }
    return 0;
}
