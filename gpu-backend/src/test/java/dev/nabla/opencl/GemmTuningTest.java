package dev.nabla.opencl;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.NablaException;
import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GEMM tuning cache: stored per device, read at start, and ignored (with the defaults) when unusable. */
@ExtendWith(NoSkipOnCi.class)
class GemmTuningTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(GemmTuning.FILE_PROPERTY);
    }

    @Test
    void aStoredConfigurationIsWhatTheNextBackendUses() throws Exception {
        try (Backend probe = OpenClTests.freshBackend()) {
            ClDevice device = ((OpenClBackend) probe.compute()).device();
            Path file = dir.resolve("tuning.properties");
            System.setProperty(GemmTuning.FILE_PROPERTY, file.toString());
            assertEquals(GemmConfig.defaultFor(device), GemmTuning.configFor(device), "no file: the defaults");
            GemmConfig tuned = new GemmConfig(32, 32, 16, 2, 2, 2, false, false);
            GemmTuning.store(device, tuned);
            assertTrue(Files.readString(file).contains("32,32,16,2,2,2,0,0"));
            try (Backend be = Backend.wrap(new OpenClBackend(device))) {
                assertEquals(tuned, ((OpenClBackend) be.compute()).gemmConfig());
                assertTrue(be.description().contains("gemm tile 32×32×16"), be.description());
            }
            Files.writeString(file, "# broken\n" + device.name().replace(" ", "\\ ") + "=7,7,7,7,7,7,1,0\n");
            assertEquals(GemmConfig.defaultFor(device), GemmTuning.configFor(device), "an unusable entry: the defaults");
        }
    }

    @Test
    void configurationsAreValidatedAgainstTheKernelsRulesAndTheDevice() {
        assertThrows(InvalidArgumentException.class, () -> new GemmConfig(64, 64, 16, 3, 4, 4, true, false).validate(1024, 1 << 16, 4));
        assertThrows(InvalidArgumentException.class, () -> new GemmConfig(128, 128, 16, 2, 2, 4, true, false).validate(1024, 1 << 16, 4),
                "64×64 work-items exceed 1024");
        assertThrows(InvalidArgumentException.class, () -> new GemmConfig(128, 128, 64, 8, 8, 4, true, false).validate(1024, 32 << 10, 8),
                "local memory");
        assertThrows(NablaException.class, () -> GemmTuning.parse("1,2,3"));
        assertThrows(NablaException.class, () -> GemmTuning.parse("1,2,3,4,5,6,7,x"));
        assertEquals(GemmConfig.GPU_DEFAULT, GemmTuning.parse(GemmTuning.format(GemmConfig.GPU_DEFAULT)));
    }
}
