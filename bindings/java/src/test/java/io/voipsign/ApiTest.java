package io.voipsign;

import static io.voipsign.Vectors.APP;
import static io.voipsign.Vectors.DOC_SIGNATURE;
import static io.voipsign.Vectors.GROUP;
import static io.voipsign.Vectors.KEY;
import static io.voipsign.Vectors.NONCE;
import static io.voipsign.Vectors.TS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java API around the vectors: tickets, defaults, nulls, codes, the loader. */
class ApiTest {
    @Test
    void theDocumentationExample() {
        assertEquals(DOC_SIGNATURE, VoipSign.sign(APP, GROUP, NONCE, TS, KEY));
        assertEquals("1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc",
                VoipSign.canonical(APP, GROUP, NONCE, TS));
        assertTrue(VoipSign.verify(APP, GROUP, NONCE, TS, KEY, DOC_SIGNATURE));
        assertFalse(VoipSign.verify(APP, GROUP, NONCE, TS, KEY, DOC_SIGNATURE.toUpperCase()));
        assertEquals("0.1.0", VoipSign.version());
    }

    @Test
    void millisecondsAreRefusedWithTheirOwnMessage() {
        VoipSignError e = Vectors.error(() -> VoipSign.sign(APP, GROUP, NONCE, TS * 1000, KEY));
        assertEquals(Code.INVALID_TIMESTAMP, e.code());
        assertEquals("timeStamp 1559129714000 looks like milliseconds; pass seconds (1559129714)", e.getMessage());
        assertEquals("io.voipsign.InputException[INVALID_TIMESTAMP]: " + e.getMessage(), e.toString());
    }

    @Test
    void aTicketIsExactlyTheObjectOfJoinVoipChat() {
        long before = System.currentTimeMillis() / 1000;
        JoinTicket t = VoipSign.issue(APP, "room-42", KEY);
        long after = System.currentTimeMillis() / 1000;
        assertEquals("room-42", t.getGroupId());
        assertTrue(t.getNonceStr().matches("[A-Za-z0-9]{32}"), t.getNonceStr());
        assertTrue(before <= t.getTimeStamp() && t.getTimeStamp() <= after);
        assertEquals("voice", t.getRoomType());
        assertEquals(VoipSign.sign(APP, "room-42", t.getNonceStr(), t.getTimeStamp(), KEY), t.getSignature());
        assertEquals("{\"groupId\":\"room-42\",\"nonceStr\":\"" + t.getNonceStr() + "\",\"timeStamp\":"
                + t.getTimeStamp() + ",\"signature\":\"" + t.getSignature() + "\",\"roomType\":\"voice\"}", t.toJson());
        Map<String, Object> m = t.toMap();
        assertEquals(Arrays.asList("groupId", "nonceStr", "timeStamp", "signature", "roomType"), new ArrayList<>(m.keySet()));
        assertEquals(Vectors.parse(t.toJson()), Vectors.jackson(m));
        // Spring's Jackson makes the same object of the ticket itself.
        assertEquals(Vectors.parse(t.toJson()), Vectors.jackson(t));
        assertFalse(t.toString().contains(KEY));
        assertNotEquals(t.getNonceStr(), VoipSign.issue(APP, "room-42", KEY).getNonceStr());
    }

    @Test
    void roomTypes() {
        assertEquals("video", VoipSign.issue(APP, GROUP, KEY, RoomType.VIDEO).getRoomType());
        assertEquals("video", VoipSign.issue(APP, GROUP, KEY, "video").getRoomType());
        assertEquals("voice", VoipSign.issue(APP, GROUP, KEY, "voice").getRoomType());
        for (String bad : new String[] {"Video", "", "audio", KEY}) {
            VoipSignError e = Vectors.error(() -> VoipSign.issue(APP, GROUP, KEY, bad));
            assertEquals(Code.INVALID_ROOM_TYPE, e.code());
            assertFalse(e.getMessage().contains(KEY));
        }
        // A bad key wins over a bad roomType (the contract's order).
        VoipSignError e = Vectors.error(() -> VoipSign.issue(APP, GROUP, "x", "audio"));
        assertEquals(Code.INVALID_SESSION_KEY, e.code());
        assertEquals("video", RoomType.VIDEO.toString());
    }

