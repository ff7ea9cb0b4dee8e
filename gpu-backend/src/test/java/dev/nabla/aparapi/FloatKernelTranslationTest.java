package dev.nabla.aparapi;

import com.aparapi.internal.model.ClassModel;
import com.aparapi.internal.model.Entrypoint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Aparapi makes of the dispatcher kernels' bytecode, without a device: the FLOAT32 kernel must not need fp64 (a
 * stray double literal would make every FLOAT32 op fail on devices without cl_khr_fp64), the derived FLOAT64 one must.
 */
class FloatKernelTranslationTest {
    private static float[] f(int n) {
        return new float[n];
    }

    private static double[] d(int n) {
        return new double[n];
    }

    @Test
    void theFloatKernelTranslatesWithoutFp64() throws Exception {
        FloatKernel k = new FloatKernel(f(64), new float[][]{f(1), f(1), f(1), f(1)}, new int[64],
                new int[][]{new int[1], new int[1], new int[1], new int[1]}, Float.NEGATIVE_INFINITY);
        Entrypoint e = ClassModel.createClassModel(FloatKernel.class).getEntrypoint("run", k);
        assertFalse(e.requiresDoublePragma(), "FloatKernel uses double arithmetic somewhere");
        k.dispose();
    }

    @Test
    void theDoubleKernelIsTheFloatKernelInDouble() throws Exception {
        DoubleKernel k = new DoubleKernel(d(64), new double[][]{d(1), d(1), d(1), d(1)}, new int[64],
                new int[][]{new int[1], new int[1], new int[1], new int[1]}, Double.NEGATIVE_INFINITY);
        Entrypoint e = ClassModel.createClassModel(DoubleKernel.class).getEntrypoint("run", k);
        assertTrue(e.requiresDoublePragma(), "DoubleKernel should need cl_khr_fp64");
        k.dispose();
    }
}
