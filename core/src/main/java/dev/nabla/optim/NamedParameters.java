package dev.nabla.optim;

import dev.nabla.Backend;
import dev.nabla.BackendMismatchException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Var;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters an optimizer (or {@link GradClip}) works on: a snapshot of the caller's ordered name → {@link Var}
 * map, checked once (non-empty, no null, every Var a parameter leaf, no Var or value tensor under two names, every
 * value on one backend) and again before each use (every value and gradient still open).
 */
final class NamedParameters {
    final Map<String, Var> byName;
    final Backend backend;

    private NamedParameters(Map<String, Var> byName, Backend backend) {
        this.byName = byName;
        this.backend = backend;
    }

    /**
     * Checks {@code params} for {@code op} (the user's call, e.g. {@code SGD}) and copies it, keeping its order.
     */
    static NamedParameters of(String op, Map<String, Var> params) {
        if (params == null) {
            throw new InvalidArgumentException(op + ": the parameter map is null");
        }
        if (params.isEmpty()) {
            throw new InvalidArgumentException(op + ": the parameter map is empty; pass the named parameters to "
                    + "update (e.g. a module's parameters())");
        }
        Map<String, Var> copy = new LinkedHashMap<>();
        Map<Object, String> seen = new IdentityHashMap<>();
        Backend backend = null;
        String first = null;
        for (Map.Entry<String, Var> e : params.entrySet()) {
            String name = e.getKey();
            Var v = e.getValue();
            if (name == null) {
                throw new InvalidArgumentException(op + ": a parameter name is null");
            }
            if (v == null) {
                throw new InvalidArgumentException(op + ": parameter '" + name + "' is null");
            }
            if (!v.isLeaf() || !v.requiresGrad()) {
                throw new InvalidArgumentException(op + ": '" + name + "' is " + v + ", not a parameter; optimizers "
                        + "update leaves made with Var.parameter(tensor)");
            }
            Tensor t = v.value();
            String sameVar = seen.put(v, name);
            String sameTensor = sameVar == null ? seen.put(t, name) : null;
            if (sameVar != null || sameTensor != null) {
                throw new InvalidArgumentException(op + ": parameters '" + (sameVar != null ? sameVar : sameTensor)
                        + "' and '" + name + "' are the same " + (sameVar != null ? "Var" : "tensor") + " "
                        + t.shape() + " " + t.dtype() + " [" + t.backend().name() + "]; each parameter is updated "
                        + "once, so list it once");
            }
            if (t.isClosed()) {
                throw closed(op, name, t);
            }
            if (backend == null) {
                backend = t.backend();
                first = name;
            } else if (t.backend() != backend) {
                throw new BackendMismatchException(op + ": parameter '" + first + "' is on [" + backend.name()
                        + "] but '" + name + "' " + t.shape() + " " + t.dtype() + " is on [" + t.backend().name()
                        + "]; one optimizer updates the parameters of one backend (move them with Tensor.to)");
            }
            copy.put(name, v);
        }
        return new NamedParameters(Collections.unmodifiableMap(copy), backend);
    }

    /** Throws a {@link TensorClosedException} naming {@code op} when a value or a gradient was closed. */
    void checkOpen(String op) {
        for (Map.Entry<String, Var> e : byName.entrySet()) {
            Tensor t = e.getValue().value();
            if (t.isClosed()) {
                throw closed(op, e.getKey(), t);
            }
            Tensor g = e.getValue().grad();
            if (g != null && g.isClosed()) {
                throw new TensorClosedException(op + ": the gradient of parameter '" + e.getKey() + "' " + g.shape()
                        + " " + g.dtype() + " was closed; free a gradient with Var.zeroGrad() (or the optimizer's "
                        + "zeroGrad()), not by closing it [" + g.backend().name() + "]");
            }
        }
    }

    private static TensorClosedException closed(String op, String name, Tensor t) {
        return new TensorClosedException(op + ": parameter '" + name + "' " + t.shape() + " " + t.dtype()
                + " is closed [" + t.backend().name() + "]");
    }
}
