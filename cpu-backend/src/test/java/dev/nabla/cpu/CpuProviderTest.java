package dev.nabla.cpu;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CpuProvider} and {@link CpuPath} called directly: the provider's name, priority, probe and create(), and the
 * path the {@value CpuPath#VECTOR_PROPERTY} property chooses. The rest of the part's tests build {@link CpuBackend}
 * directly (docs/reliability.md, the cpu-backend PIT part). Unset, the property leaves the choice to the JVM:
 * VECTOR where it has the Vector module (surefire's default execution), SCALAR where it has not.
 */
class CpuProviderTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final String THREADS = CORES + " thread" + (CORES == 1 ? "" : "s");
    private static final boolean MODULE = CpuPath.vectorModulePresent();
    /** The path when the property does not ask for the plain one. */
    private static final CpuPath DEFAULT = MODULE ? CpuPath.VECTOR : CpuPath.SCALAR;
    private static final String DEFAULT_REASON = MODULE ? "jdk.incubator.vector present"
            : "jdk.incubator.vector absent (add --add-modules jdk.incubator.vector)";

    /** Runs {@code body} with the property set to {@code value} (null: unset), then puts back what was there. */
    private static <T> T withVectorProperty(String value, Supplier<T> body) {
        String before = System.getProperty(CpuPath.VECTOR_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(CpuPath.VECTOR_PROPERTY);
            } else {
                System.setProperty(CpuPath.VECTOR_PROPERTY, value);
            }
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(CpuPath.VECTOR_PROPERTY);
            } else {
                System.setProperty(CpuPath.VECTOR_PROPERTY, before);
            }
        }
    }

    /** The backend computes: 1 + 2 and a 2 × 2 product. */
    private static void assertWorks(ComputeBackend compute) {
        try (Backend backend = Backend.wrap(compute, false);
             Tensor a = backend.fromArray(new float[]{1, 2, 3, 4}, 2, 2);
             Tensor b = backend.fromArray(new float[]{2, 0, 0, 2}, 2, 2);
             Tensor sum = a.add(b);
             Tensor product = a.matmul(b)) {
            assertArrayEquals(new float[]{3, 2, 3, 6}, sum.toFloatArray());
            assertArrayEquals(new float[]{2, 4, 6, 8}, product.toFloatArray());
        }
    }

    @Test
    void isTheCpuBackendAtPriorityTenFoundByTheServiceLoader() {
        CpuProvider provider = new CpuProvider();
        assertEquals("cpu", provider.name());
        assertEquals(CpuBackend.NAME, provider.name());
        assertEquals(10, provider.priority());
        assertTrue(ServiceLoader.load(BackendProvider.class).stream()
                .anyMatch(p -> p.type() == CpuProvider.class), "META-INF/services names CpuProvider");
    }

    @Test
    void theProbeIsAvailableAndSaysWhichPathAndHowManyThreads() {
        assertEquals(MODULE, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        Probe probe = withVectorProperty(null, () -> new CpuProvider().probe());
        assertTrue(probe.ok());
        assertTrue(probe.available());
        assertEquals((MODULE ? "Vector API" : "plain Java (" + DEFAULT_REASON + ")") + ", " + THREADS, probe.detail());
        Probe plain = withVectorProperty("false", () -> new CpuProvider().probe());
        assertTrue(plain.ok(), "the plain path is always there");
        assertEquals("plain Java (-D" + CpuPath.VECTOR_PROPERTY + "=false), " + THREADS, plain.detail());
    }

    @Test
    void createGivesAWorkingBackendOnThePathThePropertyChooses() {
        ComputeBackend byDefault = withVectorProperty(null, () -> new CpuProvider().create());
        CpuBackend cpu = assertInstanceOf(CpuBackend.class, byDefault);
        assertEquals(DEFAULT, cpu.path());
        assertEquals(CORES, cpu.threads(), "every core");
        assertEquals("cpu", cpu.name());
        assertWorks(byDefault);

        ComputeBackend plain = withVectorProperty("false", () -> new CpuProvider().create());
        CpuBackend scalar = assertInstanceOf(CpuBackend.class, plain);
        assertEquals(CpuPath.SCALAR, scalar.path());
        assertEquals(CORES, scalar.threads());
        assertWorks(plain);

        ComputeBackend first = new CpuProvider().create();
        ComputeBackend second = new CpuProvider().create();
        try (first; second) {
            assertFalse(first == second, "each create() is a backend of its own");
        }
    }

    @Test
    void thePathIsWhatThePropertySays() {
        assertEquals(DEFAULT, withVectorProperty(null, CpuPath::detect), "unset: the module decides");
        assertEquals(DEFAULT, withVectorProperty("true", CpuPath::detect));
        assertEquals(DEFAULT, withVectorProperty("no", CpuPath::detect), "only \"false\" switches it off");
        assertEquals(CpuPath.SCALAR, withVectorProperty("false", CpuPath::detect));
        assertEquals(CpuPath.SCALAR, withVectorProperty("FALSE", CpuPath::detect), "in any case");

        assertFalse(withVectorProperty(null, CpuPath::plainPathRequested));
        assertFalse(withVectorProperty("true", CpuPath::plainPathRequested));
        assertTrue(withVectorProperty("False", CpuPath::plainPathRequested));

        assertEquals(DEFAULT_REASON, withVectorProperty(null, CpuPath::reason));
        assertEquals(DEFAULT_REASON, withVectorProperty("true", CpuPath::reason));
        assertEquals("-D" + CpuPath.VECTOR_PROPERTY + "=false", withVectorProperty("false", CpuPath::reason));
        assertEquals("nabla.cpu.vector", CpuPath.VECTOR_PROPERTY);
    }
}
