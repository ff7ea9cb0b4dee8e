package dev.nabla.bench.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is an interactive terminal (then progress lines are redrawn in place). */
final class Terminal {
    private Terminal() {
    }

    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+ returns a Console even when redirected; Console.isTerminal() then tells
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17–21: a console exists only for a terminal
        }
    }
}
