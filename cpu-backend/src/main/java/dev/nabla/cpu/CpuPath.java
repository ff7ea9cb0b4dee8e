package dev.nabla.cpu;

/**
 * Which kernels the cpu backend runs. VECTOR needs the {@code jdk.incubator.vector} module
 * ({@code --add-modules jdk.incubator.vector}); SCALAR is plain Java and runs anywhere.
 */
public enum CpuPath {
    VECTOR,
    SCALAR;

    /** {@code -Dnabla.cpu.vector=false} forces the plain path. */
    public static final String VECTOR_PROPERTY = "nabla.cpu.vector";

    /** VECTOR when the incubator module is present and not switched off by {@value #VECTOR_PROPERTY}. */
    public static CpuPath detect() {
        if (plainPathRequested()) {
            return SCALAR;
        }
        return vectorModulePresent() ? VECTOR : SCALAR;
    }

    /** Whether {@value #VECTOR_PROPERTY} is {@code false}: the plain path asked for, not fallen back to. */
    static boolean plainPathRequested() {
        return "false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY, "true"));
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Why detect() chose what it chose, for reports. */
    public static String reason() {
        if (plainPathRequested()) {
            return "-D" + VECTOR_PROPERTY + "=false";
        }
        return vectorModulePresent() ? "jdk.incubator.vector present"
                : "jdk.incubator.vector absent (add --add-modules jdk.incubator.vector)";
    }
}
