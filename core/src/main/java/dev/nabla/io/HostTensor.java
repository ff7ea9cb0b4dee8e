package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidShapeException;
import dev.nabla.Tensor;

import java.util.Arrays;

/**
 * A tensor in host memory as a weights file holds it: a dtype (FLOAT32, FLOAT64, INT32, or BFLOAT16 and FLOAT16 as
 * their 16-bit patterns), a shape of any rank
 * (row-major, C order; rank 0 is a scalar with one element) and the values, kept bit for bit (NaN payloads
 * included). This is what {@link Safetensors#read} returns and {@link Safetensors#write} takes; {@link #toTensor}
 * puts it on a backend.
 *
 * <p>Immutable: the factories copy the arrays they are given and the accessors return copies. {@link #equals}
 * compares raw bits, so two NaNs are equal exactly when their payloads are.
 */
public final class HostTensor {
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final double[] doubles;
    private final int[] ints;
    /** BFLOAT16 or FLOAT16 bit patterns. */
    private final short[] halves;

    /** Exactly one of floats, doubles, ints is non-null (none for the 16-bit types): the one {@code dtype} names. */
    private HostTensor(DType dtype, int[] shape, float[] floats, double[] doubles, int[] ints) {
        this(dtype, shape, floats, doubles, ints, null);
    }

    private HostTensor(DType dtype, int[] shape, float[] floats, double[] doubles, int[] ints, short[] halves) {
        this.dtype = dtype;
        this.shape = shape;
        this.floats = floats;
        this.doubles = doubles;
        this.ints = ints;
        this.halves = halves;
    }

    /**
     * A BFLOAT16 or FLOAT16 tensor of {@code shape} holding {@code bits}, each one element's 16-bit pattern
     * (row-major; copied; see {@link dev.nabla.HalfFloats}).
     *
     * @param dtype BFLOAT16 or FLOAT16
     * @param bits the bit patterns, row-major: as many as the product of the dimensions
     * @param shape the dimensions, outermost first (none for a scalar)
     * @return the host tensor
     */
    public static HostTensor ofHalfBits(DType dtype, short[] bits, int... shape) {
        if (dtype == null || !dtype.isHalf()) {
            throw new InvalidArgumentException("HostTensor.ofHalfBits: 16-bit patterns make a BFLOAT16 or FLOAT16 "
                    + "tensor, not " + dtype);
        }
        checkLength("HostTensor.ofHalfBits", bits == null ? -1 : bits.length, shape);
        return new HostTensor(dtype, shape.clone(), null, null, null, bits.clone());
    }

    /** Wraps 16-bit patterns the readers filled (no copy). */
    static HostTensor wrapHalves(DType dtype, int[] shape, short[] bits) {
        return new HostTensor(dtype, shape, null, null, null, bits);
    }

    /**
     * A FLOAT32 tensor of {@code shape} holding {@code values} (row-major; copied).
     *
     * @param values the values, row-major: as many as the product of the dimensions
     * @param shape the dimensions, outermost first (none for a scalar)
     * @return the host tensor
     */
    public static HostTensor of(float[] values, int... shape) {
        checkLength("HostTensor.of", values == null ? -1 : values.length, shape);
        return new HostTensor(DType.FLOAT32, shape.clone(), values.clone(), null, null);
    }

    /**
     * A FLOAT64 tensor of {@code shape} holding {@code values} (row-major; copied).
     *
     * @param values the values, row-major: as many as the product of the dimensions
     * @param shape the dimensions, outermost first (none for a scalar)
     * @return the host tensor
     */
    public static HostTensor of(double[] values, int... shape) {
        checkLength("HostTensor.of", values == null ? -1 : values.length, shape);
        return new HostTensor(DType.FLOAT64, shape.clone(), null, values.clone(), null);
    }

