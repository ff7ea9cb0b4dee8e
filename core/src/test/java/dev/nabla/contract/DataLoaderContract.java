package dev.nabla.contract;

import dev.nabla.Backend;
import dev.nabla.BackendStats;
import dev.nabla.DType;
import dev.nabla.DTypeMismatchException;
import dev.nabla.IndexOutOfRangeException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Scope;
import dev.nabla.ShapeMismatchException;
import dev.nabla.Tensor;
import dev.nabla.data.Batch;
import dev.nabla.data.DataLoader;
import dev.nabla.data.HostDataLoader;
import dev.nabla.io.Safetensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Evaluation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import dev.nabla.nn.Optimizer;
import dev.nabla.nn.Optimizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device-resident data path on one backend: {@link DataLoader} batches (every row once per epoch, seeded orders,
 * the smaller last batch, dropLast), a training step fed by it that moves 0 bytes between host and device,
 * {@link Network#predict}, {@link Network#evaluate} against a host computation, and {@link Network#load}. A backend
 * module extends it like the other contracts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoSkipOnCi.class)
public abstract class DataLoaderContract {
    /** A new backend instance the contract owns and closes. */
    protected abstract Backend createBackend();

    private Backend backend;

    @BeforeAll
    void start() {
        backend = createBackend();
    }

    @AfterAll
    void stop() {
        backend.close();
    }

    /** Row i of the features holds i in every column, so a batch says which rows it gathered. */
    private Tensor rowNumbers(int n, int f) {
        double[] v = new double[n * f];
        for (int i = 0; i < n * f; i++) {
            v[i] = i / f;
        }
        return backend.fromArray(v, n, f, DType.FLOAT32);
    }

