package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.InvalidHyperParameterException;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;

/**
 * Layer normalisation over each row (Ba, Kiros, Hinton 2016), as {@code torch.nn.LayerNorm(features, eps)}:
 * y = (x − μ) / √(σ² + ε) ⊙ γ + β with μ and σ² the mean and the biased variance of the row, γ ({@code "weight"},
 * ones) and β ({@code "bias"}, zeros) 1 × features, saved as {@code [features]}.
 *
 * <p>Composed from Var ops, so its gradient is theirs: meanRows, subColumnVector, square, meanRows, add ε, sqrt,
 * divColumnVector, mulRowVector, addRowVector.
 */
public final class LayerNorm extends Module {
    private final int features;
    private final double eps;
    private final Var weight;
    private final Var bias;

    /**
     * A FLOAT32 LayerNorm with γ = 1, β = 0.
     *
     * @param features the row length it normalises
     * @param eps ε, added to the variance (PyTorch's default is 1e-5)
     * @param backend where the parameters live
     */
    public LayerNorm(int features, double eps, Backend backend) {
        this(features, eps, backend, DType.FLOAT32);
    }

    /**
     * A LayerNorm with γ = 1, β = 0 of {@code dtype}.
     *
     * @param features the row length it normalises
     * @param eps ε, added to the variance (PyTorch's default is 1e-5)
     * @param backend where the parameters live
     * @param dtype FLOAT32 or FLOAT64
     */
    public LayerNorm(int features, double eps, Backend backend, DType dtype) {
        this.features = Inputs.positive("LayerNorm", "features", features);
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new InvalidHyperParameterException("LayerNorm: eps must be finite and ≥ 0, got " + eps);
        }
        this.eps = eps;
        Inputs.backend("LayerNorm", backend);
        Inputs.floating("LayerNorm", dtype);
        Tensor[] gb = backend.asCall("LayerNorm", () -> {
            Tensor g = backend.full(1, features, 1.0, dtype);
            try {
                return new Tensor[] {g, backend.zeros(1, features, dtype)};
            } catch (RuntimeException | Error e) {
                g.close();
                throw e;
            }
        });
        this.weight = addVectorParameter("weight", gb[0]);
        this.bias = addVectorParameter("bias", gb[1]);
    }

    private LayerNorm(LayerNorm src, Backend target) {
        this.features = src.features;
        this.eps = src.eps;
        Tensor g = src.weight.value().to(target);
        Tensor b;
        try {
            b = src.bias.value().to(target);
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
        this.weight = addVectorParameter("weight", g);
        this.bias = addVectorParameter("bias", b);
    }

    @Override
    protected Var compute(Var x) {
        Inputs.check(call("forward"), x, features, weight.value());
        Var centred = x.subColumnVector(x.meanRows());
        Var std = centred.square().meanRows().add(eps).sqrt();
        return centred.divColumnVector(std).mulRowVector(weight).addRowVector(bias);
    }

    /**
     * The scale γ, 1 × features.
     *
     * @return the parameter leaf
     */
    public Var weight() {
        return weight;
    }

    /**
     * The shift β, 1 × features.
     *
     * @return the parameter leaf
     */
    public Var bias() {
        return bias;
    }

    /**
     * ε.
     *
     * @return eps
     */
    public double eps() {
        return eps;
    }

    /**
     * A copy on {@code target} with the same γ, β and ε.
     *
     * @param target the backend of the copy
     * @return the copy
     */
    @Override
    public LayerNorm copyTo(Backend target) {
        checkOpen("copyTo");
        Inputs.backend(call("copyTo"), target);
        return withModeOf(new LayerNorm(this, target));
    }

    @Override
    protected String extraRepr() {
        return "(" + features + ",), eps=" + eps + ", elementwise_affine=True";
    }
}