    /**
     * An INT32 tensor of {@code shape} holding {@code values} (row-major; copied): labels, indices or masks.
     *
     * @param values the values, row-major: as many as the product of the dimensions
     * @param shape the dimensions, outermost first (none for a scalar)
     * @return the host tensor
     */
    public static HostTensor of(int[] values, int... shape) {
        checkLength("HostTensor.of", values == null ? -1 : values.length, shape);
        return new HostTensor(DType.INT32, shape.clone(), null, null, values.clone());
    }

    /**
     * The values of {@code t} (rows × cols, its dtype), read back from its backend.
     *
     * @param t an open tensor
     * @return its values on the host
     */
    public static HostTensor of(Tensor t) {
        if (t == null) {
            throw new InvalidArgumentException("HostTensor.of: tensor is null");
        }
        int[] shape = {t.rows(), t.cols()};
        return switch (t.dtype()) {
            case FLOAT32 -> new HostTensor(DType.FLOAT32, shape, t.toFloatArray(), null, null);
            case FLOAT64 -> new HostTensor(DType.FLOAT64, shape, null, t.toDoubleArray(), null);
            case INT32 -> new HostTensor(DType.INT32, shape, null, null, t.toIntArray());
            case BFLOAT16, FLOAT16 -> new HostTensor(t.dtype(), shape, null, null, null, t.toHalfBits());
        };
    }

    /** Wraps arrays the readers filled (no copy): exactly one of floats, doubles is non-null. */
    static HostTensor wrap(int[] shape, float[] floats, double[] doubles) {
        return new HostTensor(floats != null ? DType.FLOAT32 : DType.FLOAT64, shape, floats, doubles, null);
    }

    /** Wraps INT32 values the readers filled (no copy). */
    static HostTensor wrapInts(int[] shape, int[] ints) {
        return new HostTensor(DType.INT32, shape, null, null, ints);
    }

    /**
     * The element type.
     *
     * @return FLOAT32, FLOAT64, INT32, BFLOAT16 or FLOAT16
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The dimensions, outermost first; empty for a scalar.
     *
     * @return a copy of the dimensions
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions (0 for a scalar).
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Number of elements: the product of the dimensions (1 for a scalar).
     *
     * @return the number of elements
     */
    public long size() {
        return elements(shape);
    }

    /**
     * The values of a FLOAT32 tensor, row-major (a copy).
     *
     * @return a new array
     */
    public float[] floats() {
        if (floats == null) {
            throw new InvalidArgumentException("HostTensor.floats: this tensor is " + dtype
                    + "; use " + accessor() + " or toDoubleArray()");
        }
        return floats.clone();
    }

    /**
     * The values of a FLOAT64 tensor, row-major (a copy).
     *
     * @return a new array
     */
    public double[] doubles() {
        if (doubles == null) {
            throw new InvalidArgumentException("HostTensor.doubles: this tensor is " + dtype
                    + "; use " + accessor() + " or toDoubleArray()");
        }
        return doubles.clone();
    }

    /**
     * The values of an INT32 tensor, row-major (a copy).
     *
     * @return a new array
     */
    public int[] ints() {
        if (ints == null) {
            throw new InvalidArgumentException("HostTensor.ints: this tensor is " + dtype + "; use "
                    + accessor() + ", or cast the tensor on a backend with"
                    + " toTensor(backend).cast(DType.INT32)");
        }
        return ints.clone();
    }

    /**
     * The 16-bit patterns of a BFLOAT16 or FLOAT16 tensor, row-major (a copy).
     *
     * @return a new array
     */
    public short[] halfBits() {
        if (halves == null) {
            throw new InvalidArgumentException("HostTensor.halfBits: this tensor is " + dtype
                    + "; only BFLOAT16 and FLOAT16 tensors hold 16-bit patterns (use toDoubleArray())");
        }
        return halves.clone();
    }

    /**
     * The values as doubles, row-major (FLOAT32, INT32, BFLOAT16 and FLOAT16 values are widened exactly).
     *
     * @return a new array
     */
    public double[] toDoubleArray() {
        if (doubles != null) {
            return doubles.clone();
        }
        if (halves != null) {
            double[] out = new double[halves.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = HalfFloats.toFloat(dtype, halves[i]);
            }
            return out;
        }
        double[] out = new double[floats != null ? floats.length : ints.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats != null ? floats[i] : ints[i];
        }
        return out;
    }

