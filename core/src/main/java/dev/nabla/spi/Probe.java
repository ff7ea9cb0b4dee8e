package dev.nabla.spi;

/**
 * The cheap answer of {@link BackendProvider#probe()}: whether the backend can be created here, and a detail
 * that says what was found (when available) or exactly why not (when unavailable).
 */
public record Probe(boolean available, String detail) {

    public Probe {
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("a probe must say what it found or why it failed");
        }
    }

    public static Probe available(String whatWasFound) {
        return new Probe(true, whatWasFound);
    }

    public static Probe unavailable(String reason) {
        return new Probe(false, reason);
    }

    /** Same as {@link #available()}, the name JUnit's {@code assumeTrue(probe.ok(), probe.reason())} reads well with. */
    public boolean ok() {
        return available;
    }

    /** The detail: why not, when unavailable. */
    public String reason() {
        return detail;
    }
}
