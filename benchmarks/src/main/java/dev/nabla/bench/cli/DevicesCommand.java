package dev.nabla.bench.cli;

import dev.nabla.BackendReport;
import dev.nabla.Backends;
import dev.nabla.bench.opencl.OpenClDevices;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nabla devices}: every backend found (available or not, and why), and every OpenCL platform and device. */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Nabla.Version.class,
        description = "List every backend (available or not, and why) and every OpenCL platform and device.")
final class DevicesCommand implements Callable<Integer> {
    @ParentCommand
    private Nabla parent;

    @Override
    public Integer call() {
        PrintWriter out = parent.out();
        out.println(Environment.describe());
        out.println();
        BackendReport report = Backends.report();
        out.println("Backends (available first, highest priority first):");
        int width = 6;
        for (BackendReport.Entry e : report.entries()) {
            width = Math.max(width, e.name().length());
        }
        for (BackendReport.Entry e : report.entries()) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %-11s  priority %3d  %s%n", e.name(),
                    e.available() ? "available" : "unavailable", e.priority(), e.detail().replace("\n", "; "));
        }
        out.println("best: " + (report.chosen() == null ? "none" : report.chosen()) + " (" + report.chosenBecause()
                + "); choose with --backend NAME, -D" + Backends.BACKEND_PROPERTY + "=NAME or " + Backends.BACKEND_ENV
                + "=NAME");
        out.println();
        printOpenCl(out, OpenClDevices.list());
        return ExitCodes.OK;
    }

    private static void printOpenCl(PrintWriter out, OpenClDevices.Listing listing) {
        if (listing.problem() != null) {
            out.println("OpenCL: none (" + listing.problem() + ")");
            return;
        }
        out.println("OpenCL platforms and devices (the opencl backend takes -Dnabla.opencl.device=INDEX or NAME):");
        for (OpenClDevices.Platform p : listing.platforms()) {
            out.println("  " + p.name() + " (" + p.vendor() + "), " + p.version());
            if (p.devices().isEmpty()) {
                out.println("    no devices");
            }
            for (OpenClDevices.Device d : p.devices()) {
                out.printf(Locale.ROOT, "    [%d] %s: %s, %d compute units at %d MHz, %s global memory "
                                + "(%s per buffer), fp64 %s; %s, driver %s%n", d.index(), d.name(), d.type(),
                        d.computeUnits(), d.clockMHz(), Environment.bytes(d.globalMemBytes()),
                        Environment.bytes(d.maxAllocBytes()), d.fp64() ? "yes" : "no", d.version(), d.driver());
            }
        }
    }
}
