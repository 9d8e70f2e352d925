package org.gendiv.kernels;

/** A status other than GD_OK from libgendiv, with the library's message. */
public class GendivException extends RuntimeException {
    private final Status status;

    public GendivException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    /** gd_status. */
    public enum Status {
        OK, INVALID_ARGUMENT, NO_CUDA_DEVICE, CUDA, OUT_OF_MEMORY, INTERNAL;

        static Status of(int code) {
            Status[] all = values();
            return code >= 0 && code < all.length ? all[code] : INTERNAL;
        }
    }

    static void check(int code, NativeCalls calls) {
        if (code != 0) {
            Status s = Status.of(code);
            String msg = calls.lastError();
            throw s == Status.INVALID_ARGUMENT ? new InvalidArgument(msg) : new GendivException(s, msg);
        }
    }

    /** The library rejected an argument (the Java layer checks first, so this is rare). */
    public static final class InvalidArgument extends GendivException {
        InvalidArgument(String message) {
            super(Status.INVALID_ARGUMENT, message);
        }
    }
}
