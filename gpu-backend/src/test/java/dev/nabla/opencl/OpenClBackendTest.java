package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.BackendReport;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.InvalidDeviceException;
import dev.nabla.KernelBuildException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.contract.HostData;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to the opencl backend: discovery, device choice, build errors, residency, the pool. */
@ExtendWith(NoSkipOnCi.class)
class OpenClBackendTest {

    @Test
    void onCiTheProbeMustFindADevice() {
        BackendReport report = Backends.report();
        if (NoSkipOnCi.onCi()) {
            assertTrue(report.entry("opencl").available(), "CI installs PoCL, so opencl must be available:\n" + report);
        }
        assertTrue(report.entry("opencl") != null, report.toString());
    }

    @Test
    void aSelectorPicksADeviceByIndexOrNameAndSaysWhatItFoundOtherwise() {
        try (Backend be = OpenClTests.freshBackend()) {
            List<ClDevice> devices = ClDiscovery.devices();
            assertEquals(devices.get(0).name(), ClDiscovery.select(devices, "0").name());
            String part = devices.get(0).name().substring(0, Math.min(4, devices.get(0).name().length()));
            assertEquals(devices.get(0).name(), ClDiscovery.select(devices, part.toLowerCase()).name());
            InvalidDeviceException e = assertThrows(InvalidDeviceException.class,
                    () -> ClDiscovery.select(devices, "no-such-device-xyz"));
            assertTrue(e.getMessage().contains("no OpenCL device matches 'no-such-device-xyz'")
                    && e.getMessage().contains(devices.get(0).name()), e.getMessage());
            assertThrows(InvalidDeviceException.class, () -> ClDiscovery.select(devices, "999"));
            assertTrue(be.description().contains(devices.get(0).name()) || devices.size() > 1, be.description());
        }
    }

    @Test
    void aBuildFailureCarriesTheCompilerLogAndTheBackendStillWorksAfter() {
        try (Backend be = OpenClTests.freshBackend()) {
            ClDevice device = ((OpenClBackend) be.compute()).device();
            FaultInjection.arm(FaultInjection.Fault.KERNEL_BUILD_FAILURE);
            KernelBuildException e;
            try {
                e = assertThrows(KernelBuildException.class, () -> new OpenClBackend(device));
            } finally {
                FaultInjection.disarm();
            }
            assertTrue(e.kernelName().startsWith("nabla"), e.kernelName());
            assertTrue(e.buildLog().contains("undefined_symbol"), "the build log names the error:\n" + e.buildLog());
            assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
            try (Scope s = be.scope()) {
                assertEquals(6.0, be.fromArray(new float[]{1, 2, 3}, 1, 3).sum().item());
            }
        }
    }

    /** After warm-up a training step moves nothing between host and device and creates no device buffer. */
    @Test
    void aWarmTrainingStepTransfersNothingAndCreatesNoBuffers() {
        try (Backend be = OpenClTests.freshBackend(); Scope s = be.scope();
             Network net = Network.builder().input(64).dense(48, Activation.RELU).dense(32, Activation.TANH)
                     .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).build(be);
             Optimizer opt = Optimizers.adam(1e-3)) {
            Tensor x = be.fromArray(HostData.uniform(1, 100 * 64, -1, 1), 100, 64, DType.FLOAT32);
            Tensor t = be.fromArray(HostData.oneHot(2, 100, 10), 100, 10, DType.FLOAT32);
            net.trainStep(x, t, opt);                       // warm-up: workspace, optimizer state
            be.synchronize();
            long h2d = be.stats().counter("hostToDeviceBytes");
            long d2h = be.stats().counter("deviceToHostBytes");
            long created = be.stats().counter("deviceBuffersCreated");
            long launches = be.stats().counter("kernelLaunches");
            net.trainStepWithoutLoss(x, t, opt);
            be.synchronize();
            assertEquals(h2d, be.stats().counter("hostToDeviceBytes"), "host→device bytes of a warm step");
            assertEquals(d2h, be.stats().counter("deviceToHostBytes"), "device→host bytes of a warm step");
            assertEquals(created, be.stats().counter("deviceBuffersCreated"), "device buffers created by a warm step");
            assertTrue(be.stats().counter("kernelLaunches") > launches, "the step did run kernels");
            double loss = net.trainStep(x, t, opt);         // asking for the loss reads back exactly one value
            assertEquals(d2h + 4, be.stats().counter("deviceToHostBytes"));
            assertTrue(Double.isFinite(loss));
        }
    }

    @Test
    void releasedBuffersAreReusedNotRecreated() {
        try (Backend be = OpenClTests.freshBackend()) {
            for (int i = 0; i < 3; i++) {
                try (Tensor t = be.zeros(100, 100)) {
                    t.relu().close();
                }
            }
            long created = be.stats().counter("deviceBuffersCreated");
            for (int i = 0; i < 10; i++) {
                try (Tensor t = be.zeros(100, 100)) {
                    t.relu().close();
                }
            }
            assertEquals(created, be.stats().counter("deviceBuffersCreated"));
            assertTrue(be.stats().counter("deviceBuffersReused") >= 20);
        }
    }

    @Test
    void poolBucketsWasteAtMostAThird() {
        assertEquals(256, BufferPool.bucket(1));
        assertEquals(256, BufferPool.bucket(256));
        assertEquals(384, BufferPool.bucket(257));
        assertEquals(512, BufferPool.bucket(385));
        assertEquals(1 << 20, BufferPool.bucket(1 << 20));
        for (long b = 257; b < 1 << 22; b = b * 5 / 4 + 1) {
            long bucket = BufferPool.bucket(b);
            assertTrue(bucket >= b && bucket <= b * 3 / 2 + 1, b + " → " + bucket);
        }
    }
}
