package dev.nabla.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code nabla} command: {@code devices}, {@code train}, {@code bench}, {@code parity}, {@code jmh} and
 * {@code tune}.
 * Run it with {@code ./nabla} at the repository root, which builds the jar when needed and passes the JVM flags
 * Nabla needs ({@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}).
 */
@Command(name = "nabla", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class,
        description = "Nabla: hardware-accelerated tensors and networks on the JVM.",
        subcommands = {DevicesCommand.class, TrainCommand.class, BenchCommand.class, ParityCommand.class,
                JmhCommand.class, TuneCommand.class, CommandLine.HelpCommand.class})
public final class Nabla implements java.util.concurrent.Callable<Integer> {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;

    Nabla(PrintWriter out, PrintWriter err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err, Terminal.interactive()));
    }

    /**
     * Runs the command line in this JVM and returns its exit code ({@link ExitCodes}). {@code interactive}: whether
     * {@code out} is a terminal (progress is then redrawn in place).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean interactive) {
        ErrorReporting errors = new ErrorReporting();
        CommandLine cmd = new CommandLine(new Nabla(out, err, interactive))
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
        // everything after `nabla jmh` is JMH's command line, options included
        cmd.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
        try {
            return cmd.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Without a subcommand: the usage on stderr, and exit code 2. */
    @Override
    public Integer call() {
        new CommandLine(this).usage(err);
        return ExitCodes.USAGE;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    boolean interactive() {
        return interactive;
    }

    /** The version of the jar, from its manifest (or "development" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Nabla.class.getPackage().getImplementationVersion();
            return new String[]{"nabla " + (v == null ? "development build" : v) + " on Java "
                    + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}
