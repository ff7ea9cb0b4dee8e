package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.spi.ComputeBackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Mixed-precision training on a backend that has gemm and the fused activations on 16-bit storage but not sumColumns
 * on it (the reference, with {@code sumColumnsOnHalves()} answering false): the network keeps every layer's A and δ
 * in FLOAT32, with 16-bit copies for the GEMMs, and trains, counts and checks as the contract says; no error.
 */
class ReferenceWithoutHalfSumsMixedPrecisionTest extends MixedPrecisionContract {
    @Override
    protected Backend createBackend() {
        ComputeBackend inner = new ReferenceBackend();
        ComputeBackend withoutHalfSums = (ComputeBackend) Proxy.newProxyInstance(
                ComputeBackend.class.getClassLoader(), new Class<?>[]{ComputeBackend.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sumColumnsOnHalves")) {
                        return false;
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return Backend.wrap(withoutHalfSums);
    }
}
