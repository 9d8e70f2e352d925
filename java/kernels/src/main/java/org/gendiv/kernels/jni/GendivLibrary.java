package org.gendiv.kernels.jni;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of native/include/gendiv.h: one native method per C function, one Pointer
 * class per parameter struct. Pointer arguments take any JavaCPP {@link Pointer} (FloatPointer,
 * a LibTorch tensor's {@code data_ptr()}, or {@link Address#of(long)} for a raw address).
 * {@code Loader.load()} extracts libgendiv and the JNI glue from the jar's
 * {@code org/gendiv/kernels/jni/linux-x86_64/} folder. Most code wants the checked API in
 * {@code org.gendiv.kernels} instead.
 */
@Platform(include = "gendiv.h", link = "gendiv", library = "jnigendiv")
public class GendivLibrary {
    static {
        Loader.load();
    }

    private GendivLibrary() {}

    public static final int GD_OK = 0, GD_ERR_INVALID_ARGUMENT = 1, GD_ERR_NO_CUDA_DEVICE = 2, GD_ERR_CUDA = 3,
            GD_ERR_OUT_OF_MEMORY = 4, GD_ERR_INTERNAL = 5;
    public static final int GD_F32 = 0, GD_BF16 = 1;
    public static final int GD_KL_K1 = 1, GD_KL_K2 = 2, GD_KL_K3 = 3;

    /** A pointer to a raw native address (a MemorySegment's, a CUDA allocation's). */
    public static final class Address extends Pointer {
        private Address(long address) {
            this.address = address;
        }

        public static Pointer of(long address) {
            return address == 0 ? null : new Address(address);
        }
    }

    @Name("gd_context")
    public static class gd_context extends Pointer {
        static {
            Loader.load();
        }

        public gd_context() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native int device();
        public native gd_context device(int v);
        public native int num_threads();
        public native gd_context num_threads(int v);
        public native Pointer stream();
        public native gd_context stream(Pointer v);
    }

    @Name("gd_sampling_params")
    public static class gd_sampling_params extends Pointer {
        static {
            Loader.load();
        }

        public gd_sampling_params() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native float temperature();
        public native gd_sampling_params temperature(float v);
        public native int top_k();
        public native gd_sampling_params top_k(int v);
        public native float top_p();
        public native gd_sampling_params top_p(float v);
        public native float min_p();
        public native gd_sampling_params min_p(float v);
        public native @Cast("uint64_t") long seed();
        public native gd_sampling_params seed(long v);
        public native @Cast("int64_t") long step();
        public native gd_sampling_params step(long v);
    }

    @Name("gd_kl_reward_params")
    public static class gd_kl_reward_params extends Pointer {
        static {
            Loader.load();
        }

        public gd_kl_reward_params() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native float beta();
        public native gd_kl_reward_params beta(float v);
        public native int estimator();
        public native gd_kl_reward_params estimator(int v);
        public native float score_clip();
        public native gd_kl_reward_params score_clip(float v);
    }

    @Name("gd_ppo_params")
    public static class gd_ppo_params extends Pointer {
        static {
            Loader.load();
        }

        public gd_ppo_params() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native float temperature();
        public native gd_ppo_params temperature(float v);
        public native float eps_low();
        public native gd_ppo_params eps_low(float v);
        public native float eps_high();
        public native gd_ppo_params eps_high(float v);
        public native float dual_clip();
        public native gd_ppo_params dual_clip(float v);
        public native float entropy_coef();
        public native gd_ppo_params entropy_coef(float v);
        public native float log_ratio_clamp();
        public native gd_ppo_params log_ratio_clamp(float v);
    }

    @Name("gd_ppo_stats")
    public static class gd_ppo_stats extends Pointer {
        static {
            Loader.load();
        }

        public gd_ppo_stats() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native @MemberGetter float loss();
        public native @MemberGetter float policy_loss();
        public native @MemberGetter float clip_fraction();
        public native @MemberGetter float approx_kl();
        public native @MemberGetter float entropy();
        public native @MemberGetter float mask_sum();
    }

    @Name("gd_value_stats")
    public static class gd_value_stats extends Pointer {
        static {
            Loader.load();
        }

        public gd_value_stats() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native @MemberGetter float loss();
        public native @MemberGetter float clip_fraction();
        public native @MemberGetter float mask_sum();
    }

    public static native @Cast("const char*") BytePointer gd_last_error();

    public static native @Cast("const char*") BytePointer gd_version();

    public static native int gd_cuda_compiled();

    public static native int gd_cuda_device_count();

    public static native int gd_synchronize(@Const gd_context ctx);

    public static native int gd_sample(@Const gd_context ctx, @Const Pointer logits, int dtype, long rows,
            long vocab, long row_stride, @Cast("const int64_t*") Pointer row_ids, @Const gd_sampling_params params,
            @Cast("int32_t*") Pointer out_tokens, @Cast("float*") Pointer out_logprobs,
            @Cast("float*") Pointer out_kept_mass);

    public static native int gd_token_logprobs(@Const gd_context ctx, @Const Pointer logits, int dtype, long n,
            long vocab, long row_stride, @Cast("const int32_t*") Pointer targets, float temperature,
            @Cast("float*") Pointer out_logprobs, @Cast("float*") Pointer out_entropy);

    public static native int gd_kl_per_token(@Const gd_context ctx, @Cast("const float*") Pointer logprobs,
            @Cast("const float*") Pointer ref_logprobs, long n, int estimator, @Cast("float*") Pointer out_kl);

    public static native int gd_kl_rewards(@Const gd_context ctx, @Cast("const float*") Pointer logprobs,
            @Cast("const float*") Pointer ref_logprobs, @Cast("const float*") Pointer mask,
            @Cast("const float*") Pointer scores, long batch, long seq_len, @Const gd_kl_reward_params params,
            @Cast("float*") Pointer out_rewards, @Cast("float*") Pointer out_kl);

    public static native int gd_kl_exact(@Const gd_context ctx, @Const Pointer logits, @Const Pointer ref_logits,
            int dtype, long n, long vocab, long row_stride, long ref_row_stride, float temperature,
            @Cast("float*") Pointer out_kl);

    public static native int gd_ppo_loss(@Const gd_context ctx, @Const Pointer logits, int dtype, long n, long vocab,
            long row_stride, @Cast("const int32_t*") Pointer actions, @Cast("const float*") Pointer old_logprobs,
            @Cast("const float*") Pointer advantages, @Cast("const float*") Pointer mask,
            @Const gd_ppo_params params, Pointer grad_logits, gd_ppo_stats out_stats);

    public static native int gd_value_loss(@Const gd_context ctx, @Cast("const float*") Pointer values,
            @Cast("const float*") Pointer old_values, @Cast("const float*") Pointer returns,
            @Cast("const float*") Pointer mask, long n, float clip, @Cast("float*") Pointer grad_values,
            gd_value_stats out_stats);

    public static native int gd_gae(@Const gd_context ctx, @Cast("const float*") Pointer rewards,
            @Cast("const float*") Pointer values, @Cast("const float*") Pointer mask, long batch, long seq_len,
            float gamma, float lambda, @Cast("float*") Pointer out_advantages, @Cast("float*") Pointer out_returns);

    public static native int gd_masked_whiten(@Const gd_context ctx, @Cast("const float*") Pointer x,
            @Cast("const float*") Pointer mask, long n, int shift_mean, @Cast("float*") Pointer out);
}
