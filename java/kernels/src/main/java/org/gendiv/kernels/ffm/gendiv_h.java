// Generated in the shape jextract 22+ generates from native/include/gendiv.h (jextract is not
// obtainable here, so this file is committed; FfmBindingTest fails when it drifts from the header).
package org.gendiv.kernels.ffm;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

@SuppressWarnings("unused")
public class gendiv_h {

    gendiv_h() {
        // Should not be called directly
    }

    static final Arena LIBRARY_ARENA = Arena.ofAuto();
    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.libraryLookup(GendivLibraryPath.resolve(), LIBRARY_ARENA)
            .or(SymbolLookup.loaderLookup())
            .or(Linker.nativeLinker().defaultLookup());

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, ValueLayout.JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    private static final int GD_OK = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_OK = 0
     * }
     */
    public static int GD_OK() {
        return GD_OK;
    }

    private static final int GD_ERR_INVALID_ARGUMENT = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_ERR_INVALID_ARGUMENT = 1
     * }
     */
    public static int GD_ERR_INVALID_ARGUMENT() {
        return GD_ERR_INVALID_ARGUMENT;
    }

    private static final int GD_ERR_NO_CUDA_DEVICE = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_ERR_NO_CUDA_DEVICE = 2
     * }
     */
    public static int GD_ERR_NO_CUDA_DEVICE() {
        return GD_ERR_NO_CUDA_DEVICE;
    }

    private static final int GD_ERR_CUDA = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_ERR_CUDA = 3
     * }
     */
    public static int GD_ERR_CUDA() {
        return GD_ERR_CUDA;
    }

    private static final int GD_ERR_OUT_OF_MEMORY = (int)4L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_ERR_OUT_OF_MEMORY = 4
     * }
     */
    public static int GD_ERR_OUT_OF_MEMORY() {
        return GD_ERR_OUT_OF_MEMORY;
    }

    private static final int GD_ERR_INTERNAL = (int)5L;

    /**
     * {@snippet lang=c :
     * enum gd_status.GD_ERR_INTERNAL = 5
     * }
     */
    public static int GD_ERR_INTERNAL() {
        return GD_ERR_INTERNAL;
    }

    private static final int GD_F32 = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gd_dtype.GD_F32 = 0
     * }
     */
    public static int GD_F32() {
        return GD_F32;
    }

    private static final int GD_BF16 = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gd_dtype.GD_BF16 = 1
     * }
     */
    public static int GD_BF16() {
        return GD_BF16;
    }

    private static final int GD_KL_K1 = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gd_kl_estimator.GD_KL_K1 = 1
     * }
     */
    public static int GD_KL_K1() {
        return GD_KL_K1;
    }

    private static final int GD_KL_K2 = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gd_kl_estimator.GD_KL_K2 = 2
     * }
     */
    public static int GD_KL_K2() {
        return GD_KL_K2;
    }

    private static final int GD_KL_K3 = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gd_kl_estimator.GD_KL_K3 = 3
     * }
     */
    public static int GD_KL_K3() {
        return GD_KL_K3;
    }

    private static class gd_last_error {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char* gd_last_error(void)
     * }
     */
    public static FunctionDescriptor gd_last_error$descriptor() {
        return gd_last_error.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char* gd_last_error(void)
     * }
     */
    public static MethodHandle gd_last_error$handle() {
        return gd_last_error.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char* gd_last_error(void)
     * }
     */
    public static MemorySegment gd_last_error$address() {
        return gd_last_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char* gd_last_error(void)
     * }
     */
    public static MemorySegment gd_last_error() {
        var mh$ = gd_last_error.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char* gd_version(void)
     * }
     */
    public static FunctionDescriptor gd_version$descriptor() {
        return gd_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char* gd_version(void)
     * }
     */
    public static MethodHandle gd_version$handle() {
        return gd_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char* gd_version(void)
     * }
     */
    public static MemorySegment gd_version$address() {
        return gd_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char* gd_version(void)
     * }
     */
    public static MemorySegment gd_version() {
        var mh$ = gd_version.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_cuda_compiled {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_cuda_compiled");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t gd_cuda_compiled(void)
     * }
     */
    public static FunctionDescriptor gd_cuda_compiled$descriptor() {
        return gd_cuda_compiled.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t gd_cuda_compiled(void)
     * }
     */
    public static MethodHandle gd_cuda_compiled$handle() {
        return gd_cuda_compiled.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t gd_cuda_compiled(void)
     * }
     */
    public static MemorySegment gd_cuda_compiled$address() {
        return gd_cuda_compiled.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t gd_cuda_compiled(void)
     * }
     */
    public static int gd_cuda_compiled() {
        var mh$ = gd_cuda_compiled.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_cuda_device_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_cuda_device_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t gd_cuda_device_count(void)
     * }
     */
    public static FunctionDescriptor gd_cuda_device_count$descriptor() {
        return gd_cuda_device_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t gd_cuda_device_count(void)
     * }
     */
    public static MethodHandle gd_cuda_device_count$handle() {
        return gd_cuda_device_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t gd_cuda_device_count(void)
     * }
     */
    public static MemorySegment gd_cuda_device_count$address() {
        return gd_cuda_device_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t gd_cuda_device_count(void)
     * }
     */
    public static int gd_cuda_device_count() {
        var mh$ = gd_cuda_device_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_synchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_synchronize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_synchronize(const gd_context* ctx)
     * }
     */
    public static FunctionDescriptor gd_synchronize$descriptor() {
        return gd_synchronize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_synchronize(const gd_context* ctx)
     * }
     */
    public static MethodHandle gd_synchronize$handle() {
        return gd_synchronize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_synchronize(const gd_context* ctx)
     * }
     */
    public static MemorySegment gd_synchronize$address() {
        return gd_synchronize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_synchronize(const gd_context* ctx)
     * }
     */
    public static int gd_synchronize(MemorySegment ctx) {
        var mh$ = gd_synchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_sample {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_sample");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* params, int32_t* out_tokens, float* out_logprobs, float* out_kept_mass)
     * }
     */
    public static FunctionDescriptor gd_sample$descriptor() {
        return gd_sample.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* params, int32_t* out_tokens, float* out_logprobs, float* out_kept_mass)
     * }
     */
    public static MethodHandle gd_sample$handle() {
        return gd_sample.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* params, int32_t* out_tokens, float* out_logprobs, float* out_kept_mass)
     * }
     */
    public static MemorySegment gd_sample$address() {
        return gd_sample.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab, int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* params, int32_t* out_tokens, float* out_logprobs, float* out_kept_mass)
     * }
     */
    public static int gd_sample(MemorySegment ctx, MemorySegment logits, int dtype, long rows, long vocab, long row_stride, MemorySegment row_ids, MemorySegment params, MemorySegment out_tokens, MemorySegment out_logprobs, MemorySegment out_kept_mass) {
        var mh$ = gd_sample.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logits, dtype, rows, vocab, row_stride, row_ids, params, out_tokens, out_logprobs, out_kept_mass);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_token_logprobs {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_POINTER, C_FLOAT, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_token_logprobs");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs, float* out_entropy)
     * }
     */
    public static FunctionDescriptor gd_token_logprobs$descriptor() {
        return gd_token_logprobs.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs, float* out_entropy)
     * }
     */
    public static MethodHandle gd_token_logprobs$handle() {
        return gd_token_logprobs.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs, float* out_entropy)
     * }
     */
    public static MemorySegment gd_token_logprobs$address() {
        return gd_token_logprobs.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_token_logprobs(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* targets, float temperature, float* out_logprobs, float* out_entropy)
     * }
     */
    public static int gd_token_logprobs(MemorySegment ctx, MemorySegment logits, int dtype, long n, long vocab, long row_stride, MemorySegment targets, float temperature, MemorySegment out_logprobs, MemorySegment out_entropy) {
        var mh$ = gd_token_logprobs.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logits, dtype, n, vocab, row_stride, targets, temperature, out_logprobs, out_entropy);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_kl_per_token {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_INT, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_kl_per_token");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n, int32_t estimator, float* out_kl)
     * }
     */
    public static FunctionDescriptor gd_kl_per_token$descriptor() {
        return gd_kl_per_token.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n, int32_t estimator, float* out_kl)
     * }
     */
    public static MethodHandle gd_kl_per_token$handle() {
        return gd_kl_per_token.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n, int32_t estimator, float* out_kl)
     * }
     */
    public static MemorySegment gd_kl_per_token$address() {
        return gd_kl_per_token.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_kl_per_token(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, int64_t n, int32_t estimator, float* out_kl)
     * }
     */
    public static int gd_kl_per_token(MemorySegment ctx, MemorySegment logprobs, MemorySegment ref_logprobs, long n, int estimator, MemorySegment out_kl) {
        var mh$ = gd_kl_per_token.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logprobs, ref_logprobs, n, estimator, out_kl);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_kl_rewards {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_LONG_LONG, C_POINTER, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_kl_rewards");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask, const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* params, float* out_rewards, float* out_kl)
     * }
     */
    public static FunctionDescriptor gd_kl_rewards$descriptor() {
        return gd_kl_rewards.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask, const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* params, float* out_rewards, float* out_kl)
     * }
     */
    public static MethodHandle gd_kl_rewards$handle() {
        return gd_kl_rewards.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask, const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* params, float* out_rewards, float* out_kl)
     * }
     */
    public static MemorySegment gd_kl_rewards$address() {
        return gd_kl_rewards.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_kl_rewards(const gd_context* ctx, const float* logprobs, const float* ref_logprobs, const float* mask, const float* scores, int64_t batch, int64_t seq_len, const gd_kl_reward_params* params, float* out_rewards, float* out_kl)
     * }
     */
    public static int gd_kl_rewards(MemorySegment ctx, MemorySegment logprobs, MemorySegment ref_logprobs, MemorySegment mask, MemorySegment scores, long batch, long seq_len, MemorySegment params, MemorySegment out_rewards, MemorySegment out_kl) {
        var mh$ = gd_kl_rewards.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logprobs, ref_logprobs, mask, scores, batch, seq_len, params, out_rewards, out_kl);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_kl_exact {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_FLOAT, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_kl_exact");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl)
     * }
     */
    public static FunctionDescriptor gd_kl_exact$descriptor() {
        return gd_kl_exact.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl)
     * }
     */
    public static MethodHandle gd_kl_exact$handle() {
        return gd_kl_exact.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl)
     * }
     */
    public static MemorySegment gd_kl_exact$address() {
        return gd_kl_exact.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_kl_exact(const gd_context* ctx, const void* logits, const void* ref_logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, int64_t ref_row_stride, float temperature, float* out_kl)
     * }
     */
    public static int gd_kl_exact(MemorySegment ctx, MemorySegment logits, MemorySegment ref_logits, int dtype, long n, long vocab, long row_stride, long ref_row_stride, float temperature, MemorySegment out_kl) {
        var mh$ = gd_kl_exact.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logits, ref_logits, dtype, n, vocab, row_stride, ref_row_stride, temperature, out_kl);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_ppo_loss {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG_LONG, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_ppo_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask, const gd_ppo_params* params, void* grad_logits, gd_ppo_stats* out_stats)
     * }
     */
    public static FunctionDescriptor gd_ppo_loss$descriptor() {
        return gd_ppo_loss.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask, const gd_ppo_params* params, void* grad_logits, gd_ppo_stats* out_stats)
     * }
     */
    public static MethodHandle gd_ppo_loss$handle() {
        return gd_ppo_loss.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask, const gd_ppo_params* params, void* grad_logits, gd_ppo_stats* out_stats)
     * }
     */
    public static MemorySegment gd_ppo_loss$address() {
        return gd_ppo_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_ppo_loss(const gd_context* ctx, const void* logits, int32_t dtype, int64_t n, int64_t vocab, int64_t row_stride, const int32_t* actions, const float* old_logprobs, const float* advantages, const float* mask, const gd_ppo_params* params, void* grad_logits, gd_ppo_stats* out_stats)
     * }
     */
    public static int gd_ppo_loss(MemorySegment ctx, MemorySegment logits, int dtype, long n, long vocab, long row_stride, MemorySegment actions, MemorySegment old_logprobs, MemorySegment advantages, MemorySegment mask, MemorySegment params, MemorySegment grad_logits, MemorySegment out_stats) {
        var mh$ = gd_ppo_loss.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, logits, dtype, n, vocab, row_stride, actions, old_logprobs, advantages, mask, params, grad_logits, out_stats);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_value_loss {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_FLOAT, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_value_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns, const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out_stats)
     * }
     */
    public static FunctionDescriptor gd_value_loss$descriptor() {
        return gd_value_loss.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns, const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out_stats)
     * }
     */
    public static MethodHandle gd_value_loss$handle() {
        return gd_value_loss.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns, const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out_stats)
     * }
     */
    public static MemorySegment gd_value_loss$address() {
        return gd_value_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_value_loss(const gd_context* ctx, const float* values, const float* old_values, const float* returns, const float* mask, int64_t n, float clip, float* grad_values, gd_value_stats* out_stats)
     * }
     */
    public static int gd_value_loss(MemorySegment ctx, MemorySegment values, MemorySegment old_values, MemorySegment returns, MemorySegment mask, long n, float clip, MemorySegment grad_values, MemorySegment out_stats) {
        var mh$ = gd_value_loss.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, values, old_values, returns, mask, n, clip, grad_values, out_stats);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_gae {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_LONG_LONG, C_FLOAT, C_FLOAT, C_POINTER, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_gae");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch, int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns)
     * }
     */
    public static FunctionDescriptor gd_gae$descriptor() {
        return gd_gae.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch, int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns)
     * }
     */
    public static MethodHandle gd_gae$handle() {
        return gd_gae.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch, int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns)
     * }
     */
    public static MemorySegment gd_gae$address() {
        return gd_gae.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_gae(const gd_context* ctx, const float* rewards, const float* values, const float* mask, int64_t batch, int64_t seq_len, float gamma, float lambda, float* out_advantages, float* out_returns)
     * }
     */
    public static int gd_gae(MemorySegment ctx, MemorySegment rewards, MemorySegment values, MemorySegment mask, long batch, long seq_len, float gamma, float lambda, MemorySegment out_advantages, MemorySegment out_returns) {
        var mh$ = gd_gae.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, rewards, values, mask, batch, seq_len, gamma, lambda, out_advantages, out_returns);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gd_masked_whiten {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_LONG_LONG, C_INT, C_POINTER);

        public static final MemorySegment ADDR = gendiv_h.findOrThrow("gd_masked_whiten");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out)
     * }
     */
    public static FunctionDescriptor gd_masked_whiten$descriptor() {
        return gd_masked_whiten.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out)
     * }
     */
    public static MethodHandle gd_masked_whiten$handle() {
        return gd_masked_whiten.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out)
     * }
     */
    public static MemorySegment gd_masked_whiten$address() {
        return gd_masked_whiten.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gd_status gd_masked_whiten(const gd_context* ctx, const float* x, const float* mask, int64_t n, int32_t shift_mean, float* out)
     * }
     */
    public static int gd_masked_whiten(MemorySegment ctx, MemorySegment x, MemorySegment mask, long n, int shift_mean, MemorySegment out) {
        var mh$ = gd_masked_whiten.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, x, mask, n, shift_mean, out);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

}