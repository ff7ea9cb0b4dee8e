package dev.nabla.bench.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws training progress. On a terminal one line per epoch is redrawn in place (at most every 100 ms) while the
 * epoch runs: bar, examples, mean loss so far, examples per second. Elsewhere (a pipe, a log) only the finished epoch
 * lines are printed. A finished line adds the test accuracy after the epoch and the epoch's training time.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean interactive;
    private long lastDraw;

    public ProgressBar(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void batchDone(int epoch, int epochs, int seen, int total, double meanLoss, double examplesPerSecond) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && seen < total) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(epoch, epochs, seen, total, meanLoss, "  --.--%", examplesPerSecond, "") + "\033[K");
        out.flush();
    }

    @Override
    public void epochDone(EpochResult r) {
        String acc = String.format(Locale.ROOT, "%7.2f%%", 100 * r.testAccuracy());
        String time = String.format(Locale.ROOT, "  %6.2f s", r.trainSeconds());
        String text = line(r.epoch(), r.epochs(), r.examples(), r.examples(), r.meanLoss(), acc, r.examplesPerSecond(),
                time);
        out.println(interactive ? "\r" + text + "\033[K" : text);
        out.flush();
    }

    static String line(int epoch, int epochs, int seen, int total, double meanLoss, String testAccuracy,
                       double examplesPerSecond, String tail) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * seen / total);
        String digits = Integer.toString(epochs);
        return String.format(Locale.ROOT, "epoch %" + digits.length() + "d/%s [%s%s] %" + Integer.toString(total).length()
                        + "d/%d  loss %.4f  test acc %s  %,9.0f ex/s%s", epoch, digits, "#".repeat(filled),
                "-".repeat(WIDTH - filled), seen, total, meanLoss, testAccuracy, examplesPerSecond, tail);
    }
}
