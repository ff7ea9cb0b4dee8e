package dev.nabla.aparapi;

import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The issue-13 kernels in Aparapi's Java fallback (its thread pool, the opt-in {@code aparapi-jtp} backend), where
 * Aparapi runs the kernels' Java bytecode instead of their OpenCL translation: both must agree with the reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AparapiIndexingOpsJavaThreadPoolTest extends AparapiIndexingOpsCases {
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
