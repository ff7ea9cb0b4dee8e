package dev.nabla.contract;

import dev.nabla.DType;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;
import dev.nabla.spi.FusedDefaults;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default compositions ({@link FusedDefaults}) give back every temporary they allocate: the float64 reference's
 * live-buffer count is the same before and after each op, for every activation and loss. A composition that forgot
 * a release would leak device memory on every training step of every backend that does not override the op (found
 * by mutation testing: removing any of the eleven {@code release} calls passed the whole suite).
 *
 * <p>Also the one accuracy refinement that results can show: BCE from logits adds log1p(e^−|z|) with the rounding of
 * 1 + e compensated, so that a confident and correct output (|z| = 40, t = its sign) has the loss e^−40 ≈ 4.2e-18,
 * not the 0 of a plain ln(1 + e).
 */
class FusedDefaultsTemporariesTest {
    private static final int ROWS = 5;
    private static final int COLS = 7;

    private final ReferenceBackend be = new ReferenceBackend();

    private DeviceBuffer buffer(double[] values) {
        DeviceBuffer b = be.allocate(DType.FLOAT64, values.length);
        be.write(b, values);
        return b;
    }

    private long live() {
        return be.counters().get("liveBuffers");
    }

    /** Runs the op on fresh operands and asserts that it left no buffer of its own alive. */
    private void assertReleasesItsTemporaries(String what, Consumer<DeviceBuffer[]> op) {
        int n = ROWS * COLS;
        DeviceBuffer[] operands = {
                buffer(HostData.uniform(1, n, 0.05, 0.95)),   // 0: an activation output / f / w
                buffer(HostData.uniform(2, n, -1, 1)),        // 1: δ / g / z
                buffer(HostData.oneHot(3, ROWS, COLS)),       // 2: t / m
                buffer(HostData.uniform(4, n, 0, 1)),         // 3: out / v
                buffer(HostData.uniform(5, COLS, -1, 1)),     // 4: bias
                buffer(new double[1]),                        // 5: loss
                buffer(HostData.uniform(6, COLS * COLS, -1, 1))}; // 6: W (COLS × COLS)
        long before = live();
        op.accept(operands);
        assertEquals(before, live(), what + ": buffers left alive by the default composition");
        for (DeviceBuffer b : operands) {
            be.release(b);
        }
    }

    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"IDENTITY", "SIGMOID", "TANH", "RELU"})
    void biasActivationReleasesItsTemporaries(UnaryOp act) {
        assertReleasesItsTemporaries("biasActivation(" + act + ")",
                o -> FusedDefaults.biasActivation(be, act, o[1], o[4], o[3], ROWS, COLS));
    }

    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = ".*_GRAD_FROM_OUTPUT", mode = EnumSource.Mode.MATCH_ALL)
    void backwardOpsReleaseTheirTemporaries(UnaryOp grad) {
        assertReleasesItsTemporaries("activationBackward(" + grad + ")",
                o -> FusedDefaults.activationBackward(be, grad, o[0], o[1], o[3], ROWS, COLS));
        assertReleasesItsTemporaries("backpropDelta(" + grad + ")",
                o -> FusedDefaults.backpropDelta(be, grad, o[1], o[6], o[0], o[3], ROWS, COLS, COLS));
        assertReleasesItsTemporaries("lossAndDelta(HALF_SQUARED_ERROR, " + grad + ")",
                o -> FusedDefaults.lossAndDelta(be, BinaryOp.HALF_SQUARED_ERROR, grad, o[0], o[2], o[3], o[5],
                        ROWS, COLS));
    }

    @Test
    void softmaxAndLossesReleaseTheirTemporaries() {
        assertReleasesItsTemporaries("softmaxRows", o -> FusedDefaults.softmaxRows(be, o[1], o[3], ROWS, COLS));
        for (BinaryOp term : new BinaryOp[]{BinaryOp.CROSS_ENTROPY, BinaryOp.BINARY_CROSS_ENTROPY}) {
            assertReleasesItsTemporaries("lossAndDelta(" + term + ")", o -> FusedDefaults.lossAndDelta(be, term,
                    UnaryOp.IDENTITY_GRAD_FROM_OUTPUT, o[0], o[2], o[3], o[5], ROWS, COLS));
            assertReleasesItsTemporaries("logitLossAndDelta(" + term + ")", o -> FusedDefaults.logitLossAndDelta(be,
                    term, o[1], o[0], o[2], o[3], o[5], ROWS, COLS));
        }
    }

    @Test
    void optimizerStepsReleaseTheirTemporaries() {
        for (double momentum : new double[]{0, 0.9}) {
            for (double decay : new double[]{0, 0.01}) {
                assertReleasesItsTemporaries("sgdStep μ=" + momentum + " λ=" + decay, o -> FusedDefaults.sgdStep(be,
                        o[0], o[1], momentum == 0 ? null : o[3], ROWS, COLS, 0.1, momentum, decay));
                assertReleasesItsTemporaries("adamStep λ=" + decay, o -> FusedDefaults.adamStep(be, o[0], o[1], o[2],
                        o[3], ROWS, COLS, 0.01, 0.9, 0.999, 1e-8, decay, 3));
            }
        }
    }

    @Test
    void bceOfConfidentCorrectLogitsIsESubMinusAbsZ() {
        double[] z = {40, -40, 40, -40};
        double[] t = {1, 0, 1, 0};
        DeviceBuffer bz = buffer(z), bf = buffer(LogitLosses.sigmoid(z)), bt = buffer(t);
        DeviceBuffer delta = buffer(new double[4]), loss = buffer(new double[1]);
        FusedDefaults.logitLossAndDelta(be, BinaryOp.BINARY_CROSS_ENTROPY, bz, bf, bt, delta, loss, 1, 4);
        double[] got = new double[1];
        be.read(loss, got);
        double expected = 4 * Math.log1p(Math.exp(-40));          // one row: the mean over N = 1 is the sum
        assertTrue(Math.abs(got[0] - expected) <= 1e-12 * expected,
                "BCE of four confident, correct logits: expected " + expected + ", got " + got[0]);
    }
}
