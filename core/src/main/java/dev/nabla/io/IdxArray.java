package dev.nabla.io;

/**
 * The contents of one IDX file of unsigned bytes, as {@link Idx#read(java.nio.file.Path)} returns them: the
 * dimensions, outermost first (e.g. 60000 × 28 × 28 for MNIST's training images), and the values, row-major, each in
 * [0, 255].
 *
 * <p>An item is one slice along the first dimension (an image, a label): there are {@link #count()} items of
 * {@link #itemSize()} values each. Immutable: the accessors return copies, and {@link #get} reads one value without
 * copying.
 */
public final class IdxArray {
    private final String name;
    private final int[] dimensions;
    private final byte[] data;

    /** The parser's result, trusted: {@code data.length} is the product of {@code dimensions} (not copied). */
    IdxArray(String name, int[] dimensions, byte[] data) {
        this.name = name;
        this.dimensions = dimensions;
        this.data = data;
    }

    /**
     * The file it was read from, as given to {@link Idx#read}; for messages.
     *
     * @return the file's name
     */
    public String name() {
        return name;
    }

    /**
     * The dimensions, outermost first.
     *
     * @return a copy of the dimensions (at least one)
     */
    public int[] dimensions() {
        return dimensions.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the rank, at least 1
     */
    public int rank() {
        return dimensions.length;
    }

    /**
     * The number of items: the first dimension.
     *
     * @return {@code dimensions()[0]}
     */
    public int count() {
        return dimensions[0];
    }

    /**
     * The number of values in one item: the product of the dimensions after the first (1 for a 1-D file). The parser
     * has checked that it fits an int, even when there are no items.
     *
     * @return d1 · d2 · … for dimensions N × d1 × d2 × …
     */
    public int itemSize() {
        long size = 1;
        for (int d = 1; d < dimensions.length; d++) {
            size *= dimensions[d];
        }
        return (int) size;
    }

    /**
     * The number of values: the product of all dimensions.
     *
     * @return {@code count() · itemSize()}
     */
    public int size() {
        return data.length;
    }

    /**
     * One value, by its row-major index.
     *
     * @param index the index, in [0, size())
     * @return the unsigned byte at {@code index}, in [0, 255]
     */
    public int get(int index) {
        return data[index] & 0xff;
    }

    /**
     * Every value divided by 255, as pixels are scaled to the unit interval: byte b becomes the float {@code b / 255f}
     * (0 → 0, 255 → 1 exactly).
     *
     * @return a new array of {@code size()} floats in [0, 1], row-major
     */
    public float[] toUnitFloats() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (data[i] & 0xff) / 255f;
        }
        return out;
    }

    /**
     * Every value as an int, e.g. class labels.
     *
     * @return a new array of {@code size()} ints in [0, 255], row-major
     */
    public int[] toInts() {
        int[] out = new int[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] & 0xff;
        }
        return out;
    }

    /**
     * The dimensions as text.
     *
     * @return e.g. {@code 60000×28×28}
     */
    public String shape() {
        return shape(dimensions);
    }

    static String shape(int[] dimensions) {
        StringBuilder sb = new StringBuilder();
        for (int d : dimensions) {
            sb.append(sb.length() == 0 ? "" : "×").append(d);
        }
        return sb.toString();
    }

    /**
     * The name and the shape.
     *
     * @return e.g. {@code IdxArray[t10k-images-idx3-ubyte.gz: 10000×28×28]}
     */
    @Override
    public String toString() {
        return "IdxArray[" + name + ": " + shape() + "]";
    }
}
