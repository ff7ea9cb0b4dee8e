package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.ShapeMismatchException;
import dev.nabla.autograd.Var;

/**
 * A residual block: forward(x) = x + inner(x), where inner keeps the shape (He et al. 2016). Its child is named
 * {@code "inner"}, so its parameters are {@code "inner.0.weight"}, … (a PyTorch module with
 * {@code self.inner = ...} and {@code forward = x + self.inner(x)} has the same state dict). It owns inner.
 */
public final class Residual extends Module {
    private final Module inner;

    /**
     * The block x + inner(x); takes ownership of {@code inner}.
     *
     * @param inner a module whose output has its input's shape
     */
    public Residual(Module inner) {
        if (inner == null) {
            throw new dev.nabla.InvalidArgumentException("Residual: the inner module is null");
        }
        this.inner = addChild("inner", inner);
    }

    @Override
    protected Var compute(Var x) {
        Var y = inner.forward(x);
        if (!y.value().shape().equals(x.value().shape())) {
            throw new ShapeMismatchException(call("forward") + ": the inner " + inner.getClass().getSimpleName()
                    + " maps " + x.value().shape() + " to " + y.value().shape() + "; x + inner(x) needs the same shape ["
                    + x.value().backend().name() + "]");
        }
        return x.add(y);
    }

    /**
     * The inner module.
     *
     * @return inner
     */
    public Module inner() {
        return inner;
    }

    /**
     * A Residual around the inner module's copy on {@code target}.
     *
     * @param target the backend of the copy
     * @return the copy
     */
    @Override
    public Residual copyTo(Backend target) {
        checkOpen("copyTo");
        return withModeOf(new Residual(inner.copyTo(target)));
    }
}
