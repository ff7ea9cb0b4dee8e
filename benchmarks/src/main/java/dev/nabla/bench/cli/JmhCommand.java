package dev.nabla.bench.cli;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nabla jmh [JMH options] [regexp]}: the JMH suite (dev.nabla.bench.jmh) with the {@code backend} parameter
 * set to every available backend, unless {@code -p backend=...} names some; unavailable ones are listed first. Adds
 * the GC profiler unless {@code -prof} names profilers. Everything else is JMH's own command line ({@code -h}).
 */
@Command(name = "jmh",
        description = {"Run the JMH suite (GEMM, elementwise, fused ops, reductions, training steps) on every "
                + "available backend, with the GC profiler.",
                "Arguments are JMH's: e.g. 'nabla jmh Gemm -p n=512 -f 1 -wi 2 -i 3'; 'nabla jmh -h' for all, "
                        + "'nabla jmh -l' to list."})
final class JmhCommand implements Callable<Integer> {
    @ParentCommand
    private Nabla parent;

    @Parameters(paramLabel = "JMH-ARGS", description = "Passed to JMH.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws RunnerException, java.io.IOException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            throw new CliException("bad JMH option: " + e.getMessage() + " (see 'nabla jmh -h')", ExitCodes.USAGE);
        }
        if (cmd.shouldHelp()) {                     // the same order as JMH's own Main
            cmd.showHelp();
            return ExitCodes.OK;
        }
        if (cmd.shouldListProfilers()) {
            cmd.listProfilers();
            return ExitCodes.OK;
        }
        if (cmd.shouldListResultFormats()) {
            cmd.listResultFormats();
            return ExitCodes.OK;
        }
        if (cmd.shouldList()) {
            new Runner(cmd).list();
            return ExitCodes.OK;
        }
        if (cmd.shouldListWithParams()) {
            new Runner(cmd).listWithParams(cmd);
            return ExitCodes.OK;
        }
        PrintWriter out = parent.out();
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
        if (!cmd.getParameter("backend").hasValue()) {
            List<String> names = BackendChoice.availableOrChosen(List.of());
            for (String u : BackendChoice.unavailable()) {
                out.println("not benchmarked, unavailable: " + u);
            }
            out.println("backends: " + String.join(", ", names));
            options.param("backend", names.toArray(new String[0]));
        } else {
            for (String name : cmd.getParameter("backend").get()) {
                BackendChoice.check(name, "-p backend");
            }
        }
        if (cmd.getProfilers().isEmpty()) {
            options.addProfiler(GCProfiler.class);
        }
        out.flush();
        var results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            throw new CliException("no benchmark ran (a pattern that matches nothing, or every run failed; see above)");
        }
        return ExitCodes.OK;
    }
}
