package dev.nabla.bench.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {

    @Test
    void writesNestedValuesWithEscapesAndSixSignificantDigits() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"q\" \\ \n\t\u0001é");
        m.put("i", 42);
        m.put("d", 1234.56789);
        m.put("small", 0.000123456789);
        m.put("nan", Double.NaN);
        m.put("b", true);
        m.put("l", List.of(1, List.of(), Map.of()));
        m.put("none", null);
        assertEquals("""
                {
                  "s": "a \\"q\\" \\\\ \\n\\t\\u0001é",
                  "i": 42,
                  "d": 1234.57,
                  "small": 0.000123457,
                  "nan": null,
                  "b": true,
                  "l": [
                    1,
                    [],
                    {}
                  ],
                  "none": null
                }
                """, Json.write(m));
    }
}
