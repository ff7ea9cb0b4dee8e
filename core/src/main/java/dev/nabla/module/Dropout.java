package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;

/**
 * Inverted dropout, as {@code torch.nn.Dropout(p)}: in training mode each element is zeroed with probability p and
 * the others scaled by 1/(1 − p), so the expected output is the input; in eval mode (and for p = 0) forward returns
 * its input itself. The gradient flows through the same mask: ∂x = G ⊙ m.
 *
 * <p><b>The mask.</b> Drawn on the host from the module's seeded generator (SplitMix64: element i is dropped when its
 * uniform draw u &lt; p), one draw per element, row-major, continuing the stream at every training forward: the same
 * seed and the same sequence of batch shapes give the same masks on every backend. The mask m (0 or 1/(1 − p) in the
 * input's dtype) is uploaded with {@code fromArray} (rows·cols elements host → device per forward) and then copied once
 * on the device into a value the current graph owns ({@code Var.constant(m).mul(1)}), so it lives exactly as long as
 * the graph that needs it for backward; the upload is freed at once. For p = 1 every element is dropped (output 0).
 */
public final class Dropout extends Module {
    private final double p;
    private final ModuleRandom rng;

    /**
     * Dropout with probability {@code p}.
     *
     * @param p the probability of zeroing an element, in [0, 1]
     * @param seed the seed of the masks
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidHyperParameterException("Dropout: p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.rng = new ModuleRandom(seed);
    }

    private Dropout(Dropout src) {
        this.p = src.p;
        this.rng = src.rng.copy();
    }

    /** x ⊙ m in training mode (see the class comment), x itself in eval mode or for p = 0. */
    @Override
    protected Var compute(Var x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        Tensor v = x.value();
        if (!v.dtype().isFloating()) {
            throw new dev.nabla.UnsupportedDTypeException(call("forward") + ": the input " + v.shape() + " is "
                    + v.dtype() + "; dropout needs FLOAT32 or FLOAT64 [" + v.backend().name() + "]");
        }
        double keep = p == 1 ? 0 : 1 / (1 - p);
        double[] mask = new double[Math.multiplyExact(v.rows(), v.cols())];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0 : keep;
        }
        Backend be = v.backend();
        Var m;
        try (Tensor upload = be.asCall(call("forward"), () -> be.fromArray(mask, v.rows(), v.cols(), v.dtype()))) {
            m = Var.constant(upload).mul(1.0);      // a graph-owned copy: freed with the graph, after backward
        }
        return x.mul(m);
    }

    /**
     * The drop probability.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    /**
     * A Dropout with the same p whose generator continues from this one's state (it draws the masks this one would).
     *
     * @param target unused: the module has no parameters
     * @return the copy
     */
    @Override
    public Dropout copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new Dropout(this));
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
