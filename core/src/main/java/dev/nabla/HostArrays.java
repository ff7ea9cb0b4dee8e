package dev.nabla;

/**
 * The Java arrays the tensor API allocates on the host (values generated there, conversions, data read back): one
 * the Java heap cannot hold is a {@link DeviceOutOfMemoryException} naming the user's call, the shape and the
 * backend, never a raw {@link OutOfMemoryError}. A failed {@code new double[n]} allocates nothing, so the caller and
 * the backend stay usable.
 */
final class HostArrays {
    private HostArrays() {
    }

    /** A double[length] for the {@code shape} {@code dtype} tensor of {@code op} on {@code backend}. */
    static double[] doubles(String op, Shape shape, DType dtype, int length, String backend) {
        try {
            return new double[length];
        } catch (OutOfMemoryError e) {
            throw outOfHeap(op, shape, dtype, length, Double.BYTES, "doubles", backend, e);
        }
    }

    /** A float[length] for the {@code shape} {@code dtype} tensor of {@code op} on {@code backend}. */
    static float[] floats(String op, Shape shape, DType dtype, int length, String backend) {
        try {
            return new float[length];
        } catch (OutOfMemoryError e) {
            throw outOfHeap(op, shape, dtype, length, Float.BYTES, "floats", backend, e);
        }
    }

    /** An int[length] for the {@code shape} {@code dtype} tensor of {@code op} on {@code backend}. */
    static int[] ints(String op, Shape shape, DType dtype, int length, String backend) {
        try {
            return new int[length];
        } catch (OutOfMemoryError e) {
            throw outOfHeap(op, shape, dtype, length, Integer.BYTES, "ints", backend, e);
        }
    }

    /** A short[length] (BFLOAT16 or FLOAT16 bits) for the {@code shape} {@code dtype} tensor of {@code op}. */
    static short[] shorts(String op, Shape shape, DType dtype, int length, String backend) {
        try {
            return new short[length];
        } catch (OutOfMemoryError e) {
            throw outOfHeap(op, shape, dtype, length, Short.BYTES, "shorts", backend, e);
        }
    }

    private static DeviceOutOfMemoryException outOfHeap(String op, Shape shape, DType dtype, int length, int bytes,
                                                        String kind, String backend, OutOfMemoryError e) {
        return new DeviceOutOfMemoryException(op + ": cannot allocate " + shape + " " + dtype + ": its host array of "
                + length + " " + kind + " (" + (long) length * bytes + " bytes) does not fit in the Java heap ("
                + heap() + ") [" + backend + "]", e);
    }

    /** {@code max 6144 MiB; raise it with -Xmx}: what the user can change. */
    static String heap() {
        return "max " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB; raise it with -Xmx";
    }
}
