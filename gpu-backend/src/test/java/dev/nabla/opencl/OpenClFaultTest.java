package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.BackendStats;
import dev.nabla.Backends;
import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.DeviceOutOfMemoryException;
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
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device faults raised by the real OpenCL code paths: an allocation the driver refuses (through
 * {@link FaultInjection}, inside the buffer pool, with its pool-emptying retry), a program that does not compile, a
 * device or platform handle that is not valid, a device selector that matches nothing. Each becomes its typed
 * exception, no device buffer is left behind (the pool's counters say so), and the backend still works.
 */
@ExtendWith(NoSkipOnCi.class)
class OpenClFaultTest {

    @AfterEach
    void disarm() {
        FaultInjection.disarm();
    }

    /** The counters a fault must not move: live tensors, live device bytes, device buffers created. */
    private static long[] footprint(Backend be) {
        BackendStats s = be.stats();
        return new long[]{s.liveTensors(), s.counter("liveDeviceBytes"), s.counter("deviceBuffersCreated")};
    }

    private static void assertComputes(Backend be) {
        try (Scope s = be.scope()) {
            Tensor a = be.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
            assertArrayEquals(new float[]{7, 10, 15, 22}, a.matmul(a).toFloatArray());
            assertEquals(10.0, a.sum().item());
        }
    }

    @Test
    void outOfDeviceMemoryEmptiesThePoolRetriesAndThenFailsTypedNamingOpShapeAndBackend() {
        try (Backend be = OpenClTests.freshBackend()) {
            be.zeros(64, 64).close();                                    // 16 KiB now pooled, free
            be.zeros(3, 3).close();                                      // and a 256 B bucket
            assertEquals(16384 + 256, be.stats().counter("pooledBytes"));
            long released = be.stats().counter("deviceBuffersReleased");
            long[] before = footprint(be);
            FaultInjection.arm(FaultInjection.Fault.OUT_OF_DEVICE_MEMORY);
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> be.zeros(1000, 1000));
            assertEquals("zeros: cannot allocate 1000×1000 FLOAT32 (4000000 bytes) [opencl]: allocating 4194304 bytes"
                    + " (after emptying the pool) failed: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4) [opencl]", e.getMessage());
            assertTrue(e.getCause() instanceof DeviceOutOfMemoryException
                    && e.getCause().getCause() instanceof CLException, "the driver's exception is kept as the cause");
            assertArrayEquals(before, footprint(be), "no tensor, no live device byte, no buffer created");
            assertEquals(0, be.stats().counter("pooledBytes"), "the free buffers were given back to make room");
            assertEquals(released + 2, be.stats().counter("deviceBuffersReleased"));
            try (Tensor big = be.zeros(1000, 1000)) {                      // the fault fired once: it works now
                assertEquals(0.0, big.sum().item());
            }
            assertComputes(be);
        }
    }

    @Test
    void outOfDeviceMemoryWithAnEmptyPoolFailsAtOnce() {
        try (Backend be = OpenClTests.freshBackend()) {
            assertEquals(0, be.stats().counter("pooledBytes"));
            long[] before = footprint(be);
            FaultInjection.arm(FaultInjection.Fault.OUT_OF_DEVICE_MEMORY);
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> be.fromArray(new double[10], 2, 5, DType.FLOAT32));
            assertEquals("fromArray: cannot allocate 2×5 FLOAT32 (40 bytes) [opencl]: allocating 256 bytes failed:"
                    + " CL_MEM_OBJECT_ALLOCATION_FAILURE (-4) [opencl]", e.getMessage());
            assertArrayEquals(before, footprint(be));
            assertComputes(be);
        }
    }

    private static double[][] train(Backend be, boolean faultOnFirstStep) {
        try (Scope s = be.scope();
             Network net = Network.builder().input(8).dense(16, Activation.TANH).dense(4, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).seed(21).build(be);
             Optimizer adam = Optimizers.adam(0.01)) {
            Tensor x = be.fromArray(HostData.uniform(5, 40 * 8, -1, 1), 40, 8, DType.FLOAT32);
            Tensor t = be.fromArray(HostData.oneHot(6, 40, 4), 40, 4, DType.FLOAT32);
            if (faultOnFirstStep) {
                long[] before = footprint(be);
                FaultInjection.arm(FaultInjection.Fault.OUT_OF_DEVICE_MEMORY);  // the first workspace buffer is new
                DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                        () -> net.trainStep(x, t, adam));
                // the user's call, not the workspace's internal step ("empty: ..." before issue 12)
                assertTrue(e.getMessage().startsWith("trainStep: cannot allocate 40×16 FLOAT32 (2560 bytes) [opencl]: "),
                        e.getMessage());
                assertArrayEquals(before, footprint(be), "the failed step left no tensor and no device memory");
            }
            double[] losses = new double[10];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = net.trainStep(x, t, adam);
            }
            return new double[][]{losses, net.weights(0), net.biases(0), net.weights(1), net.biases(1)};
        }
    }

    @Test
    void outOfDeviceMemoryInATrainingStepChangesNothingAndTrainingGoesOnBitForBit() {
        double[][] faultFree;
        try (Backend be = OpenClTests.freshBackend()) {
            faultFree = train(be, false);
        }
        try (Backend be = OpenClTests.freshBackend()) {
            double[][] afterFault = train(be, true);
            for (int i = 0; i < faultFree.length; i++) {
                assertArrayEquals(faultFree[i], afterFault[i], "result " + i + ": fault-free vs after the fault");
            }
            assertEquals(0, be.stats().liveTensors());
        }
    }

    @Test
    void aProgramThatDoesNotCompileIsTypedCarriesItsLogAndDisturbsNoRunningBackend() {
        try (Backend live = OpenClTests.freshBackend()) {
            double[][] first = train(live, false);
            Map<String, Long> counters = live.stats().backendCounters();
            for (int i = 0; i < 5; i++) {
                FaultInjection.arm(FaultInjection.Fault.KERNEL_BUILD_FAILURE);
                KernelBuildException e = assertThrows(KernelBuildException.class, () -> Backends.create("opencl"));
                assertEquals("nabla (FLOAT32)", e.kernelName());
                assertTrue(e.buildLog().contains("undefined_symbol"), e.buildLog());
                assertTrue(e.getMessage().startsWith("building OpenCL program nabla (FLOAT32) for ")
                        && e.getMessage().contains("failed: CL_BUILD_PROGRAM_FAILURE [opencl]"), e.getMessage());
            }
            assertEquals(counters, live.stats().backendCounters(), "a failed start touches no running backend");
            double[][] again = train(live, false);
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(first[i], again[i], "the running backend trains as before, bit for bit");
            }
            try (Backend next = Backends.create("opencl")) {                 // the fault fired once
                assertComputes(next);
            }
        }
    }

    private static ClDevice withHandles(ClDevice d, cl_platform_id platform, cl_device_id device) {
        return new ClDevice(d.index(), platform, device, d.platformName(), d.platformVersion(), d.name(), d.vendor(),
                d.version(), d.type(), d.fp64(), d.globalMemBytes(), d.maxAllocBytes(), d.maxWorkGroupSize(),
                d.localMemBytes(), d.computeUnits());
    }

    @Test
    void aDeviceOrPlatformThatIsNotValidIsAnInvalidDeviceException() {
        try (Backend live = OpenClTests.freshBackend()) {
            ClDevice d = ((OpenClBackend) live.compute()).device();
            InvalidDeviceException device = assertThrows(InvalidDeviceException.class,
                    () -> new OpenClBackend(withHandles(d, d.platform(), new cl_device_id())));
            assertEquals("starting OpenCL on " + d.name() + " failed: CL_INVALID_DEVICE (-33) [opencl]",
                    device.getMessage());
            InvalidDeviceException platform = assertThrows(InvalidDeviceException.class,
                    () -> new OpenClBackend(withHandles(d, new cl_platform_id(), d.device())));
            assertEquals("starting OpenCL on " + d.name() + " failed: CL_INVALID_PLATFORM (-32) [opencl]",
                    platform.getMessage());
            assertComputes(live);
        }
    }

    @Test
    void aSelectorThatMatchesNoDeviceIsAnInvalidDeviceExceptionListingTheDevices() {
        try (Backend live = OpenClTests.freshBackend()) {                   // the probe has run: it is cached
            System.setProperty(ClDiscovery.DEVICE_PROPERTY, "no-such-gpu-xyz");
            InvalidDeviceException e;
            try {
                e = assertThrows(InvalidDeviceException.class, () -> Backends.create("opencl"));
            } finally {
                System.clearProperty(ClDiscovery.DEVICE_PROPERTY);
            }
            assertTrue(e.getMessage().startsWith("no OpenCL device matches 'no-such-gpu-xyz' (set by -D"
                    + ClDiscovery.DEVICE_PROPERTY), e.getMessage());
            assertTrue(e.getMessage().contains(((OpenClBackend) live.compute()).device().describe()), e.getMessage());
            assertComputes(live);
        }
    }

    /** Every OpenCL status Nabla names maps to one typed exception; the message keeps the code's name and number. */
    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource({
            "CL_OUT_OF_RESOURCES, -5, DeviceOutOfMemoryException",
            "CL_MEM_OBJECT_ALLOCATION_FAILURE, -4, DeviceOutOfMemoryException",
            "CL_OUT_OF_HOST_MEMORY, -6, DeviceOutOfMemoryException",
            "CL_INVALID_DEVICE, -33, InvalidDeviceException",
            "CL_DEVICE_NOT_AVAILABLE, -2, InvalidDeviceException",
            "CL_DEVICE_NOT_FOUND, -1, InvalidDeviceException",
            "CL_INVALID_PLATFORM, -32, InvalidDeviceException",
            "CL_INVALID_CONTEXT, -34, InvalidDeviceException",
            "CL_INVALID_COMMAND_QUEUE, -36, InvalidDeviceException",
            "CL_INVALID_KERNEL_ARGS, -52, DeviceException",
            "CL_INVALID_WORK_GROUP_SIZE, -54, DeviceException",
            "CL_BUILD_PROGRAM_FAILURE, -11, DeviceException",
            "CL_INVALID_MEM_OBJECT, -38, DeviceException"})
    void everyOpenClStatusHasItsTypedException(String name, int code, String type) {
        CLException cause = new CLException("driver says " + name, code);
        RuntimeException e = ClErrors.translate("gemm", cause);
        assertEquals(type, e.getClass().getSimpleName());
        assertTrue(e instanceof DeviceException);
        assertEquals("gemm failed: " + name + " (" + code + ") [opencl]", e.getMessage());
        assertSame(cause, e.getCause());
        assertEquals(name, CL.stringFor_errorCode(code), "the table's code numbers are OpenCL's");
        assertEquals(type.equals("DeviceOutOfMemoryException"), ClErrors.isOutOfMemory(cause),
                "the pool empties itself and retries exactly for the out-of-memory codes");
    }
}
