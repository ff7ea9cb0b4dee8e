package dev.nabla;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Closes, when it closes, every tensor its backend created on this thread while it was the innermost open scope,
 * except those {@link #keep kept}. Opened by {@link Backend#scope()}; use with try-with-resources:
 *
 * <pre>{@code
 * try (Scope s = backend.scope()) {
 *     Tensor h = x.matmul(w).sigmoid();      // the matmul's output is closed at the end of the block
 *     result = s.keep(h.matmul(v));          // ... but this one survives it
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private final Backend backend;
    private final Scope parent;
    private final Set<Tensor> owned = new LinkedHashSet<>();
    private boolean closed;

    Scope(Backend backend, Scope parent) {
        this.backend = backend;
        this.parent = parent;
    }

    void adopt(Tensor t) {
        if (closed) {
            return;
        }
        owned.add(t);
        t.owner = this;
    }

    void forget(Tensor t) {
        owned.remove(t);
    }

    /**
     * Takes {@code t} out of this scope so that closing the scope leaves it open; it moves to the enclosing scope if
     * there is one (and is closed with that), else the caller owns it. Returns {@code t}.
     *
     * @param <T> the tensor's type
     * @param t a tensor of this scope
     * @return {@code t}
     */
    public <T extends Tensor> T keep(T t) {
        if (t.owner == this) {
            owned.remove(t);
            t.owner = null;
            if (parent != null && !parent.closed) {
                parent.adopt(t);
            }
        }
        return t;
    }

    /**
     * Number of tensors this scope will close.
     *
     * @return the number of tensors this scope holds
     */
    public int size() {
        return owned.size();
    }

    /**
     * Closes every tensor still owned, newest first. Closing twice does nothing. With leak detection on, this is also
     * when the backend reports the tensors the garbage collector found unclosed since its last report (a scope
     * closes what it owns, so what it reports are tensors created outside any scope, or detached or kept, and lost).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.popScope(this);
        List<Tensor> toClose = new ArrayList<>(owned);
        owned.clear();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            Tensor t = toClose.get(i);
            t.owner = null;
            t.close();
        }
        backend.scopeClosed();
    }
}
