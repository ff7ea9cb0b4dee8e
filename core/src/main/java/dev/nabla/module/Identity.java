package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.autograd.Var;

/** The identity, as {@code torch.nn.Identity}: forward returns its input itself (no op is recorded). */
public final class Identity extends Module {
    /** The identity module. */
    public Identity() {
    }

    /** x itself. */
    @Override
    protected Var compute(Var x) {
        return x;
    }

    /**
     * A new Identity.
     *
     * @param target unused: the module has no parameters
     * @return a new Identity
     */
    @Override
    public Identity copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new Identity());
    }
}
