package dev.nabla.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * σ's loops on the VECTOR path: two on JDK 17, where one loop is compiled to box its vectors in most JVMs of a wide
 * sigmoid network, and for doubles on every JDK (one loop passes C2's node limit); one for floats elsewhere
 * (VectorFloatKernels.SIGMOID_TWO_LOOPS). The build runs the contracts once more with
 * {@code -Dnabla.cpu.sigmoid.loops=1} (cpu-backend/pom.xml, the `gemm-register-tile-4` execution), so both are
 * judged on any JDK.
 */
class SigmoidLoopsTest {

    @Test
    void twoLoopsOnJdk17AndForDoublesAndOneForFloatsAfter() {
        assertEquals(2, VectorFloatKernels.sigmoidLoops(0, 17, Float.BYTES));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 18, Float.BYTES));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 25, Float.BYTES));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(0, 17, Double.BYTES));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(0, 25, Double.BYTES));
    }

    @Test
    void aRequestOfOneOrTwoWinsAndAnythingElseIsIgnored() {
        assertEquals(1, VectorFloatKernels.sigmoidLoops(1, 17, Float.BYTES));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(1, 25, Double.BYTES));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(2, 25, Float.BYTES));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(3, 17, Float.BYTES));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 21, Float.BYTES));
    }

    @Test
    void theRunningChoiceIsTheRequestedOneWhenThereIsARequest() {
        Integer requested = Integer.getInteger("nabla.cpu.sigmoid.loops");
        int r = requested == null ? 0 : requested;
        int feature = Runtime.version().feature();
        assertEquals(VectorFloatKernels.sigmoidLoops(r, feature, Float.BYTES) == 2, VectorFloatKernels.SIGMOID_TWO_LOOPS);
        assertEquals(VectorFloatKernels.sigmoidLoops(r, feature, Double.BYTES) == 2,
                VectorDoubleKernels.SIGMOID_TWO_LOOPS);
    }
}
