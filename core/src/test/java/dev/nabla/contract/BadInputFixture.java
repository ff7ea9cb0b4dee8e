package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * The operands of one bad-input case: tensors of chosen shapes and dtypes on the backend under test, on a second
 * backend, or closed; a small network; a closed backend of the kind under test. Every tensor and network it makes is
 * closed by {@link #close()}, so that whatever is still alive afterwards was left behind by the failing call.
 */
public final class BadInputFixture implements AutoCloseable {
    private final Backend backend;
    private final Backend other;
    private final Backend closedBackend;
    private final List<AutoCloseable> made = new ArrayList<>();
    private long seed = 1;

    BadInputFixture(Backend backend, Backend other, Backend closedBackend) {
        this.backend = backend;
        this.other = other;
        this.closedBackend = closedBackend;
    }

    /** The backend under test. */
    public Backend be() {
        return backend;
    }

    /** A second, open backend: its tensors must never be mixed with {@link #be()}'s. */
    public Backend other() {
        return other;
    }

    /** A closed backend of the kind under test. */
    public Backend closedBackend() {
        return closedBackend;
    }

    /** Takes {@code t} into the fixture: closed with it. Returns t. */
    public <T extends AutoCloseable> T own(T t) {
        made.add(t);
        return t;
    }

    /** A FLOAT32 rows × cols tensor of values in [−1, 1) on the backend under test. */
    public Tensor t(int rows, int cols) {
        return on(backend, rows, cols, DType.FLOAT32);
    }

    /** A FLOAT64 rows × cols tensor on the backend under test. */
    public Tensor d(int rows, int cols) {
        return on(backend, rows, cols, DType.FLOAT64);
    }

    /** A rows × cols tensor of a 16-bit storage type (BFLOAT16 or FLOAT16) on the backend under test. */
    public Tensor half(int rows, int cols, DType dtype) {
        return on(backend, rows, cols, dtype);
    }

    /** A FLOAT32 rows × cols tensor on the other backend. */
    public Tensor onOther(int rows, int cols) {
        return on(other, rows, cols, DType.FLOAT32);
    }

    /** A FLOAT32 rows × cols tensor on the backend under test, already closed. */
    public Tensor closed(int rows, int cols) {
        Tensor t = t(rows, cols);
        t.close();
        return t;
    }

    /** An INT32 rows × cols tensor of zeros (a valid index into anything non-empty) on the backend under test. */
    public Tensor i(int rows, int cols) {
        return own(backend.fromArray(new int[rows * cols], rows, cols).detach());
    }

    /** An INT32 1 × n row of these values (indices, labels) on the backend under test. */
    public Tensor ints(int... values) {
        return own(backend.fromInts(values).detach());
    }

    /** An INT32 1 × n row of these values on the other backend. */
    public Tensor intsOnOther(int... values) {
        return own(other.fromInts(values).detach());
    }

    /** A FLOAT32 rows × cols view at an odd offset (rows 1..rows of a (rows + 2) × cols tensor). */
    public Tensor view(int rows, int cols) {
        return t(rows + 2, cols).sliceRows(1, rows + 1);
    }

    /** A FLOAT32 rows × cols view whose base tensor has been closed (so the view is closed too). */
    public Tensor closedView(int rows, int cols) {
        Tensor base = t(rows + 2, cols);
        Tensor v = base.sliceRows(1, rows + 1);
        base.close();
        return v;
    }

    private Tensor on(Backend b, int rows, int cols, DType dtype) {
        return own(b.fromArray(HostData.uniform(seed++, rows * cols, -1, 1), rows, cols, dtype).detach());
    }

    /** 4 inputs → 3 RELU → 2 SOFTMAX, CROSS_ENTROPY, FLOAT32, on the backend under test. */
    public Network net() {
        return own(Network.builder().input(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(5).build(backend));
    }

    /** The same network, closed. */
    public Network closedNet() {
        Network n = net();
        n.close();
        return n;
    }

    /** One-hot 8 × 2 targets for {@link #net()}. */
    public Tensor labels(int rows, int classes) {
        return own(backend.fromArray(HostData.oneHot(seed++, rows, classes), rows, classes, DType.FLOAT32).detach());
    }

    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                made.get(i).close();
            } catch (Exception e) {
                throw new AssertionError("closing a fixture object failed", e);
            }
        }
        made.clear();
    }
}
