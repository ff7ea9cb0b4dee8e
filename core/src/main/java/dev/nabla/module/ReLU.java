package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;

/** The elementwise activation max(x, 0), as {@code torch.nn.ReLU}: no parameters. */
public final class ReLU extends Module {
    /** The activation module. */
    public ReLU() {
    }

    /** {@link Var#relu()}. */
    @Override
    protected Var compute(Var x) {
        return x.relu();
    }

    /**
     * A new ReLU (there is nothing to copy but the mode).
     *
     * @param target unused: the module has no parameters
     * @return a new ReLU
     */
    @Override
    public ReLU copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new ReLU());
    }
}
