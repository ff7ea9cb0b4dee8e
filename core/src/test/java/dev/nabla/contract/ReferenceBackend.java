package dev.nabla.contract;

import dev.nabla.DType;
import dev.nabla.HalfFloats;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oracle every backend is compared with: plain loops in float64 over the definitions in {@link UnaryOp} and
 * {@link BinaryOp}, compensated (Neumaier) sums in every reduction and dot product, no threads, no blocking.
 * FLOAT32 tensors are stored and computed in float64 as well: the reference never rounds. Its fused ops are the
 * SPI's default compositions ({@code FusedDefaults}); {@link ReferenceFusedFormulasTest} proves those against the
 * formulas written out as plain loops, since comparing the reference with itself cannot.
 */
public final class ReferenceBackend implements ComputeBackend {
    public static final String NAME = "reference";
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();
    private final boolean float64;

    /** Supports FLOAT32 and FLOAT64. */
    public ReferenceBackend() {
        this(true);
    }

    /** {@code float64 = false} models a device without double precision (FLOAT64 is then unsupported). */
    public ReferenceBackend(boolean float64) {
        this.float64 = float64;
    }

    /** A buffer of the reference: always a double[]. */
    static final class Buf implements DeviceBuffer {
        final DType dtype;
        final double[] v;

        Buf(DType dtype, int n) {
            this.dtype = dtype;
            this.v = new double[n];
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public long length() {
            return v.length;
        }
    }

    private static double[] v(DeviceBuffer b) {
        return ((Buf) b).v;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "float64 plain loops, compensated sums (test oracle)";
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != DType.FLOAT64 || float64;
    }

    @Override
    public long maxElements(DType dtype) {
        return Integer.MAX_VALUE - 8;
    }

    @Override
    public DeviceBuffer allocate(DType dtype, long length) {
        allocations.incrementAndGet();
        return new Buf(dtype, Math.toIntExact(length));
    }

    @Override
    public void release(DeviceBuffer buffer) {
        releases.incrementAndGet();
    }

