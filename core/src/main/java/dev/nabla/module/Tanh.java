package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;

/** The elementwise activation tanh x, as {@code torch.nn.Tanh}: no parameters. */
public final class Tanh extends Module {
    /** The activation module. */
    public Tanh() {
    }

    /** {@link Var#tanh()}. */
    @Override
    protected Var compute(Var x) {
        return x.tanh();
    }

    /**
     * A new Tanh (there is nothing to copy but the mode).
     *
     * @param target unused: the module has no parameters
     * @return a new Tanh
     */
    @Override
    public Tanh copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new Tanh());
    }
}
