package dev.nabla;

import java.util.List;

/**
 * Every backend provider found on the class path, with whether it can run here and what it found or why not: the
 * available ones first, highest priority first, then the unavailable ones; and the backend {@link Backends#best()}
 * would choose. {@link #toString()} prints it as a table.
 */
public record BackendReport(List<Entry> entries, String chosen, String chosenBecause) {

    /** One provider: its name, priority and probe. */
    public record Entry(String name, int priority, boolean available, String detail) {
    }

    /**
     * The entry of a provider by name, or null.
     *
     * @param name the provider name
     * @return its entry, or null when there is none
     */
    public Entry entry(String name) {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Nabla backends (available first, highest priority first):\n");
        int width = 4;
        for (Entry e : entries) {
            width = Math.max(width, e.name().length());
        }
        for (Entry e : entries) {
            sb.append(String.format("  %-" + width + "s  priority %3d  %-11s  %s%n", e.name(), e.priority(),
                    e.available() ? "available" : "unavailable", e.detail()));
        }
        if (chosen != null) {
            sb.append("best(): ").append(chosen).append(" (").append(chosenBecause).append(")\n");
        } else {
            sb.append("best(): none (").append(chosenBecause).append(")\n");
        }
        sb.append("choose with -D").append(Backends.BACKEND_PROPERTY).append("=NAME or ")
                .append(Backends.BACKEND_ENV).append("=NAME\n");
        return sb.toString();
    }
}
