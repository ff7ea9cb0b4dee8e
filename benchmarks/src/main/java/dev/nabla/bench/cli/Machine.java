package dev.nabla.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A short name for the machine, for chart titles: the CPU model and core count (from /proc/cpuinfo on Linux). */
final class Machine {
    private Machine() {
    }

    static String label() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cpuModel() + ", " + cores + " core" + (cores == 1 ? "" : "s");
    }

    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (var lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .map(s -> s.replaceAll("\\s+", " ")).findFirst().orElse(System.getProperty("os.arch"));
            } catch (IOException | RuntimeException e) {
                return System.getProperty("os.arch");
            }
        }
        return System.getProperty("os.arch");
    }
}
