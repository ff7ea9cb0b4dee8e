package dev.nabla.cpu;

/**
 * Drives the cpu gemm on one thread long enough for C2 to compile its micro-kernel (run by gemm-asm.sh under
 * {@code -XX:CompileCommand=print}), then reports GFLOP/s per second of this thread's CPU time, which stays
 * meaningful on a shared machine where wall time does not.
 * Arguments: float|double, n (an n×n by n×n product), seconds.
 */
public final class GemmKernelLoop {
    public static void main(String[] args) throws Exception {
        boolean dbl = args[0].equals("double");
        int n = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        java.util.Random random = new java.util.Random(1);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (Parallel parallel = new Parallel(1)) {
            float[] fa = new float[n * n], fb = new float[n * n], fc = new float[n * n];
            double[] da = new double[n * n], db = new double[n * n], dc = new double[n * n];
            for (int i = 0; i < n * n; i++) {
                fa[i] = random.nextFloat();
                fb[i] = random.nextFloat();
                da[i] = fa[i];
                db[i] = fb[i];
            }
            FloatGemm fg = new FloatGemm(parallel);
            DoubleGemm dg = new DoubleGemm(parallel);
            double best = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                long cpu0 = mx.getCurrentThreadCpuTime();
                int reps = 0;
                for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 500_000_000L; reps++) {
                    if (dbl) {
                        dg.gemm(false, false, n, n, n, 1, da, db, 0, dc);
                    } else {
                        fg.gemm(false, false, n, n, n, 1f, fa, fb, 0f, fc);
                    }
                }
                best = Math.max(best, 2.0 * n * n * n * reps / ((mx.getCurrentThreadCpuTime() - cpu0) / 1e9) / 1e9);
            }
            System.out.printf("RESULT %s MR=%d %d-bit n=%d: best %.1f GFLOP per CPU-second (one thread)%n",
                    args[0], FloatGemm.MR, FloatGemm.S.vectorBitSize(), n, best);
        }
    }
}
