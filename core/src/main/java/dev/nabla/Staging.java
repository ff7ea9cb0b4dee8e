package dev.nabla;

import dev.nabla.spi.ComputeBackend;
import dev.nabla.spi.DeviceBuffer;

import java.util.ArrayList;
import java.util.List;

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
    private final Backend backend;
    private final ComputeBackend be;
    private final String op;
    /** The operands seen so far, in order; null until the first one. */
    private List<Entry> entries;

    private static final class Entry {
        final Tensor tensor;
        final DeviceBuffer buffer;      // what the backend call gets
        final boolean staged;           // buffer is a temporary copy of a view
        boolean filled;                 // the staged copy holds the view's values
        boolean written;

        Entry(Tensor tensor, DeviceBuffer buffer, boolean staged) {
            this.tensor = tensor;
            this.buffer = buffer;
            this.staged = staged;
        }
    }

    Staging(Backend backend, String op) {
        this.backend = backend;
        this.be = backend.compute();
        this.op = op;
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
        if (entries == null) {
            entries = new ArrayList<>(4);
        }
        for (Entry e : entries) {
            if (e.tensor.sameRange(t)) {
                if (reads && e.staged && !e.filled) {
                    fill(e);
                }
                e.written |= writes;
                return e.buffer;
            }
            if ((writes || e.written) && e.tensor.overlaps(t)) {
                throw new InvalidArgumentException(op + ": " + describe(t) + " and " + describe(e.tensor)
                        + " overlap without being the same elements; an op may write in place only over exactly "
                        + "the elements it reads [" + backend.name() + "]");
            }
        }
        boolean whole = t.offsetInBuffer() == 0 && t.size() == t.state.buffer().length();
        Entry e;
        if (whole) {
            e = new Entry(t, t.state.buffer(), false);
        } else {
            DeviceBuffer temp;
            try {
                temp = be.allocate(t.dtype(), t.size());
            } catch (DeviceException ex) {
                throw new DeviceOutOfMemoryException(op + ": cannot stage the view " + describe(t) + " ["
                        + backend.name() + "]: " + ex.getMessage(), ex);
            }
            e = new Entry(t, temp, true);
            entries.add(e);             // registered before the copy, so close() releases it if the copy fails
            if (reads) {
                fill(e);
            }
        }
        if (!e.staged) {
            entries.add(e);
        }
        e.written = writes;
        return e.buffer;
    }

    private void fill(Entry e) {
        Tensor t = e.tensor;
        if (t.size() > 0) {
            be.copyStrided(t.state.buffer(), t.offsetInBuffer(), t.size(), 1, e.buffer, 0, t.size(), 1,
                    (int) t.size());
        }
        e.filled = true;
    }

    /** Copies every written staged operand back into its parent's elements; call once, after the backend call. */
    void commit() {
        if (entries == null) {
            return;
        }
        for (Entry e : entries) {
            if (e.staged && e.written && e.tensor.size() > 0) {
                Tensor t = e.tensor;
                be.copyStrided(e.buffer, 0, t.size(), 1, t.state.buffer(), t.offsetInBuffer(), t.size(), 1,
                        (int) t.size());
            }
        }
    }

    /** Releases the staged copies (after a failure too: nothing stays allocated). */
    @Override
    public void close() {
        if (entries == null) {
            return;
        }
        for (Entry e : entries) {
            if (e.staged) {
                be.release(e.buffer);
            }
        }
        entries = null;
    }

    private static String describe(Tensor t) {
        return t.shape() + " " + t.dtype() + (t.isView() ? " (a view at element " + t.offsetInBuffer() + ")" : "");
    }
}
