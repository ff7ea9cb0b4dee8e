package dev.nabla.bench.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla train --precision}: the header names it, fp16 reports its loss scaling, bad values are refused. */
class TrainPrecisionTest {

    private static double accuracy(Cli.Result r) {
        Matcher m = Pattern.compile("(?m)^test accuracy (\\d+\\.\\d\\d)% ").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void bf16AndFp16TrainAndSaySo() {
        String[] common = {"train", "--epochs", "1", "--limit", "1000", "--hidden", "64", "--backend", "cpu"};
        Cli.Result fp32 = Cli.run(common);
        assertEquals(ExitCodes.OK, fp32.exit(), fp32::toString);
        assertTrue(fp32.out().contains(", float32; SGD"), fp32::toString);
        assertTrue(!fp32.out().contains("precision"), fp32::toString);
        double full = accuracy(fp32);
        for (String p : new String[]{"bf16", "fp16"}) {
            String[] args = java.util.Arrays.copyOf(common, common.length + 2);
            args[common.length] = "--precision";
            args[common.length + 1] = p;
            Cli.Result r = Cli.run(args);
            assertEquals(ExitCodes.OK, r.exit(), r::toString);
            String type = p.equals("bf16") ? "BFLOAT16" : "FLOAT16";
            assertTrue(r.out().contains(", float32 master weights, " + type + " GEMM inputs (--precision " + p
                    + "); SGD"), r::toString);
            String report = p.equals("bf16") ? "(?m)^precision BFLOAT16: \\d+ steps$"
                    : "(?m)^precision FLOAT16: \\d+ steps, \\d+ skipped on a gradient overflow, final loss scale \\d+$";
            assertTrue(Pattern.compile(report).matcher(r.out()).find(), r::toString);
            // the same seed and batches: 16-bit GEMM inputs move the accuracy a little, not a lot
            assertTrue(Math.abs(accuracy(r) - full) <= 3, p + " " + accuracy(r) + "% against float32 " + full + "%");
        }
    }

    @Test
    void badPrecisionsAreUsageErrors() {
        Cli.Result r = Cli.run("train", "--precision", "fp8");
        assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
        assertTrue(r.err().contains("--precision must be fp32, bf16 or fp16, got fp8"), r::toString);
        r = Cli.run("train", "--precision", "bf16", "--model", "residual");
        assertEquals(ExitCodes.USAGE, r.exit(), r::toString);
        assertTrue(r.err().contains("--precision bf16 trains the dense model on one backend only, not --model residual"),
                r::toString);
    }
}
