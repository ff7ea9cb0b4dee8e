package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import dev.nabla.spi.BinaryOp;
import dev.nabla.spi.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallNamesTest {
    @Test
    void namesAreLowerCaseInEveryDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));   // where "I".toLowerCase() is the dotless "ı"
            CallNames<BinaryOp> names = CallNames.lowerCase(BinaryOp.class);
            assertEquals("binary_cross_entropy", names.of(BinaryOp.BINARY_CROSS_ENTROPY));
            for (BinaryOp op : BinaryOp.values()) {
                assertEquals(op.name().toLowerCase(Locale.ROOT), names.of(op));
            }
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void aNameWithItsArgumentIsMadeOnce() {
        CallNames<UnaryOp> names = CallNames.withArgument("biasActivation", UnaryOp.class);
        assertEquals("biasActivation(RELU)", names.of(UnaryOp.RELU));
        assertSame(names.of(UnaryOp.SIGMOID), names.of(UnaryOp.SIGMOID));
    }

    @Test
    void aTurkishJvmStillNamesTheCallInItsErrors() {
        Locale before = Locale.getDefault();
        try (Backend be = Backend.wrap(new ReferenceBackend())) {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            Tensor a = be.zeros(2, 3);
            Tensor b = be.zeros(3, 2);
            Tensor out = be.zeros(2, 3);
            NablaException e = assertThrows(NablaException.class,
                    () -> be.ops().binary(BinaryOp.BINARY_CROSS_ENTROPY, a, b,
                            dev.nabla.spi.Broadcast.NONE, out));
            assertTrue(e.getMessage().startsWith("binary_cross_entropy"), e.getMessage());
        } finally {
            Locale.setDefault(before);
        }
    }
}
