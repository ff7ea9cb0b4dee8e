package dev.nabla;

import java.util.Locale;

/**
 * The names the tensor API gives a call in its errors ("sigmoid", "biasActivation(RELU)"), one per constant of an
 * op enum, made once. Building the name on every call allocated it on every training step. Lower case is taken in
 * {@link Locale#ROOT}: in a JVM whose default locale is Turkish, {@code "BINARY".toLowerCase()} is "bınary".
 *
 * @param <E> the op enum
 */
final class CallNames<E extends Enum<E>> {
    private final String[] names;

    private CallNames(String[] names) {
        this.names = names;
    }

    /** Each constant's name in lower case: {@code SIGMOID} is "sigmoid". */
    static <E extends Enum<E>> CallNames<E> lowerCase(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (E e : constants) {
            names[e.ordinal()] = e.name().toLowerCase(Locale.ROOT);
        }
        return new CallNames<>(names);
    }

    /** {@code call + "(" + constant + ")"} for each constant: {@code biasActivation(RELU)}. */
    static <E extends Enum<E>> CallNames<E> withArgument(String call, Class<E> type) {
        E[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (E e : constants) {
            names[e.ordinal()] = call + "(" + e + ")";
        }
        return new CallNames<>(names);
    }

    /** The name for {@code constant} (not null). */
    String of(E constant) {
        return names[constant.ordinal()];
    }
}