    @Test
    void everyRowOncePerEpochInASeededOrder() {
        int n = 103, f = 3, batch = 16;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        try (Scope s = backend.scope();
             DataLoader loader = DataLoader.of(rowNumbers(n, f), backend.fromArray(labels, 1, n), batch).classes(10)
                     .shuffle(7)) {
            assertEquals(7, loader.batches());
            List<Integer> epoch0 = rows(loader, 0, labels);
            List<Integer> again = rows(loader, 0, labels);
            List<Integer> epoch1 = rows(loader, 1, labels);
            assertEquals(epoch0, again, "the same seed and epoch give the same order");
            assertNotEquals(epoch0, epoch1, "another epoch gives another order");
            for (List<Integer> e : List.of(epoch0, epoch1)) {
                List<Integer> sorted = new ArrayList<>(e);
                sorted.sort(null);
                List<Integer> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    all.add(i);
                }
                assertEquals(all, sorted, "every row exactly once");
            }
            loader.dropLast(true);
            assertEquals(6, loader.batches());
            assertEquals(96, rows(loader, 0, labels).size());
        }
    }

    /** The rows of one epoch, checking each batch's labels and one-hot targets against the rows it gathered. */
    private List<Integer> rows(DataLoader loader, long epoch, int[] labels) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            float[] x = b.features().toFloatArray();
            int[] l = b.labels().toIntArray();
            float[] t = b.targets().toFloatArray();
            int f = b.features().cols();
            for (int i = 0; i < b.size(); i++) {
                int row = (int) x[i * f];
                seen.add(row);
                assertEquals(labels[row], l[i], "label of row " + row);
                for (int c = 0; c < 10; c++) {
                    assertEquals(c == labels[row] ? 1f : 0f, t[i * 10 + c], "target of row " + row);
                }
            }
        }
        return seen;
    }

    @Test
    void aTrainingStepFedByTheLoaderMovesNoBytes() {
        int n = 200, f = 12, classes = 4;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % classes;
        }
        try (Scope s = backend.scope();
             Network net = Network.builder().input(f).dense(16, Activation.RELU).dense(classes, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).seed(3).build(backend);
             Optimizer opt = Optimizers.adam(0.01);
             DataLoader loader = DataLoader.of(backend.fromArray(HostData.uniform(5, n * f, -1, 1), n, f,
                     DType.FLOAT32), backend.fromArray(labels, n, 1), 32).classes(classes).shuffle(1)) {
            Iterable<Batch> epoch = loader.epoch(0);      // uploads the permutation
            BackendStats before = backend.stats();
            long transfersBefore = transfers(before);
            for (Batch b : epoch) {
                net.trainStepWithoutLoss(b.features(), b.targets(), opt);
            }
            backend.synchronize();
            BackendStats after = backend.stats();
            assertEquals(before.hostToDeviceBytes(), after.hostToDeviceBytes(), "host → device bytes in an epoch");
            assertEquals(before.deviceToHostBytes(), after.deviceToHostBytes(), "device → host bytes in an epoch");
            assertEquals(transfersBefore, transfers(after), "the backend's own transfer counters: " + after.backendCounters());
        }
    }

    /**
     * 16-bit features (a dataset stored at half the bytes) batch as they are: the batches are the FLOAT32 loader's,
     * rounded once, bit for bit; the one-hot targets are FLOAT32. A mixed-precision network of that type trains and
     * evaluates on them exactly as on the FLOAT32 features, which it rounds to the same 16-bit values itself; a
     * FLOAT32 network refuses them by name.
     */
    @Test
    void sixteenBitFeaturesBatchAsTheyAreAndFeedAMixedPrecisionNetwork() {
        int n = 60, f = 7, classes = 3;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 5) % classes;
        }
        for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            try (Scope s = backend.scope()) {
                Tensor x32 = backend.fromArray(HostData.uniform(9, n * f, -2, 2), n, f, DType.FLOAT32);
                Tensor x16 = x32.cast(half);
                Tensor tl = backend.fromArray(labels, n, 1);
                try (DataLoader wide = DataLoader.of(x32, tl, 16).classes(classes).shuffle(4);
                     DataLoader narrow = DataLoader.of(x16, tl, 16).classes(classes).shuffle(4)) {
                    assertEquals(half, narrow.dtype());
                    assertEquals(DType.FLOAT32, narrow.targetDType());
                    var a = wide.epoch(0).iterator();
                    for (Batch b : narrow.epoch(0)) {
                        Batch w = a.next();
                        assertEquals(half, b.features().dtype());
                        assertArrayEquals(w.features().cast(half).toFloatArray(), b.features().toFloatArray(),
                                half + " batch = the FLOAT32 batch rounded once");
                        assertArrayEquals(w.targets().toFloatArray(), b.targets().toFloatArray());
                        assertEquals(DType.FLOAT32, b.targets().dtype());
                    }
                    var builder = Network.builder().input(f).dense(8, Activation.RELU)
                            .dense(classes, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).precision(half).seed(5);
                    Network mixed;
                    try {
                        mixed = builder.build(backend);
                    } catch (dev.nabla.NablaException refused) {     // a backend without 16-bit GEMM inputs
                        assertTrue(refused.getMessage().startsWith("network: precision " + half + " needs gemm"),
                                refused.getMessage());
                        continue;
                    }
                    try (Network fromWide = mixed; Network fromNarrow = builder.build(backend);
                         Optimizer o1 = Optimizers.sgd(0.1); Optimizer o2 = Optimizers.sgd(0.1)) {
                        for (int e = 0; e < 2; e++) {
                            var it = wide.epoch(e).iterator();
                            for (Batch b : narrow.epoch(e)) {
                                Batch w = it.next();
                                fromWide.trainStepWithoutLoss(w.features(), w.targets(), o1);
                                fromNarrow.trainStepWithoutLoss(b.features(), b.targets(), o2);
                            }
                        }
                        assertArrayEquals(fromWide.weights(0), fromNarrow.weights(0), "the same steps");
                        Evaluation ew = fromWide.evaluate(wide);
                        Evaluation en = fromNarrow.evaluate(narrow);
                        assertEquals(ew.loss(), en.loss(), 0, "evaluate on " + half + " features");
                        assertEquals(ew.accuracy(), en.accuracy(), 0);
                    }
                    try (Network plain = Network.builder().input(f).dense(classes, Activation.SOFTMAX)
                            .loss(Loss.CROSS_ENTROPY).seed(5).build(backend)) {
                        DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                                () -> plain.evaluate(narrow));
                        assertTrue(e.getMessage().startsWith("evaluate: the loader's features are " + half
                                + " but the network is FLOAT32 ["), e.getMessage());
                    }
                }
            }
        }
    }

    /** The sum of the backend's own counters that count transfers between host and device (0 when it has none). */
    private static long transfers(BackendStats stats) {
        long sum = 0;
        for (var e : stats.backendCounters().entrySet()) {
            String k = e.getKey().toLowerCase();
            if ((k.contains("host") || k.contains("upload") || k.contains("download") || k.contains("transfer"))
                    && !k.contains("live")) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    @Test
    void predictEvaluateAndLoadAgreeWithTheHost(@TempDir Path dir) throws Exception {
        int n = 150, f = 5, classes = 3;
        double[] x = HostData.uniform(11, n * f, -2, 2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = x[i * f] > 0.5 ? 2 : x[i * f] > -0.5 ? 1 : 0;
        }
        try (Scope s = backend.scope();
             Network net = Network.builder().input(f).dense(8, Activation.TANH).dense(classes, Activation.SOFTMAX)
                     .loss(Loss.CROSS_ENTROPY).seed(5).build(backend);
             Optimizer opt = Optimizers.sgd(0.5)) {
            Tensor tx = backend.fromArray(x, n, f, DType.FLOAT32);
            Tensor tl = backend.fromArray(labels, n, 1);
            try (DataLoader loader = DataLoader.of(tx, tl, 25).classes(classes).shuffle(2)) {
                for (int e = 0; e < 30; e++) {
                    for (Batch b : loader.epoch(e)) {
                        net.trainStepWithoutLoss(b.features(), b.targets(), opt);
                    }
                }
            }
            int[] predicted = net.predict(tx).toIntArray();
            float[] out = net.forward(tx).toFloatArray();
            int hits = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (out[i * classes + c] > out[i * classes + best]) {
                        best = c;
                    }
                }
                assertEquals(best, predicted[i], "predict row " + i);
                hits += best == labels[i] ? 1 : 0;
            }
            double hostLoss = net.loss(tx, tl.oneHot(classes));
            try (DataLoader eval = DataLoader.of(tx, tl, 40)) {       // no one-hot targets: evaluate makes them
                Evaluation ev = net.evaluate(eval);
                assertEquals(n, ev.count());
                assertEquals((double) hits / n, ev.accuracy(), 1e-12, "accuracy");
                assertEquals(hostLoss, ev.loss(), 1e-5 * Math.max(1, hostLoss), "mean loss");
                assertTrue(ev.accuracy() > 0.8, "the network learned the three bands: " + ev);
            }
            Path file = dir.resolve("net.safetensors");
            Safetensors.save(net, file);
            try (Network loaded = Network.load(file, backend)) {
                assertEquals(net.toString(), loaded.toString());
                assertArrayEquals(net.predict(tx).toIntArray(), loaded.predict(tx).toIntArray());
                assertArrayEquals(net.weights(1), loaded.weights(1));
            }
        }
    }

    @Test
    void theHostLoaderGivesTheDeviceLoadersBatchesAndFreesThem() {
        int n = 77, f = 4, batch = 10;
        double[] x = HostData.uniform(21, n * f, -1, 1);
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        long live = backend.stats().liveTensors();
        try (Scope s = backend.scope();
             DataLoader device = DataLoader.of(backend.fromArray(xf, n, f), backend.fromArray(labels, 1, n), batch)
                     .classes(3).shuffle(9);
             HostDataLoader host = HostDataLoader.of(backend, xf, labels, n, f, batch).classes(3).shuffle(9)) {
            assertEquals(device.batches(), host.batches());
            for (long epoch = 0; epoch < 2; epoch++) {
                java.util.Iterator<Batch> d = device.epoch(epoch).iterator();
                int count = 0;
                for (Batch h : host.epoch(epoch)) {
                    Batch e = d.next();
                    assertArrayEquals(e.features().toFloatArray(), h.features().toFloatArray(), "features, batch " + count);
                    assertArrayEquals(e.labels().toIntArray(), h.labels().toIntArray(), "labels, batch " + count);
                    assertArrayEquals(e.targets().toFloatArray(), h.targets().toFloatArray(), "targets, batch " + count);
                    count++;
                }
                assertEquals(device.batches(), count);
            }
            for (Batch h : host.epoch(5)) {     // abandon an epoch half-way: close() frees the batch in flight
                if (h.index() == 3) {
                    break;
                }
            }
        }
        assertEquals(live, backend.stats().liveTensors(), "the host loader freed every batch");
    }

    @Test
    void badLoadersGiveTypedErrors() {
        try (Scope s = backend.scope()) {
            Tensor x = backend.zeros(4, 2);
            assertThrows(DTypeMismatchException.class, () -> DataLoader.of(x, x, 2));
            assertThrows(ShapeMismatchException.class, () -> DataLoader.of(x, backend.fromInts(0, 1, 2), 2));
            assertThrows(InvalidArgumentException.class, () -> DataLoader.of(x, backend.fromInts(0, 1, 2, 3), 0));
            DataLoader bad = DataLoader.of(x, backend.fromInts(0, 1, 2, 9), 2);
            assertThrows(IndexOutOfRangeException.class, () -> bad.classes(4));
            bad.close();
            assertThrows(InvalidArgumentException.class, () -> bad.epoch(0));
        }
        assertEquals(0, backend.stats().liveTensors(), Arrays.toString(backend.liveTensorDescriptions().toArray()));
    }
}
