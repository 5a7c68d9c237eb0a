package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link VoipSign#explain(long, String, ExplainContext)}: every case of
 * tests/vectors/diagnose.json's "explainWith" (each context built with the builder's setter of
 * the table's camelCase name) and "explainWithInvalid" (Java's types refuse a wrong type or an
 * unknown name: no such setter; the core refuses the rest, an {@link InputException}).
 */
class ExplainContextTest {
    private static final JsonNode V = Vectors.load("diagnose.json");

    /** The context of a vector through the builder; null when no setter takes a value. */
    private static ExplainContext build(JsonNode context) throws Exception {
        ExplainContext.Builder b = ExplainContext.builder();
        for (Map.Entry<String, JsonNode> e : context.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            Class<?> type = v.isBoolean() ? boolean.class : v.isIntegralNumber() ? long.class : v.isTextual() ? String.class : null;
            Method m;
            try {
                m = type == null ? null : ExplainContext.Builder.class.getMethod(e.getKey(), type);
            } catch (NoSuchMethodException missing) {
                m = null;
            }
            if (m == null) {
                return null;
            }
            Object arg = v.isBoolean() ? (Object) v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong() : v.asText();
            m.invoke(b, arg);
        }
        return b.build();
    }

    @TestFactory
    Stream<DynamicTest> explainWith() {
        List<DynamicTest> tests = new ArrayList<>();
        assertTrue(V.get("explainWith").size() >= 8);
        for (JsonNode c : V.get("explainWith")) {
            tests.add(DynamicTest.dynamicTest(c.get("cause").asText() + " " + c.get("context"), () -> {
                ExplainContext ctx = build(c.get("context"));
                Explanation x = VoipSign.explain(c.get("errCode").asLong(), c.get("errMsg").asText(), ctx);
                assertEquals(c.get("cause").asText(), x.getCause().name());
                if (c.has("inMeaning")) {
                    assertTrue(x.getMeaning().contains(c.get("inMeaning").asText()), x.getMeaning());
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> explainWithInvalid() {
        List<DynamicTest> tests = new ArrayList<>();
        int[] reached = {0};
        for (JsonNode c : V.get("explainWithInvalid")) {
            tests.add(DynamicTest.dynamicTest(c.get("context").toString(), () -> {
                ExplainContext ctx;
                try {
                    ctx = build(c.get("context"));
                } catch (InvocationTargetException e) {
                    throw e;
                }
                if (ctx == null) {
                    return; // no setter of that name and type: refused by Java's types
                }
                reached[0]++;
                InputException e = assertThrows(InputException.class, () -> VoipSign.explain(-1, "", ctx));
                assertEquals(Code.INVALID_CONTEXT, e.code());
                assertTrue(e.getMessage().contains(c.get("inMessage").asText()), e.getMessage());
            }));
        }
        tests.add(DynamicTest.dynamicTest("some invalid contexts reach the core", () -> assertTrue(reached[0] >= 2)));
        return tests.stream();
    }

    @Test
    void noContextIsThePlainExplanation() {
        Explanation plain = VoipSign.explain(-1, "");
        assertEquals(plain, VoipSign.explain(-1, "", null));
        assertEquals(plain, VoipSign.explain(-1, "", ExplainContext.builder().build()));
        ExplainContext c = ExplainContext.builder().groupId("g").seated(false).roomSeats(3).build();
        assertEquals(Boolean.FALSE, c.getSeated());
        assertEquals(Long.valueOf(3), c.getRoomSeats());
        assertNull(c.getKeyReplaced());
        assertEquals("ExplainContext{groupId=g, seated=false, roomSeats=3}", c.toString());
        assertThrows(NullPointerException.class, () -> ExplainContext.builder().groupId(null));
    }
}
