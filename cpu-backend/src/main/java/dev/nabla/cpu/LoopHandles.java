package dev.nabla.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The handles through which the Vector kernels call their loops (VectorFloatKernels, VectorDoubleKernels,
 * VectorHalfKernels). Kept in instance or enum fields, a handle is not a compile-time constant, so C2 compiles each
 * loop as a root of its own and never inlines it into its caller; the kernel classes say why that matters.
 */
final class LoopHandles {
    private LoopHandles() {
    }

    /**
     * The handle of {@code type} that calls {@code owner}'s {@code run} on {@code loop}.
     *
     * @param lookup the caller's lookup (the loops are private nested classes)
     */
    static MethodHandle bound(MethodHandles.Lookup lookup, Object loop, Class<?> owner, MethodType type) {
        try {
            return lookup.findVirtual(owner, "run", type).bindTo(loop);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cpu: cannot find " + owner.getSimpleName() + ".run", e);
        }
    }

    /**
     * The handle of {@code type} that calls {@code owner}'s static method {@code name}.
     *
     * @param lookup the caller's lookup (the loops are private methods)
     */
    static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> owner, String name, MethodType type) {
        try {
            return lookup.findStatic(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cpu: cannot find " + owner.getSimpleName() + "." + name, e);
        }
    }

    /**
     * What a loop called through {@code invokeExact} threw, to rethrow: itself when unchecked (the loops declare no
     * checked exception), else wrapped.
     */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
