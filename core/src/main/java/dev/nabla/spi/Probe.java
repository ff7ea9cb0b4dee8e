package dev.nabla.spi;

/**
 * The cheap answer of {@link BackendProvider#probe()}: whether the backend can be created here, and a detail
 * that says what was found (when available) or exactly why not (when unavailable).
 */
public record Probe(boolean available, String detail) {

    /**
     * Checks that {@code detail} says something.
     *
     * @param available whether the backend can be created here
     * @param detail what was found, or why not
     */
    public Probe {
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("a probe must say what it found or why it failed");
        }
    }

    /**
     * The backend can run here.
     *
     * @param whatWasFound what the probe found (device, path, threads)
     * @return an available probe
     */
    public static Probe available(String whatWasFound) {
        return new Probe(true, whatWasFound);
    }

    /**
     * The backend cannot run here.
     *
     * @param reason exactly why not, and what to install or set
     * @return an unavailable probe
     */
    public static Probe unavailable(String reason) {
        return new Probe(false, reason);
    }

    /**
     * Same as {@link #available()}, the name JUnit's {@code assumeTrue(probe.ok(), probe.reason())} reads well with.
     *
     * @return {@link #available()}
     */
    public boolean ok() {
        return available;
    }

    /**
     * The detail: why not, when unavailable.
     *
     * @return the detail
     */
    public String reason() {
        return detail;
    }
}
