package dev.nabla.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one WARNING a JVM without {@code --add-modules jdk.incubator.vector} gets: the cpu backend then runs its plain
 * Java kernels, about 11× slower on matmul (5.5 against 61 GFLOP/s at 512³ on the reference machine), and nothing
 * else would say so. Logged when a cpu backend first starts on the plain path because the module is missing; never
 * when the plain path was asked for ({@code -Dnabla.cpu.vector=false}, or {@code new CpuBackend(CpuPath.SCALAR, n)}).
 */
final class VectorModuleWarning {
    private static final System.Logger LOG = System.getLogger(CpuBackend.class.getName());
    private static final AtomicBoolean SAID = new AtomicBoolean();

    private VectorModuleWarning() {
    }

    /** Logs the warning once per JVM if {@code chosen} is the plain path only because the module is missing. */
    static void onStart(CpuPath chosen) {
        if (chosen == CpuPath.SCALAR && !CpuPath.plainPathRequested() && !CpuPath.vectorModulePresent()
                && SAID.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "cpu: the JVM was started without --add-modules "
                    + "jdk.incubator.vector, so the cpu backend runs its plain-Java kernels, about 11x slower on "
                    + "matmul; add --add-modules jdk.incubator.vector to the java command line, or "
                    + "-D" + CpuPath.VECTOR_PROPERTY + "=false to choose the plain path and silence this");
        }
    }
}
