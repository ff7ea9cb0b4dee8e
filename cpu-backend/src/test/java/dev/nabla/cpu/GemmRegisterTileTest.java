package dev.nabla.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The gemm's register tile and panel depth. The tile: 8 rows with 32 vector registers (512-bit vectors), 6 where
 * JDK 17's C2 keeps 12 accumulators in 16 registers, 4 where a later C2 would spill one (FloatGemm.MR's javadoc). The
 * build runs the gemm contract once more with {@code -Dnabla.cpu.gemm.mr=4} and once with 6 (cpu-backend/pom.xml),
 * and the default run has 8 or 6, so every micro-kernel is judged on any machine and JDK.
 */
class GemmRegisterTileTest {

    @Test
    void rowsFollowTheVectorWidthAndTheJdk() {
        assertEquals(6, FloatGemm.registerTileRows(0, 256, 17));
        assertEquals(4, FloatGemm.registerTileRows(0, 256, 18));
        assertEquals(4, FloatGemm.registerTileRows(0, 256, 25));
        assertEquals(4, FloatGemm.registerTileRows(0, 128, 25));
        assertEquals(8, FloatGemm.registerTileRows(0, 512, 25));
        assertEquals(8, FloatGemm.registerTileRows(0, 512, 17));
    }

    @Test
    void aRequestOfFourSixOrEightWinsAndAnythingElseIsIgnored() {
        assertEquals(4, FloatGemm.registerTileRows(4, 512, 17));
        assertEquals(6, FloatGemm.registerTileRows(6, 256, 25));
        assertEquals(6, FloatGemm.registerTileRows(6, 512, 17));
        assertEquals(8, FloatGemm.registerTileRows(8, 256, 17));
        assertEquals(6, FloatGemm.registerTileRows(5, 256, 17));
        assertEquals(4, FloatGemm.registerTileRows(7, 256, 25));
        assertEquals(8, FloatGemm.registerTileRows(12, 512, 25));
    }

    @Test
    void theRunningTileIsTheRequestedOneWhenThereIsARequest() {
        Integer requested = Integer.getInteger("nabla.cpu.gemm.mr");
        int expected = FloatGemm.registerTileRows(requested == null ? 0 : requested,
                FloatGemm.S.vectorBitSize(), Runtime.version().feature());
        assertEquals(expected, FloatGemm.MR);
        assertEquals(FloatGemm.MR, DoubleGemm.MR);
        if (requested != null && (requested == 4 || requested == 6 || requested == 8)) {
            assertEquals((int) requested, FloatGemm.MR, "the build's 4- and 6-row executions must run those kernels");
        }
    }

    /** The packed panel's depth: 1024 on 512-bit vectors, 512 on narrower ones (see FloatGemm.panelDepth). */
    @Test
    void panelDepthFollowsTheVectorWidth() {
        assertEquals(512, FloatGemm.panelDepth(128));
        assertEquals(512, FloatGemm.panelDepth(256));
        assertEquals(1024, FloatGemm.panelDepth(512));
        Integer requested = Integer.getInteger("nabla.cpu.gemm.kc");
        int expected = requested != null ? Math.max(8, requested) : FloatGemm.panelDepth(FloatGemm.S.vectorBitSize());
        assertEquals(expected, FloatGemm.KC);
        assertEquals(FloatGemm.KC, DoubleGemm.KC, "float and double use one depth rule");
    }
}
