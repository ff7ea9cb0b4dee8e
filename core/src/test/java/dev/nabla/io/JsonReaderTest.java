package dev.nabla.io;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nabla.io.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict JSON reader on its own: what it accepts it decodes exactly, and its bounds hold. */
class JsonReaderTest {
    private static JsonReader reader(String text) {
        return new JsonReader(text, (index, what) -> new WeightsFormatException("at " + index + ": " + what));
    }

    /** Reads nested arrays to the bottom; returns the depth reached. */
    private static int nest(JsonReader r) {
        r.beginArray();
        int depth = 1;
        while (r.hasElement()) {
            depth = Math.max(depth, 1 + nest(r));
        }
        return depth;
    }

    @Test
    void nestingIsBoundedSoNoInputCanOverflowTheStack() {
        int max = JsonReader.MAX_DEPTH;
        assertEquals(max, nest(reader("[".repeat(max) + "]".repeat(max))));
        WeightsFormatException e = assertThrows(WeightsFormatException.class,
                () -> nest(reader("[".repeat(100_000) + "]".repeat(100_000))));
        assertMessage(e, "at " + max + ":", "nested deeper than " + max + " levels");
    }

    @Test
    void escapesDecodeToTheCharactersTheyName() {
        JsonReader r = reader("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u03C0\\ud83d\\ude00 raw π\"");
        assertEquals("a\"b\\c/d\b\f\n\r\té\u03c0\uD83D\uDE00 raw π", r.string());
        r.end();
    }

    @Test
    void numbersFollowTheGrammarAndAreReturnedAsText() {
        List<String> tokens = new ArrayList<>();
        JsonReader r = reader("[0, -0, 12, 1.5, -2e10, 3E+2, 4e-1]");
        r.beginArray();
        while (r.hasElement()) {
            tokens.add(r.number());
        }
        r.end();
        assertEquals(List.of("0", "-0", "12", "1.5", "-2e10", "3E+2", "4e-1"), tokens);
        for (String bad : new String[]{"01", "1.", ".5", "-", "1e", "+1", "1.e3"}) {
            assertThrows(WeightsFormatException.class, () -> reader(bad).number(), bad);
        }
        String longest = "1".repeat(JsonReader.MAX_NUMBER_CHARS);
        assertEquals(longest, reader(longest).number());
        assertMessage(assertThrows(WeightsFormatException.class, () -> reader(longest + "1").number()),
                "number of 41 characters");
    }

    @Test
    void objectsAndArraysRejectMissingAndTrailingCommas() {
        JsonReader ok = reader(" { \"a\" : [ true , false ] } ");
        ok.beginObject();
        assertTrue(ok.hasMember());
        assertEquals("a", ok.key());
        ok.beginArray();
        assertTrue(ok.hasElement());
        assertTrue(ok.bool());
        assertTrue(ok.hasElement());
        assertFalse(ok.bool());
        assertFalse(ok.hasElement());
        assertFalse(ok.hasMember());
        ok.end();

        JsonReader trailing = reader("[true,]");
        trailing.beginArray();
        trailing.hasElement();
        trailing.bool();
        assertMessage(assertThrows(WeightsFormatException.class, trailing::hasElement), "trailing comma");
        JsonReader missing = reader("[true true]");
        missing.beginArray();
        missing.hasElement();
        missing.bool();
        assertMessage(assertThrows(WeightsFormatException.class, missing::hasElement), "expected ',' or ']'");
    }
}
