package dev.nabla.aparapi;

import com.aparapi.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Routes Aparapi's java.util.logging output through {@link System.Logger} ({@code dev.nabla.aparapi.Aparapi}), the
 * project's one logging API, and keeps what Aparapi says about a fallback so that the typed error can quote it.
 *
 * <ul>
 *   <li>Aparapi logs everything to one JUL logger ({@link Config#getLoggerName()}); its own handlers are replaced by
 *       a bridge, and it no longer writes to the root logger's handlers.</li>
 *   <li>Aparapi's {@code Config} sets the level of the ROOT logger's handlers when it initializes; their levels are
 *       restored, so loading Aparapi does not change an application's logging.</li>
 *   <li>Warnings a user can do nothing about (class-file attributes newer than Aparapi's parser, a missing local
 *       variable table) are logged at DEBUG.</li>
 *   <li>While a launch runs, what Aparapi logs on that thread is captured ({@link #beginCapture()},
 *       {@link #endCapture()}): a fallback's reason reaches the exception, not only the log.</li>
 * </ul>
 * Two messages bypass java.util.logging and cannot be routed: Aparapi's native platform listing prints "running on an
 * untested OpenCL platform version" to standard error (PoCL reports OpenCL 3.0), and Aparapi prints a fallback's stack
 * trace to standard error when it falls back (only on the failure this backend turns into an
 * {@link AparapiFallbackException}). Both happen only in a program that started the aparapi backend: the provider's
 * {@code priority()} and {@code probe()}, which every program with nabla-gpu on its class path runs through
 * {@code Backends.report()} and {@code best()}, list devices through JOCL ({@link OpenClCensus}), which prints
 * nothing.
 */
final class AparapiLogging {
    private static final System.Logger LOG = System.getLogger("dev.nabla.aparapi.Aparapi");
    private static final String[] NOISE = {
        "Found unexpected Attribute",
        "does not contain a LocalVariableTable",
    };
    private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
    private static boolean installed;

    private AparapiLogging() {
    }

    /** Installs the bridge once per JVM, before Aparapi logs anything. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        Logger root = Logger.getLogger("");
        Handler[] rootHandlers = root.getHandlers();
        Level[] levels = new Level[rootHandlers.length];
        for (int i = 0; i < rootHandlers.length; i++) {
            levels[i] = rootHandlers[i].getLevel();
        }
        String name = Config.getLoggerName();      // initializes Config, which touches the root handlers
        for (int i = 0; i < rootHandlers.length; i++) {
            rootHandlers[i].setLevel(levels[i]);
        }
        Logger aparapi = Logger.getLogger(name);
        for (Handler h : aparapi.getHandlers()) {
            aparapi.removeHandler(h);
        }
        aparapi.setUseParentHandlers(false);
        aparapi.addHandler(new Bridge());
        installed = true;
    }

    /** Starts capturing what Aparapi logs on this thread. */
    static void beginCapture() {
        CAPTURE.set(new ArrayList<>());
    }

    /** Stops capturing and returns what was logged on this thread since {@link #beginCapture()}. */
    static List<String> endCapture() {
        List<String> got = CAPTURE.get();
        CAPTURE.remove();
        return got == null ? List.of() : got;
    }

    static boolean isNoise(String message) {
        for (String n : NOISE) {
            if (message.contains(n)) {
                return true;
            }
        }
        return false;
    }

    static System.Logger.Level map(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return System.Logger.Level.ERROR;
        }
        if (v >= Level.WARNING.intValue()) {
            return System.Logger.Level.WARNING;
        }
        if (v >= Level.INFO.intValue()) {
            return System.Logger.Level.INFO;
        }
        if (v >= Level.FINE.intValue()) {
            return System.Logger.Level.DEBUG;
        }
        return System.Logger.Level.TRACE;
    }

    private static final class Bridge extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String message = formatter.formatMessage(record);
            List<String> capture = CAPTURE.get();
            if (capture != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
                capture.add(message + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
            }
            System.Logger.Level level = isNoise(message) ? System.Logger.Level.DEBUG : map(record.getLevel());
            if (LOG.isLoggable(level)) {
                if (record.getThrown() != null) {
                    LOG.log(level, "Aparapi: " + message, record.getThrown());
                } else {
                    LOG.log(level, "Aparapi: " + message);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
