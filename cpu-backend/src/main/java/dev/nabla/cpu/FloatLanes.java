package dev.nabla.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Reductions over the lanes of one vector in lane order. The Vector API's reduceLanes(ADD) sums lane by lane in
 * its Java fallback and as a tree once C2 compiles it, so its rounding would depend on JIT timing; these do not.
 *
 * <p>TEMPLATE: the build derives DoubleLanes from this file (float → double); see cpu-backend/pom.xml.
 */
final class FloatLanes {
    private FloatLanes() {
    }

    /** Σ of the lanes, first to last. */
    static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** max of the lanes (NaN if any lane is NaN, as Math.max). */
    static float max(FloatVector v) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length(); i++) {
            m = Math.max(m, v.lane(i));
        }
        return m;
    }

    /** min of the lanes (NaN if any lane is NaN, as Math.min). */
    static float min(FloatVector v) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < v.length(); i++) {
            m = Math.min(m, v.lane(i));
        }
        return m;
    }
}
