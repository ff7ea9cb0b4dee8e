package dev.nabla.cpu;

import dev.nabla.DType;
import dev.nabla.HalfFloats;

/**
 * dst[i] ← src[i] converted to dst's dtype, for every pair of FLOAT32, FLOAT64, INT32, BFLOAT16 and FLOAT16
 * (ComputeBackend#cast):
 * between the floating types rounded to nearest even; to INT32 Java's {@code (int)} cast, which rounds toward zero,
 * saturates at the int range and takes NaN to 0; from INT32 the nearest float (exact in double). Plain loops, one per
 * pair, shared by both paths (C2 vectorises the same-width ones); {@link CpuBackend} runs them over disjoint ranges.
 */
final class Casts {
    private Casts() {
    }

    /** The loop for src's dtype to dst's (a plain copy when they are the same dtype). */
    static Parallel.RangeBody of(CpuBuffer src, CpuBuffer dst) {
        if (src.h != null || dst.h != null) {
            return halves(src, dst);
        }
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

    /**
     * Casts from or to BFLOAT16/FLOAT16 (short[] bit patterns), through {@link HalfFloats}: decoding is exact, so a
     * half goes to float or double exactly and to INT32 as its float would; encoding rounds once from the exact
     * source value (a double and an int directly, never through float); half to the other half decodes exactly, then
     * rounds once.
     */
    private static Parallel.RangeBody halves(CpuBuffer src, CpuBuffer dst) {
        DType from = src.dtype();
        DType into = dst.dtype();
        if (src.h != null) {
            short[] s = src.h;
            if (dst.h != null) {
                short[] t = dst.h;
                if (from == into) {
                    return (a, b) -> System.arraycopy(s, a, t, a, b - a);
                }
                return (a, b) -> {
                    for (int i = a; i < b; i++) {
                        t[i] = HalfFloats.fromFloat(into, HalfFloats.toFloat(from, s[i]));
                    }
                };
            }
            if (dst.f != null) {
                float[] t = dst.f;
                return (a, b) -> {
                    for (int i = a; i < b; i++) {
                        t[i] = HalfFloats.toFloat(from, s[i]);
                    }
                };
            }
            if (dst.d != null) {
                double[] t = dst.d;
                return (a, b) -> {
                    for (int i = a; i < b; i++) {
                        t[i] = HalfFloats.toFloat(from, s[i]);
                    }
                };
            }
            int[] t = dst.i;
            return (a, b) -> {
                for (int i = a; i < b; i++) {
                    t[i] = (int) HalfFloats.toFloat(from, s[i]);
                }
            };
        }
        short[] t = dst.h;
        if (src.f != null) {
            float[] s = src.f;
            return (a, b) -> {
                for (int i = a; i < b; i++) {
                    t[i] = HalfFloats.fromFloat(into, s[i]);
                }
            };
        }
        if (src.d != null) {
            double[] s = src.d;
            return (a, b) -> {
                for (int i = a; i < b; i++) {
                    t[i] = HalfFloats.fromDouble(into, s[i]);
                }
            };
        }
        int[] s = src.i;
        return (a, b) -> {
            for (int i = a; i < b; i++) {
                t[i] = HalfFloats.fromDouble(into, s[i]);       // exact int → double, then one rounding
            }
        };
    }
}
