package dev.nabla.contract;

import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.Broadcast;
import dev.nabla.spi.CompareOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.RowReduction;
import dev.nabla.spi.UnaryOp;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A backend implementation that forwards every call to another one, and can make the n-th allocation or the n-th
 * device operation (a transfer, a fill, a copy, a kernel) fail with a device error, as a driver would: before the
 * call reaches the inner backend, so nothing is allocated or changed by the failing call itself. Counts allocations
 * and operations so that a test can sweep a fault over every one of them. Fused ops go to the inner backend's own
 * implementations.
 */
public final class FaultyBackend implements ComputeBackend {
    private final ComputeBackend inner;
    private long allocations;
    private long operations;
    private long failAllocationAt = -1;
    private long failOperationAt = -1;
    private Supplier<? extends DeviceException> allocationFault;
    private Supplier<? extends DeviceException> operationFault;

    public FaultyBackend(ComputeBackend inner) {
        this.inner = inner;
    }

    public ComputeBackend inner() {
        return inner;
    }

    /** Zeroes the counters and disarms every fault. */
    public synchronized void reset() {
        allocations = 0;
        operations = 0;
        failAllocationAt = -1;
        failOperationAt = -1;
    }

    /** Allocations since the last {@link #reset()}. */
    public synchronized long allocations() {
        return allocations;
    }

    /** Device operations since the last {@link #reset()}. */
    public synchronized long operations() {
        return operations;
    }

    /** Counters from zero; allocation number {@code n} (0-based) throws what {@code fault} makes, once. */
    public synchronized void failAllocation(long n, Supplier<? extends DeviceException> fault) {
        reset();
        failAllocationAt = n;
        allocationFault = fault;
    }

    /** Counters from zero; device operation number {@code n} (0-based) throws what {@code fault} makes, once. */
    public synchronized void failOperation(long n, Supplier<? extends DeviceException> fault) {
        reset();
        failOperationAt = n;
        operationFault = fault;
    }

    private synchronized void allocation() {
        if (allocations++ == failAllocationAt) {
            failAllocationAt = -1;
            throw allocationFault.get();
        }
    }

    private synchronized void operation() {
        if (operations++ == failOperationAt) {
            failOperationAt = -1;
            throw operationFault.get();
        }
    }

    @Override public String name() { return inner.name(); }
    @Override public String description() { return inner.description() + " (fault-injecting)"; }
    @Override public boolean supports(DType dtype) { return inner.supports(dtype); }
    @Override public long maxElements(DType dtype) { return inner.maxElements(dtype); }
    @Override public Map<String, Long> counters() { return inner.counters(); }
    @Override public void close() { inner.close(); }
    @Override public void release(DeviceBuffer buffer) { inner.release(buffer); }
    @Override public void synchronize() { inner.synchronize(); }

    @Override public DeviceBuffer allocate(DType dtype, long length) {
        allocation();
        return inner.allocate(dtype, length);
    }

    @Override public void write(DeviceBuffer dst, float[] src) { operation(); inner.write(dst, src); }
    @Override public void write(DeviceBuffer dst, double[] src) { operation(); inner.write(dst, src); }
    @Override public void read(DeviceBuffer src, float[] dst) { operation(); inner.read(src, dst); }
    @Override public void read(DeviceBuffer src, double[] dst) { operation(); inner.read(src, dst); }
    @Override public void copy(DeviceBuffer src, DeviceBuffer dst, long n) { operation(); inner.copy(src, dst, n); }
    @Override public void fill(DeviceBuffer dst, long n, double value) { operation(); inner.fill(dst, n, value); }
    @Override public void write(DeviceBuffer dst, int[] src) { operation(); inner.write(dst, src); }
    @Override public void read(DeviceBuffer src, int[] dst) { operation(); inner.read(src, dst); }
    @Override public void write(DeviceBuffer dst, short[] src) { operation(); inner.write(dst, src); }
    @Override public boolean fusedActivationsOnHalves() { return inner.fusedActivationsOnHalves(); }
    @Override public boolean gemmOnHalves() { return inner.gemmOnHalves(); }
    @Override public boolean sumColumnsOnHalves() { return inner.sumColumnsOnHalves(); }
    @Override public void read(DeviceBuffer src, short[] dst) { operation(); inner.read(src, dst); }
    @Override public void cast(DeviceBuffer src, DeviceBuffer dst, long n) { operation(); inner.cast(src, dst, n); }

    @Override
    public void copyStrided(DeviceBuffer src, long srcOffset, long srcRowStride, long srcColStride,
                            DeviceBuffer dst, long dstOffset, long dstRowStride, int rows, int cols) {
        operation();
        inner.copyStrided(src, srcOffset, srcRowStride, srcColStride, dst, dstOffset, dstRowStride, rows, cols);
    }