    /** The accessor that returns this tensor's values as stored. */
    private String accessor() {
        return ints != null ? "ints()" : floats != null ? "floats()" : doubles != null ? "doubles()" : "halfBits()";
    }

    short[] halvesView() {
        return halves;
    }

    /** Package access to the values without a copy (the writers stream them out). */
    float[] floatsView() {
        return floats;
    }

    double[] doublesView() {
        return doubles;
    }

    int[] intsView() {
        return ints;
    }

    /**
     * A tensor of the same dtype and values on {@code backend}: rank 2 {@code (r, c)} becomes r × c, rank 1
     * {@code (n)} a 1 × n row, rank 0 a 1 × 1 tensor. Other ranks are rejected (Nabla's tensors are 2-D).
     *
     * @param backend the backend to create it on
     * @return a new tensor the caller owns
     */
    public Tensor toTensor(Backend backend) {
        if (backend == null) {
            throw new InvalidArgumentException("HostTensor.toTensor: backend is null");
        }
        int rows;
        int cols;
        switch (shape.length) {
            case 0 -> {
                rows = 1;
                cols = 1;
            }
            case 1 -> {
                rows = 1;
                cols = shape[0];
            }
            case 2 -> {
                rows = shape[0];
                cols = shape[1];
            }
            default -> throw new InvalidShapeException("HostTensor.toTensor: shape " + Arrays.toString(shape)
                    + " has rank " + shape.length + "; Nabla tensors are 2-D (rank 0, 1 and 2 convert)");
        }
        if (ints != null) {
            return backend.fromArray(ints, rows, cols);
        }
        if (halves != null) {
            return backend.fromHalfBits(halves, rows, cols, dtype);
        }
        return floats != null ? backend.fromArray(floats, rows, cols) : backend.fromArray(doubles, rows, cols);
    }

    /** Same dtype, shape and raw bits of every value. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HostTensor other) || other.dtype != dtype || !Arrays.equals(other.shape, shape)) {
            return false;
        }
        if (ints != null) {
            return Arrays.equals(ints, other.ints);
        }
        if (halves != null) {
            return Arrays.equals(halves, other.halves);
        }
        if (floats != null) {
            for (int i = 0; i < floats.length; i++) {
                if (Float.floatToRawIntBits(floats[i]) != Float.floatToRawIntBits(other.floats[i])) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < doubles.length; i++) {
            if (Double.doubleToRawLongBits(doubles[i]) != Double.doubleToRawLongBits(other.doubles[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        if (ints != null) {
            h = 31 * h + Arrays.hashCode(ints);
        } else if (halves != null) {
            h = 31 * h + Arrays.hashCode(halves);
        } else if (floats != null) {
            for (float f : floats) {
                h = 31 * h + Float.floatToRawIntBits(f);
            }
        } else {
            for (double d : doubles) {
                h = 31 * h + Long.hashCode(Double.doubleToRawLongBits(d));
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    /** The product of {@code shape} (dimensions ≥ 0), or −1 when it does not fit a long. */
    static long elements(int[] shape) {
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (int d : shape) {
            if (n > Long.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    private static void checkLength(String op, int length, int[] shape) {
        if (length < 0) {
            throw new InvalidArgumentException(op + ": values are null");
        }
        if (shape == null) {
            throw new InvalidArgumentException(op + ": shape is null");
        }
        for (int d : shape) {
            if (d < 0) {
                throw new InvalidShapeException(op + ": dimensions must be ≥ 0, got " + Arrays.toString(shape));
            }
        }
        if (elements(shape) != length) {
            throw new InvalidArgumentException(op + ": " + length + " values cannot fill shape " + Arrays.toString(shape)
                    + " (needs " + elements(shape) + ")");
        }
    }
}
