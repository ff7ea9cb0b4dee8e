package dev.nabla.optim;

import dev.nabla.InvalidHyperParameterException;

/** Range checks for optimizer and schedule settings; every failure names the owner, the setting and the value. */
final class HyperParameters {
    private HyperParameters() {
    }

    /** finite and &gt; 0 */
    static double positive(String owner, String name, double v) {
        if (!Double.isFinite(v) || v <= 0) {
            throw new InvalidHyperParameterException(owner + ": " + name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    /** finite and ≥ 0 */
    static double nonNegative(String owner, String name, double v) {
        if (!Double.isFinite(v) || v < 0) {
            throw new InvalidHyperParameterException(owner + ": " + name + " must be finite and ≥ 0, got " + v);
        }
        return v;
    }

    /** in [0, 1) */
    static double fraction(String owner, String name, double v) {
        if (!Double.isFinite(v) || v < 0 || v >= 1) {
            throw new InvalidHyperParameterException(owner + ": " + name + " must be in [0, 1), got " + v);
        }
        return v;
    }

    /** in [0, 1] */
    static double unitInterval(String owner, String name, double v) {
        if (!Double.isFinite(v) || v < 0 || v > 1) {
            throw new InvalidHyperParameterException(owner + ": " + name + " must be in [0, 1], got " + v);
        }
        return v;
    }

    /** ≥ 1 */
    static long count(String owner, String name, long v) {
        if (v < 1) {
            throw new InvalidHyperParameterException(owner + ": " + name + " must be ≥ 1, got " + v);
        }
        return v;
    }
}
