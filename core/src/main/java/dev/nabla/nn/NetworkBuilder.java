package dev.nabla.nn;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.InvalidShapeException;
import dev.nabla.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Describes a network: {@code input(n)}, then {@code dense(units, activation)} per layer, a loss, a seed, an init
 * scheme and a dtype; {@link #build(Backend)} validates the whole description and allocates it on a backend.
 */
public final class NetworkBuilder {
    private record LayerSpec(int units, Activation activation) {
    }

    private int inputs = -1;
    private final List<LayerSpec> specs = new ArrayList<>();
    private Loss loss;
    private long seed = 42L;
    private Init init = Init.AUTO;
    private DType dtype = DType.FLOAT32;
    private DType precision = DType.FLOAT32;

    NetworkBuilder() {
    }

    /**
     * Number of input features n0 (the columns of X).
     *
     * @param features n0
     * @return this builder
     */
    public NetworkBuilder input(int features) {
        this.inputs = features;
        return this;
    }

    /**
     * Appends a dense layer of {@code units} outputs.
     *
     * @param units the layer's outputs
     * @param activation the layer's activation
     * @return this builder
     */
    public NetworkBuilder dense(int units, Activation activation) {
        specs.add(new LayerSpec(units, activation));
        return this;
    }

    /**
     * The loss to train with (default MSE); it must suit the last activation.
     *
     * @param loss the loss
     * @return this builder
     */
    public NetworkBuilder loss(Loss loss) {
        this.loss = loss;
        return this;
    }

    /**
     * Seed of the host-side weight initialisation (default 42).
     *
     * @param seed the seed: the same seed gives the same values on every backend
     * @return this builder
     */
    public NetworkBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The weight initialisation (default AUTO).
     *
     * @param init the initialisation
     * @return this builder
     */
    public NetworkBuilder init(Init init) {
        this.init = init;
        return this;
    }

    /**
     * FLOAT32 (default) or FLOAT64 (for gradient checks).
     *
     * @param dtype the dtype of the parameters
     * @return this builder
     */
    public NetworkBuilder dtype(DType dtype) {
        this.dtype = dtype;
        return this;
    }

    /**
     * Mixed-precision training: FLOAT32 (default: everything in the network's dtype, as without this call), or
     * BFLOAT16/FLOAT16. With a 16-bit type the weights, biases, gradients and optimizer state stay FLOAT32 (the master
     * copy); every forward pass casts the weights and the input to that type, and the forward and backward GEMMs read
     * those 16-bit copies with float32 accumulation. The hidden layers' activations and errors δ are stored in the
     * 16-bit type where the backend has the ops that read them ({@link Network#activationStorage()}; each op computes
     * in float32 and rounds once), the output layer, the loss and every gradient stay float32. Inputs may be FLOAT32
     * or of the 16-bit type itself (then no 16-bit copy of them is made). FLOAT16 adds
     * dynamic loss scaling (PyTorch's GradScaler: scale 65536, halved and the step skipped when a gradient is ∞ or
     * NaN, doubled after 2000 clean steps); {@link Network#precisionStats()} reports it. Needs dtype FLOAT32 and a
     * backend whose gemm takes 16-bit inputs.
     *
     * @param precision FLOAT32, BFLOAT16 or FLOAT16
     * @return this builder
     */
    public NetworkBuilder precision(DType precision) {
        this.precision = precision;
        return this;
    }

    /**
     * Validates the description and allocates the network's weights (drawn on the host from the seed) on
     * {@code backend}. Every error names the backend; if an allocation fails part-way, nothing stays allocated.
     *
     * @param backend the backend to allocate the parameters on
     * @return a new network the caller closes
     */
    public Network build(Backend backend) {
        if (backend == null) {
            throw new InvalidArgumentException("network: backend is null");
        }
        String tag = " [" + backend.name() + "]";
        try {
            validate();
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(e.getMessage() + tag);
        }
        if (backend.isClosed()) {
            throw new BackendClosedException("network: backend " + backend.name() + " is closed");
        }
        if (precision.isHalf() && !backend.compute().gemmOnHalves()) {
            throw new dev.nabla.UnsupportedDTypeException("network: precision " + precision + " needs gemm on "
                    + precision + " inputs, which " + backend.name() + " does not have; use precision FLOAT32" + tag);
        }
        return backend.asCall(CALL, () -> allocate(backend));   // allocation errors name "network", not randn or zeros
    }

    /** What errors of {@link #build} are named after. */
    private static final String CALL = "network";

    private Network allocate(Backend backend) {
        List<Dense> layers = new ArrayList<>();
        Tensor w = null;
        try {
            int fanIn = inputs;
            for (int l = 0; l < specs.size(); l++) {
                LayerSpec spec = specs.get(l);
                double std = init.std(fanIn, spec.units(), spec.activation());
                try {
                    w = backend.randn(fanIn, spec.units(), layerSeed(seed, l), dtype).detach();
                } catch (InvalidShapeException e) {            // "network: 100000×100000 FLOAT32 has ...": say which
                    throw new InvalidShapeException("network: layer " + l + "'s weights (" + fanIn + "×" + spec.units()
                            + ") cannot be allocated: " + e.getMessage().substring(CALL.length() + 2));
                }
                if (std != 1.0) {
                    backend.ops().unary(dev.nabla.spi.UnaryOp.SCALE, std, w, w);
                }
                Tensor b = backend.zeros(1, spec.units(), dtype).detach();
                layers.add(new Dense(fanIn, spec.units(), spec.activation(), w, b));
                w = null;                                   // the layer owns it now
                fanIn = spec.units();
            }
        } catch (RuntimeException | Error e) {             // nothing stays allocated: the W of the failing layer too
            if (w != null) {
                w.close();
            }
            layers.forEach(Dense::close);
            throw e;
        }
        return new Network(backend, dtype, layers, loss, precision);
    }

    /** Seed of layer l's weights: a fixed mix of the network seed and the index, so layers differ. */
    static long layerSeed(long seed, int layer) {
        return seed * 0x9E3779B97F4A7C15L + 31L * (layer + 1);
    }

    private void validate() {
        if (inputs < 1) {
            throw new InvalidArgumentException("network: input(n) must be set to at least 1 feature, got " + inputs);
        }
        if (specs.isEmpty()) {
            throw new InvalidArgumentException("network: add at least one dense layer");
        }
        for (int l = 0; l < specs.size(); l++) {
            LayerSpec s = specs.get(l);
            if (s.units() < 1) {
                throw new InvalidArgumentException("network: layer " + l + " must have at least 1 unit, got " + s.units());
            }
            if (s.activation() == null) {
                throw new InvalidArgumentException("network: layer " + l + " has no activation");
            }
            if (s.activation() == Activation.SOFTMAX && l != specs.size() - 1) {
                throw new InvalidArgumentException("network: SOFTMAX is only supported on the output layer (layer "
                        + (specs.size() - 1) + "), found it on layer " + l);
            }
        }
        if (loss == null) {
            throw new InvalidArgumentException("network: loss(...) must be set");
        }
        if (dtype == null || init == null) {
            throw new InvalidArgumentException("network: dtype and init must not be null");
        }
        if (precision != DType.FLOAT32 && precision != DType.BFLOAT16 && precision != DType.FLOAT16) {
            throw new InvalidArgumentException("network: precision must be FLOAT32, BFLOAT16 or FLOAT16, got "
                    + precision);
        }
        if (precision.isHalf() && dtype != DType.FLOAT32) {
            throw new InvalidArgumentException("network: precision " + precision + " keeps FLOAT32 master weights; "
                    + "the dtype must be FLOAT32, got " + dtype);
        }
        loss.checkOutput(specs.get(specs.size() - 1).activation());
    }
}
