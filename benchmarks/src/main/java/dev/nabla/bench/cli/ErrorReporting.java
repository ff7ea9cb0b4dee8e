package dev.nabla.bench.cli;

import dev.nabla.NablaException;
import dev.nabla.bench.data.DataFileException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * Turns every failure into one line on stderr and an exit code ({@link ExitCodes}): usage errors name the command
 * and how to get help; typed errors (data files, backends, Nabla's own exceptions) print their message; anything
 * else is reported as an internal error. Stack traces only with {@code NABLA_DEBUG=1}.
 */
final class ErrorReporting implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    static final String DEBUG_ENV = "NABLA_DEBUG";

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message = message + "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        print(cmd.getErr(), name + ": " + message + " (see '" + name + " --help')", e);
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof CliException c) {
            print(cmd.getErr(), name + ": " + c.getMessage(), e);
            return c.exitCode();
        }
        if (e instanceof DataFileException || e instanceof NablaException) {
            print(cmd.getErr(), name + ": " + e.getMessage(), e);
            return ExitCodes.FAILURE;
        }
        print(cmd.getErr(), name + ": internal error: " + e + " (set " + DEBUG_ENV + "=1 for the stack trace)", e);
        return ExitCodes.INTERNAL;
    }

    private static void print(PrintWriter err, String line, Throwable e) {
        err.println(oneLine(line));
        if (debug()) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** The first line of a message, with the rest counted (Nabla's backend errors append a whole report). */
    static String oneLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    static boolean debug() {
        String v = System.getenv(DEBUG_ENV);
        return v != null && !v.isBlank() && !v.equals("0");
    }
}
