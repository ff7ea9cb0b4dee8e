package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.nn.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Autograd parity: 200 seeded {@link RandomAutogradProgram}s give the same loss and the same parameter gradients in
 * FLOAT32 on the backend under test as on the {@link ReferenceBackend} (under the one {@link Tolerance} rule, K the
 * program's {@link RandomAutogradProgram#reductionLength}), and a small model written with Vars (a tanh MLP with a
 * shared first layer, an embedding lookup by {@code gatherRows} and a softmax cross-entropy) trained for
 * {@value #STEPS} SGD steps from the same weights keeps its weights together. Programs whose kinks come within
 * 1e-2 of an input are skipped at draw time (a rounding difference across a kink is not a bug). Nothing may be left
 * allocated on either backend.
 *
 * <p>A backend module extends this class as it extends {@link ParityContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class AutogradParityContract {

    /** The backend under test (a fresh instance the suite closes). */
    protected abstract Backend createBackend();

    /** Number of random programs. */
    protected int programs() {
        return 200;
    }

    public static final int STEPS = 50;
    public static final long SEED = 20261202L;

    private Backend backend;
    private Backend reference;

    @BeforeAll
    void start() {
        backend = createBackend();
        reference = Backend.wrap(new ReferenceBackend());
    }

    @AfterAll
    void stop() {
        if (backend != null) {
            backend.close();
        }
        reference.close();
    }

    IntStream programIndices() {
        return IntStream.range(0, programs());
    }

    /** The loss and every parameter's gradient (zeros for a parameter the loss does not reach). */
    private static double[][] lossAndGradients(RandomAutogradProgram p, Backend on) {
        long before = on.stats().liveTensors();
        Tensor[] params = p.parameters(on, DType.FLOAT32);
        Tensor[] constants = p.constants(on, DType.FLOAT32);
        Var[] vars = new Var[params.length];
        double[][] out = new double[params.length + 1][];
        try {
            for (int i = 0; i < params.length; i++) {
                vars[i] = Var.parameter(params[i]);
            }
            try (Graph g = Graph.record(on)) {
                Var loss = p.run(vars, constants, new RandomAutogradProgram.Run());
                out[0] = loss.value().toDoubleArray();
                loss.backward();
            }
            for (int i = 0; i < params.length; i++) {
                out[i + 1] = vars[i].grad() == null ? new double[(int) params[i].size()] : vars[i].grad().toDoubleArray();
            }
        } finally {
            for (Var v : vars) {
                if (v != null) {
                    v.close();
                }
            }
            RandomAutogradProgram.closeAll(params);
            RandomAutogradProgram.closeAll(constants);
        }
        assertEquals(before, on.stats().liveTensors(), () -> p + ": left alive on " + on.name() + ": "
                + on.liveTensorDescriptions());
        return out;
    }

    @ParameterizedTest(name = "program {0}")
    @MethodSource("programIndices")
    void gradientsMatchTheReference(int index) {
        RandomAutogradProgram p = RandomAutogradProgram.drawAwayFromKinks(SEED, index, reference, 1e-2);
        double[][] want = lossAndGradients(p, reference);
        double[][] got = lossAndGradients(p, backend);
        String who = p + " [" + backend.name() + " vs " + reference.name() + "]";
        Tolerance tol = Tolerance.of(DType.FLOAT32, p.reductionLength());
        tol.assertCloseNormwise(who + " loss", want[0], got[0], 0);
        for (int i = 1; i < want.length; i++) {
            tol.assertCloseNormwise(who + " ∂loss/∂p" + (i - 1), want[i], got[i], 0);
        }
    }

    /** The model's parameters: w1 (in × hidden), b1, an embedding table e (vocabulary × hidden), w2, b2. */
    private static final int N = 12, IN = 6, HIDDEN = 8, VOCAB = 5, CLASSES = 4;

    private static Tensor[] model(Backend on) {
        return new Tensor[]{
                on.fromArray(HostData.uniform(1, IN * HIDDEN, -0.5, 0.5), IN, HIDDEN, DType.FLOAT32).detach(),
                on.fromArray(HostData.uniform(2, HIDDEN, -0.1, 0.1), 1, HIDDEN, DType.FLOAT32).detach(),
                on.fromArray(HostData.uniform(3, VOCAB * HIDDEN, -0.5, 0.5), VOCAB, HIDDEN, DType.FLOAT32).detach(),
                on.fromArray(HostData.uniform(4, HIDDEN * CLASSES, -0.5, 0.5), HIDDEN, CLASSES, DType.FLOAT32).detach(),
                on.fromArray(HostData.uniform(5, CLASSES, -0.1, 0.1), 1, CLASSES, DType.FLOAT32).detach()};
    }

    /** 50 steps of w ← w − 0.5·∂L/∂w for L = CE(softmax((tanh(x·w1 + b1) + e[tokens]) ⊙ σ(…) · w2 + b2), y). */
    private static double[][] train(Backend on) {
        long before = on.stats().liveTensors();
        Tensor[] w = model(on);
        Tensor x = on.fromArray(HostData.uniform(6, N * IN, -1, 1), N, IN, DType.FLOAT32).detach();
        Tensor y = on.fromArray(HostData.oneHot(7, N, CLASSES), N, CLASSES, DType.FLOAT32).detach();
        int[] tok = new int[N];
        for (int i = 0; i < N; i++) {
            tok[i] = (i * 7) % VOCAB;                             // every token several times: the gather's adjoint sums
        }
        Tensor tokens = on.fromArray(tok, 1, N).detach();
        Var[] p = new Var[w.length];
        try {
            for (int i = 0; i < w.length; i++) {
                p[i] = Var.parameter(w[i]);
            }
            for (int step = 0; step < STEPS; step++) {
                try (Graph g = Graph.record(on)) {
                    Var h = Var.constant(x).linear(p[0], p[1], Activation.TANH).add(p[2].gatherRows(tokens));
                    Var gated = h.mul(h.sigmoid());                 // h used twice
                    gated.matmul(p[3]).addRowVector(p[4]).crossEntropyWithLogits(y).backward();
                }
                for (int i = 0; i < w.length; i++) {
                    w[i].axpyInPlace(-0.5, p[i].grad());
                    p[i].zeroGrad();
                }
            }
            double[][] out = new double[w.length][];
            for (int i = 0; i < w.length; i++) {
                out[i] = w[i].toDoubleArray();
            }
            return out;
        } finally {
            for (Var v : p) {
                if (v != null) {
                    v.close();
                }
            }
            RandomAutogradProgram.closeAll(w);
            x.close();
            y.close();
            tokens.close();
            assertEquals(before, on.stats().liveTensors(), () -> "left alive on " + on.name() + ": "
                    + on.liveTensorDescriptions());
        }
    }

    @Test
    void fiftySgdStepsOfAVarModelKeepTheWeightsTogether() {
        double[][] want = train(reference);
        double[][] got = train(backend);
        String[] names = {"w1", "b1", "e", "w2", "b2"};
        // K: the reductions one step passes through (IN, HIDDEN, CLASSES, the N rows of every weight gradient)
        Tolerance tol = Tolerance.of(DType.FLOAT32, IN + HIDDEN + CLASSES + N);
        for (int i = 0; i < want.length; i++) {
            tol.assertCloseNormwise(names[i] + " after " + STEPS + " SGD steps [" + backend.name() + " vs "
                    + reference.name() + "]", want[i], got[i], 0);
        }
    }
}
