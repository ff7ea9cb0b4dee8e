package dev.nabla;

import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.Probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends with {@link ServiceLoader}, probes them cheaply, and starts them on demand.
 *
 * <pre>{@code
 * Backend cpu  = Backends.get("cpu");   // shared for the JVM, started once
 * Backend best = Backends.best();       // -Dnabla.backend / NABLA_BACKEND, else the highest-priority available one
 * System.out.println(Backends.report()); // every provider: available or not, and why not
 * }</pre>
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    /** System property that names the backend {@link #best()} returns. */
    public static final String BACKEND_PROPERTY = "nabla.backend";
    /** Environment variable that names the backend {@link #best()} returns (the property wins). */
    public static final String BACKEND_ENV = "NABLA_BACKEND";

    /** By name, in discovery order: loading them asks no provider anything (see {@link #ranked}). */
    private static volatile Map<String, BackendProvider> providers;
    /** Highest priority first; computed on first need, since priority() may load a provider's native libraries. */
    private static volatile List<BackendProvider> ranked;
    private static final List<String> loadProblems = new ArrayList<>();
    private static final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private static final Map<String, Backend> shared = new ConcurrentHashMap<>();

    private Backends() {
    }

    /**
     * Provider names, highest priority first.
     *
     * @return the names, highest priority first
     */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : ranked()) {
            names.add(normalize(p.name()));
        }
        return names;
    }

    /**
     * The probe of a provider (cached: probes run once per JVM).
     *
     * @param name the provider name (any case), e.g. {@code cpu}
     * @return whether it can run here, and what was found or why not
     */
    public static Probe probe(String name) {
        BackendProvider p = provider(name);
        return probes.computeIfAbsent(p.name(), n -> safeProbe(p));
    }

    /**
     * The shared instance of a backend, started on first use. Its {@code close()} does nothing.
     *
     * @param name the provider name (any case), e.g. {@code cpu}
     * @return the shared backend, the same instance on every call
     */
    public static Backend get(String name) {
        String key = normalize(name);
        Backend b = shared.get(key);
        if (b != null) {
            return b;
        }
        synchronized (Backends.class) {
            b = shared.get(key);
            if (b == null) {
                b = Backend.fromProvider(key, start(key), true);
                shared.put(key, b);
            }
            return b;
        }
    }

    /**
     * A new instance of a backend that the caller owns and must close.
     *
     * @param name the provider name (any case), e.g. {@code cpu}
     * @return a new backend the caller closes
     */
    public static Backend create(String name) {
        String key = normalize(name);
        return Backend.fromProvider(key, start(key), false);
    }

    /**
     * The backend named by {@code -Dnabla.backend} or {@code NABLA_BACKEND} if set (an error if it is unavailable),
     * else the available backend of highest priority. Shared, like {@link #get}.
     *
     * @return the shared backend chosen
     */
    public static Backend best() {
        String requested = requestedName();
        if (requested != null) {
            return get(requested);
        }
        for (BackendProvider p : ranked()) {
            if (probe(p.name()).available()) {
                return get(p.name());
            }
        }
        throw new BackendUnavailableException("no backend is available\n" + report());
    }

    /**
     * Every provider with its probe, and what {@link #best()} chooses: the available ones first, highest priority
     * first, then the unavailable ones with their reasons (highest priority first), then providers that failed to load.
     *
     * @return the report; {@code toString()} prints it as a table
     */
    public static BackendReport report() {
        List<BackendReport.Entry> entries = new ArrayList<>();
        List<BackendReport.Entry> unavailable = new ArrayList<>();
        String chosen = null;
        String because;
        for (BackendProvider p : ranked()) {
            Probe probe = probe(p.name());
            (probe.available() ? entries : unavailable)
                    .add(new BackendReport.Entry(p.name(), p.priority(), probe.available(), probe.detail()));
            if (chosen == null && probe.available()) {
                chosen = p.name();
            }
        }
        entries.addAll(unavailable);
        for (String problem : loadProblems) {
            entries.add(new BackendReport.Entry("?", 0, false, problem));
        }
        String requested = requestedName();
        if (requested != null) {
            boolean ok = providers().containsKey(requested) && probe(requested).available();
            because = "requested by " + (System.getProperty(BACKEND_PROPERTY) != null ? "-D" + BACKEND_PROPERTY
                    : BACKEND_ENV) + (ok ? "" : ", but it is unavailable");
            chosen = ok ? requested : null;
        } else {
            because = chosen == null ? "no provider is available" : "highest priority of the available ones";
        }
        return new BackendReport(List.copyOf(entries), chosen, because);
    }

    /**
     * The backend name asked for by property or environment, or null.
     *
     * @return the normalised (lower-case) name, or null when neither is set
     */
    public static String requestedName() {
        String v = System.getProperty(BACKEND_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(BACKEND_ENV);
        }
        return v == null || v.isBlank() ? null : normalize(v);
    }

    private static ComputeBackend start(String name) {
        BackendProvider p = provider(name);
        Probe probe = probe(name);
        if (!probe.available()) {
            throw new BackendUnavailableException("backend " + name + " is unavailable: " + probe.reason() + "\n"
                    + report());
        }
        ComputeBackend compute = p.create();
        LOG.log(System.Logger.Level.DEBUG, () -> "started " + name + ": " + compute.description());
        return compute;
    }

    private static BackendProvider provider(String name) {
        BackendProvider p = providers().get(normalize(name));
        if (p == null) {
            throw new BackendUnavailableException("no backend named '" + name + "'; found " + names()
                    + " (add the backend's artifact, e.g. nabla-cpu or nabla-gpu, to the class path)");
        }
        return p;
    }

    private static String normalize(String name) {
        if (name == null) {
            throw new BackendUnavailableException("backend name is null; found " + names());
        }
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static Probe safeProbe(BackendProvider p) {
        try {
            Probe probe = p.probe();
            return probe != null ? probe : Probe.unavailable("probe returned nothing");
        } catch (Throwable t) { // a probe must never take the application down, whatever the native layer throws
            return Probe.unavailable("probe failed: " + t);
        }
    }

    private static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> p = providers;
        if (p == null) {
            synchronized (Backends.class) {
                p = providers;
                if (p == null) {
                    p = load();
                    providers = p;
                }
            }
        }
        return p;
    }

    private static Map<String, BackendProvider> load() {
        List<BackendProvider> found = new ArrayList<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = Backends.class.getClassLoader();
        }
        var it = ServiceLoader.load(BackendProvider.class, cl).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                loadProblems.add("a provider could not be loaded: " + e);
            }
        }
        // No priority() here: it may look at the machine (the opencl provider loads the OpenCL drivers to see whether
        // its device is a GPU), and a program that asks for cpu by name must not load them. Some drivers replace the
        // JVM's SIGSEGV handler (docs/gpu.md), so loading them uninvited can crash a cpu-only JVM. Only two providers
        // of one name are ranked here, to keep the higher.
        Map<String, List<BackendProvider>> byNameAll = new LinkedHashMap<>();
        for (BackendProvider p : found) {
            byNameAll.computeIfAbsent(normalize(p.name()), k -> new ArrayList<>()).add(p);
        }
        Map<String, BackendProvider> byName = new LinkedHashMap<>();
        for (Map.Entry<String, List<BackendProvider>> e : byNameAll.entrySet()) {
            List<BackendProvider> same = e.getValue();
            if (same.size() > 1) {
                same = rank(same);
                for (BackendProvider ignored : same.subList(1, same.size())) {
                    loadProblems.add("two providers are named " + e.getKey() + "; using "
                            + same.get(0).getClass().getName() + ", ignoring " + ignored.getClass().getName());
                }
            }
            byName.put(e.getKey(), same.get(0));
        }
        return byName;
    }

    /** The providers, highest priority first (then by name), each asked its priority once per JVM. */
    private static List<BackendProvider> ranked() {
        List<BackendProvider> r = ranked;
        if (r == null) {
            synchronized (Backends.class) {
                r = ranked;
                if (r == null) {
                    r = List.copyOf(rank(new ArrayList<>(providers().values())));
                    ranked = r;
                }
            }
        }
        return r;
    }

    /** {@code ps} sorted by priority, highest first, then by name; priority() is asked once per provider. */
    private static List<BackendProvider> rank(List<BackendProvider> ps) {
        Map<BackendProvider, Integer> priority = new java.util.IdentityHashMap<>();
        for (BackendProvider p : ps) {
            priority.put(p, p.priority());
        }
        List<BackendProvider> sorted = new ArrayList<>(ps);
        sorted.sort(Comparator.comparingInt((BackendProvider p) -> priority.get(p)).reversed()
                .thenComparing(BackendProvider::name));
        return sorted;
    }
}
