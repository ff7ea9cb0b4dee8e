package dev.nabla.aparapi;

import com.aparapi.Config;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Aparapi's java.util.logging output goes through the bridge: levels mapped, noise demoted, fallbacks captured. */
class AparapiLoggingTest {
    @Test
    void aparapisLoggerWritesOnlyThroughTheBridge() {
        AparapiLogging.install();
        Logger aparapi = Logger.getLogger(Config.getLoggerName());
        assertFalse(aparapi.getUseParentHandlers(), "no direct output to the root handlers");
        assertEquals(1, aparapi.getHandlers().length);
    }

    @Test
    void whatAparapiSaysDuringALaunchIsCaptured() {
        AparapiLogging.install();
        AparapiLogging.beginCapture();
        Logger.getLogger(Config.getLoggerName()).warning("Device failed for SomeKernel: test reason");
        Logger.getLogger(Config.getLoggerName()).fine("not a warning");
        List<String> said = AparapiLogging.endCapture();
        assertEquals(List.of("Device failed for SomeKernel: test reason"), said);
        assertEquals(List.of(), AparapiLogging.endCapture(), "capture ends");
    }

    @Test
    void levelsMapAndNoiseIsDemoted() {
        assertEquals(System.Logger.Level.ERROR, AparapiLogging.map(Level.SEVERE));
        assertEquals(System.Logger.Level.WARNING, AparapiLogging.map(Level.WARNING));
        assertEquals(System.Logger.Level.INFO, AparapiLogging.map(Level.INFO));
        assertEquals(System.Logger.Level.DEBUG, AparapiLogging.map(Level.FINE));
        assertEquals(System.Logger.Level.TRACE, AparapiLogging.map(Level.FINEST));
        assertTrue(AparapiLogging.isNoise("Found unexpected Attribute (name = NestHost)"));
        assertFalse(AparapiLogging.isNoise("Device failed for FloatKernel: OpenCL compile failed"));
    }
}
