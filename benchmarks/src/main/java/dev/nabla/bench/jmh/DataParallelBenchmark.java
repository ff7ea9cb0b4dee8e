package dev.nabla.bench.jmh;

import dev.nabla.Backend;
import dev.nabla.Tensor;
import dev.nabla.cpu.CpuBackend;
import dev.nabla.cpu.CpuPath;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import dev.nabla.parallel.DataParallel;
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
 * Data-parallel training steps on {@code replicas} cpu backends against one, on the same cores: with k replicas each
 * cpu backend gets {@code cores / k} threads (at least one), so the rows measure how splitting a batch over k
 * backends (k shards computed at once, gradients summed on the host, one update, the weights sent back) compares
 * with one backend using every core on the whole batch. {@code replicas = 1} is a plain {@link Network#trainStep}
 * on one cpu backend with every core, the baseline. The network is {@code nabla train}'s 784-256-10 ReLU/softmax
 * with momentum SGD, the batch already on the first backend; every step reads its loss back (a data-parallel step
 * always does). Time per step: batch / time is the throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JmhBackends.ADD_MODULES, JmhBackends.VECTOR_MODULE, JmhBackends.NATIVE_ACCESS})
public class DataParallelBenchmark {
    /** 1: one cpu backend on every core (the baseline); k &gt; 1: k cpu backends sharing the cores. */
    @Param({"1", "2", "4"})
    public int replicas;

    @Param({"256", "1024"})
    public int batch;

    /** Hidden widths, 'x'-separated: 256 is 784-256-10. */
    @Param({"256"})
    public String hidden;

    private final List<Backend> backends = new ArrayList<>();
    private Network net;
    private DataParallel dp;
    private Optimizer sgd;
    private Tensor x;
    private Tensor t;

    @Setup(Level.Trial)
    public void setUp() {
        if (replicas < 1 || batch < replicas) {
            throw new IllegalArgumentException("need 1 ≤ replicas ≤ batch, got replicas " + replicas + ", batch " + batch);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < replicas; i++) {
            backends.add(Backend.wrap(new CpuBackend(CpuPath.detect(), Math.max(1, cores / replicas))));
        }
        Backend be = backends.get(0);
        var builder = Network.builder().input(784);
        for (String w : hidden.split("x")) {
            builder.dense(Integer.parseInt(w.trim()), Activation.RELU);
        }
        net = builder.dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).seed(7).build(be);
        dp = replicas == 1 ? null : DataParallel.of(net, backends);
        sgd = Optimizers.sgd(0.01).momentum(0.9);
        x = be.rand(batch, 784, 1L).detach();
        float[] oneHot = new float[batch * 10];
        for (int i = 0; i < batch; i++) {
            oneHot[i * 10 + i % 10] = 1f;
        }
        t = be.fromArray(oneHot, batch, 10).detach();
    }

    @Benchmark
    public double step() {
        return dp == null ? net.trainStep(x, t, sgd) : dp.trainStep(x, t, sgd);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        t.close();
        sgd.close();
        if (dp != null) {
            dp.close();
        }
        net.close();
        backends.forEach(Backend::close);
        backends.clear();
    }
}
