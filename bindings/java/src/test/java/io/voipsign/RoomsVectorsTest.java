package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario and every step of tests/vectors/rooms.json (docs/ROOMS.md), each
 * scenario on a fresh ledger with its rules: each result compared, as Jackson
 * serialises it, with the table's object; each refusal by code. The tickets of
 * {@code admit_and_issue} are checked with {@link VoipSign#sign} and the nonce's shape.
 */
class RoomsVectorsTest {
    private static final JsonNode V = Vectors.load("rooms.json");

    @Test
    void theFileIsComplete() {
        int steps = 0;
        int usage = 0;
        int pages = 0;
        for (JsonNode s : V.get("scenarios")) {
            steps += s.path("steps").size();
            for (JsonNode step : s.path("steps")) {
                usage += step.has("usage") ? 1 : 0;
                pages += "rooms".equals(step.path("op").asText()) ? 1 : 0;
            }
        }
        assertTrue(V.get("scenarios").size() >= 69);
        assertTrue(steps >= 538, steps + " steps");
        // Issue 23's table: the counters after the steps, and pages of rooms.
        assertTrue(usage >= 500 && pages >= 20, usage + " usage checks, " + pages + " rooms steps");
    }

    @Test
    void theDefaultsAreTheVectors() {
        try (Ledger ledger = Ledger.memory()) {
            assertEquals(V.get("defaults"), Vectors.jackson(ledger.getRules().toMap()));
        }
        assertEquals(Rules.defaults(), rules(Vectors.JSON.createObjectNode()));
    }

    /** The scenario's rules (camelCase keys, as every language reads them), by name. */
    static Rules rules(JsonNode r) {
        Rules.Builder b = Rules.builder();
        r.properties().forEach(e -> b.set(e.getKey(), e.getValue().isNumber() ? e.getValue().asLong() : e.getValue().asText()));
        return b.build();
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : V.get("scenarios")) {
            tests.add(DynamicTest.dynamicTest(s.get("name").asText(), () -> run(s, Ledger::memory)));
        }
        return tests.stream();
    }

    /** One scenario on a ledger made by {@code make} (memory, or Redis in RedisLedgerTest). */
    static void run(JsonNode s, Function<Rules, Ledger> make) {
        String name = s.get("name").asText();
        if (s.has("error")) {
            VoipSignError e = Vectors.error(() -> make.apply(rules(s.get("rules"))));
            assertEquals(s.get("error").asText(), e.code().name(), name);
            return;
        }
        try (Ledger ledger = make.apply(rules(s.get("rules")))) {
            int i = 0;
            for (JsonNode step : s.get("steps")) {
                String where = name + " step " + i++ + ": " + step;
                if (step.has("error")) {
                    VoipSignError e = Vectors.error(() -> call(ledger, step), where);
                    assertEquals(step.get("error").asText(), e.code().name(), where + " -> " + e.getMessage());
                } else {
                    assertEquals(step.get("expect"), call(ledger, step), where);
                }
                // The appId's counters after the step, as usage answers them.
                if (step.has("usage")) {
                    Usage u = ledger.usage(step.get("appId").asText(), null, step.get("nowMs").asLong());
                    assertEquals(step.get("usage"), Vectors.jackson(u), where + " (usage after it)");
                }
            }
        }
    }

    /** The step as a call of the Java API (explicit nowMs always), its result as the table's JSON. */
    static JsonNode call(Ledger ledger, JsonNode step) {
        String a = step.get("appId").asText();
        String g = step.path("groupId").asText();
        String m = step.path("memberId").asText();
        long now = step.get("nowMs").asLong();
        ObjectNode result = Vectors.JSON.createObjectNode();
        switch (step.get("op").asText()) {
            case "admit":
                return Vectors.jackson(ledger.admit(a, g, m, now));
            case "admit_and_issue": {
                String key = step.get("sessionKey").asText();
                AdmissionAndTicket at = step.has("roomType")
                        ? ledger.admitAndIssue(a, g, m, key, step.get("roomType").asText(), now)
                        : ledger.admitAndIssue(a, g, m, key, RoomType.VOICE, now);
                JoinTicket t = at.getTicket();
                assertTrue(t.getNonceStr().matches("[A-Za-z0-9]{32}"), t.getNonceStr());
                assertEquals(Math.floorDiv(now, 1000L), t.getTimeStamp());
                assertEquals(VoipSign.sign(a, g, t.getNonceStr(), t.getTimeStamp(), key), t.getSignature());
                assertEquals(Vectors.parse(t.toJson()), Vectors.jackson(t), "Jackson serialises a ticket as toJson()");
                JsonNode all = Vectors.jackson(at);
                result.set("admission", all.get("admission"));
                ObjectNode ticket = result.putObject("ticket");
                ticket.put("groupId", t.getGroupId());
                ticket.put("timeStamp", t.getTimeStamp());
                ticket.put("roomType", t.getRoomType());
                return Vectors.jackson(result);
            }
            case "heartbeat":
                result.put("leaseExpiresAt", ledger.heartbeat(a, g, m, now));
                return Vectors.jackson(result);
            case "leave":
                result.put("removed", ledger.leave(a, g, m, now));
                return result;
            case "sync":
                return Vectors.jackson(ledger.sync(a, g, Vectors.strings(step.get("openIds")), now));
            case "room":
                return Vectors.jackson(ledger.room(a, g, now));
            case "usage": {
                JsonNode day = step.get("day");
                return Vectors.jackson(ledger.usage(a, day == null || day.isNull() ? null : day.asLong(), now));
            }
            case "rooms": {
                // A limit beyond int reaches the library as -1: refused after the appId.
                long limit = step.path("limit").asLong(100);
                int l = limit < Integer.MIN_VALUE || limit > Integer.MAX_VALUE ? -1 : (int) limit;
                String after = step.has("after") ? step.get("after").asText() : null;
                return Vectors.jackson(ledger.rooms(a, l, after, now));
            }
            default:
                throw new AssertionError("unknown op " + step);
        }
    }
}
