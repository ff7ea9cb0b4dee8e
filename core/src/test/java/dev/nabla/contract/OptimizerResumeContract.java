package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Graph;
import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Activation;
import dev.nabla.optim.GradClip;
import dev.nabla.optim.LrScheduler;
import dev.nabla.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resume check (issue 14): N steps, save the model, the optimizer and the scheduler to one safetensors file,
 * load them into a fresh model, optimizer and scheduler, N more steps must equal 2N steps straight, bit for bit
 * (parameters and optimizer state). The model is a small tanh MLP trained on a fixed batch with MSE, gradients
 * clipped by norm each step, plus a parameter no loss uses (its gradient stays null). In the contract kit so every
 * backend runs it.
 */
public final class OptimizerResumeContract {
    private static final String[] NAMES = {"0.weight", "0.bias", "2.weight", "unused"};
    private static final int[][] SHAPES = {{4, 6}, {1, 6}, {6, 3}, {2, 2}};
    private final Backend be;
    private final DType dtype;
    private final Function<Map<String, Var>, Optimizer> optimizer;
    private final Function<Optimizer, LrScheduler> scheduler;

    /**
     * A check on {@code be} in {@code dtype}.
     *
     * @param be the backend
     * @param dtype FLOAT32 or FLOAT64
     * @param optimizer makes the optimizer over the parameters
     * @param scheduler makes the scheduler over the optimizer
     */
    public OptimizerResumeContract(Backend be, DType dtype, Function<Map<String, Var>, Optimizer> optimizer,
                       Function<Optimizer, LrScheduler> scheduler) {
        this.be = be;
        this.dtype = dtype;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
    }

    private Map<String, Var> freshModel() {
        SplittableRandom r = new SplittableRandom(2024);
        Map<String, Var> ps = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            double[] v = new double[SHAPES[i][0] * SHAPES[i][1]];
            for (int j = 0; j < v.length; j++) {
                v[j] = r.nextDouble() - 0.5;
            }
            ps.put(NAMES[i], Var.parameter(be.fromArray(v, SHAPES[i][0], SHAPES[i][1], dtype)));
        }
        return ps;
    }

    private void train(Map<String, Var> ps, Optimizer opt, LrScheduler sched, int steps) {
        SplittableRandom r = new SplittableRandom(99);
        double[] x = new double[8 * 4];
        double[] t = new double[8 * 3];
        for (int j = 0; j < x.length; j++) {
            x[j] = 2 * r.nextDouble() - 1;
        }
        for (int j = 0; j < t.length; j++) {
            t[j] = r.nextDouble();
        }
        try (Tensor xt = be.fromArray(x, 8, 4, dtype); Tensor tt = be.fromArray(t, 8, 3, dtype)) {
            for (int s = 0; s < steps; s++) {
                opt.zeroGrad();
                try (Graph g = Graph.record(be)) {
                    Var.constant(xt).linear(ps.get("0.weight"), ps.get("0.bias"), Activation.TANH)
                            .matmul(ps.get("2.weight")).mse(tt).backward();
                }
                GradClip.clipGradNorm(ps, 0.5);
                opt.step();
                sched.step();
            }
        }
    }

    private static Map<String, HostTensor> host(Map<String, Var> ps) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        ps.forEach((n, v) -> out.put(n, HostTensor.of(v.value())));
        return out;
    }

    private static void close(Map<String, Var> ps) {
        for (Var p : ps.values()) {
            p.close();
            p.value().close();
        }
    }

    /**
     * Runs the check: asserts bitwise equality and that nothing is left allocated.
     *
     * @param dir a directory for the file
     * @param steps N
     * @throws IOException when the file cannot be written or read
     */
    public void run(Path dir, int steps) throws IOException {
        long live = be.stats().liveTensors();
        Map<String, HostTensor> straightParams;
        Map<String, HostTensor> straightState;
        Map<String, Var> a = freshModel();
        try (Optimizer opt = optimizer.apply(a)) {
            LrScheduler sched = scheduler.apply(opt);
            train(a, opt, sched, 2 * steps);
            straightParams = host(a);
            straightState = opt.stateDict();
        } finally {
            close(a);
        }

        Path file = dir.resolve("checkpoint.safetensors");
        Map<String, Var> b = freshModel();
        try (Optimizer opt = optimizer.apply(b)) {
            LrScheduler sched = scheduler.apply(opt);
            train(b, opt, sched, steps);
            Map<String, HostTensor> all = new LinkedHashMap<>();
            host(b).forEach((n, h) -> all.put("model." + n, h));
            opt.stateDict().forEach((n, h) -> all.put("optimizer." + n, h));
            sched.stateDict().forEach((n, h) -> all.put("scheduler." + n, h));
            Safetensors.write(file, all, Map.of("nabla.optimizer", opt.toString()));
        } finally {
            close(b);
        }

        Map<String, HostTensor> read = Safetensors.read(file);
        Map<String, Var> c = new LinkedHashMap<>();
        Map<String, HostTensor> optState = new LinkedHashMap<>();
        Map<String, HostTensor> schedState = new LinkedHashMap<>();
        read.forEach((n, h) -> {
            if (n.startsWith("model.")) {
                c.put(n.substring(6), Var.parameter(h.toTensor(be)));
            } else if (n.startsWith("optimizer.")) {
                optState.put(n.substring(10), h);
            } else {
                schedState.put(n.substring(10), h);
            }
        });
        try (Optimizer opt = optimizer.apply(c)) {
            LrScheduler sched = scheduler.apply(opt);
            opt.loadStateDict(optState);
            sched.loadStateDict(schedState);
            train(c, opt, sched, steps);
            assertEquals(straightParams, host(c), "parameters after " + steps + " + " + steps + " steps (resumed) "
                    + "must equal " + 2 * steps + " steps straight, bit for bit [" + be.name() + " " + dtype + "]");
            assertEquals(straightState, opt.stateDict(), "optimizer state, resumed vs straight, bit for bit");
        } finally {
            close(c);
        }
        assertEquals(live, be.stats().liveTensors(), "nothing leaked: " + be.liveTensorDescriptions());
    }
}
