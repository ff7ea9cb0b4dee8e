package dev.nabla;

import java.util.Locale;
import java.util.function.Function;

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
        return made(type, e -> e.name().toLowerCase(Locale.ROOT));
    }

    /** {@code call + "(" + constant + ")"} for each constant: {@code biasActivation(RELU)}. */
    static <E extends Enum<E>> CallNames<E> withArgument(String call, Class<E> type) {
        return made(type, e -> call + "(" + e + ")");
    }

    /** name(constant) for every constant of the enum, indexed by ordinal. */
    private static <E extends Enum<E>> CallNames<E> made(Class<E> type, Function<E, String> name) {
        E[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (E e : constants) {
            names[e.ordinal()] = name.apply(e);
        }
        return new CallNames<>(names);
    }

    /** The name for {@code constant} (not null). */
    String of(E constant) {
        return names[constant.ordinal()];
    }
}
