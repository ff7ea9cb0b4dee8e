package dev.nabla.spark;

import java.io.Serializable;

/**
 * How a label becomes a row of targets: one-hot over {@code classes} classes (a classifier; the label must be an
 * integer in [0, classes)), or the label itself (a regressor, {@code classes} = 0).
 *
 * @param classes the number of classes, or 0 for a regression target
 */
record Targets(int classes) implements Serializable {
    static Targets oneHot(int classes) {
        return new Targets(classes);
    }

    static Targets value() {
        return new Targets(0);
    }

    /** The width of a target row. */
    int width() {
        return classes == 0 ? 1 : classes;
    }

    /**
     * Writes the target row of {@code label} at {@code out[offset …]}; returns null, or what is wrong with the label.
     */
    String write(double label, float[] out, int offset) {
        if (!Double.isFinite(label)) {
            return "is " + label;
        }
        if (classes == 0) {
            float f = (float) label;
            if (!Float.isFinite(f)) {
                return "is " + label + ", outside float32's range";
            }
            out[offset] = f;
            return null;
        }
        if (label != Math.rint(label) || label < 0 || label >= classes) {
            return "is " + label + ", not a class in 0 … " + (classes - 1) + " (layers ends with " + classes + ")";
        }
        out[offset + (int) label] = 1f;
        return null;
    }
}
