package dev.nabla.cpu;

/**
 * Reductions over the lanes of one vector in lane order, from the vector stored into an array of exactly its lanes.
 * The Vector API's reduceLanes(ADD) sums lane by lane in its Java fallback and as a tree once C2 compiles it, so its
 * rounding would depend on JIT timing; these do not. They take the lanes as an array, not the vector: a loop's vector
 * accumulator handed to a method C2 declines to inline (it did, "executed < MinInliningThreshold times", for a row
 * max called once per row of 2¹⁹ elements) must be boxed, and C2 then boxes it on every step of the loop.
 *
 * <p>TEMPLATE: the build derives DoubleLanes from this file (float → double); see cpu-backend/pom.xml.
 */
final class FloatLanes {
    private FloatLanes() {
    }

    /** Σ of the lanes, first to last. */
    static float sum(float[] lanes) {
        float s = 0;
        for (float v : lanes) {
            s += v;
        }
        return s;
    }

    /** max of the lanes (NaN if any lane is NaN, as Math.max). */
    static float max(float[] lanes) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : lanes) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** min of the lanes (NaN if any lane is NaN, as Math.min). */
    static float min(float[] lanes) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : lanes) {
            m = Math.min(m, v);
        }
        return m;
    }
}
