package dev.nabla.spark;

import java.io.Serializable;

/**
 * What one partition sends back per iteration, and what {@link OrderedGradientSum} adds up: n rows, the sum of their
 * losses n·L_p and the sums of their gradients n·∂L_p/∂W(l), n·∂L_p/∂b(l), all in float64. With L_p the mean over the
 * partition's share of the batch, the global batch's mean loss and gradient are these sums over every partition
 * divided by the batch's row count: exactly the single-machine mean up to the order of the sums.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    long rows;
    double loss;
    /** Null while no partition has contributed (the zero of the aggregation). */
    double[][] dW;
    double[][] db;

    static GradientSum zero() {
        return new GradientSum();
    }

    /** Adds {@code o} into this one (both may be zero); returns this. */
    GradientSum add(GradientSum o) {
        if (o.dW == null) {
            rows += o.rows;
            loss += o.loss;
            return this;
        }
        if (dW == null) {
            dW = new double[o.dW.length][];
            db = new double[o.db.length][];
            for (int l = 0; l < o.dW.length; l++) {
                dW[l] = o.dW[l].clone();
                db[l] = o.db[l].clone();
            }
        } else {
            for (int l = 0; l < dW.length; l++) {
                addInto(dW[l], o.dW[l]);
                addInto(db[l], o.db[l]);
            }
        }
        rows += o.rows;
        loss += o.loss;
        return this;
    }

    private static void addInto(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}
