package dev.nabla.io;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.NablaException;
import dev.nabla.contract.ReferenceBackend;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.nabla.io.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of the weights readers: thousands of mutations ({@link Mutator}) of valid safetensors and .npy
 * files. Every outcome must be a successful load or a typed {@link NablaException}: never another exception, an
 * {@link OutOfMemoryError} or a hang. Also checked on each case: what a load allocates stays within a small multiple
 * of the file's size, a load that succeeds returns no more data than the file holds, and a network load that fails
 * leaves the network unchanged.
 *
 * <p>Deterministic: {@code -Dnabla.fuzz.seed=S -Dnabla.fuzz.cases=N} reproduce or extend a run (defaults 1, 6000);
 * a failure names the seed, the case and the mutation.
 */
class WeightsFuzzTest {
    private static final long SEED = Long.getLong("nabla.fuzz.seed", 1L);
    private static final int CASES = Integer.getInteger("nabla.fuzz.cases", 6000);
    /** Fixed allowance per load (64 KiB read buffers, exception messages, maps) on top of 16 × the file size. */
    private static final long ALLOCATION_ALLOWANCE = 4L << 20;

    @TempDir
    Path dir;
    private Backend be;
    private final com.sun.management.ThreadMXBean threads = allocationCounter();

    private static com.sun.management.ThreadMXBean allocationCounter() {
        var bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean b && b.isThreadAllocatedMemorySupported() ? b : null;
    }

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    private record Base(String name, Mutator.Format format, byte[] bytes, Network network) {
    }

    private List<Base> bases(List<Network> networks) throws IOException {
        List<Base> bases = new ArrayList<>();
        Network f32 = Network.builder().input(3).dense(4, Activation.RELU).dense(2, Activation.SOFTMAX)
                .loss(Loss.CROSS_ENTROPY).seed(1).build(be);
        Network f64 = Network.builder().input(2).dense(3, Activation.TANH).dense(1, Activation.SIGMOID)
                .loss(Loss.BINARY_CROSS_ENTROPY).dtype(DType.FLOAT64).seed(2).build(be);
        networks.add(f32);
        networks.add(f64);
        for (Network net : List.of(f32, f64)) {
            Path file = dir.resolve("base.safetensors");
            Safetensors.save(net, file);
            bases.add(new Base("saved " + net.dtype() + " network", Mutator.Format.SAFETENSORS,
                    Files.readAllBytes(file), net));
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", HostTensor.of(new double[]{1}));
        tensors.put("empty", HostTensor.of(new float[0], 0, 2));
        tensors.put("rank3", HostTensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2));
        tensors.put("labels", HostTensor.of(new int[]{3, -1, Integer.MAX_VALUE}, 3));
        Path file = dir.resolve("base.safetensors");
        Safetensors.write(file, tensors, Map.of("k", "v"));
        bases.add(new Base("written tensors", Mutator.Format.SAFETENSORS, Files.readAllBytes(file), null));
        for (String fixture : List.of("mixed.safetensors", "torch_mlp_f64.safetensors", "int.safetensors")) {
            bases.add(new Base(fixture, Mutator.Format.SAFETENSORS,
                    Files.readAllBytes(path("safetensors/" + fixture)), null));
        }
        for (String fixture : List.of("f4_c.npy", "be_f8_f.npy", "scalar_f8.npy", "int_be_i2_f.npy", "v3_f8.npy",
                "rank3_f4_f.npy", "empty_f8.npy", "v2_f4.npy", "int_be_i8_f.npy", "labels_default_int.npy",
                "int_u1.npy")) {
            bases.add(new Base(fixture, Mutator.Format.NPY, Files.readAllBytes(path("npy/" + fixture)), null));
        }
        return bases;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void mutatedFilesGiveALoadOrATypedErrorAndNothingElse() throws IOException {
        List<Network> networks = new ArrayList<>();
        List<Base> bases = bases(networks);
        Mutator mutator = new Mutator(SEED);
        Path file = dir.resolve("mutant");
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long maxNanos = 0;
        long maxAllocated = 0;
        long started = System.nanoTime();
        long cpuStarted = threads == null ? 0 : threads.getCurrentThreadCpuTime();

        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        for (int c = 0; c < CASES; c++) {
            Base base = bases.get(c % bases.size());
            Mutator.Mutant m = mutator.mutate(base.format(), base.bytes());
            kinds.merge(m.kind(), 1, Integer::sum);
            overwrite(out, m.bytes());
            String where = "seed " + SEED + ", case " + c + ", " + m.kind() + " of " + base.name();
            long allocatedBefore = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            String outcome;
            try {
                outcome = load(base, file, m.bytes().length);
            } catch (NablaException e) {
                outcome = e.getClass().getSimpleName() + " (" + stage(e.getMessage()) + ")";
                if (!e.getMessage().contains(file.toString()) && !(e instanceof dev.nabla.InvalidShapeException)) {
                    failures.add(where + ": the message does not name the file: " + e.getMessage());
                }
            } catch (Throwable e) {                              // OutOfMemoryError and StackOverflowError included
                outcome = "UNTYPED " + e.getClass().getName();
                failures.add(where + ": " + e);
            }
            long nanos = System.nanoTime() - t0;
            maxNanos = Math.max(maxNanos, nanos);
            if (threads != null) {
                long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
                maxAllocated = Math.max(maxAllocated, allocated);
                if (allocated > ALLOCATION_ALLOWANCE + 16L * m.bytes().length) {
                    failures.add(where + ": allocated " + allocated + " bytes for a file of " + m.bytes().length);
                }
            }
            if (nanos > TimeUnit.SECONDS.toNanos(10)) {
                failures.add(where + ": took " + nanos / 1_000_000 + " ms");
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        }
        long totalMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("weights fuzz: seed " + SEED + ", " + CASES + " mutated files from " + bases.size()
                + " valid ones in " + totalMs + " ms" + (threads == null ? "" : " (" + (threads.getCurrentThreadCpuTime()
                - cpuStarted) / 1_000_000 + " ms of CPU)") + "; slowest load " + maxNanos / 1000 + " µs"
                + (threads == null ? "" : "; most allocated by one load " + maxAllocated / 1024 + " KiB"));
        System.out.println("  mutations: " + kinds);
        outcomes.forEach((k, v) -> System.out.println("  " + v + "\t" + k));
        networks.forEach(Network::close);

        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + CASES + " cases broke the contract; the first ones:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
        }
        assertEquals(Mutator.KINDS.size(), kinds.size(), "every mutation kind ran");
        int loaded = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("loaded"))
                .mapToInt(Map.Entry::getValue).sum();
        assertTrue(loaded > CASES / 50 && loaded < CASES / 2, "a fuzz run both loads (" + loaded + ") and rejects"
                + " files; otherwise the mutations are too weak or too strong");
    }

