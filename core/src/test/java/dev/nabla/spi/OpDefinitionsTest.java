package dev.nabla.spi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The definitions in {@link UnaryOp} and {@link BinaryOp} that the float64 reference does not reach through a
 * backend (each checked against the formula written out), σ beyond exp's range, and {@link Probe}. Mutation testing
 * found that replacing IDENTITY, IDENTITY_GRAD_FROM_OUTPUT or MAX by 0, swapping σ's two branches (e^x/(1+e^x) is
 * ∞/∞ = NaN at x = 1000) or a probe's checks went unnoticed.
 */
class OpDefinitionsTest {

    @Test
    void unaryOpsFollowTheirFormulas() {
        double x = 0.375;
        assertEquals(x, UnaryOp.IDENTITY.apply(x, 9));
        assertEquals(-1.5 * x, UnaryOp.SCALE.apply(x, -1.5));
        assertEquals(x + 2, UnaryOp.ADD_SCALAR.apply(x, 2));
        assertEquals(1.0, UnaryOp.IDENTITY_GRAD_FROM_OUTPUT.apply(x, 0));
        assertEquals(x * (1 - x), UnaryOp.SIGMOID_GRAD_FROM_OUTPUT.apply(x, 0));
        assertEquals(1 - x * x, UnaryOp.TANH_GRAD_FROM_OUTPUT.apply(x, 0));
        assertEquals(1.0, UnaryOp.RELU_GRAD_FROM_OUTPUT.apply(x, 0));
        assertEquals(0.0, UnaryOp.RELU_GRAD_FROM_OUTPUT.apply(-x, 0));
    }

    @Test
    void sigmoidHoldsBeyondExpsRange() {
        assertEquals(1.0, UnaryOp.sigmoid(1000));
        assertEquals(0.0, UnaryOp.sigmoid(-1000));
        assertEquals(0.5, UnaryOp.sigmoid(0));
        assertEquals(Math.exp(-700) / (1 + Math.exp(-700)), UnaryOp.sigmoid(-700));
    }

    @Test
    void exactlyTheOpsWhoseValueDependsOnTheParameterSayTheyReadIt() {
        java.util.Set<UnaryOp> reading = java.util.EnumSet.of(UnaryOp.SCALE, UnaryOp.ADD_SCALAR, UnaryOp.POW,
                UnaryOp.MAX_SCALAR, UnaryOp.MIN_SCALAR);
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(reading.contains(op), op.usesParam(), op.name());
            boolean depends = false;
            for (double x : new double[]{-2.5, -0.5, 0.25, 0.75, 3}) {
                depends |= Double.compare(op.apply(x, 0.5), op.apply(x, 2)) != 0;
            }
            assertEquals(op.usesParam(), depends, op.name() + ": usesParam() must say whether apply reads the parameter");
            assertEquals(op.name().endsWith("_GRAD_FROM_OUTPUT"), op.isGradFromOutput(), op.name());
        }
    }

    @Test
    void maxAndMinFollowJava() {
        assertEquals(3.0, BinaryOp.MAX.apply(-2, 3));
        assertEquals(-2.0, BinaryOp.MIN.apply(-2, 3));
        assertTrue(Double.isNaN(BinaryOp.MAX.apply(Double.NaN, 3)));
    }

    @Test
    void aProbeSaysWhatItFoundOrWhyNot() {
        Probe yes = Probe.available("2 cores");
        assertTrue(yes.available() && yes.ok());
        assertEquals("2 cores", yes.detail());
        Probe no = Probe.unavailable("no OpenCL platform");
        assertFalse(no.available() || no.ok());
        assertEquals("no OpenCL platform", no.reason());
        assertThrows(IllegalArgumentException.class, () -> new Probe(true, null));
        assertThrows(IllegalArgumentException.class, () -> new Probe(false, " "));
    }
}
