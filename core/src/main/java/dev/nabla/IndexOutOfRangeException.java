package dev.nabla;

/**
 * An index or label outside the range its op allows ({@code gatherRows}, {@code scatterAddRows}, {@code oneHot}): the
 * message names the op, the position of the first bad element, its value and the allowed range. Nabla never clamps or
 * wraps an index.
 */
public class IndexOutOfRangeException extends InvalidArgumentException {
    /**
     * An exception with {@code message}.
     *
     * @param message what was wrong, starting with the user's call
     */
    public IndexOutOfRangeException(String message) {
        super(message);
    }
}
