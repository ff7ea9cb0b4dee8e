package dev.nabla.contract;

/**
 * The cross-entropies written out in float64 from the logits z, as the tests' independent oracle (PyTorch's
 * {@code cross_entropy} with probability targets and {@code binary_cross_entropy_with_logits}, mean over N rows):
 * <pre>
 *   CE  = (1/N) Σ_i Σ_j t_ij·(lse_i − z_ij),  lse_i = m_i + ln Σ_j e^(z_ij − m_i), m_i = max_j z_ij
 *   BCE = (1/N) Σ max(z, 0) − t·z + log1p(e^−|z|)
 * </pre>
 * Also the outputs f = softmax(z) by rows and f = σ(z), in float64.
 */
public final class LogitLosses {
    private LogitLosses() {
    }

    public static double crossEntropy(double[] z, double[] t, int rows, int cols) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(z, r * cols, cols);
            for (int j = 0; j < cols; j++) {
                double tij = t[r * cols + j];
                if (tij != 0) {
                    total += tij * (lse - z[r * cols + j]);
                }
            }
        }
        return rows == 0 ? 0 : total / rows;
    }

    public static double binaryCrossEntropy(double[] z, double[] t, int rows) {
        double total = 0;
        for (int i = 0; i < z.length; i++) {
            total += Math.max(z[i], 0) - t[i] * z[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
        }
        return rows == 0 ? 0 : total / rows;
    }

    /** ln Σ_j e^(z_j) over z[base, base + cols), shifted by the max. */
    static double logSumExp(double[] z, int base, int cols) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            m = Math.max(m, z[base + j]);
        }
        double s = 0;
        for (int j = 0; j < cols; j++) {
            s += Math.exp(z[base + j] - m);
        }
        return m + Math.log(s);
    }

    public static double[] softmaxRows(double[] z, int rows, int cols) {
        double[] f = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(z, r * cols, cols);
            for (int j = 0; j < cols; j++) {
                f[r * cols + j] = Math.exp(z[r * cols + j] - lse);
            }
        }
        return f;
    }

    public static double[] sigmoid(double[] z) {
        double[] f = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            f[i] = dev.nabla.spi.UnaryOp.sigmoid(z[i]);
        }
        return f;
    }

    /**
     * Σ|terms| of a loss from the logits, for {@link Tolerance#assertReduction}: the magnitudes of what the sum adds,
     * (1/N)·Σ t_ij·(|m_i| + |ln Σ_j e^(z_ij − m_i)| + |z_ij|) for CE and (1/N)·Σ |max(z, 0)| + |t·z| + log1p(e^−|z|)
     * for BCE. A row saturated on its target has a loss term of ~0 computed as the difference of two logits of 1e4:
     * its rounding is judged by the logits, not by the ~0.
     */
    public static double absTerms(dev.nabla.spi.BinaryOp term, double[] z, double[] t, int rows, int cols) {
        double total = 0;
        if (term == dev.nabla.spi.BinaryOp.CROSS_ENTROPY) {
            for (int r = 0; r < rows; r++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    m = Math.max(m, z[r * cols + j]);
                }
                double logS = logSumExp(z, r * cols, cols) - m;
                for (int j = 0; j < cols; j++) {
                    double tij = t[r * cols + j];
                    total += Math.abs(tij) * (Math.abs(m) + Math.abs(logS) + Math.abs(z[r * cols + j]));
                }
            }
        } else {
            for (int i = 0; i < rows * cols; i++) {
                total += Math.max(z[i], 0) + Math.abs(t[i] * z[i]) + Math.log1p(Math.exp(-Math.abs(z[i])));
            }
        }
        return rows == 0 ? 0 : total / rows;
    }

    /** Logits spread over ±{@code scale}, every one a float (so FLOAT32 stores them exactly). */
    public static double[] logits(long seed, int n, double scale) {
        double[] z = HostData.uniform(seed, n, -scale, scale);
        for (int i = 0; i < n; i++) {
            z[i] = (float) z[i];
        }
        return z;
    }
}
