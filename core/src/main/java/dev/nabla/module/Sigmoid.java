package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;

/** The elementwise activation σ(x) = 1/(1 + e⁻ˣ), as {@code torch.nn.Sigmoid}: no parameters. */
public final class Sigmoid extends Module {
    /** The activation module. */
    public Sigmoid() {
    }

    /** {@link Var#sigmoid()}. */
    @Override
    protected Var compute(Var x) {
        return x.sigmoid();
    }

    /**
     * A new Sigmoid (there is nothing to copy but the mode).
     *
     * @param target unused: the module has no parameters
     * @return a new Sigmoid
     */
    @Override
    public Sigmoid copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new Sigmoid());
    }
}
