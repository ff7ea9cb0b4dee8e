package dev.nabla.bench.cli;

import java.util.Locale;

/** One line about the machine and JVM a command runs on (printed by devices, train and bench; stored in reports). */
final class Environment {
    private Environment() {
    }

    static String describe() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return String.format(Locale.ROOT, "Java %s (%s) on %s %s, %d cores, %s max heap; jdk.incubator.vector %s",
                Runtime.version(), System.getProperty("java.vm.vendor"), System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                bytes(Runtime.getRuntime().maxMemory()),
                vector ? "present" : "absent (run java with --add-modules jdk.incubator.vector)");
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
        }
        return b + " B";
    }
}
