package dev.nabla.cpu;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link VectorInlining}: the directive names every vector-taking method of ours, and HotSpot takes it. */
class VectorInliningTest {

    @Test
    void theDirectiveNamesTheMathWithItsDescriptorAndNoArrayLoop() {
        assumeTrue(CpuPath.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        List<String> p = VectorInlining.requiredInlines();
        assertTrue(p.contains("dev/nabla/cpu/VectorFloatMath.log"), p.toString());
        assertTrue(p.contains("dev/nabla/cpu/VectorDoubleKernels.crossEntropy"), p.toString());
        // bceFirstTerm has a per-vector form (inlined) and a loop over arrays (a root of its own, called by handle)
        assertTrue(p.stream().anyMatch(s -> s.startsWith("dev/nabla/cpu/VectorFloatKernels.bceFirstTerm(Ljdk")),
                p.toString());
        assertTrue(p.stream().noneMatch(s -> s.startsWith("dev/nabla/cpu/VectorFloatKernels.bceFirstTerm([F")),
                p.toString());
        assertTrue(p.stream().noneMatch(s -> s.contains("$UnaryLoop")), "the loops take arrays: " + p);
    }

    @Test
    void theKernelsEntryPointsAreRootsAndTheirHelpersAreNot() {
        assumeTrue(CpuPath.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        List<String> roots = VectorInlining.separateRoots();
        for (String entry : List.of("VectorFloatKernels.sumColumns", "VectorDoubleKernels.softmaxRows",
                "VectorFloatKernels.gemm", "VectorHalfKernels.biasActivation", "VectorHalfGemm.gemm")) {
            assertTrue(roots.contains("dev/nabla/cpu/" + entry), entry + " in " + roots);
        }
        assertTrue(roots.stream().noneMatch(r -> r.endsWith(".load") || r.endsWith(".description")
                || r.contains("Math.")), roots.toString());
        String directive = VectorInlining.directive();
        assertTrue(directive.lastIndexOf("\"+") < directive.indexOf("\"-"), "the helpers' patterns come first");
    }

    /** A class outside VECTOR_CLASSES with a vector-taking method would be left to C2's heuristics: none may. */
    @Test
    void noClassOutsideTheListTakesOrReturnsAVector() throws IOException, URISyntaxException, ClassNotFoundException {
        assumeTrue(CpuPath.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        Path dir = Path.of(VectorInlining.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/nabla/cpu");
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.equals("module-info.class")) {
                    continue;
                }
                String name = "dev.nabla.cpu." + file.substring(0, file.length() - ".class".length());
                String top = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                Class<?> c = Class.forName(name, false, VectorInlining.class.getClassLoader());
                scanned++;
                for (Method m : c.getDeclaredMethods()) {
                    if (!m.isSynthetic() && VectorInlining.takesOrReturnsVector(m)
                            && !VectorInlining.VECTOR_CLASSES.contains(top)) {
                        offenders.add(name + "." + m.getName());
                    }
                }
            }
        }
        assertTrue(scanned > 30, "scanned only " + scanned + " classes in " + dir);
        assertEquals(List.of(), offenders, "add their classes to VectorInlining.VECTOR_CLASSES");
    }

    @Test
    void hotSpotTakesTheDirectiveWhenAVectorBackendStarts() throws Exception {
        assumeTrue(CpuPath.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        try (CpuBackend be = new CpuBackend(CpuPath.VECTOR, 1)) {
            assertEquals(VectorInlining.INSTALLED, VectorInlining.status(), be.description());
            assertTrue(be.description().startsWith("Vector API") && !be.description().contains("directive"),
                    be.description());
        }
        assertEquals(VectorInlining.INSTALLED, VectorInlining.install(), "a second install does nothing");
        String printed = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        for (String root : VectorInlining.ROOTS) {                          // every root pattern, as HotSpot read it
            assertTrue(printed.contains(root), root + " is not in\n" + printed);
        }
        List<String> expected = new ArrayList<>();                            // HotSpot took every one of them
        VectorInlining.requiredInlines().forEach(p -> expected.add("+" + p));
        VectorInlining.separateRoots().forEach(p -> expected.add("-" + p));
        for (String pattern : expected) {
            assertTrue(printed.contains(pattern + ",") || printed.contains(pattern + "\n"),
                    pattern + " is not in\n" + printed);
        }
    }

    /** HotSpot's answers, as JDK 17 gave them: a rejected pattern is an error even though the directive was "added". */
    @Test
    void anAnswerWithAnErrorIsNotAcceptedThoughTheRestWasAdded() {
        assertTrue(VectorInlining.accepted("1 compiler directives added"));
        assertTrue(VectorInlining.accepted("2 compiler directives added\n"));
        assertEquals(false, VectorInlining.accepted("Value error on line 1 byte 36: Method pattern error: Did not "
                + "specify any method name\n  At '\"+a/B.log(I)V\"'.\n[...]\n1 compiler directives added"));
        assertEquals(false, VectorInlining.accepted("0 compiler directives added"));
        assertEquals(false, VectorInlining.accepted("Could not load file: /tmp/x.json"));
    }

    @Test
    void descriptorsAreTheJvms() throws NoSuchMethodException {
        assertEquals("([FI[FIII)V", VectorInlining.descriptor(VectorInliningTest.class.getDeclaredMethod(
                "sample", float[].class, int.class, float[].class, int.class, int.class, int.class)));
        assertEquals("(DJZ[[D)Ljava/lang/String;", VectorInlining.descriptor(VectorInliningTest.class
                .getDeclaredMethod("sample", double.class, long.class, boolean.class, double[][].class)));
    }

    @SuppressWarnings("unused")
    private static void sample(float[] a, int i, float[] b, int j, int k, int n) {
    }

    @SuppressWarnings("unused")
    private static String sample(double d, long l, boolean z, double[][] m) {
        return "";
    }
}
