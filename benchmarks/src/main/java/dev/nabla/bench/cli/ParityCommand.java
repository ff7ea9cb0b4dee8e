package dev.nabla.bench.cli;

import dev.nabla.Backend;
import dev.nabla.Backends;
import dev.nabla.bench.parity.ParityCheck;
import dev.nabla.contract.ReferenceBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nabla parity}: the gradients of a few seeded random networks on every available backend and on the float64
 * reference, compared pair by pair under the one tolerance rule; prints the worst error per pair.
 */
@Command(name = "parity", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class, sortOptions = false,
        description = {"Check gradient parity across backends: random networks (depth 1-5, widths 1-300, batch 1-257), "
                + "the loss and every dW, db compared for every pair of backends and the float64 reference.",
                "Prints the worst error per pair as a fraction of the allowed |a - r| <= atol + rtol*|r| "
                        + "(atol = rtol*sqrt(K)*max|r|, rtol 1e-4 for float32); exits 1 if any pair exceeds it."})
final class ParityCommand implements Callable<Integer> {
    /** The parity suite's seed (ParityContract.SEED), so the command checks the networks the tests check first. */
    static final long DEFAULT_SEED = 20261122L;

    @ParentCommand
    private Nabla parent;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", split = ",",
            description = "Backends to compare (default: every available one).")
    List<String> backends = new ArrayList<>();

    @Option(names = {"-n", "--networks"}, defaultValue = "5", description = "Random networks (default ${DEFAULT-VALUE}).")
    int networks;

    @Option(names = "--seed", defaultValue = "" + DEFAULT_SEED, description = "Seed of the networks (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-reference", negatable = false,
            description = "Leave out the float64 reference backend (plain loops; the slow part for wide networks).")
    boolean noReference;

    @Override
    public Integer call() {
        TrainCommand.atLeast("--networks", networks, 1);
        List<String> names = BackendChoice.availableOrChosen(backends);
        // baselines first: the reference, then the lowest-priority backend (cpu) up to the highest
        List<String> ordered = new ArrayList<>(Backends.names());
        ordered.retainAll(names);
        Collections.reverse(ordered);
        PrintWriter out = parent.out();
        for (String u : BackendChoice.unavailable()) {
            out.println("not compared, unavailable: " + u);
        }
        List<Backend> list = new ArrayList<>();
        try (Backend reference = Backend.wrap(new ReferenceBackend())) {
            if (!noReference) {
                list.add(reference);
            }
            for (String n : ordered) {
                list.add(Backends.get(n));
            }
            if (list.size() < 2) {
                throw new CliException("parity needs two backends to compare; found " + names
                        + (noReference ? " (and --no-reference leaves out the float64 reference)" : ""));
            }
            out.println("comparing " + String.join(", ", list.stream().map(Backend::name).toList()) + " on "
                    + networks + " random network" + (networks == 1 ? "" : "s") + " (seed " + seed + "), float32");
            out.flush();
            List<ParityCheck.PairResult> results = ParityCheck.run(list, networks, seed, msg -> {
                out.println("  " + msg);
                out.flush();
            });
            out.println();
            out.print(ParityCheck.table(results));
            List<ParityCheck.PairResult> failed = results.stream().filter(r -> !r.passed()).toList();
            if (!failed.isEmpty()) {
                ParityCheck.PairResult f = failed.get(0);
                throw new CliException(String.format(Locale.ROOT, "%d pair%s outside the tolerance; worst: %s vs %s, "
                                + "%.3g× the allowed error at %s", failed.size(), failed.size() == 1 ? "" : "s",
                        f.backend(), f.baseline(), f.worstFraction(), f.where()));
            }
            out.println("every pair within the tolerance");
            return ExitCodes.OK;
        }
    }
}
