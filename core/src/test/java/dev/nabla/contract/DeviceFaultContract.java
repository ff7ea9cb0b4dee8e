package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.DeviceException;
import dev.nabla.DeviceOutOfMemoryException;
import dev.nabla.InvalidDeviceException;
import dev.nabla.Scope;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Gradients;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Device faults at every point of a training scenario, on a real backend behind a {@link FaultyBackend}:
 * <ul>
 *   <li>out of device memory at allocation k, for every k the scenario makes: the error is a typed
 *       {@link DeviceOutOfMemoryException} naming the op, the shape and the backend; nothing stays allocated; retrying
 *       the failed call gives results bit for bit equal to a run without the fault (a failed allocation changes no
 *       parameter, optimizer state or step count);</li>
 *   <li>the device lost at operation k, for every k: the driver's typed error reaches the caller unchanged, and once
 *       the caller has closed what it owns, no tensor and no device byte is left.</li>
 * </ul>
 * After each fault the backend still computes correctly, and after both sweeps the scenario still gives its
 * fault-free results. A backend module extends this with {@link #createCompute()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class DeviceFaultContract {

    /** A new instance of the backend implementation under test; the contract closes it. */
    protected abstract ComputeBackend createCompute();

    private FaultyBackend faulty;
    private Backend be;
    private List<double[]> clean;

    @BeforeAll
    void start() {
        faulty = new FaultyBackend(createCompute());
        be = Backend.wrap(faulty);
        faulty.reset();
        clean = scenario(false, new ArrayList<>());
    }

    @AfterAll
    void stop() {
        if (be != null) {
            be.close();
        }
    }

    private long[] footprint() {
        return new long[]{be.stats().liveTensors(), be.stats().counter("liveDeviceBytes")};
    }

    /** Runs {@code unit}; if it fails with out-of-device-memory, records the error and runs it once more. */
    private static <T> T retry(boolean retry, List<DeviceException> seen, Supplier<T> unit) {
        if (!retry) {
            return unit.get();
        }
        try {
            return unit.get();
        } catch (DeviceOutOfMemoryException e) {
            seen.add(e);
            return unit.get();
        }
    }

    /**
     * Data in; two networks built (Adam; SGD with momentum and weight decay); training steps at two batch sizes;
     * forward, gradients, a network copy trained further, a chain of tensor ops in a scope. Every result, bit for bit.
     */
    private List<double[]> scenario(boolean r, List<DeviceException> seen) {
        List<double[]> out = new ArrayList<>();
        try (Tensor x = retry(r, seen, () -> be.fromArray(HostData.uniform(1, 12 * 5, -1, 1), 12, 5, DType.FLOAT32).detach());
             Tensor t = retry(r, seen, () -> be.fromArray(HostData.oneHot(2, 12, 3), 12, 3, DType.FLOAT32).detach());
             Tensor xs = retry(r, seen, () -> be.fromArray(HostData.uniform(3, 5 * 5, -1, 1), 5, 5, DType.FLOAT32).detach());
             Tensor ts = retry(r, seen, () -> be.fromArray(HostData.oneHot(4, 5, 3), 5, 3, DType.FLOAT32).detach());
             Tensor tb = retry(r, seen, () -> be.rand(12, 2, 5L).detach());
             Network net = retry(r, seen, () -> Network.builder().input(5).dense(7, Activation.RELU)
                     .dense(3, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(3).build(be));
             Network net2 = retry(r, seen, () -> Network.builder().input(5).dense(4, Activation.TANH)
                     .dense(2, Activation.SIGMOID).loss(Loss.MSE).seed(4).build(be));
             Optimizer adam = Optimizers.adam(0.02);
             Optimizer sgd = Optimizers.sgd(0.3).momentum(0.8).weightDecay(1e-3);
             Optimizer sgd2 = Optimizers.sgd(0.1).momentum(0.5)) {
            for (int step = 0; step < 2; step++) {
                out.add(new double[]{retry(r, seen, () -> net.trainStep(x, t, adam))});
                out.add(new double[]{retry(r, seen, () -> net2.trainStep(x, tb, sgd))});
            }
            out.add(new double[]{retry(r, seen, () -> net.trainStep(xs, ts, adam))});   // a smaller last batch
            out.add(net.weights(0));
            out.add(net.biases(1));
            try (Tensor f = retry(r, seen, () -> net.forward(x))) {
                out.add(f.toDoubleArray());
            }
            Gradients g = retry(r, seen, () -> net.gradients(xs, ts));
            out.add(new double[]{g.loss()});
            out.add(g.dW(1));
            try (Network copy = retry(r, seen, () -> net2.copyTo(be))) {
                out.add(new double[]{retry(r, seen, () -> copy.trainStep(x, tb, sgd2))});
                out.add(copy.weights(1));
            }
            out.add(net2.weights(0));
            out.add(retry(r, seen, () -> {
                try (Scope s = be.scope()) {
                    return x.matmulTransB(x).relu().sumColumns().scale(0.5).toDoubleArray();
                }
            }));
        }
        return out;
    }

    private void assertSameResults(List<double[]> expected, List<double[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": result " + i + " differs from the fault-free run");
        }
    }

    @Test
    void outOfMemoryAtEveryAllocationIsTypedLeavesNothingAndARetryGivesTheSameBits() {
        faulty.reset();
        long[] before = footprint();
        assertSameResults(clean, scenario(false, new ArrayList<>()), "a second fault-free run");
        long allocations = faulty.allocations();
        assertTrue(allocations > 40, "the scenario allocates " + allocations + " times");
        for (long k = 0; k < allocations; k++) {
            long n = k;
            faulty.failAllocation(n, () -> new DeviceOutOfMemoryException("injected: allocation " + n
                    + " failed: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4) [" + be.name() + "]"));
            List<DeviceException> seen = new ArrayList<>();
            List<double[]> got = scenario(true, seen);
            assertEquals(1, seen.size(), "allocation " + k + " failed once and was retried once: " + seen);
            String m = seen.get(0).getMessage();
            assertTrue(m.matches("(?s)\\w+: cannot allocate \\d+×\\d+ FLOAT(32|64) \\(\\d+ bytes\\) \\[" + be.name()
                    + "\\]: injected: allocation " + k + " failed.*"), "the error names op, shape and backend: " + m);
            assertSameResults(clean, got, "after out-of-memory at allocation " + k);
            assertArrayEquals(before, footprint(), "live tensors and device bytes after out-of-memory at allocation " + k);
            BadInputContract.assertComputesCorrectly(be);
        }
        System.out.println("[device faults] " + be.name() + ": out-of-memory injected at each of " + allocations
                + " allocations");
        faulty.reset();
        assertSameResults(clean, scenario(false, new ArrayList<>()), "after the sweep");
    }

    @Test
    void aDeviceLostAtEveryOperationReachesTheCallerTypedAndLeavesNothing() {
        faulty.reset();
        long[] before = footprint();
        scenario(false, new ArrayList<>());
        long operations = faulty.operations();
        assertTrue(operations > 40, "the scenario runs " + operations + " device operations");
        for (long k = 0; k < operations; k++) {
            long n = k;
            InvalidDeviceException[] injected = new InvalidDeviceException[1];
            faulty.failOperation(n, () -> injected[0] = new InvalidDeviceException("injected: operation " + n
                    + " failed: CL_INVALID_COMMAND_QUEUE (-36) [" + be.name() + "]"));
            try {
                scenario(false, new ArrayList<>());
                fail("operation " + k + " was armed to fail, but the scenario finished");
            } catch (InvalidDeviceException e) {
                assertSame(injected[0], e, "the device's error reaches the caller as it was raised");
            }
            assertArrayEquals(before, footprint(), "live tensors and device bytes after the device failed at operation "
                    + k + "; alive: " + be.liveTensorDescriptions());
            BadInputContract.assertComputesCorrectly(be);
        }
        System.out.println("[device faults] " + be.name() + ": device lost at each of " + operations + " operations");
        faulty.reset();
        assertSameResults(clean, scenario(false, new ArrayList<>()), "after the sweep");
    }
}
