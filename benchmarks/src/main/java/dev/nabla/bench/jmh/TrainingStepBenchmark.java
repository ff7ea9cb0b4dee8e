package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
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

import java.util.concurrent.TimeUnit;

/**
 * Whole training steps — forward, backward and an SGD update, on a batch already on the device — of the network
 * the parameters describe: by default the 784-256-10 ReLU/softmax network that {@code nabla train} trains with
 * momentum SGD; the performance tables use 784-1024-1024-10 and 784-4096-4096-10 with plain SGD. {@code step} leaves the loss on the device and
 * synchronizes; {@code stepReadingLoss} reads the loss back, as a training loop that prints it does. With the GC
 * profiler, B/op shows what a step allocates on the Java heap after the first (workspaces are reused).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)   // the Vector API is slow and allocates until C2 has compiled it
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class TrainingStepBenchmark {
    /** Replaced by {@code nabla jmh} with every available backend. */
    @Param({"cpu"})
    public String backend;

    @Param({"64", "256"})
    public int batch;

    /** Hidden widths, 'x'-separated: 256 is 784-256-10; 1024x1024 is 784-1024-1024-10. */
    @Param({"256"})
    public String hidden;

    /** relu-ce: ReLU hidden layers, softmax output, cross-entropy. sigmoid-mse: sigmoid everywhere, MSE. */
    @Param({"relu-ce"})
    public String model;

    /** momentum: SGD with momentum 0.9; sgd: plain SGD. */
    @Param({"momentum"})
    public String optimizer;

    private Backend be;
    private Network net;
    private Optimizer sgd;
    private Tensor x;
    private Tensor t;

    @Setup(Level.Trial)
    public void setUp() {
        be = JmhBackends.start(backend);
        boolean relu = model.equals("relu-ce");
        if (!relu && !model.equals("sigmoid-mse")) {
            throw new IllegalArgumentException("model must be relu-ce or sigmoid-mse, got " + model);
        }
        var builder = Network.builder().input(784);
        for (String w : hidden.split("x")) {
            builder.dense(Integer.parseInt(w.trim()), relu ? Activation.RELU : Activation.SIGMOID);
        }
        net = builder.dense(10, relu ? Activation.SOFTMAX : Activation.SIGMOID)
                .loss(relu ? Loss.CROSS_ENTROPY : Loss.MSE).seed(7).build(be);
        sgd = optimizer.equals("sgd") ? Optimizers.sgd(0.01) : Optimizers.sgd(0.01).momentum(0.9);
        x = be.rand(batch, 784, 1L).detach();
        float[] oneHot = new float[batch * 10];
        for (int i = 0; i < batch; i++) {
            oneHot[i * 10 + i % 10] = 1f;
        }
        t = be.fromArray(oneHot, batch, 10).detach();
    }

    @Benchmark
    public void step() {
        net.trainStepWithoutLoss(x, t, sgd);
        be.synchronize();
    }

    @Benchmark
    public double stepReadingLoss() {
        return net.trainStep(x, t, sgd);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        t.close();
        sgd.close();
        net.close();
    }
}
