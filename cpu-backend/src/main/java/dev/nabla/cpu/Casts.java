package dev.nabla.cpu;

/**
 * dst[i] ← src[i] converted to dst's dtype, for every pair of FLOAT32, FLOAT64 and INT32 (ComputeBackend#cast):
 * between the floating types rounded to nearest even; to INT32 Java's {@code (int)} cast, which rounds toward zero,
 * saturates at the int range and takes NaN to 0; from INT32 the nearest float (exact in double). Plain loops, one per
 * pair, shared by both paths (C2 vectorises the same-width ones); {@link CpuBackend} runs them over disjoint ranges.
 */
final class Casts {
    private Casts() {
    }

    /** The loop for src's dtype to dst's (a plain copy when they are the same dtype). */
    static Parallel.RangeBody of(CpuBuffer src, CpuBuffer dst) {
        if (src.f != null) {
            float[] s = src.f;
            if (dst.f != null) {
                return (from, to) -> System.arraycopy(s, from, dst.f, from, to - from);
            }
            if (dst.d != null) {
                double[] t = dst.d;
                return (from, to) -> {
                    for (int i = from; i < to; i++) {
                        t[i] = s[i];
                    }
                };
            }
            int[] t = dst.i;
            return (from, to) -> {
                for (int i = from; i < to; i++) {
                    t[i] = (int) s[i];
                }
            };
        }
        if (src.d != null) {
            double[] s = src.d;
            if (dst.d != null) {
                return (from, to) -> System.arraycopy(s, from, dst.d, from, to - from);
            }
            if (dst.f != null) {
                float[] t = dst.f;
                return (from, to) -> {
                    for (int i = from; i < to; i++) {
                        t[i] = (float) s[i];
                    }
                };
            }
            int[] t = dst.i;
            return (from, to) -> {
                for (int i = from; i < to; i++) {
                    t[i] = (int) s[i];
                }
            };
        }
        int[] s = src.i;
        if (dst.i != null) {
            return (from, to) -> System.arraycopy(s, from, dst.i, from, to - from);
        }
        if (dst.f != null) {
            float[] t = dst.f;
            return (from, to) -> {
                for (int i = from; i < to; i++) {
                    t[i] = s[i];
                }
            };
        }
        double[] t = dst.d;
        return (from, to) -> {
            for (int i = from; i < to; i++) {
                t[i] = s[i];
            }
        };
    }
}
