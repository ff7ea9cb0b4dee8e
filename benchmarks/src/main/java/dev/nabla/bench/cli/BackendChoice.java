package dev.nabla.bench.cli;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.spi.Probe;

import java.util.ArrayList;
import java.util.List;

/** Resolves backend names given on the command line, with errors that say what exists and why a backend cannot run. */
final class BackendChoice {
    private BackendChoice() {
    }

    /** The shared backend named {@code name}, or {@link Backends#best()} when null. */
    static Backend resolve(String name) {
        if (name == null) {
            String requested = Backends.requestedName();
            if (requested != null) {
                check(requested, "requested by -D" + Backends.BACKEND_PROPERTY + " or " + Backends.BACKEND_ENV);
            }
            return Backends.best();
        }
        return Backends.get(check(name, null));
    }

    /** Throws a one-line {@link CliException} unless {@code name} is a known, available backend; returns its key. */
    static String check(String name, String context) {
        String key = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!Backends.names().contains(key)) {
            throw new CliException("unknown backend '" + name + "'" + (context == null ? "" : " (" + context + ")")
                    + "; found " + String.join(", ", Backends.names()) + " (see 'nabla devices')");
        }
        Probe probe = Backends.probe(key);
        if (!probe.available()) {
            throw new CliException("backend " + key + " is unavailable: " + ErrorReporting.oneLine(probe.reason())
                    + " (see 'nabla devices')");
        }
        return key;
    }

    /** The named backends after checking each, or every available one when {@code names} is empty. */
    static List<String> availableOrChosen(List<String> names) {
        List<String> out = new ArrayList<>();
        if (names == null || names.isEmpty()) {
            for (String n : Backends.names()) {
                if (Backends.probe(n).available()) {
                    out.add(n);
                }
            }
            return out;
        }
        for (String n : names) {
            String key = check(n, null);
            if (!out.contains(key)) {
                out.add(key);
            }
        }
        return out;
    }

    /** "name: reason" of every backend that cannot run here. */
    static List<String> unavailable() {
        List<String> out = new ArrayList<>();
        for (String n : Backends.names()) {
            Probe p = Backends.probe(n);
            if (!p.available()) {
                out.add(n + ": " + ErrorReporting.oneLine(p.reason()));
            }
        }
        return out;
    }
}
