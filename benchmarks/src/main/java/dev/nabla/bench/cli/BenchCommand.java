package dev.nabla.bench.cli;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.bench.measure.BenchResults;
import dev.nabla.bench.measure.BenchRunner;
import dev.nabla.bench.measure.Timing;
import dev.nabla.bench.report.BenchReportFiles;
import dev.nabla.bench.report.ResultTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code nabla bench}: GEMM at a few sizes and one training step on every available backend, printed as a table and
 * written as JSON, Markdown and PNG charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class, sortOptions = false,
        description = {"Compare the backends: SGEMM at a few sizes and a training step of the 784-256-10 network, "
                + "on every available backend (or those named).",
                "Prints a table and writes bench.json, bench.md, gemm.png and training-step.png."})
final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    private Nabla parent;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", split = ",",
            description = "Backends to measure (repeatable or comma-separated; default: every available one).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/nabla-bench",
            description = "Where to write the report (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "Short warm-up and measuring, small sizes: a smoke run, not numbers to quote.")
    boolean quick;

    @Option(names = "--sizes", paramLabel = "N", split = ",",
            description = "GEMM sizes n (default 256,512,1024,2048; with --quick 128,256,512).")
    List<Integer> sizes;

    @Option(names = "--batch", defaultValue = "128", description = "Batch of the training step (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        List<Integer> ns = sizes != null ? sizes : quick ? List.of(128, 256, 512) : List.of(256, 512, 1024, 2048);
        for (int n : ns) {
            TrainCommand.atLeast("--sizes", n, 1);
        }
        ns = ns.stream().distinct().toList();
        TrainCommand.atLeast("--batch", batch, 1);
        List<String> names = BackendChoice.availableOrChosen(backends);
        PrintWriter o = parent.out();
        o.println(Environment.describe());
        List<String> unavailable = BackendChoice.unavailable();
        for (String u : unavailable) {
            o.println("not measured, unavailable: " + u);
        }
        BenchRunner runner = new BenchRunner(quick ? Timing.Budget.QUICK : Timing.Budget.NORMAL,
                msg -> {
                    o.println("measuring " + msg);
                    o.flush();
                });
        List<BenchResults.BackendInfo> infos = new ArrayList<>();
        List<BenchResults.GemmResult> gemm = new ArrayList<>();
        List<BenchResults.StepResult> steps = new ArrayList<>();
        for (String name : names) {
            Backend be = Backends.get(name);
            infos.add(new BenchResults.BackendInfo(name, be.description()));
            runner.prime(be);
            for (int n : ns) {
                gemm.add(runner.gemm(be, n));
            }
            steps.add(runner.trainingStep(be, batch));
        }
        BenchResults results = new BenchResults(Machine.label(), Environment.describe(),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), quick, List.copyOf(infos),
                List.copyOf(unavailable), List.copyOf(gemm), List.copyOf(steps));
        o.println();
        o.print(ResultTable.text(results));
        o.println();
        for (Path p : BenchReportFiles.write(results, out)) {
            o.println("wrote " + p);
        }
        return ExitCodes.OK;
    }
}
