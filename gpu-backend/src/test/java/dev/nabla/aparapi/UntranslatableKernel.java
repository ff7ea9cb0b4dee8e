package dev.nabla.aparapi;

import com.aparapi.Kernel;

/**
 * A kernel Aparapi cannot translate to OpenCL (it calls a method of another class), but can run as Java: exactly the
 * kind Aparapi hands to its Java thread pool without failing. Each item writes 1 + a random number in [0, 1), so a
 * Java run leaves every element ≥ 1.
 */
final class UntranslatableKernel extends Kernel {
    final float[] out = new float[Geometry.WG];

    @Override
    public void run() {
        out[getGlobalId()] = 1f + (float) Math.random();
    }
}
