package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case of tests/vectors/diagnose.json: diagnose's verdicts and mistakes, explain's causes. */
class DiagnoseVectorsTest {
    private static final JsonNode V = Vectors.load("diagnose.json");

    @Test
    void theFileIsComplete() {
        assertTrue(V.get("diagnose").size() >= 34);
        assertTrue(V.get("explain").size() >= 8);
    }

    @TestFactory
    Stream<DynamicTest> diagnose() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("diagnose")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                Diagnosis d = VoipSign.diagnose(c.get("appId").asText(), c.get("groupId").asText(),
                        c.get("nonceStr").asText(), c.get("timeStamp").asLong(), c.get("sessionKey").asText(),
                        c.get("signature").asText(), Vectors.strings(c.get("otherSessionKeys")));
                assertEquals(c.get("verdict").asText(), d.getVerdict().name());
                List<String> mistakes = new ArrayList<>();
                d.getMistakes().forEach(m -> mistakes.add(m.name()));
                assertEquals(Vectors.strings(c.get("mistakes")), mistakes);
                assertEquals(64, d.getExpected().length());
                assertFalse(d.getMessage().isEmpty());
                String key = c.get("sessionKey").asText();
                assertFalse(d.toString().contains(key), "a diagnosis never holds the key");
                if (c.get("timeStamp").asLong() <= 9_999_999_999L) {
                    String a = c.get("appId").asText();
                    String g = c.get("groupId").asText();
                    String n = c.get("nonceStr").asText();
                    long t = c.get("timeStamp").asLong();
                    assertEquals(VoipSign.sign(a, g, n, t, key), d.getExpected());
                    assertEquals(VoipSign.canonical(a, g, n, t), d.getCanonical());
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> explain() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("explain")) {
            String name = c.get("errCode").asText() + " " + c.get("errMsg").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Explanation e = VoipSign.explain(c.get("errCode").asLong(), c.get("errMsg").asText());
                assertEquals(c.get("cause").asText(), e.getCause().name());
                assertFalse(e.getMeaning().isEmpty());
                assertFalse(e.getAction().isEmpty());
            }));
        }
        return tests.stream();
    }
}
