package io.voipsign;

import static io.voipsign.Vectors.APP;
import static io.voipsign.Vectors.GROUP;
import static io.voipsign.Vectors.KEY;
import static io.voipsign.Vectors.NONCE;
import static io.voipsign.Vectors.TS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Java strings are UTF-16: the library reads them as such. Valid text (emoji, CJK, long
 * groupIds past the stack buffer) signs as its UTF-8 bytes; a lone surrogate is
 * INVALID_UTF8, never replaced (which would change the groupId that is signed).
 */
class StringsTest {
    /** The formula with the JDK's own HMAC, for text that has a UTF-8 form. */
    static String reference(String app, String group, String nonce, long ts, String key) throws GeneralSecurityException {
        String[] v = {app, group, nonce, Long.toString(ts)};
        Arrays.sort(v); // String.compareTo: UTF-16 code-unit order, JavaScript's sort()
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] d = mac.doFinal(String.join("", v).getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : d) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }

    @Test
    void emojiAndCjkGroupIds() throws Exception {
        for (String g : new String[] {"房间-😀", "😀", "\uD83D\uDE00\uD83D\uDE01", "語音房間", "é", "room 1",
                "\uFFFD", "a\uD7FFb\uE000c"}) {
            assertEquals(reference(APP, g, NONCE, TS, KEY), VoipSign.sign(APP, g, NONCE, TS, KEY), g);
            assertEquals(String.join("", sorted(APP, g, NONCE, Long.toString(TS))), VoipSign.canonical(APP, g, NONCE, TS));
        }
    }

    @Test
    void longGroupIdsPastTheStackBuffer() throws Exception {
        StringBuilder ascii = new StringBuilder();
        StringBuilder emoji = new StringBuilder();
        for (int i = 0; i < 1024; i++) {
            ascii.append((char) ('a' + i % 26));
        }
        for (int i = 0; i < 256; i++) {
            emoji.append("😀"); // 4 UTF-8 bytes, 2 code units: 1024 bytes
        }
        for (String g : new String[] {ascii.toString(), emoji.toString(), ascii.substring(0, 300) + "é",
                emoji.substring(0, 300)}) {
            assertEquals(reference(APP, g, NONCE, TS, KEY), VoipSign.sign(APP, g, NONCE, TS, KEY));
        }
        // One byte too many: the core's rule, not a buffer's.
        assertCode(Code.INVALID_GROUP_ID, () -> VoipSign.sign(APP, ascii + "x", NONCE, TS, KEY));
        assertCode(Code.INVALID_GROUP_ID, () -> VoipSign.sign(APP, emoji + "x", NONCE, TS, KEY));
    }

    @Test
    void loneSurrogatesAreInvalidUtf8() {
        for (String g : new String[] {"\uD83D", "\uDE00", "room-\uD83D", "\uDE00\uD83D", "a\uD800b",
                repeat("x", 400) + "\uDBFF"}) {
            VoipSignError e = assertCode(Code.INVALID_UTF8, () -> VoipSign.sign(APP, g, NONCE, TS, KEY));
            assertEquals("groupId contains a lone surrogate, which has no UTF-8 form", e.getMessage());
        }
        VoipSignError k = assertCode(Code.INVALID_UTF8,
                () -> VoipSign.sign(APP, GROUP, NONCE, TS, KEY.substring(0, 20) + "\uD800=="));
        assertEquals("sessionKey contains a lone surrogate, which has no UTF-8 form", k.getMessage());
        assertFalse(k.getMessage().contains(KEY.substring(0, 20)));
        VoipSignError l = assertCode(Code.INVALID_UTF8,
                () -> VoipSign.signMany(APP, GROUP, NONCE, TS, Arrays.asList(KEY, "\uDC00")));
        assertEquals("sessionKeys[1] contains a lone surrogate, which has no UTF-8 form", l.getMessage());
        assertCode(Code.INVALID_UTF8,
                () -> VoipSign.diagnose(APP, GROUP, NONCE, TS, KEY, "\uD800", Collections.emptyList()));
        assertCode(Code.INVALID_UTF8,
                () -> VoipSign.issue(APP, GROUP, KEY, "vo\uD800ice"));
        try (Ledger ledger = Ledger.memory()) {
            VoipSignError m = assertCode(Code.INVALID_UTF8,
                    () -> ledger.sync(APP, GROUP, Arrays.asList("a", "\uD800"), 1L));
            assertEquals("openIds[1] contains a lone surrogate, which has no UTF-8 form", m.getMessage());
        }
    }

    @Test
    void readingErrorsComeFirstInParameterOrder() {
        // A lone surrogate in the key is reported before the bad appId: reading an
        // argument comes before checking the values (docs/CONTRACT.md).
        VoipSignError e = assertCode(Code.INVALID_UTF8,
                () -> VoipSign.sign("", "", NONCE, 0, "\uD800"));
        assertEquals("sessionKey contains a lone surrogate, which has no UTF-8 form", e.getMessage());
        assertEquals("groupId contains a lone surrogate, which has no UTF-8 form",
                assertCode(Code.INVALID_UTF8, () -> VoipSign.sign("", "\uD800", "\uD800", 0, KEY))
                        .getMessage());
    }

    @Test
    void controlCharactersAndEmptyStrings() {
        assertCode(Code.INVALID_GROUP_ID, () -> VoipSign.sign(APP, "a\u0000b", NONCE, TS, KEY));
        assertCode(Code.INVALID_GROUP_ID, () -> VoipSign.sign(APP, "a\u007fb", NONCE, TS, KEY));
        assertCode(Code.INVALID_APP_ID, () -> VoipSign.sign("", GROUP, NONCE, TS, KEY));
        assertCode(Code.INVALID_APP_ID, () -> VoipSign.sign("wx测试", GROUP, NONCE, TS, KEY));
    }

    private static VoipSignError assertCode(Code code, Executable call) {
        VoipSignError e = Vectors.error(call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    private static String[] sorted(String... v) {
        Arrays.sort(v);
        return v;
    }

    private static String repeat(String s, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(s);
        }
        return b.toString();
    }
}
