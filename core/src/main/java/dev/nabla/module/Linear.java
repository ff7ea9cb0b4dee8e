package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;
import dev.nabla.nn.Activation;

/**
 * A fully connected layer in {@code torch.nn.Linear}'s layout: y = x·Wᵀ + 1·b for a batch x (rows are samples,
 * n × in), with W out × in ({@code "weight"}, saved as {@code [out, in]}) and b 1 × out ({@code "bias"}, saved as
 * {@code [out]}). So a PyTorch state dict loads without transposing anything.
 *
 * <p>Initialised as {@code torch.nn.Linear}: every weight, then every bias, uniform in [−1/√in, 1/√in) (the bound of
 * its kaiming-uniform with a = √5), drawn on the host from {@code seed} by SplitMix64 in double precision and rounded
 * to the dtype, so every backend gets the same weights (not PyTorch's, whose generator differs).
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Var weight;
    private final Var bias;

    /**
     * A FLOAT32 layer from {@code in} to {@code out} features.
     *
     * @param in input features
     * @param out output features
     * @param backend where the parameters live
     * @param seed the seed of the initial weights
     */
    public Linear(int in, int out, Backend backend, long seed) {
        this(in, out, backend, seed, DType.FLOAT32);
    }

    /**
     * A layer from {@code in} to {@code out} features with parameters of {@code dtype}.
     *
     * @param in input features
     * @param out output features
     * @param backend where the parameters live
     * @param seed the seed of the initial weights
     * @param dtype FLOAT32 or FLOAT64
     */
    public Linear(int in, int out, Backend backend, long seed, DType dtype) {
        String call = "Linear";
        this.in = Inputs.positive(call, "in", in);
        this.out = Inputs.positive(call, "out", out);
        Inputs.backend(call, backend);
        Inputs.floating(call, dtype);
        double bound = 1.0 / Math.sqrt(in);
        ModuleRandom rng = new ModuleRandom(seed);
        double[] w = new double[Math.multiplyExact(in, out)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        double[] b = new double[out];
        for (int i = 0; i < b.length; i++) {
            b[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        Tensor[] wb = backend.asCall(call, () -> {
            Tensor wt = backend.fromArray(w, out, in, dtype);
            try {
                return new Tensor[] {wt, backend.fromArray(b, 1, out, dtype)};
            } catch (RuntimeException | Error e) {
                wt.close();
                throw e;
            }
        });
        this.weight = addParameter("weight", wb[0]);
        this.bias = addVectorParameter("bias", wb[1]);
    }

    /** A copy of {@code src} on {@code target}. */
    private Linear(Linear src, Backend target) {
        this.in = src.in;
        this.out = src.out;
        Tensor w = src.weight.value().to(target);
        Tensor b;
        try {
            b = src.bias.value().to(target);
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
        this.weight = addParameter("weight", w);
        this.bias = addVectorParameter("bias", b);
    }

    /** x·Wᵀ + 1·b: {@link Var#linearTransB} with IDENTITY (one GEMM, then the bias added in place). */
    @Override
    protected Var compute(Var x) {
        return activated(x, Activation.IDENTITY);
    }

    /**
     * g(x·Wᵀ + 1·b) in one fused op: what {@link Sequential} computes for this layer followed by an activation
     * module, so the pre-activation never becomes a tensor of its own. Checked as {@code forward}.
     */
    Var activated(Var x, Activation activation) {
        checkOpen("forward");
        Inputs.check(call("forward"), x, in, weight.value());
        return x.linearTransB(weight, bias, activation);
    }

    /**
     * The weights W, out × in.
     *
     * @return the parameter leaf
     */
    public Var weight() {
        return weight;
    }

    /**
     * The bias b, 1 × out.
     *
     * @return the parameter leaf
     */
    public Var bias() {
        return bias;
    }

    /**
     * Input features.
     *
     * @return in
     */
    public int inFeatures() {
        return in;
    }

    /**
     * Output features.
     *
     * @return out
     */
    public int outFeatures() {
        return out;
    }

    /**
     * A copy on {@code target} with the same weights and mode.
     *
     * @param target the backend of the copy
     * @return the copy
     */
    @Override
    public Linear copyTo(Backend target) {
        checkOpen("copyTo");
        Inputs.backend(call("copyTo"), target);
        return withModeOf(new Linear(this, target));
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=True";
    }
}
