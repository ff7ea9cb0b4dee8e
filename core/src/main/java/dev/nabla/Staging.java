package dev.nabla;

import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;

import java.util.Arrays;

/**
 * The operands of one backend call, with views made whole. The SPI only takes buffers that start at element 0
 * (ComputeBackend's contract), so a {@link Tensor} that is a view at an offset ({@link Tensor#sliceRows},
 * {@link Tensor#reshape} of a view) is staged: copied on the device into a buffer of its own before the call when the
 * call reads it, and copied back into its parent by {@link #commit()} when the call wrote it. A tensor that covers its
 * whole buffer (every tensor that is not a view, and a view of all of one) is passed as it is, at no cost.
 *
 * <p>This is the documented rule for views (docs/tensors.md): an op on a view costs one device copy per view operand,
 * never a transfer through the host. The training paths ({@code Network}, {@code DataLoader}) gather into buffers of
 * their own and never stage.
 *
 * <p>Operands that are the same range of one buffer share one staged copy, so an allowed in-place call stays in
 * place. Operands that overlap without being the same range are refused when either is written: no backend could
 * honour that aliasing.
 */
final class Staging implements AutoCloseable {
    /**
     * Each thread's frames, reused: an op opens one per call, and ops nest only through a backend call that calls
     * ops (a frame per depth), so a training step allocates no staging objects.
     */
    private static final ThreadLocal<Frames> FRAMES = ThreadLocal.withInitial(Frames::new);

    private static final class Frames {
        Staging[] stack = new Staging[4];
        int depth;
    }

    private final Frames frames;
    private Backend backend;
    private ComputeBackend be;
    private String op;
    private boolean open;
    /** The operands seen so far, in order: [0, count) of these parallel arrays. */
    private int count;
    private Tensor[] tensors = new Tensor[4];
    private DeviceBuffer[] buffers = new DeviceBuffer[4];   // what the backend call gets
    private boolean[] staged = new boolean[4];              // buffers[i] is a temporary copy of a view
    private boolean[] filled = new boolean[4];              // the staged copy holds the view's values
    private boolean[] written = new boolean[4];

    private Staging(Frames frames) {
        this.frames = frames;
    }

    /** This thread's next free frame, opened for one backend call of {@code op}; close it (try-with-resources). */
    static Staging open(Backend backend, String op) {
        ComputeBackend compute = backend.compute();
        Frames f = FRAMES.get();
        if (f.depth == f.stack.length) {
            f.stack = Arrays.copyOf(f.stack, 2 * f.depth);
        }
        Staging st = f.stack[f.depth];
        if (st == null) {
            st = new Staging(f);
            f.stack[f.depth] = st;
        }
        f.depth++;
        st.backend = backend;
        st.be = compute;
        st.op = op;
        st.open = true;
        return st;
    }

    /** The buffer of an operand the call only reads (null stays null: an absent optional operand). */
    DeviceBuffer read(Tensor t) {
        return use(t, true, false);
    }

    /** The buffer of an operand the call overwrites whole without reading it. */
    DeviceBuffer write(Tensor t) {
        return use(t, false, true);
    }

    /** The buffer of an operand the call reads and writes (in place). */
    DeviceBuffer update(Tensor t) {
        return use(t, true, true);
    }

    private DeviceBuffer use(Tensor t, boolean reads, boolean writes) {
        if (t == null) {
            return null;
        }
        for (int i = 0; i < count; i++) {
            Tensor seen = tensors[i];
            if (seen.sameRange(t)) {
                if (reads && staged[i] && !filled[i]) {
                    fill(i);
                }
                written[i] |= writes;
                return buffers[i];
            }
            if ((writes || written[i]) && seen.overlaps(t)) {
                throw new InvalidArgumentException(op + ": " + describe(t) + " and " + describe(seen)
                        + " overlap without being the same elements; an op may write in place only over exactly "
                        + "the elements it reads [" + backend.name() + "]");
            }
        }
        boolean whole = t.offsetInBuffer() == 0 && t.size() == t.state.buffer().length();
        if (count == tensors.length) {
            grow();
        }
        int i = count;
        if (whole) {
            add(t, t.state.buffer(), false);
        } else {
            DeviceBuffer temp;
            try {
                temp = be.allocate(t.dtype(), t.size());
            } catch (DeviceException ex) {
                throw new DeviceOutOfMemoryException(op + ": cannot stage the view " + describe(t) + " ["
                        + backend.name() + "]: " + ex.getMessage(), ex);
            }
            add(t, temp, true);         // registered before the copy, so close() releases it if the copy fails
            if (reads) {
                fill(i);
            }
        }
        written[i] = writes;
        return buffers[i];
    }

    private void add(Tensor t, DeviceBuffer buffer, boolean isStaged) {
        tensors[count] = t;
        buffers[count] = buffer;
        staged[count] = isStaged;
        filled[count] = false;
        written[count] = false;
        count++;
    }

    private void grow() {
        int n = 2 * tensors.length;
        tensors = Arrays.copyOf(tensors, n);
        buffers = Arrays.copyOf(buffers, n);
        staged = Arrays.copyOf(staged, n);
        filled = Arrays.copyOf(filled, n);
        written = Arrays.copyOf(written, n);
    }

    private void fill(int i) {
        Tensor t = tensors[i];
        if (t.size() > 0) {
            be.copyStrided(t.state.buffer(), t.offsetInBuffer(), t.size(), 1, buffers[i], 0, t.size(), 1,
                    (int) t.size());
        }
        filled[i] = true;
    }

    /** Copies every written staged operand back into its parent's elements; call once, after the backend call. */
    void commit() {
        for (int i = 0; i < count; i++) {
            if (staged[i] && written[i] && tensors[i].size() > 0) {
                Tensor t = tensors[i];
                be.copyStrided(buffers[i], 0, t.size(), 1, t.state.buffer(), t.offsetInBuffer(), t.size(), 1,
                        (int) t.size());
            }
        }
    }

    /**
     * Releases the staged copies (after a failure too: nothing stays allocated), forgets the operands and hands
     * the frame back to its thread. A second close does nothing.
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            for (int i = 0; i < count; i++) {
                if (staged[i]) {
                    be.release(buffers[i]);
                }
            }
        } finally {
            Arrays.fill(tensors, 0, count, null);
            Arrays.fill(buffers, 0, count, null);
            count = 0;
            backend = null;
            be = null;
            op = null;
            frames.depth--;
        }
    }

    private static String describe(Tensor t) {
        return t.shape() + " " + t.dtype() + (t.isView() ? " (a view at element " + t.offsetInBuffer() + ")" : "");
    }
}
