package dev.nabla.aparapi;

import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The 16-bit kernels in Aparapi's Java fallback (its thread pool, the opt-in {@code aparapi-jtp} backend), where Aparapi
 * runs the kernels' Java bytecode instead of their OpenCL translation: both must agree with HalfFloats.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AparapiHalfKernelsJavaThreadPoolTest extends AparapiHalfKernelsCases {
    private AparapiBackend backend;

    @BeforeAll
    void open() {
        backend = AparapiBackend.onJavaThreadPool();
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    ComputeBackend aparapi() {
        return backend;
    }
}
