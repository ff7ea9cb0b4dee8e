package dev.nabla.bench.cli;

import dev.nabla.bench.report.Json;
import dev.nabla.bench.tune.GemmTuner;
import dev.nabla.opencl.ClDevice;
import dev.nabla.opencl.ClDiscovery;
import dev.nabla.opencl.GemmTuning;
import org.jocl.CLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code nabla tune}: tunes the opencl GEMM on the chosen device and stores the best configuration in the tuning
 * cache the backend reads at start (see {@link GemmTuning}).
 */
@Command(name = "tune", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class, sortOptions = false,
        description = {"Tune the opencl backend's GEMM on this device: build, check and time every candidate tile "
                + "configuration, and store the best in the tuning cache (-Dnabla.opencl.tuningFile, "
                + "NABLA_OPENCL_TUNING_FILE, else ~/.nabla/opencl-gemm.properties)."})
final class TuneCommand implements Callable<Integer> {
    @ParentCommand
    private Nabla parent;

    @Option(names = "--size", paramLabel = "N", description = "Size of the timed N³ products (default: 4096 on a GPU, 256 otherwise).")
    Integer size;

    @Option(names = "--reps", defaultValue = "5", description = "Timed runs per product; the median counts (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write every candidate's rates as JSON.")
    Path out;

    @Option(names = "--no-store", negatable = false, description = "Measure only; leave the tuning cache alone.")
    boolean noStore;

    @Override
    public Integer call() throws IOException {
        TrainCommand.atLeast("--reps", reps, 1);
        ClDevice device;
        try {
            device = ClDiscovery.select(ClDiscovery.devices(), ClDiscovery.requestedSelector());
        } catch (LinkageError | CLException e) {
            throw new CliException("tune: OpenCL is unavailable here: " + e);
        }
        int n = size != null ? size : device.isGpu() ? 4096 : 256;
        TrainCommand.atLeast("--size", n, 16);
        PrintWriter o = parent.out();
        o.println("tuning the opencl GEMM on " + device.describe() + " with " + n + "³ products, median of " + reps);
        o.flush();
        GemmTuner.Result r = GemmTuner.tune(device, n, reps, line -> {
            o.println("  " + line);
            o.flush();
        });
        GemmTuner.Candidate best = r.best();
        o.printf("best: %s  NN %.1f  TN %.1f  NT %.1f GFLOP/s (geometric mean %.1f)%n", best.config(), best.nn(),
                best.tn(), best.nt(), best.score());
        GemmTuner.Candidate small = r.bestSmall();
        if (small != null) {
            o.printf("best for small products (%d³): %s  NN %.1f  TN %.1f  NT %.1f GFLOP/s%n", r.smallSize(),
                    small.config(), small.nn(), small.tn(), small.nt());
        }
        if (!noStore) {
            GemmTuning.store(device, best.config());
            o.println("stored in " + GemmTuning.file().toAbsolutePath() + " as " + device.name() + "="
                    + GemmTuning.format(best.config()));
            if (small != null) {
                GemmTuning.storeSmall(device, small.config());
                o.println("  and " + device.name() + ".small=" + GemmTuning.format(small.config()));
            }
        }
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("device", device.name());
            json.put("size", n);
            json.put("best", GemmTuning.format(best.config()));
            json.put("bestSmall", small == null ? null : GemmTuning.format(small.config()));
            json.put("smallSize", r.smallSize());
            json.put("candidates", r.candidates().stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("config", GemmTuning.format(c.config()));
                m.put("status", c.status());
                m.put("nnGflops", c.nn());
                m.put("tnGflops", c.tn());
                m.put("ntGflops", c.nt());
                return m;
            }).toList());
            Path parentDir = out.toAbsolutePath().getParent();
            if (parentDir != null) {
                Files.createDirectories(parentDir);
            }
            Files.writeString(out, Json.write(json));
        }
        return ExitCodes.OK;
    }
}
