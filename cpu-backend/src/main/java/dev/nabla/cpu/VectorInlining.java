package dev.nabla.cpu;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A HotSpot compiler directive, installed once per JVM when a VECTOR cpu backend starts, that has C1 and C2 inline
 * every method of ours that takes or returns a vector ({@link #requiredInlines()}), and compile every kernel entry
 * point as a root of its own ({@link #separateRoots()}).
 *
 * <p>Why: a vector that crosses a call the JIT did not inline is boxed, one heap object per vector per call, and the
 * Vector API's intrinsics do not apply inside the callee. The JDK marks its own vector methods {@code @ForceInline};
 * ours cannot carry that annotation, so whether they are inlined is up to C2's heuristics, which depend on the order
 * in which methods got hot. One such rule: a helper that C2 compiled on its own first, because the loop calling it
 * ran in C1 code for a while, is refused as "already compiled into a big method" when the loop is compiled later.
 * Then FLOAT64 log, tanh, σ and both cross-entropies on 2 × 2¹⁹ elements boxed every vector, 12–130 MB a call, in
 * some JVMs and not others (CpuLargeTensorAllocationTest failed in CI on an AVX-512 machine). The directive is the
 * JVM's supported way, the one {@code jcmd <pid> Compiler.directives_add} uses, to say "inline this": it overrides
 * those heuristics for the methods it names, in compilations rooted in Nabla's own methods and in the JDK's
 * method-handle and executor code that calls them ({@link #ROOTS}).
 *
 * <p>It does not lift C2's hard limits (NodeCountInliningCutoff, MaxInlineLevel); the kernels' loop structure keeps
 * within those (see VectorFloatKernels). {@code -Dnabla.cpu.inlineDirective=false} leaves the JIT alone. Where the
 * directive cannot be installed (a JVM without HotSpot's diagnostic commands) the backend still works and logs why
 * once; {@link #status()} says which, and {@link CpuBackend#description()} shows it. Installing costs about 0.2 s
 * once per JVM, nearly all of it the platform MBean server's start (measured on JDK 17, 2-core Zen 5).
 */
final class VectorInlining {
    /** The system property that, set to false, skips the directive. */
    static final String PROPERTY = "nabla.cpu.inlineDirective";

    /** The classes whose methods may take or return vectors; VectorInliningTest checks that no other class does. */
    static final List<String> VECTOR_CLASSES = List.of(
            "dev.nabla.cpu.VectorFloatKernels", "dev.nabla.cpu.VectorDoubleKernels",
            "dev.nabla.cpu.VectorFloatMath", "dev.nabla.cpu.VectorDoubleMath",
            "dev.nabla.cpu.VectorHalfCodec", "dev.nabla.cpu.VectorHalfKernels", "dev.nabla.cpu.VectorHalfGemm",
            "dev.nabla.cpu.FloatGemm", "dev.nabla.cpu.FloatLanes");

    /**
     * The compilations the directive applies to, by their root method. Our own methods; the JDK's method-handle
     * adapters, because a kernel loop called through a handle (VectorFloatKernels' transcendental loops) can be
     * compiled inlined into a {@code LambdaForm} root: CI's CpuLargeTensorAllocationTest once saw FLOAT64 log, σ and
     * the cross-entropies box 12–78 MB a call with the directive installed, and -XX:+PrintInlining showed
     * {@code LambdaForm$DMH::invokeStatic} roots inlining {@code VectorDoubleMath::log} under the default heuristics
     * ("inline (hot)", not "force inline"); and java.util.concurrent's, whose executors' worker loops call the
     * backend from other threads (DataParallel's ReplicaPool, a user's own pool). The first directive that matches a
     * root decides, so a user's own directive for those JDK packages is shadowed.
     */
    static final List<String> ROOTS = List.of("dev/nabla/*.*", "java/lang/invoke/*.*", "java/util/concurrent/*.*");

    /** {@link #status()} once the directive is in place. */
    static final String INSTALLED = "inline directive installed";

    private static final System.Logger LOG = System.getLogger(CpuBackend.class.getName());
    private static final AtomicReference<String> STATUS = new AtomicReference<>();

    private VectorInlining() {
    }

    /**
     * Installs the directive unless done (or tried) before in this JVM; returns {@link #status()}. Never throws: a
     * directive that cannot be installed costs speed and heap, not correctness.
     */
    static String install() {
        String s = STATUS.get();
        if (s != null) {
            return s;
        }
        synchronized (VectorInlining.class) {
            if (STATUS.get() == null) {
                STATUS.set(tryInstall());
            }
            return STATUS.get();
        }
    }

    /** {@link #INSTALLED}, "inline directive off (-D...=false)" or "... not installed: why"; null before install. */
    static String status() {
        return STATUS.get();
    }

    private static String tryInstall() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            return "inline directive off (-D" + PROPERTY + "=false)";
        }
        Path file = null;
        try {
            file = Files.createTempFile("nabla-inline", ".json");
            Files.writeString(file, directive(), StandardCharsets.UTF_8);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object out = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}},
                    new String[] {String[].class.getName()});
            String said = String.valueOf(out).trim();
            return accepted(said) ? INSTALLED : notInstalled("the JVM answered \"" + said + "\"");
        } catch (Exception | LinkageError e) {
            return notInstalled(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind; the directive is already parsed
                }
            }
        }
    }

    /**
     * Whether HotSpot's answer to Compiler.directives_add says it took the whole directive: "N compiler directives
     * added" with N ≥ 1 and no error. A pattern it rejects is dropped with an error, and the rest still "added".
     */
    static boolean accepted(String answer) {
        return !answer.toLowerCase(java.util.Locale.ROOT).contains("error")
                && answer.matches("(?s).*\\b[1-9]\\d* compiler directives? added.*");
    }

    private static String notInstalled(String why) {
        LOG.log(System.Logger.Level.WARNING, "cpu: could not install the compiler directive that keeps the vector "
                + "kernels' helpers inlined (" + why + "); the cpu backend still computes the same results, but on "
                + "some JVMs a kernel may box its vectors and run slower; -D" + PROPERTY + "=false silences this");
        return "inline directive not installed: " + why;
    }

    /**
     * The directive: in compilations rooted at {@link #ROOTS}, inline every method of {@link #requiredInlines()} and
     * none of {@link #separateRoots()} (the first pattern that matches a method decides, so the helpers' come first).
     */
    static String directive() {
        StringBuilder b = new StringBuilder("[{\n  match: [\"").append(String.join("\", \"", ROOTS))
                .append("\"],\n  inline: [");
        String sep = "\n    \"";
        for (String p : requiredInlines()) {
            b.append(sep).append('+').append(p).append('"');
            sep = ",\n    \"";
        }
        for (String p : separateRoots()) {
            b.append(sep).append('-').append(p).append('"');
        }
        return b.append("\n  ]\n}]\n").toString();
    }

    /**
     * The kernels' entry points (every public instance method of {@link #VECTOR_CLASSES}: the FloatKernels,
     * DoubleKernels, HalfKernels, HalfCodec and HalfGemm operations), which are never inlined into their callers, so
     * that C2 compiles each as a root of its own. A caller that inlined one (the backend's op, its parallel job, and a
     * caller above) spent C2's inlining budget before reaching the kernel's loop: a FLOAT32 column sum then boxed its
     * three vectors per step, 72 KB a call (CpuHalfAllocationTest, once in a cpu-backend build). The transcendental
     * loops were already roots, called through handles (see VectorFloatKernels); this does the same for the rest.
     */
    static List<String> separateRoots() {
        List<String> patterns = new ArrayList<>();
        for (String name : VECTOR_CLASSES) {
            Class<?> c = load(name);
            for (Method m : c.getDeclaredMethods()) {
                String pattern = c.getName().replace('.', '/') + "." + m.getName();
                if (java.lang.reflect.Modifier.isPublic(m.getModifiers())
                        && !java.lang.reflect.Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                        && !m.getName().equals("description") && !patterns.contains(pattern)) {
                    patterns.add(pattern);
                }
            }
        }
        return patterns;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, VectorInlining.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cpu: " + name + " is missing from the cpu backend", e);
        }
    }

    /**
     * Every method of {@link #VECTOR_CLASSES} and their nested classes with a parameter or a result of a
     * jdk.incubator.vector type, as a directive pattern: class/name, with the exact descriptor where the name is
     * overloaded (so that a loop of the same name over arrays stays a call). Not always with the descriptor: JDK 17
     * rejects "Class.log(descriptor)" ("Did not specify any method name") though it takes "Class.log".
     */
    static List<String> requiredInlines() {
        List<String> patterns = new ArrayList<>();
        for (String name : VECTOR_CLASSES) {
            addVectorMethods(load(name), patterns);
        }
        return patterns;
    }

    private static void addVectorMethods(Class<?> c, List<String> patterns) {
        Method[] methods = c.getDeclaredMethods();
        for (Method m : methods) {
            if (!m.isSynthetic() && takesOrReturnsVector(m)) {
                boolean overloaded = Arrays.stream(methods).filter(o -> o.getName().equals(m.getName())).count() > 1;
                patterns.add(c.getName().replace('.', '/') + "." + m.getName() + (overloaded ? descriptor(m) : ""));
            }
        }
        for (Class<?> nested : c.getDeclaredClasses()) {
            addVectorMethods(nested, patterns);
        }
    }

    /** Whether m has a parameter or result from jdk.incubator.vector (a vector, a mask, a shuffle). */
    static boolean takesOrReturnsVector(Method m) {
        if (isVectorType(m.getReturnType())) {
            return true;
        }
        for (Class<?> p : m.getParameterTypes()) {
            if (isVectorType(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isVectorType(Class<?> t) {
        return !t.isPrimitive() && !t.isArray() && t.getPackageName().equals("jdk.incubator.vector")
                && !t.getSimpleName().equals("VectorSpecies") && !t.getSimpleName().equals("VectorOperators");
    }

    /** The JVM method descriptor of m, e.g. (Ljdk/incubator/vector/FloatVector;)Ljdk/incubator/vector/FloatVector;. */
    static String descriptor(Method m) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) {
            b.append(typeDescriptor(p));
        }
        return b.append(')').append(typeDescriptor(m.getReturnType())).toString();
    }

    private static String typeDescriptor(Class<?> t) {
        if (t.isArray()) {
            return t.getName().replace('.', '/');
        }
        if (!t.isPrimitive()) {
            return "L" + t.getName().replace('.', '/') + ";";
        }
        return switch (t.getName()) {
            case "boolean" -> "Z";
            case "byte" -> "B";
            case "char" -> "C";
            case "short" -> "S";
            case "int" -> "I";
            case "long" -> "J";
            case "float" -> "F";
            case "double" -> "D";
            default -> "V";
        };
    }
}
