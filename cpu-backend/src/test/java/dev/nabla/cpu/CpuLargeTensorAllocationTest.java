package dev.nabla.cpu;

import dev.nabla.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link CpuFloatAllocationTest} on large tensors: every activation, derivative, unary and binary op, the softmax and
 * the fused loss on 2 × 2¹⁹ elements, FLOAT32 and FLOAT64, on the VECTOR path, first all of them {@value #ROUNDS}
 * times in turn, then each measured on its own after {@value #WARMUP} calls. Each must stay under 1 KiB per call
 * (CpuFloatAllocationTest's bound); a vector boxed per loop step is megabytes here.
 *
 * <p>Why a test of its own: with rows this long every kernel call runs a long loop but the call itself is rare, so
 * JDK 17's C2 sees our small helpers as cold ("executed < MinInliningThreshold times") where the small-width test
 * sees them as hot. The softmax boxed its row max's vector accumulator on every step of the loop (6.3 MB a call on
 * FLOAT32, 11.5 MB on FLOAT64, for as long as the JVM ran) because the lanes' reduction after the loop was such a
 * helper; FloatLanes now reduces from an array. {@link CpuLargeHalfTensorAllocationTest} does the same for the
 * 16-bit ops. Its own class, so its own JVM in the `allocation` execution.
 */
class CpuLargeTensorAllocationTest {
    static final int COLS = 1 << 19;
    static final int ROUNDS = 8;
    static final int WARMUP = 100;
    static final int CALLS = 10;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyOpOnLargeRowsAllocatesNothingPerCall() {
        assumeTrue(CpuPath.vectorModulePresent(), "the VECTOR path needs --add-modules jdk.incubator.vector");
        try (CpuBackend be = new CpuBackend(CpuPath.VECTOR, 1)) {
            CpuFloatAllocationTest.Workload f32 = new CpuFloatAllocationTest.Workload(be, DType.FLOAT32, COLS);
            CpuFloatAllocationTest.Workload f64 = new CpuFloatAllocationTest.Workload(be, DType.FLOAT64, COLS);
            for (int round = 0; round < ROUNDS; round++) {
                f32.everyOp(COLS);
                f64.everyOp(COLS);
            }
            CpuFloatAllocationTest.Measurements m = new CpuFloatAllocationTest.Measurements(WARMUP, CALLS);
            f32.measureEachAt(m, COLS);
            f64.measureEachAt(m, COLS);
            m.assertUnderBound();
        }
    }
}
