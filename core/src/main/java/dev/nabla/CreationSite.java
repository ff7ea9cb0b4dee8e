package dev.nabla;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a tensor was created, captured when leak detection is on: the whole stack, the creating thread, and the
 * first frame whose class does not come from nabla-core itself (the caller's line, not {@code Backend.allocate} or
 * the {@code dev.nabla.nn} class that allocated a workspace on the caller's behalf).
 */
record CreationSite(List<StackTraceElement> stack, String thread, String createdAt) {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** Where nabla-core's classes were loaded from (a jar or a classes folder); null if the JVM does not say. */
    private static final String CORE = location(Backend.class);

    /** The current thread's stack, minus this class's own frames. */
    static CreationSite capture() {
        List<StackWalker.StackFrame> frames = WALKER.walk(s -> s.skip(1).collect(Collectors.toList()));
        String createdAt = null;
        for (StackWalker.StackFrame f : frames) {
            if (!fromCore(f.getDeclaringClass())) {
                createdAt = f.toStackTraceElement().toString();
                break;
            }
        }
        if (createdAt == null) {
            createdAt = frames.isEmpty() ? "?" : frames.get(0).toStackTraceElement().toString();
        }
        List<StackTraceElement> stack = frames.stream().map(StackWalker.StackFrame::toStackTraceElement)
                .collect(Collectors.toUnmodifiableList());
        return new CreationSite(stack, Thread.currentThread().getName(), createdAt);
    }

    private static boolean fromCore(Class<?> c) {
        if (CORE != null) {
            return CORE.equals(location(c));
        }
        String name = c.getName();       // no code source to go by: Nabla's classes, but not its tests
        return name.startsWith("dev.nabla.") && !name.contains("Test");
    }

    private static String location(Class<?> c) {
        ProtectionDomain pd = c.getProtectionDomain();
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        return cs == null || cs.getLocation() == null ? null : cs.getLocation().toString();
    }
}