    @Override
    public void gatherRows(DeviceBuffer src, int srcRows, int cols, DeviceBuffer indices, int n, DeviceBuffer dst) {
        operation();
        inner.gatherRows(src, srcRows, cols, indices, n, dst);
    }

    @Override
    public void scatterAddRows(DeviceBuffer src, DeviceBuffer indices, int n, int cols, DeviceBuffer dst,
                               int dstRows) {
        operation();
        inner.scatterAddRows(src, indices, n, cols, dst, dstRows);
    }

    @Override
    public void argmaxRows(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        operation();
        inner.argmaxRows(x, rows, cols, out);
    }

    @Override
    public void oneHot(DeviceBuffer labels, int n, int classes, DeviceBuffer out) {
        operation();
        inner.oneHot(labels, n, classes, out);
    }

    @Override
    public void compare(CompareOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out,
                        int rows, int cols) {
        operation();
        inner.compare(op, a, b, broadcast, out, rows, cols);
    }

    @Override
    public void where(DeviceBuffer mask, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, long n) {
        operation();
        inner.where(mask, a, b, out, n);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, DeviceBuffer a, DeviceBuffer b,
                     double beta, DeviceBuffer c) {
        operation();
        inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    @Override
    public void unary(UnaryOp op, double param, DeviceBuffer x, DeviceBuffer out, long n) {
        operation();
        inner.unary(op, param, x, out, n);
    }

    @Override
    public void binary(BinaryOp op, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer out, int rows,
                       int cols) {
        operation();
        inner.binary(op, a, b, broadcast, out, rows, cols);
    }

    @Override
    public void sumColumns(DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        operation();
        inner.sumColumns(x, rows, cols, out);
    }

    @Override
    public void reduceRows(RowReduction op, DeviceBuffer x, int rows, int cols, DeviceBuffer out) {
        operation();
        inner.reduceRows(op, x, rows, cols, out);
    }

    @Override
    public void sumAll(DeviceBuffer x, long n, DeviceBuffer out) {
        operation();
        inner.sumAll(x, n, out);
    }

    @Override
    public void axpy(double alpha, DeviceBuffer x, DeviceBuffer y, long n) {
        operation();
        inner.axpy(alpha, x, y, n);
    }

    @Override
    public void biasActivation(UnaryOp activation, DeviceBuffer z, DeviceBuffer bias, DeviceBuffer out, int rows,
                               int cols) {
        operation();
        inner.biasActivation(activation, z, bias, out, rows, cols);
    }

    @Override
    public void softmaxRows(DeviceBuffer x, DeviceBuffer out, int rows, int cols) {
        operation();
        inner.softmaxRows(x, out, rows, cols);
    }

    @Override
    public void activationBackward(UnaryOp gradFromOutput, DeviceBuffer a, DeviceBuffer d, DeviceBuffer out, int rows,
                                   int cols) {
        operation();
        inner.activationBackward(gradFromOutput, a, d, out, rows, cols);
    }

    @Override
    public void backpropDelta(UnaryOp gradFromOutput, DeviceBuffer delta, DeviceBuffer w, DeviceBuffer aPrev,
                              DeviceBuffer out, int rows, int nOut, int nIn) {
        operation();
        inner.backpropDelta(gradFromOutput, delta, w, aPrev, out, rows, nOut, nIn);
    }

    @Override
    public void lossAndDelta(BinaryOp lossTerm, UnaryOp outputGrad, DeviceBuffer f, DeviceBuffer t, DeviceBuffer delta,
                             DeviceBuffer loss, int rows, int cols) {
        operation();
        inner.lossAndDelta(lossTerm, outputGrad, f, t, delta, loss, rows, cols);
    }

    @Override
    public void logitLossAndDelta(BinaryOp lossTerm, DeviceBuffer z, DeviceBuffer f, DeviceBuffer t,
                                  DeviceBuffer delta, DeviceBuffer loss, int rows, int cols) {
        operation();
        inner.logitLossAndDelta(lossTerm, z, f, t, delta, loss, rows, cols);
    }

    @Override
    public void sgdStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer velocity, int rows, int cols, double lr,
                        double momentum, double weightDecay) {
        operation();
        inner.sgdStep(w, g, velocity, rows, cols, lr, momentum, weightDecay);
    }

    @Override
    public void adamStep(DeviceBuffer w, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, int rows, int cols, double lr,
                         double beta1, double beta2, double epsilon, double weightDecay, long step) {
        operation();
        inner.adamStep(w, g, m, v, rows, cols, lr, beta1, beta2, epsilon, weightDecay, step);
    }
}
