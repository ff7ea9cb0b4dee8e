package dev.nabla.module;

import dev.nabla.BackendMismatchException;
import dev.nabla.DTypeMismatchException;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.TensorClosedException;
import dev.nabla.autograd.Var;

/** Checks of a layer's input against its parameters, so that errors name the user's call, not an inner op. */
final class Inputs {
    private Inputs() {
    }

    /** x must be open, on {@code param}'s backend, of its dtype, with {@code features} columns. */
    static void check(String call, Var x, int features, Tensor param) {
        Tensor v = x.value();
        String be = " [" + param.backend().name() + "]";
        if (v.isClosed()) {
            throw new TensorClosedException(call + ": the input " + v.shape() + " " + v.dtype() + " is closed" + be);
        }
        if (v.backend() != param.backend()) {
            throw new BackendMismatchException(call + ": the input " + v.shape() + " is on " + v.backend().name()
                    + ", the module's parameters on " + param.backend().name() + " (copy one with to(backend) or "
                    + "copyTo(backend))");
        }
        if (v.dtype() != param.dtype()) {
            throw new DTypeMismatchException(call + ": the input " + v.shape() + " is " + v.dtype() + ", the module's "
                    + "parameters are " + param.dtype() + be);
        }
        if (v.cols() != features) {
            throw new ShapeMismatchException(call + ": the input " + v.shape() + " has " + v.cols() + " features "
                    + "(columns), this module takes " + features + be);
        }
    }

    /** A positive size, or a typed error. */
    static int positive(String call, String what, int n) {
        if (n <= 0) {
            throw new dev.nabla.InvalidArgumentException(call + ": " + what + " must be positive, got " + n);
        }
        return n;
    }

    /** A floating dtype, or a typed error. */
    static dev.nabla.DType floating(String call, dev.nabla.DType dtype) {
        if (dtype == null || !dtype.isFloating()) {
            throw new dev.nabla.UnsupportedDTypeException(call + ": parameters must be FLOAT32 or FLOAT64, got "
                    + dtype);
        }
        return dtype;
    }

    /** An open backend, or a typed error. */
    static dev.nabla.Backend backend(String call, dev.nabla.Backend backend) {
        if (backend == null) {
            throw new dev.nabla.InvalidArgumentException(call + ": the backend is null");
        }
        return backend;
    }
}
