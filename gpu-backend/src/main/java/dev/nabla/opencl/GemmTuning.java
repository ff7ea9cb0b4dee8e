package dev.nabla.opencl;

import dev.nabla.NablaException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Where the backend gets its GEMM tunables: a small cache file of the best configuration per device name, written
 * by the tuner ({@code nabla tune}), else the defaults for the device's type. The file is a properties file,
 * {@code <device name>=tm,tn,tk,wptm,wptn,vw,prefetch,doubleBuffer} and, for
 * products too small to occupy the device with those tiles, {@code <device name>.small=...}; its path is {@code -Dnabla.opencl.tuningFile}, else
 * {@code $NABLA_OPENCL_TUNING_FILE}, else {@code ~/.nabla/opencl-gemm.properties}. A missing file, a device without
 * an entry, or an entry the device cannot run falls back to the defaults (and says why in the log).
 */
public final class GemmTuning {
    private static final System.Logger LOG = System.getLogger(GemmTuning.class.getName());
    public static final String FILE_PROPERTY = "nabla.opencl.tuningFile";
    public static final String FILE_ENV = "NABLA_OPENCL_TUNING_FILE";

    private GemmTuning() {
    }

    /** The cache file in use. */
    public static Path file() {
        String p = System.getProperty(FILE_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(FILE_ENV);
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".nabla", "opencl-gemm.properties");
        }
        return Path.of(p);
    }

    /** The tuned configuration for this device if the cache has a valid one, else the default for its type. */
    public static GemmConfig configFor(ClDevice device) {
        return lookup(device, device.name(), GemmConfig.defaultFor(device));
    }

    /** The tuned small-tile configuration (for products with fewer tiles than compute units), else 64×64 tiles. */
    public static GemmConfig smallConfigFor(ClDevice device) {
        return lookup(device, device.name() + ".small", GemmConfig.SMALL);
    }

    private static GemmConfig lookup(ClDevice device, String key, GemmConfig fallback) {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return fallback;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable GEMM tuning file " + file + ": " + e);
            return fallback;
        }
        String entry = props.getProperty(key);
        if (entry == null) {
            return fallback;
        }
        try {
            return parse(entry).validate(device.maxWorkGroupSize(), device.localMemBytes(), 4);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring GEMM tuning '" + entry + "' for " + key + " in "
                    + file + ": " + e.getMessage());
            return fallback;
        }
    }

    /** {@code tm,tn,tk,wptm,wptn,vw,prefetch,doubleBuffer} (the last two 0 or 1). */
    public static GemmConfig parse(String text) {
        String[] p = text.trim().split("\\s*,\\s*");
        if (p.length != 8) {
            throw new NablaException("a GEMM tuning entry has eight numbers tm,tn,tk,wptm,wptn,vw,prefetch,"
                    + "doubleBuffer; got '" + text + "'");
        }
        int[] v = new int[8];
        try {
            for (int i = 0; i < 8; i++) {
                v[i] = Integer.parseInt(p[i]);
            }
        } catch (NumberFormatException e) {
            throw new NablaException("a GEMM tuning entry has eight integers; got '" + text + "'");
        }
        return new GemmConfig(v[0], v[1], v[2], v[3], v[4], v[5], v[6] != 0, v[7] != 0);
    }

    public static String format(GemmConfig c) {
        return c.tm() + "," + c.tn() + "," + c.tk() + "," + c.wptm() + "," + c.wptn() + "," + c.vw() + ","
                + (c.prefetch() ? 1 : 0) + "," + (c.doubleBuffer() ? 1 : 0);
    }

    /** Records {@code config} as the best for {@code device} in the cache file, keeping other devices' entries. */
    public static void store(ClDevice device, GemmConfig config) {
        store(device.name(), config);
    }

    /** Records the small-tile configuration for {@code device}. */
    public static void storeSmall(ClDevice device, GemmConfig config) {
        store(device.name() + ".small", config);
    }

    private static void store(String key, GemmConfig config) {
        Path file = file();
        Properties props = new Properties();
        try {
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    props.load(in);
                }
            }
            props.setProperty(key, format(config));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "opencl-gemm", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "Nabla OpenCL GEMM tuning: <device name>[.small]=tm,tn,tk,wptm,wptn,vw,prefetch,doubleBuffer (written by nabla tune)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NablaException("cannot write the GEMM tuning file " + file + ": " + e, e);
        }
    }
}
