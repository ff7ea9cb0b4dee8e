package dev.nabla.bench.cli;

import dev.nabla.Backends;
import dev.nabla.bench.data.DataSource;
import dev.nabla.bench.data.FashionMnist;
import dev.nabla.contract.NoSkipOnCi;
import dev.nabla.spi.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code nabla train --backend aparapi}: one epoch on the first {@value #LIMIT} Fashion-MNIST images. Before issue 12
 * it ended with exit code 3 at every {@code --limit} (the arena handed out overlapping ranges). Uses the real data set
 * (scripts/setup.sh installs it, and on CI it must be there); elsewhere, without it, the bundled subset. Runs on CI
 * (PoCL): a missing OpenCL device fails there instead of skipping.
 */
@ExtendWith(NoSkipOnCi.class)
class AparapiTrainTest {
    static final int LIMIT = 3000;

    @Test
    void oneEpochOnFashionMnistTrainsAndReachesASaneAccuracy() {
        Probe probe = Backends.probe("aparapi");
        assumeTrue(probe.ok(), "aparapi is unavailable here: " + probe.reason());
        boolean real = FashionMnist.FILES.stream().allMatch(DataSource.directory(FashionMnist.DEFAULT_DIR)::has);
        assertFalse(NoSkipOnCi.onCi() && !real, "CI=true: Fashion-MNIST must be installed in " + FashionMnist.DEFAULT_DIR
                + " (scripts/setup.sh installs Debian's dataset-fashion-mnist)");

        Cli.Result r = Cli.run("train", "--backend", "aparapi", "--epochs", "1", "--limit", String.valueOf(LIMIT));

        assertEquals(ExitCodes.OK, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertTrue(r.out().contains("backend: aparapi ("), r::toString);
        int images = real ? LIMIT : 200;                 // the bundled subset has 500 training and 200 test images
        assertTrue(r.out().contains("data: Fashion-MNIST from " + (real ? FashionMnist.DEFAULT_DIR : "bundled subset")
                + ": " + (real ? LIMIT : 500) + " training, " + images + " test images of 784 pixels"), r::toString);
        Matcher m = Pattern.compile("(?m)^test accuracy (\\d+\\.\\d\\d)% \\((\\d+)/(\\d+)\\) after 1 epoch; training "
                + "[\\d.]+ s \\([\\d.]+ s per epoch, [\\d,]+ examples/s\\) on aparapi").matcher(r.out());
        assertTrue(m.find(), r::toString);
        assertEquals(images, Integer.parseInt(m.group(3)), r::toString);
        // one epoch: 75% on 3,000 real images (cpu and aparapi alike), 62.5% on the subset; guessing is 10%
        double accuracy = Double.parseDouble(m.group(1));
        assertTrue(accuracy > (real ? 65 : 45), "test accuracy " + accuracy + "%\n" + r);
    }
}
