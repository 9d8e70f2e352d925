package org.gendiv.kernels;

import java.util.Locale;

/** Which binding carries a call into libgendiv. Both run the same native code. */
public enum Backend {
    /** JavaCPP-generated JNI glue ({@link org.gendiv.kernels.jni.GendivLibrary}). */
    JNI,
    /** java.lang.foreign downcalls ({@link org.gendiv.kernels.ffm.gendiv_h}); heap arrays without copies. */
    FFM;

    /** The backend named by the system property {@code gendiv.backend} (jni|ffm), FFM by default. */
    public static Backend fromSystemProperty() {
        String v = System.getProperty("gendiv.backend", "ffm");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "jni", "javacpp" -> JNI;
            case "ffm", "panama" -> FFM;
            default -> throw new IllegalArgumentException("gendiv.backend must be jni or ffm, got " + v);
        };
    }
}
