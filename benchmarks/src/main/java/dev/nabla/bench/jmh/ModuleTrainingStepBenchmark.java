package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.module.Linear;
import dev.nabla.module.Module;
import dev.nabla.module.ReLU;
import dev.nabla.module.Sequential;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizers;
import dev.nabla.optim.SGD;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One training step of the same ReLU/softmax MLP (784 → hidden… → 10, cross-entropy) two ways, side by side on the
 * same batch (issue 14: the module path must take no more than 1.25× Network's step time on cpu and opencl):
 *
 * <ul>
 *   <li>{@code network}: {@link Network#trainStepWithoutLoss} — the fused Dense path, workspaces reused;</li>
 *   <li>{@code module}: a {@link Sequential} of {@link Linear} and {@link ReLU} modules, recorded in a {@link Graph},
 *       {@code crossEntropyWithLogits(t).backward()}, then {@link SGD#step()} and {@code zeroGrad()} — every
 *       intermediate and gradient allocated and freed each step, as a user's loop does.</li>
 * </ul>
 *
 * Both update with SGD at lr 0.01, with momentum 0.9 ({@code optimizer=momentum}, what {@code nabla train} uses) or
 * without ({@code sgd}); both end with {@code synchronize()}, so an asynchronous backend's time is the work's.
 * The ratio module/network at equal parameters is the number the issue asks for.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class ModuleTrainingStepBenchmark {
    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"64", "256"})
    public int batch;

    /** Hidden ReLU widths, 'x'-separated: 256 is 784-256-10; 1024x1024 is 784-1024-1024-10. */
    @Param({"256"})
    public String hidden;

    /** momentum: SGD with momentum 0.9; sgd: plain SGD (both sides alike). */
    @Param({"momentum"})
    public String optimizer;

    private static final int INPUTS = 784, CLASSES = 10;
    private static final double LR = 0.01, MOMENTUM = 0.9;

    private Backend be;
    private Network net;
    private dev.nabla.nn.Optimizer netOpt;
    private Sequential model;
    private SGD moduleOpt;
    private Tensor x;
    private Tensor t;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        boolean momentum = optimizer.equals("momentum");
        if (!momentum && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be momentum or sgd, got " + optimizer);
        }
        var builder = Network.builder().input(INPUTS);
        List<Module> parts = new ArrayList<>();
        int in = INPUTS;
        long seed = 7;
        for (String w : hidden.split("x")) {
            int width = Integer.parseInt(w.trim());
            builder.dense(width, Activation.RELU);
            parts.add(new Linear(in, width, be, seed++));
            parts.add(new ReLU());
            in = width;
        }
        net = builder.dense(CLASSES, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7).build(be);
        netOpt = momentum ? Optimizers.sgd(LR).momentum(MOMENTUM) : Optimizers.sgd(LR);
        parts.add(new Linear(in, CLASSES, be, seed));
        model = new Sequential(parts.toArray(new Module[0]));
        moduleOpt = new SGD(model.parameters(), LR, momentum ? MOMENTUM : 0.0, 0.0, 0.0, false);
        x = be.rand(batch, INPUTS, 1L).detach();
        float[] oneHot = new float[batch * CLASSES];
        for (int i = 0; i < batch; i++) {
            oneHot[i * CLASSES + i % CLASSES] = 1f;
        }
        t = be.fromArray(oneHot, batch, CLASSES).detach();
    }

    @Benchmark
    public void network() {
        net.trainStepWithoutLoss(x, t, netOpt);
        be.synchronize();
    }

    @Benchmark
    public void module() {
        moduleOpt.zeroGrad();
        try (Graph g = Graph.record(be)) {
            model.forward(Var.constant(x)).crossEntropyWithLogits(t).backward();
        }
        moduleOpt.step();
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        t.close();
        moduleOpt.close();
        model.close();
        netOpt.close();
        net.close();
    }
}
