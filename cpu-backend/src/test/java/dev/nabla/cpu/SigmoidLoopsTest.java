package dev.nabla.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * σ's loops on the VECTOR path: two on JDK 17, where one loop is compiled to box its vectors in most JVMs of a wide
 * sigmoid network, one elsewhere (VectorFloatKernels.SIGMOID_TWO_LOOPS). The build runs the contracts once more with
 * {@code -Dnabla.cpu.sigmoid.loops=1} (cpu-backend/pom.xml, the `gemm-register-tile-4` execution), so both are
 * judged on any JDK.
 */
class SigmoidLoopsTest {

    @Test
    void twoLoopsOnJdk17AndOneAfter() {
        assertEquals(2, VectorFloatKernels.sigmoidLoops(0, 17));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 18));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 25));
    }

    @Test
    void aRequestOfOneOrTwoWinsAndAnythingElseIsIgnored() {
        assertEquals(1, VectorFloatKernels.sigmoidLoops(1, 17));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(2, 25));
        assertEquals(2, VectorFloatKernels.sigmoidLoops(3, 17));
        assertEquals(1, VectorFloatKernels.sigmoidLoops(0, 21));
    }

    @Test
    void theRunningChoiceIsTheRequestedOneWhenThereIsARequest() {
        Integer requested = Integer.getInteger("nabla.cpu.sigmoid.loops");
        int expected = VectorFloatKernels.sigmoidLoops(requested == null ? 0 : requested, Runtime.version().feature());
        assertEquals(expected == 2, VectorFloatKernels.SIGMOID_TWO_LOOPS);
        assertEquals(VectorFloatKernels.SIGMOID_TWO_LOOPS, VectorDoubleKernels.SIGMOID_TWO_LOOPS);
    }
}
