package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;

/**
 * Host arrays that one replica reuses from step to step to move tensors between the host and a backend: slot s holds
 * a float[] for a FLOAT32 tensor or a double[] for a FLOAT64 one, made the first time the slot sees a tensor of that
 * size (again only when the size changes, e.g. for the last, smaller batch of an epoch) and kept until
 * {@link #clear()}. So a data-parallel step moves its shards, gradients and weights without allocating host arrays.
 * Values are rounded exactly as {@link Backend#fromArray(double[], int, int, DType)} rounds them and widened exactly
 * as {@link Tensor#toDoubleArray()} widens them, so results are bit for bit those of the allocating paths; 16-bit
 * dtypes still take those paths (they allocate).
 *
 * <p>One thread at a time: each replica has its own instance, used by the thread that runs that replica's task (or
 * by the caller's thread between steps).
 */
final class HostStaging {
    private float[][] floats;
    private double[][] doubles;

    /** Staging with {@code slots} slots, each empty until used. */
    HostStaging(int slots) {
        floats = new float[slots][];
        doubles = new double[slots][];
    }

    /** Slot's float[] of exactly n elements. */
    private float[] floats(int slot, long n) {
        float[] f = floats[slot];
        if (f == null || f.length != n) {
            f = new float[Math.toIntExact(n)];
            floats[slot] = f;
        }
        return f;
    }

    /** Slot's double[] of exactly n elements. */
    private double[] doubles(int slot, long n) {
        double[] d = doubles[slot];
        if (d == null || d.length != n) {
            d = new double[Math.toIntExact(n)];
            doubles[slot] = d;
        }
        return d;
    }

    /**
     * A new tensor on {@code target} with src's shape, dtype and values: {@link Tensor#to(Backend)} through this
     * slot's host array. The caller owns (and closes) the copy.
     */
    Tensor copy(int slot, Tensor src, Backend target) {
        Tensor out;
        switch (src.dtype()) {
            case FLOAT32 -> {
                float[] f = floats(slot, src.size());
                src.readInto(f);
                out = target.empty(src.rows(), src.cols(), DType.FLOAT32).detach();
                try {
                    out.writeFrom(f);
                } catch (RuntimeException | Error e) {
                    out.close();
                    throw e;
                }
            }
            case FLOAT64 -> {
                double[] d = doubles(slot, src.size());
                src.readInto(d);
                out = target.empty(src.rows(), src.cols(), DType.FLOAT64).detach();
                try {
                    out.writeFrom(d);
                } catch (RuntimeException | Error e) {
                    out.close();
                    throw e;
                }
            }
            default -> out = src.to(target).detach();
        }
        return out;
    }

    /** into ← src's values widened exactly to float64 (into has src.size() elements). */
    void read(int slot, Tensor src, double[] into) {
        switch (src.dtype()) {
            case FLOAT32 -> {
                float[] f = floats(slot, src.size());
                src.readInto(f);
                for (int e = 0; e < f.length; e++) {
                    into[e] = f[e];
                }
            }
            case FLOAT64 -> src.readInto(into);
            default -> System.arraycopy(src.toDoubleArray(), 0, into, 0, into.length);
        }
    }

    /** dst ← values rounded to dst's dtype (values has dst.size() elements), on dst's backend. */
    void write(int slot, double[] values, Tensor dst) {
        switch (dst.dtype()) {
            case FLOAT32 -> {
                float[] f = floats(slot, dst.size());
                for (int e = 0; e < f.length; e++) {
                    f[e] = (float) values[e];
                }
                dst.writeFrom(f);
            }
            case FLOAT64 -> dst.writeFrom(values);
            default -> {
                try (Tensor h = dst.backend().fromArray(values, dst.rows(), dst.cols(), dst.dtype()).detach()) {
                    dst.copyFrom(h);
                }
            }
        }
    }

    /** Drops every array (for the collector). */
    void clear() {
        floats = new float[floats.length][];
        doubles = new double[doubles.length][];
    }
}