    /** Replaces the file's contents in place (reopening the file for each case costs more than the load). */
    private static void overwrite(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long position = 0;
        while (b.hasRemaining()) {
            position += out.write(b, position);
        }
        out.truncate(bytes.length);
    }

    /** Loads {@code file} as {@code base}'s format; returns the outcome's name. */
    private String load(Base base, Path file, long fileSize) throws IOException {
        if (base.format() == Mutator.Format.NPY) {
            HostTensor h = Npy.readHost(file);
            assertTrue(h.size() <= fileSize, file + " gave " + h.size() + " elements from " + fileSize + " bytes");
            Npy.read(be, file).close();                           // rank > 2: InvalidShapeException
            return "loaded";
        }
        if (base.network() != null) {
            Network net = base.network();
            double[][] before = parameters(net);
            try {
                Safetensors.load(net, file);
            } catch (RuntimeException e) {
                double[][] after = parameters(net);
                for (int i = 0; i < before.length; i++) {
                    Fixtures.assertValues(before[i], after[i], "parameter " + i + " after a failed load");
                }
                throw e;
            }
            return "loaded into the network";
        }
        long bytes = 0;
        for (HostTensor h : Safetensors.read(file).values()) {
            bytes += h.size() * h.dtype().bytes();
        }
        assertFits(bytes, fileSize, file);
        return "loaded";
    }

    private static void assertFits(long dataBytes, long fileSize, Path file) {
        assertTrue(dataBytes <= fileSize, "a load of " + file + " returned " + dataBytes + " bytes of values from a"
                + " file of " + fileSize);
    }

    private static double[][] parameters(Network net) {
        int layers = net.layers().size();
        double[][] p = new double[2 * layers][];
        for (int l = 0; l < layers; l++) {
            p[2 * l] = net.weights(l);
            p[2 * l + 1] = net.biases(l);
        }
        return p;
    }

    /** Which check rejected the file, from its message: shows how deep the mutations reach. */
    private static String stage(String message) {
        String[][] stages = {
                {"does not fit", "network mismatch"},
                {"Nabla reads only", "dtype not read"},
                {"outside the range of INT32", "integer out of range"},
                {"is not supported", "dtype not read"},
                {"not valid UTF-8", "UTF-8"},
                {"header length", "header length"},
                {"bytes; a safetensors file", "file too short"},
                {"preamble", "file too short"},
                {"\\x93NUMPY", "magic"},
                {"format version", "version"},
                {"must start with '{'", "header start"},
                {"overlap", "offsets overlap"},
                {"to no tensor", "offsets leave a gap"},
                {"run past the end", "offsets past the end"},
                {"trailing bytes", "trailing bytes"},
                {"more elements than", "element count"},
                {"more bytes than 64 bits", "element count"},
                {"dimensions", "rank"},
                {"rank", "rank"},
                {"tensor '", "tensor field"},
                {"needs", "data size"},
                {"header: ", "header syntax"}};
        for (String[] s : stages) {
            if (message.contains(s[0])) {
                return s[1];
            }
        }
        return "other";
    }
}
