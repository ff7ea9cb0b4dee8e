package dev.nabla.bench.cli;

import dev.nabla.Backend;
import dev.nabla.BackendReport;
import dev.nabla.Backends;
import dev.nabla.cpu.CpuBackend;
import dev.nabla.cpu.CpuPath;

import java.util.ArrayList;
import java.util.List;

/**
 * The backends of {@code nabla train --devices LIST}: each item is a backend name ({@code cpu}, {@code opencl}) or
 * an index into the backends as {@code nabla devices} lists them (available first, highest priority first; 0 is the
 * first line). Every replica gets a backend of its own, which the command closes: the {@code cpu} ones share the
 * machine's cores ({@code cores / (number of cpu replicas)} threads each, at least one), the others are started with
 * {@link Backends#create}.
 */
final class ReplicaBackends {
    private ReplicaBackends() {
    }

    /** The backend names the items stand for, each checked to be available. */
    static List<String> names(List<String> items) {
        if (items == null || items.isEmpty()) {
            throw new CliException("--devices needs at least one backend (e.g. --devices cpu,cpu or --devices 0,1)",
                    ExitCodes.USAGE);
        }
        List<BackendReport.Entry> listed = Backends.report().entries();
        List<String> names = new ArrayList<>();
        for (String raw : items) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new CliException("--devices: an empty item in the list; give names or indices separated by "
                        + "commas (e.g. cpu,cpu or 0,1)", ExitCodes.USAGE);
            }
            if (item.chars().allMatch(Character::isDigit)) {
                int index;
                try {
                    index = Integer.parseInt(item);
                } catch (NumberFormatException e) {
                    index = Integer.MAX_VALUE;
                }
                if (index >= listed.size()) {
                    StringBuilder known = new StringBuilder();
                    for (int i = 0; i < listed.size(); i++) {
                        known.append(i == 0 ? "" : ", ").append(i).append(' ').append(listed.get(i).name());
                    }
                    throw new CliException("--devices: index " + item + " does not exist; 'nabla devices' lists "
                            + known, ExitCodes.USAGE);
                }
                names.add(BackendChoice.check(listed.get(index).name(), "--devices " + item));
            } else {
                names.add(BackendChoice.check(item, "--devices"));
            }
        }
        return names;
    }

    /** A new backend per name, the caller's to close; the cpu ones split the cores between them. */
    static List<Backend> create(List<String> names) {
        int cpus = (int) names.stream().filter(CpuBackend.NAME::equals).count();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, cpus));
        List<Backend> out = new ArrayList<>();
        try {
            for (String name : names) {
                out.add(name.equals(CpuBackend.NAME) ? Backend.wrap(new CpuBackend(CpuPath.detect(), threads))
                        : Backends.create(name));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Backend::close);
            throw e;
        }
        return out;
    }
}