    @Test
    void signManyKeepsTheOrderOfTheKeys() {
        List<String> keys = Arrays.asList(KEY, "o0q0otL8aEzpcZL/FT9WsQ==", KEY);
        List<String> sigs = VoipSign.signMany(APP, GROUP, NONCE, TS, keys);
        assertEquals(3, sigs.size());
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(VoipSign.sign(APP, GROUP, NONCE, TS, keys.get(i)), sigs.get(i));
        }
        assertThrows(UnsupportedOperationException.class, () -> sigs.add("x"));
        assertEquals(Collections.emptyList(), VoipSign.signMany(APP, GROUP, NONCE, TS, Collections.emptyList()));
        // No keys is no signatures, but the values are still checked.
        VoipSignError e = Vectors.error(() -> VoipSign.signMany(APP, GROUP, NONCE, 0, Collections.emptyList()));
        assertEquals(Code.INVALID_TIMESTAMP, e.code());
    }

    @Test
    void nullsAreNullPointerExceptionsNamingTheParameter() {
        assertNpe("appId", () -> VoipSign.sign(null, GROUP, NONCE, TS, KEY));
        assertNpe("groupId", () -> VoipSign.sign(APP, null, NONCE, TS, KEY));
        assertNpe("nonceStr", () -> VoipSign.canonical(APP, GROUP, null, TS));
        assertNpe("sessionKey", () -> VoipSign.sign(APP, GROUP, NONCE, TS, null));
        assertNpe("signature", () -> VoipSign.verify(APP, GROUP, NONCE, TS, KEY, null));
        assertNpe("roomType", () -> VoipSign.issue(APP, GROUP, KEY, (RoomType) null));
        assertNpe("roomType", () -> VoipSign.issue(APP, GROUP, KEY, (String) null));
        assertNpe("sessionKeys", () -> VoipSign.signMany(APP, GROUP, NONCE, TS, null));
        assertNpe("sessionKeys[1]", () -> VoipSign.signMany(APP, GROUP, NONCE, TS, Arrays.asList(KEY, null)));
        assertNpe("body", () -> VoipSign.sessionSignature(KEY, null));
        assertNpe("rejectedSignature", () -> VoipSign.diagnose(APP, GROUP, NONCE, TS, KEY, null));
        assertNpe("otherSessionKeys[0]",
                () -> VoipSign.diagnose(APP, GROUP, NONCE, TS, KEY, "x", Collections.singletonList(null)));
        // Read in parameter order, before any value is checked.
        assertNpe("sessionKey", () -> VoipSign.sign("", GROUP, NONCE, TS, null));
        // explain refuses nothing.
        assertEquals(Explanation.Cause.UNKNOWN, VoipSign.explain(0, null).getCause());
    }

    private static void assertNpe(String name, Runnable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call::run);
        assertEquals(name + " is null", e.getMessage());
    }

    @Test
    void theCodesAreTheCoresCodes() {
        List<String> core = Arrays.asList(Native.errorCodes());
        List<String> java = new ArrayList<>();
        for (Code c : Code.values()) {
            java.add(c.name());
        }
        // Code holds the codes a binding shows (not the C ABI's own), with their numbers.
        assertEquals(core, java);
        assertTrue(java.contains("LEDGER_CLOSED") && !java.contains("BUFFER_TOO_SMALL"), java.toString());
        VoipSignException unknown = new VoipSignException("SOMETHING_NEW", "m");
        assertEquals(Code.INTERNAL, unknown.code());
        assertEquals("SOMETHING_NEW", unknown.codeName());
        assertEquals(Code.ROOM_FULL, new RefusalException(Code.ROOM_FULL, "m").code());
        assertEquals(Code.INVALID_NONCE, new InputException(Code.INVALID_NONCE, "m").code());
    }

    @Test
    void diagnoseAndExplain() {
        Diagnosis d = VoipSign.diagnose(APP, GROUP, NONCE, TS, KEY, DOC_SIGNATURE.toUpperCase());
        assertEquals(Diagnosis.Verdict.MISTAKE_FOUND, d.getVerdict());
        assertEquals(Collections.singletonList(Diagnosis.Mistake.UPPERCASE_HEX), d.getMistakes());
        assertEquals(DOC_SIGNATURE, d.getExpected());
        Explanation e = VoipSign.explain(-1000, "joinVoIPChat:fail invalid signature");
        assertEquals(Explanation.Cause.INVALID_SIGNATURE, e.getCause());
        // An errMsg with a lone surrogate is still explained (only digits and words count).
        assertEquals(Explanation.Cause.INVALID_SIGNATURE, VoipSign.explain(-1, "\uD800 -12020").getCause());
    }

    @Test
    void checksession() {
        assertEquals("46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128",
                VoipSign.sessionSignature("o0q0otL8aEzpcZL/FT9WsQ=="));
        byte[] notUtf8 = {(byte) 0xff, 0, (byte) 0x80};
        assertEquals(64, VoipSign.sessionSignature(KEY, notUtf8).length());
    }

    @Test
    void theLibraryComesFromTheJarResourceWithNothingOnTheLibraryPath() {
        // Surefire sets neither voipsign.lib.path nor java.library.path to it.
        assertTrue(VoipSign.nativeLibrary().endsWith("(from the jar's native/linux-x86_64/libvoipsign_jni.so)"),
                VoipSign.nativeLibrary());
        assertEquals("linux-x86_64", NativeLoader.platform());
    }

    @Test
    void resultsAreWhatJacksonMakesOfThem() {
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(2).build())) {
            long now = 1_796_083_200_000L;
            JsonNode a = Vectors.jackson(ledger.admit(APP, GROUP, "openid-a", now));
            assertEquals(Vectors.parse("{\"opened\":true,\"renewed\":false,\"members\":1,\"generation\":1,"
                    + "\"roomsToday\":1,\"dailyRoomLimit\":100000,\"quotaWarning\":false,"
                    + "\"leaseExpiresAt\":1796083260000,\"degraded\":false}"), a);
            JsonNode both = Vectors.jackson(ledger.admitAndIssue(APP, GROUP, "openid-b", KEY));
            assertEquals(Arrays.asList("admission", "ticket"), names(both));
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