    @Override
    public void write(DeviceBuffer dst, float[] src) {
        double[] d = v(dst);
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i];
        }
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        System.arraycopy(src, 0, v(dst), 0, src.length);
    }

    @Override
    public void read(DeviceBuffer src, float[] dst) {
        double[] s = v(src);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (float) s[i];
        }
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        System.arraycopy(v(src), 0, dst, 0, dst.length);
    }

    @Override
    public void write(DeviceBuffer dst, int[] src) {
        double[] d = v(dst);
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i];
        }
    }

    @Override
    public void read(DeviceBuffer src, int[] dst) {
        double[] s = v(src);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (int) s[i];
        }
    }

    /**
     * The fused activations on 16-bit storage: the default compositions in float64 on the exact stored values; the
     * result is rounded to the storage type once, when it is read.
     */
    @Override
    public boolean fusedActivationsOnHalves() {
        return true;
    }

    /**
     * gemm on 16-bit inputs: float64 on their exact stored values (the buffers hold them), compensated sums; a 16-bit
     * C keeps the unrounded result until it is read, when it is rounded once to its type.
     */
    @Override
    public boolean gemmOnHalves() {
        return true;
    }

    /**
     * sumColumns of 16-bit storage: the same compensated float64 sums over the exact stored values; the FLOAT32 out
     * keeps the unrounded sum (every reference buffer holds doubles).
     */
    @Override
    public boolean sumColumnsOnHalves() {
        return true;
    }

    /** A quiet double NaN whose low 16 bits carry a 16-bit NaN pattern, so that copies keep its payload. */
    private static final long NAN_CARRIER = 0x7ff8dead00000000L;

    /**
     * BFLOAT16/FLOAT16: the buffer keeps the exact value of each pattern (every half value is a double); a NaN
     * pattern is kept whole in the low bits of a quiet NaN, as a device keeps the bits.
     */
    @Override
    public void write(DeviceBuffer dst, short[] src) {
        double[] d = v(dst);
        for (int i = 0; i < src.length; i++) {
            float f = HalfFloats.toFloat(dst.dtype(), src[i]);
            d[i] = Float.isNaN(f) ? Double.longBitsToDouble(NAN_CARRIER | (src[i] & 0xffff)) : f;
        }
    }

    /** Exact: a 16-bit buffer only ever holds values of its dtype (written, filled, cast and copied as such). */
    @Override
    public void read(DeviceBuffer src, short[] dst) {
        double[] s = v(src);
        for (int i = 0; i < dst.length; i++) {
            long raw = Double.doubleToRawLongBits(s[i]);
            dst[i] = (raw & ~0xffffL) == NAN_CARRIER ? (short) raw : HalfFloats.fromDouble(src.dtype(), s[i]);
        }
    }

    @Override
    public void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                            DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols) {
        double[] sv = v(src), dv = v(dst);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dv[Math.toIntExact(dstOffset + i * dstRowStride + j)] =
                        sv[Math.toIntExact(srcOffset + i * srcRowStride + j * srcColStride)];
            }
        }
    }

    /**
     * Floating to FLOAT32 or FLOAT64 keeps the float64 value (the reference never computes in float); to INT32 as
     * Java's (int) cast; to BFLOAT16 or FLOAT16 the value those store, rounded once from the double (storage is what
     * the reference models exactly: it computes on the exact values a backend stored).
     */
    @Override
    public void cast(DeviceBuffer src, DeviceBuffer dst, long n) {
        double[] sv = v(src), dv = v(dst);
        DType to = dst.dtype();
        for (int i = 0; i < n; i++) {
            dv[i] = to == DType.INT32 ? (int) sv[i] : to.isHalf() ? HalfFloats.round(to, sv[i]) : sv[i];
        }
    }

    @Override
    public void copy(DeviceBuffer src, DeviceBuffer dst, long n) {
        System.arraycopy(v(src), 0, v(dst), 0, (int) n);
    }

    @Override
    public void fill(DeviceBuffer dst, long n, double value) {
        java.util.Arrays.fill(v(dst), 0, (int) n, dst.dtype().isHalf() ? HalfFloats.round(dst.dtype(), value) : value);
    }

    @Override
    public void synchronize() {
    }

    /**
     * c[i][j] = α·Σ_p op(A)[i][p]·op(B)[p][j] + β·c[i][j], each dot product a compensated sum over contiguous copies
     * of row i of op(A) and column j of op(B); β = 0 or α = 0 as in BLAS.
     */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a,
                     DeviceBuffer b, double beta, DeviceBuffer c) {
        double[] av = v(a), bv = v(b), cv = v(c);
        double[] bCols = new double[n * k];                 // column j of op(B) at j·k
        if (alpha != 0) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bCols[j * k + p] = transB ? bv[j * k + p] : bv[p * n + j];
                }
            }
        }
        double[] aRow = new double[k];
        for (int i = 0; i < m; i++) {
            if (alpha != 0) {
                for (int p = 0; p < k; p++) {
                    aRow[p] = transA ? av[p * m + i] : av[i * k + p];
                }
            }
            for (int j = 0; j < n; j++) {
                double dot = 0;
                if (alpha != 0) {
                    CompensatedSum s = new CompensatedSum();
                    int bj = j * k;
                    for (int p = 0; p < k; p++) {
                        s.add(aRow[p] * bCols[bj + p]);
                    }
                    dot = alpha * s.value();
                }
                cv[i * n + j] = beta == 0 ? dot : dot + beta * cv[i * n + j];
            }
        }
    }

    @Override
    public void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n) {
        double[] xv = v(x), ov = v(out);
        for (int i = 0; i < n; i++) {
            ov[i] = op.apply(xv[i], param);
        }
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                       int cols) {
        double[] av = v(a), bv = v(b), ov = v(out);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double bij = switch (broadcast) {
                    case NONE -> bv[r * cols + j];
                    case ROW -> bv[j];
                    case COLUMN -> bv[r];
                };
                ov[r * cols + j] = op.apply(av[r * cols + j], bij);
            }
        }
    }

    @Override
    public void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        double[] xv = v(x), ov = v(out);
        for (int j = 0; j < cols; j++) {
            CompensatedSum s = new CompensatedSum();
            for (int r = 0; r < rows; r++) {
                s.add(xv[r * cols + j]);
            }
            ov[j] = s.value();
        }
    }

    @Override
    public void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        double[] xv = v(x), ov = v(out);
        for (int r = 0; r < rows; r++) {
            if (op == RowReduction.MAX) {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mx = Math.max(mx, xv[r * cols + j]);
                }
                ov[r] = mx;
            } else if (op == RowReduction.MIN) {
                double mn = Double.POSITIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mn = Math.min(mn, xv[r * cols + j]);
                }
                ov[r] = mn;
            } else {
                CompensatedSum s = new CompensatedSum();
                for (int j = 0; j < cols; j++) {
                    s.add(xv[r * cols + j]);
                }
                ov[r] = s.value();
            }
        }
    }

    @Override
    public void sumAll(DeviceBuffer x, long n, DeviceBuffer out) {
        double[] xv = v(x);
        CompensatedSum s = new CompensatedSum();
        for (int i = 0; i < n; i++) {
            s.add(xv[i]);
        }
        v(out)[0] = s.value();
    }

    @Override
    public void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n) {
        double[] xv = v(x), yv = v(y);
        for (int i = 0; i < n; i++) {
            yv[i] += alpha * xv[i];
        }
    }

    @Override
    public void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n, DeviceBuffer dst) {
        double[] sv = v(src), iv = v(indices), dv = v(dst);
        for (int i = 0; i < n; i++) {
            int row = (int) iv[i];
            System.arraycopy(sv, row * cols, dv, i * cols, cols);
        }
    }

    @Override
    public void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst,
                               int dstRows) {
        double[] sv = v(src), iv = v(indices), dv = v(dst);
        for (int i = 0; i < n; i++) {
            int row = (int) iv[i];
            for (int j = 0; j < cols; j++) {
                dv[row * cols + j] += sv[i * cols + j];
            }
        }
    }

    @Override
    public void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        double[] xv = v(x), ov = v(out);
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int j = 1; j < cols; j++) {
                double cand = xv[r * cols + j], cur = xv[r * cols + best];
                if (!Double.isNaN(cur) && (Double.isNaN(cand) || cand > cur)) {
                    best = j;
                }
            }
            ov[r] = best;
        }
    }

    @Override
    public void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out) {
        double[] lv = v(labels), ov = v(out);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < classes; j++) {
                ov[i * classes + j] = lv[i] == j ? 1.0 : 0.0;
            }
        }
    }

    @Override
    public void compare(CompareOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out,
                        int rows, int cols) {
        double[] av = v(a), bv = v(b), ov = v(out);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double bij = switch (broadcast) {
                    case NONE -> bv[r * cols + j];
                    case ROW -> bv[j];
                    case COLUMN -> bv[r];
                };
                ov[r * cols + j] = op.test(av[r * cols + j], bij) ? 1 : 0;
            }
        }
    }

    @Override
    public void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
        double[] mv = v(mask), av = v(a), bv = v(b), ov = v(out);
        for (int i = 0; i < n; i++) {
            ov[i] = mv[i] != 0 ? av[i] : bv[i];
        }
    }

    @Override
    public Map<String, Long> counters() {
        long released = releases.get();           // read first: liveBuffers may only run high, never negative
        long allocated = allocations.get();
        return Map.of("allocations", allocated, "releases", released, "liveBuffers", allocated - released);
    }

    @Override
    public void close() {
    }
}
