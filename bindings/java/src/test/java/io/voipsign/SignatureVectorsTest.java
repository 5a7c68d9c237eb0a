package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every case of tests/vectors/signatures.json: the signatures byte for byte, and every
 * invalid case through the operation it names ({@code op}, {@code sign} when absent):
 * the code by name, the message prefix where the case has one, and never the key.
 */
class SignatureVectorsTest {
    private static final JsonNode V = Vectors.load("signatures.json");
    private static final Set<String> OPS = new HashSet<>(Arrays.asList(
            "sign", "canonical", "verify", "sign_many", "issue", "diagnose", "session_signature"));

    @Test
    void theFileIsComplete() {
        // Guard against silently testing nothing if the file shrinks or moves.
        assertTrue(V.get("cases").size() >= 18);
        assertTrue(V.get("invalid").size() >= 234);
        int multi = 0;
        Set<String> ops = new HashSet<>();
        for (JsonNode c : V.get("invalid")) {
            multi += c.get("name").asText().startsWith("multi-") ? 1 : 0;
            ops.add(c.path("op").asText("sign"));
        }
        assertTrue(multi >= 200, multi + " multi-field cases");
        assertEquals(OPS, ops);
        assertEquals("doc-example", V.get("cases").get(0).get("name").asText());
    }

    @TestFactory
    Stream<DynamicTest> cases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                String a = c.get("appId").asText();
                String g = c.get("groupId").asText();
                String n = c.get("nonceStr").asText();
                long t = c.get("timeStamp").asLong();
                String k = c.get("sessionKey").asText();
                String sig = c.get("signature").asText();
                assertEquals(c.get("canonical").asText(), VoipSign.canonical(a, g, n, t));
                assertEquals(sig, VoipSign.sign(a, g, n, t, k));
                assertTrue(VoipSign.verify(a, g, n, t, k, sig));
                // An upper-case signature is well-formed but never the right one.
                assertFalse(VoipSign.verify(a, g, n, t, k, sig.toUpperCase()));
                assertEquals(Collections.singletonList(sig), VoipSign.signMany(a, g, n, t, Collections.singletonList(k)));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> sessionSignatures() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("session_signatures")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                byte[] body = c.get("body").asText().getBytes(StandardCharsets.UTF_8);
                String k = c.get("sessionKey").asText();
                assertEquals(c.get("signature").asText(), VoipSign.sessionSignature(k, body));
                if (body.length == 0) {
                    assertEquals(c.get("signature").asText(), VoipSign.sessionSignature(k));
                }
            }));
        }
        return tests.stream();
    }

    /** The case's operation as a call of the Java API. */
    static Executable call(JsonNode c) {
        String a = c.path("appId").asText();
        String g = c.path("groupId").asText();
        String n = c.path("nonceStr").asText();
        long t = c.path("timeStamp").asLong();
        String k = c.path("sessionKey").asText();
        switch (c.path("op").asText("sign")) {
            case "sign":
                return () -> VoipSign.sign(a, g, n, t, k);
            case "canonical":
                return () -> VoipSign.canonical(a, g, n, t);
            case "verify":
                return () -> VoipSign.verify(a, g, n, t, k, c.get("signature").asText());
            case "sign_many":
                return () -> VoipSign.signMany(a, g, n, t, Vectors.strings(c.get("sessionKeys")));
            case "issue":
                return () -> VoipSign.issue(a, g, k, c.get("roomType").asText());
            case "diagnose":
                return () -> VoipSign.diagnose(a, g, n, t, k, c.get("rejectedSignature").asText(),
                        Vectors.strings(c.get("otherSessionKeys")));
            case "session_signature":
                return () -> VoipSign.sessionSignature(k, c.get("body").asText().getBytes(StandardCharsets.UTF_8));
            default:
                throw new AssertionError("unknown op in " + c);
        }
    }

    @TestFactory
    Stream<DynamicTest> invalidCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("invalid")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                VoipSignError e = Vectors.error(call(c), name);
                assertEquals(c.get("error").asText(), e.code().name(), e.getMessage());
                assertEquals(e.code().name(), e.codeName());
                if (c.has("messagePrefix")) {
                    assertTrue(e.getMessage().startsWith(c.get("messagePrefix").asText()), e.getMessage());
                }
                for (String key : keysOf(c)) {
                    assertFalse(key.trim().length() >= 8 && e.getMessage().contains(key.trim()),
                            name + " leaks a key: " + e.getMessage());
                    assertFalse(key.trim().length() >= 8 && e.toString().contains(key.trim()));
                }
            }));
        }
        return tests.stream();
    }

    private static List<String> keysOf(JsonNode c) {
        List<String> keys = new ArrayList<>();
        if (c.has("sessionKey")) {
            keys.add(c.get("sessionKey").asText());
        }
        for (String list : new String[] {"sessionKeys", "otherSessionKeys"}) {
            if (c.has(list)) {
                keys.addAll(Vectors.strings(c.get(list)));
            }
        }
        return keys;
    }
}
