package dev.nabla.io;

import dev.nabla.DType;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.nn.Network;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights files in the safetensors format (readable by Hugging Face's {@code safetensors} for PyTorch and NumPy):
 * a network's parameters with {@link #save}/{@link #load}, any named tensors with {@link #write}/{@link #read}.
 * The layout is in {@link SafetensorsHeader}, the names of a network's tensors in {@link NetworkWeights}, and
 * both in docs/weights.md.
 *
 * <p>Reading is hardened against malicious files: the whole header (length, JSON, dtypes, shapes, offsets) is
 * checked against the file's size before any tensor is allocated, so a file can make Nabla allocate no more than
 * its own size (plus a bounded header parse) and never read outside itself. A bad file throws
 * {@link WeightsFormatException}; a valid one that does not fit the network, {@link WeightsMismatchException}.
 * {@link IOException} is left for the file system's own failures (no such file, no permission, disk full).
 *
 * <p>Writes are atomic: a crash while saving leaves the previous file intact. Values are kept bit for bit. The target
 * must name a file: the root, a directory, or a missing parent directory is an {@link IOException} naming the path,
 * thrown before anything is written. A symbolic link is followed: the file it points to is replaced atomically and
 * the link stays. The temporary file ({@code .nabla-XXXXXXXX.tmp} in the target's directory) has a short name of its
 * own, so any target name the file system accepts can be written.
 */
public final class Safetensors {
    /** The largest header (the JSON part) a file may have: the reference implementation's limit. */
    public static final long MAX_HEADER_BYTES = SafetensorsHeader.MAX_HEADER_BYTES;

    private Safetensors() {
    }

    // ---- networks ----------------------------------------------------------------------------------------------------

    /**
     * Writes the parameters of {@code net}: {@code dense.L.weight} ([inputs, outputs]) and {@code dense.L.bias}
     * ([outputs]) for each layer L, in the network's dtype, with its architecture in the metadata.
     *
     * @param net the network to save
     * @param file the file, replaced atomically
     * @throws IOException when the file cannot be written
     */
    public static void save(Network net, Path file) throws IOException {
        if (net == null || file == null) {
            throw new InvalidArgumentException("Safetensors.save: " + (net == null ? "network" : "file") + " is null");
        }
        checkOpen("Safetensors.save", net);
        // reading the weights back may need more heap than there is: that error names this call
        Map<String, HostTensor> tensors = net.backend().asCall("Safetensors.save", () -> NetworkWeights.tensors(net));
        write(file, tensors, NetworkWeights.metadata(net));
    }

    /**
     * Replaces the parameters of {@code net} with those in {@code file}. The file must hold exactly the network's
     * tensors ({@link NetworkWeights}) in its dtype; every mismatch is reported at once, naming the tensors, and the
     * network is changed only when the whole file has been read and fits.
     *
     * @param net the network whose parameters are replaced
     * @param file the file to read
     * @throws IOException when the file cannot be read
     */
    public static void load(Network net, Path file) throws IOException {
        if (net == null || file == null) {
            throw new InvalidArgumentException("Safetensors.load: " + (net == null ? "network" : "file") + " is null");
        }
        checkOpen("Safetensors.load", net);
        Map<String, HostTensor> values = new LinkedHashMap<>();
        try (BoundedFile f = BoundedFile.open(SafetensorsHeader.FORMAT, file)) {
            SafetensorsHeader header = SafetensorsHeader.read(f);
            NetworkWeights.checkFits(net, header, file);
            for (SafetensorsHeader.Entry e : header.entries()) {
                values.put(e.name(), readData(f, header, e));
            }
        }
        net.backend().asCall("Safetensors.load", () -> {
            for (int l = 0; l < net.layers().size(); l++) {
                HostTensor w = values.get(NetworkWeights.weightName(l));
                HostTensor b = values.get(NetworkWeights.biasName(l));
                if (w.floatsView() != null) {
                    net.setWeights(l, w.floatsView());
                    net.setBiases(l, b.floatsView());
                } else {
                    net.setWeights(l, w.doublesView());
                    net.setBiases(l, b.doublesView());
                }
            }
            return null;
        });
    }

    // ---- named tensors ---------------------------------------------------------------------------------------------

    /**
     * Every tensor in {@code file}, by name, in the order of their data. F32 tensors are read as FLOAT32, F64 as
     * FLOAT64, BF16 as BFLOAT16 and F16 as FLOAT16 (bit for bit), I32 as INT32 and I64 as INT32 with a range check (a value outside the int range is a
     * {@link WeightsFormatException} naming the tensor, the element and the value; nothing is wrapped). A file with
     * another dtype (valid safetensors) is rejected with a {@link WeightsFormatException} naming the tensor.
     *
     * @param file the file to read
     * @return the tensors by name
     * @throws IOException when the file cannot be read
     */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        if (file == null) {
            throw new InvalidArgumentException("Safetensors.read: file is null");
        }
        try (BoundedFile f = BoundedFile.open(SafetensorsHeader.FORMAT, file)) {
            SafetensorsHeader header = SafetensorsHeader.read(f);
            for (SafetensorsHeader.Entry e : header.entries()) {
                if (e.dtype().nabla() == null) {
                    throw f.error("tensor " + MessageText.quote(e.name()), "dtype " + e.dtype()
                            + " is valid safetensors but Nabla reads only F32, F64, BF16, F16, I32 and I64 (I64 into"
                            + " INT32)");
                }
            }
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (SafetensorsHeader.Entry e : header.entries()) {
                out.put(e.name(), readData(f, header, e));
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * The {@code __metadata__} strings of {@code file} (empty when it has none); reads and checks the header only.
     *
     * @param file the file to read
     * @return the metadata
     * @throws IOException when the file cannot be read
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        if (file == null) {
            throw new InvalidArgumentException("Safetensors.readMetadata: file is null");
        }
        try (BoundedFile f = BoundedFile.open(SafetensorsHeader.FORMAT, file)) {
            return SafetensorsHeader.read(f).metadata();
        }
    }

    /**
     * Writes {@code tensors} (in the map's iteration order, data contiguous from offset 0) and {@code metadata}
     * (may be null or empty) to {@code file}, atomically.
     *
     * @param file the file, replaced atomically
     * @param tensors the tensors by name
     * @param metadata string pairs for the {@code __metadata__} entry, or null
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        if (file == null || tensors == null) {
            throw new InvalidArgumentException("Safetensors.write: " + (file == null ? "file" : "tensors") + " is null");
        }
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        for (Map.Entry<String, String> m : meta.entrySet()) {
            checkString("metadata key", m.getKey());
            checkString("metadata value of '" + m.getKey() + "'", m.getValue());
        }
        List<SafetensorsHeader.Entry> entries = new ArrayList<>();
        List<HostTensor> data = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, HostTensor> t : tensors.entrySet()) {
            String name = t.getKey();
            checkString("tensor name", name);
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new InvalidArgumentException("Safetensors.write: '" + name + "' is reserved for metadata");
            }
            HostTensor h = t.getValue();
            if (h == null) {
                throw new InvalidArgumentException("Safetensors.write: tensor '" + name + "' is null");
            }
            SafetensorsDType dtype = SafetensorsDType.of(h.dtype());
            long bytes = h.size() * dtype.bytes();
            entries.add(new SafetensorsHeader.Entry(name, dtype, h.shape(), offset, offset + bytes));
            data.add(h);
            offset += bytes;
        }
        byte[] header = SafetensorsHeader.encode(entries, meta);
        if (header.length > MAX_HEADER_BYTES) {
            throw new InvalidArgumentException("Safetensors.write: the header would be " + header.length
                    + " bytes, more than the format's readers accept (" + MAX_HEADER_BYTES + ")");
        }
        AtomicFile.write(file, out -> {
            out.ensure(8);
            out.buffer().putLong(header.length);
            out.write(header);
            for (HostTensor h : data) {
                Elements.write(out, h);
            }
        });
    }

    // ---- internals ---------------------------------------------------------------------------------------------------

    /** Reads one tensor whose range the header has checked against the file. */
    private static HostTensor readData(BoundedFile f, SafetensorsHeader header, SafetensorsHeader.Entry e)
            throws IOException {
        long n = e.elements();
        if (n > Elements.MAX_ARRAY) {
            throw f.error("tensor " + MessageText.quote(e.name()), e.describe() + " has " + n
                    + " elements, more than a Java array holds (" + Elements.MAX_ARRAY + ")");
        }
        long offset = header.dataStart() + e.begin();
        if (e.dtype().nabla() == DType.INT32) {
            IntegerElements.Layout layout = new IntegerElements.Layout(e.dtype().name(), e.dtype().bytes(), true,
                    ByteOrder.LITTLE_ENDIAN, "save the tensor as int32 (tensor.to(torch.int32)) when its values fit,"
                    + " or as a float type");
            return IntegerElements.read(f, offset, e.shape(), false, layout,
                    byteOffset -> "tensor " + MessageText.quote(e.name()) + " (byte " + byteOffset + ")");
        }
        return Elements.read(f, offset, e.shape(), e.dtype().nabla(), ByteOrder.LITTLE_ENDIAN);
    }

    /** A closed network is named as the user's call: {@code Safetensors.save: the network is closed [cpu]}. */
    private static void checkOpen(String op, Network net) {
        if (net.isClosed()) {
            throw new NablaException(op + ": the network is closed [" + net.backend().name() + "]");
        }
    }

    private static void checkString(String what, String s) {
        if (s == null) {
            throw new InvalidArgumentException("Safetensors.write: a " + what + " is null");
        }
        if (!JsonWriter.isWellFormed(s)) {
            throw new InvalidArgumentException("Safetensors.write: " + what + " '" + s + "' has an unpaired surrogate"
                    + " and cannot be written as UTF-8");
        }
    }
}
