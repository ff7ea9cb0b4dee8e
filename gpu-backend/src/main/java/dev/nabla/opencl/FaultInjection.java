package dev.nabla.opencl;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A test hook: makes the next device allocation or kernel build fail as the driver would, so tests can show that
 * the error is typed, that nothing leaks, and that the backend still works afterwards. Inert unless armed.
 */
public final class FaultInjection {
    /** What to fail next. */
    public enum Fault {
        /** the next device allocation fails with CL_MEM_OBJECT_ALLOCATION_FAILURE, its pool-drain retry included */
        OUT_OF_DEVICE_MEMORY,
        /** the next program build compiles a source with a syntax error */
        KERNEL_BUILD_FAILURE
    }

    private static final AtomicReference<Fault> armed = new AtomicReference<>();

    private FaultInjection() {
    }

    /** Arms one fault; it fires once. */
    public static void arm(Fault fault) {
        armed.set(fault);
    }

    public static void disarm() {
        armed.set(null);
    }

    /** Whether the allocation starting now must fail (consumes an armed allocation fault). */
    static boolean takeAllocationFault() {
        return armed.compareAndSet(Fault.OUT_OF_DEVICE_MEMORY, null);
    }

    /** The source to build: broken once when a build fault is armed. */
    static String beforeBuild(String source) {
        if (armed.compareAndSet(Fault.KERNEL_BUILD_FAILURE, null)) {
            return source + "\n__kernel void injected_fault(__global float* x) { x[0] = undefined_symbol; }\n";
        }
        return source;
    }
}
