package dev.nabla.bench.data;

import dev.nabla.io.IdxArray;

/**
 * Images with class labels, held on the host: {@code count} rows of {@code features} pixels scaled to [0, 1]
 * (row-major in {@code pixels}), and one label in [0, classes) per row.
 */
public record LabeledImages(String name, float[] pixels, int[] labels, int count, int features, int classes) {

    public LabeledImages {
        if (pixels.length != (long) count * features || labels.length != count) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixels and " + labels.length
                    + " labels do not make " + count + " images of " + features + " pixels");
        }
    }

    /** Images and labels from IDX files, checked against each other; pixels are divided by 255. */
    public static LabeledImages of(String name, IdxArray images, IdxArray labels, int classes) {
        if (images.rank() != 3) {
            throw new DataFileException(images.name() + ": expected images (count×rows×cols), found " + images.shape());
        }
        if (labels.rank() != 1) {
            throw new DataFileException(labels.name() + ": expected labels (one dimension), found " + labels.shape());
        }
        if (images.count() != labels.count()) {
            throw new DataFileException(images.name() + " holds " + images.count() + " images but " + labels.name()
                    + " holds " + labels.count() + " labels");
        }
        int count = images.count();
        int[] y = labels.toInts();
        for (int i = 0; i < count; i++) {
            if (y[i] >= classes) {
                throw new DataFileException(labels.name() + ": label " + y[i] + " of item " + i + " is not a class in [0, "
                        + classes + ")");
            }
        }
        return new LabeledImages(name, images.toUnitFloats(), y, count, images.itemSize(), classes);
    }

    /** The first {@code n} images (all of them when n ≥ count). */
    public LabeledImages limit(int n) {
        if (n >= count) {
            return this;
        }
        float[] p = new float[n * features];
        System.arraycopy(pixels, 0, p, 0, p.length);
        int[] l = new int[n];
        System.arraycopy(labels, 0, l, 0, n);
        return new LabeledImages(name, p, l, n, features, classes);
    }

    /**
     * Copies the images {@code order[from .. from + n)} into {@code x} (n × features) and their one-hot labels into
     * {@code t} (n × classes): one batch, gathered on the host.
     */
    public void gather(int[] order, int from, int n, float[] x, float[] t) {
        java.util.Arrays.fill(t, 0, n * classes, 0f);
        for (int r = 0; r < n; r++) {
            int i = order[from + r];
            System.arraycopy(pixels, i * features, x, r * features, features);
            t[r * classes + labels[i]] = 1f;
        }
    }
}
