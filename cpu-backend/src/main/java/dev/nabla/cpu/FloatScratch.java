package dev.nabla.cpu;

/**
 * A float array per thread that grows to the largest length asked for and is kept for the next call, so that the
 * 16-bit paths that need a float32 copy of an operand (a 16-bit gemm C, the plain path's decoded gemm inputs) do not
 * allocate once per call. Arrays above {@link #KEEP_MAX} floats are handed out fresh and not kept: a thread holds at
 * most 4 MiB per scratch, and at that size the O(len) allocation is small against the O(len·k) product that uses it.
 * Each use site holds its own instance, so two scratches in use at once on one thread never share an array.
 */
final class FloatScratch {
    /** Longest array kept per thread: 2²⁰ floats, 4 MiB (a 1024 × 1024 C, a 256 × 4096 batch). */
    static final int KEEP_MAX = 1 << 20;

    private final ThreadLocal<float[]> kept = new ThreadLocal<>();

    /** An array of at least {@code length} floats, contents unspecified, for this thread's use until its next call. */
    float[] atLeast(int length) {
        float[] s = kept.get();
        if (s != null && s.length >= length) {
            return s;
        }
        float[] fresh = new float[length];
        if (length <= KEEP_MAX) {
            kept.set(fresh);
        }
        return fresh;
    }
}
