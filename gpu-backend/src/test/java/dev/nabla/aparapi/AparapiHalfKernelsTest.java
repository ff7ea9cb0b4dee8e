package dev.nabla.aparapi;

import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The 16-bit kernels on OpenCL (PoCL on CI), against HalfFloats. */
@ExtendWith(NoSkipOnCi.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AparapiHalfKernelsTest extends AparapiHalfKernelsCases {
    private AparapiBackend backend;

    @BeforeAll
    void open() {
        AparapiDevices.Choice c = AparapiDevices.choose();
        assumeTrue(c.device() != null, "no OpenCL device for Aparapi here: " + c.problem());
        backend = AparapiBackend.onDevice(c.device());
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
