package dev.nabla.aparapi;

/**
 * The one place where the aparapi backend moves tensor data through the host inside an op: between the INT32 arena
 * of the FLOAT32 launcher, where every INT32 tensor lives, and the INT32 arena of the FLOAT64 launcher, which a
 * FLOAT64 op that reads or writes INT32 (gatherRows, scatterAddRows, argmaxRows, oneHot, compare, where and the
 * casts between FLOAT64 and INT32) needs.
 *
 * <p>Why the host: Aparapi keeps a device buffer per array field of one Kernel instance, and the two dtypes are two
 * Kernel classes (FloatKernel, and DoubleKernel built only where the device has cl_khr_fp64), so neither kernel can
 * read the other's arrays. An INT32 tensor therefore has one home, the FLOAT32 kernel that every device runs, and a
 * FLOAT64 op gets a copy of it (or gives its INT32 result back) through the INT32 staging windows, each move counted
 * in {@link TransferCounters}. FLOAT32 ops, the ones training uses, never come here.
 */
final class IntBridge {
    private IntBridge() {
    }

    /**
     * The first n elements of the INT32 buffer {@code ints} where launcher {@code on} can read them: the buffer itself
     * when it lives there, else a copy in {@code on}'s INT32 arena that the caller gives back with {@link #drop}.
     */
    static AparapiBuffer readableOn(Launcher on, AparapiBuffer ints, int n) {
        if (ints.owner == on) {
            return ints;
        }
        AparapiBuffer copy = on.allocateInts(n);
        try {
            move(ints, copy, n);
        } catch (RuntimeException e) {
            on.release(copy);
            throw e;
        }
        return copy;
    }

    /**
     * An INT32 buffer of n elements that launcher {@code on} can write in place of {@code out}: out itself when it
     * lives there, else a new one in {@code on}'s INT32 arena whose contents {@link #giveBack} moves into out and
     * that the caller gives back with {@link #drop}.
     */
    static AparapiBuffer writableOn(Launcher on, AparapiBuffer out, int n) {
        return out.owner == on ? out : on.allocateInts(n);
    }

    /** out[0, n) ← written[0, n) when {@code written} is a stand-in from {@link #writableOn}. */
    static void giveBack(AparapiBuffer written, AparapiBuffer out, int n) {
        if (written != out) {
            move(written, out, n);
        }
    }

    /** Releases a stand-in {@link #readableOn} or {@link #writableOn} made; nothing when it is the original. */
    static void drop(AparapiBuffer maybeCopy, AparapiBuffer original) {
        if (maybeCopy != original) {
            maybeCopy.owner.release(maybeCopy);
        }
    }

    /** to[0, n) ← from[0, n) between the INT32 arenas of two launchers: read through the host, written back. */
    static void move(AparapiBuffer from, AparapiBuffer to, int n) {
        int[] host = new int[n];
        from.owner.readInts(from, host);
        to.owner.writeInts(to, host);
    }
}
