package io.voipsign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@code signature} of WeChat's {@code wx.joinVoIPChat}:
 *
 * <pre>
 * signature = hex(HMAC-SHA256(key = the session_key string,
 *                             msg = [appId, groupId, nonceStr, timeStamp].sort().join("")))
 * </pre>
 *
 * computed by the voipsign Rust core, byte-identical to every other language of
 * voipsign. Every method is static and thread-safe.
 *
 * <p>Every value is checked by the core; a value that breaks a rule is a
 * {@link InputException} (an {@link IllegalArgumentException}) whose
 * {@link InputException#code() code} names the rule. With several bad values, the first
 * in the order appId, groupId, nonceStr, timeStamp, session_key, then the operation's
 * own inputs is reported. A {@code null} argument is a {@link NullPointerException} naming the parameter, and a string holding
 * a lone surrogate (no UTF-8 form) is {@code INVALID_UTF8}: nothing is ever replaced by
 * {@code ?}. Messages never contain the session_key.
 *
 * <pre>{@code
 * String sig = VoipSign.sign("wx20afc706a711eefc", "1559129713_672975982",
 *                            "8AP6DT9ybtniUJfb", 1559129714L, "gDyVgzwa0mFz9uUP7M6GQQ==");
 * // b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617
 * }</pre>
 */
public final class VoipSign {
    private static final byte[] EMPTY = new byte[0];
    private static final String[] NO_KEYS = new String[0];

    private VoipSign() {}

    /**
     * The signature for {@code wx.joinVoIPChat}.
     *
     * @param appId the mini program's appId (1–64 printable ASCII characters)
     * @param groupId the room (1–1024 bytes of UTF-8, no control characters)
     * @param nonceStr 1–127 printable ASCII characters
     * @param timeStamp Unix time in <b>seconds</b> (a 13-digit value is refused as milliseconds)
     * @param sessionKey the 24-character base64 string code2Session returned, as a string
     * @return 64 lowercase hex digits
     * @throws InputException a value breaks a rule (the first in parameter order)
     * @throws NullPointerException an argument is null
     */
    public static String sign(String appId, String groupId, String nonceStr, long timeStamp, String sessionKey) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(nonceStr, "nonceStr");
        Args.notNull(sessionKey, "sessionKey");
        byte[] out = new byte[Native.SIGNATURE_LEN];
        Native.sign(appId, groupId, nonceStr, timeStamp, sessionKey, out);
        return Native.signature(out, 0);
    }

    /**
     * Whether {@code signature} is the right one for these values, compared in constant
     * time. Unlike {@code String.equals}, the comparison takes the same time wherever the
     * first difference is. A well-formed upper-case signature is {@code false} (WeChat
     * expects lower case).
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nonceStr the nonce that was signed
     * @param timeStamp the time that was signed, Unix seconds
     * @param sessionKey the user's session_key
     * @param signature the signature to check
     * @return {@code true} when it matches
     * @throws InputException when {@code signature} is not 64
     *     hex digits (or carries the {@code _tag} of WeChat's cloud signing), or another
     *     value breaks a rule
     * @throws NullPointerException an argument is null
     */
    public static boolean verify(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey, String signature) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(nonceStr, "nonceStr");
        Args.notNull(sessionKey, "sessionKey");
        Args.notNull(signature, "signature");
        return Native.verify(appId, groupId, nonceStr, timeStamp, sessionKey, signature);
    }

    /**
     * The canonical string: the four values sorted in code-unit order and joined with no
     * separator. It holds no secret, so it is safe to log when a signature is disputed.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nonceStr the nonce
     * @param timeStamp Unix seconds
     * @return the sorted, joined values
     * @throws InputException a value breaks a rule
     * @throws NullPointerException an argument is null
     */
    public static String canonical(String appId, String groupId, String nonceStr, long timeStamp) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(nonceStr, "nonceStr");
        return Native.canonical(appId, groupId, nonceStr, timeStamp);
    }

    /**
     * A join ticket for a voice room: a fresh nonce, the current time and the signature.
     * Return {@link JoinTicket#toJson()} to the mini program.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param sessionKey the user's session_key (it stays on the server)
     * @return the ticket
     * @throws InputException a value breaks a rule
     * @throws VoipSignException {@code RNG_FAILURE}
     * @throws NullPointerException an argument is null
     */
    public static JoinTicket issue(String appId, String groupId, String sessionKey) {
        return issue(appId, groupId, sessionKey, RoomType.VOICE);
    }

    /**
     * A join ticket: a fresh 32-character nonce from the operating system's CSPRNG, the
     * current time in seconds and the signature.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param sessionKey the user's session_key (it stays on the server)
     * @param roomType voice or video
     * @return the ticket
     * @throws InputException a value breaks a rule
     * @throws VoipSignException {@code RNG_FAILURE}
     * @throws NullPointerException an argument is null
     */
    public static JoinTicket issue(String appId, String groupId, String sessionKey, RoomType roomType) {
        Args.notNull(roomType, "roomType");
        return issue(appId, groupId, sessionKey, roomType.wireName());
    }

    /**
     * A join ticket with the room type as the front end sent it.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param sessionKey the user's session_key (it stays on the server)
     * @param roomType exactly {@code "voice"} or {@code "video"}
     * @return the ticket
     * @throws InputException for any other roomType (after
     *     the other values' errors), or another refusal as {@link #issue(String, String, String)}
     * @throws NullPointerException an argument is null
     */
    public static JoinTicket issue(String appId, String groupId, String sessionKey, String roomType) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(sessionKey, "sessionKey");
        Args.notNull(roomType, "roomType");
        return JoinTicket.of(Native.issue(appId, groupId, sessionKey, roomType));
    }

    /**
     * Sign one room for many members (a matchmaker seating a room at once): the
     * canonical string is built once, then one HMAC per session_key.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nonceStr the nonce
     * @param timeStamp Unix seconds
     * @param sessionKeys the members' session_keys
     * @return the signatures, in the order of {@code sessionKeys} (unmodifiable)
     * @throws InputException a value breaks a rule; a bad key's message starts with
     *     its index ({@code sessionKeys[2]: …})
     * @throws NullPointerException an argument or a key is null
     */
    public static List<String> signMany(String appId, String groupId, String nonceStr, long timeStamp,
            List<String> sessionKeys) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(nonceStr, "nonceStr");
        String[] keys = Args.strings(sessionKeys, "sessionKeys");
        byte[] out = new byte[keys.length * Native.SIGNATURE_LEN];
        Native.signMany(appId, groupId, nonceStr, timeStamp, keys, out);
        String[] sigs = new String[keys.length];
        for (int i = 0; i < sigs.length; i++) {
            sigs[i] = Native.signature(out, i);
        }
        return Collections.unmodifiableList(Arrays.asList(sigs));
    }

    /**
     * WeChat's user login state signature: HMAC-SHA256 of {@code body} keyed by the
     * session_key string, as 64 lowercase hex digits.
     *
     * @param sessionKey the user's session_key
     * @param body the bytes to sign (a JSON body as its UTF-8 bytes)
     * @return 64 lowercase hex digits
     * @throws InputException the session_key is not the 24-character base64 string
     * @throws NullPointerException an argument is null
     */
    public static String sessionSignature(String sessionKey, byte[] body) {
        Args.notNull(sessionKey, "sessionKey");
        Args.notNull(body, "body");
        byte[] out = new byte[Native.SIGNATURE_LEN];
        Native.sessionSignature(sessionKey, body, out);
        return Native.signature(out, 0);
    }

    /**
     * The {@code signature} of {@code GET /wxa/checksession} (the login state signature
     * of an empty body): whether a stored session_key is still the current one.
     *
     * @param sessionKey the user's session_key
     * @return 64 lowercase hex digits
     * @throws InputException the session_key is not the 24-character base64 string
     * @throws NullPointerException {@code sessionKey} is null
     */
    public static String sessionSignature(String sessionKey) {
        return sessionSignature(sessionKey, EMPTY);
    }

    /**
     * Which known mistake reproduces a signature WeChat rejected ({@code -12020 invalid
     * signature}): unsorted values, comma joins, a millisecond timestamp, a base64-decoded
     * or whitespace-padded key, key and message swapped, plain SHA-256, upper-case hex, a
     * base64 digest, an older session_key, or a combination. A full search takes well
     * under a millisecond per key: for an error path, not every request.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nonceStr the nonce that was signed
     * @param timeStamp the time that was signed: seconds, or 13-digit milliseconds (a finding)
     * @param sessionKey the user's current session_key
     * @param rejectedSignature the signature WeChat refused, in any form (a finding)
     * @param otherSessionKeys older session_keys of the same user, tried for {@code STALE_SESSION_KEY}
     * @return the diagnosis
     * @throws InputException a value breaks a rule of {@link #sign}; an older key is
     *     named by its index ({@code otherSessionKeys[1]: …})
     * @throws NullPointerException an argument or a key is null
     */
    public static Diagnosis diagnose(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey, String rejectedSignature, List<String> otherSessionKeys) {
        Args.notNull(appId, "appId");
        Args.notNull(groupId, "groupId");
        Args.notNull(nonceStr, "nonceStr");
        Args.notNull(sessionKey, "sessionKey");
        Args.notNull(rejectedSignature, "rejectedSignature");
        String[] others = Args.strings(otherSessionKeys, "otherSessionKeys");
        return diagnosis(Native.diagnose(appId, groupId, nonceStr, timeStamp, sessionKey,
                rejectedSignature, others));
    }

    /**
     * {@link #diagnose(String, String, String, long, String, String, List)} without older keys.
     *
     * @param appId the mini program's appId
     * @param groupId the room
     * @param nonceStr the nonce that was signed
     * @param timeStamp the time that was signed
     * @param sessionKey the user's current session_key
     * @param rejectedSignature the signature WeChat refused
     * @return the diagnosis
     * @throws InputException a value breaks a rule of {@link #sign}
     * @throws NullPointerException an argument is null
     */
    public static Diagnosis diagnose(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey, String rejectedSignature) {
        return diagnose(appId, groupId, nonceStr, timeStamp, sessionKey, rejectedSignature,
                Arrays.asList(NO_KEYS));
    }

    /**
     * What a {@code wx.joinVoIPChat} failure means and what to do, from the {@code errCode}
     * and {@code errMsg} of its {@code fail} callback. Codes written inside errMsg count
     * too (WeChat wraps {@code -12020} in {@code -1000} or {@code -10088}). Nothing is
     * refused: errMsg is no secret and only its digits and words count.
     *
     * @param errCode the {@code errCode}
     * @param errMsg the {@code errMsg} ({@code null} is empty)
     * @return the explanation
     */
    public static Explanation explain(long errCode, String errMsg) {
        String[] f = Native.explain(errCode, errMsg == null ? "" : errMsg);
        return new Explanation(Explanation.Cause.valueOf(f[0]), f[1], f[2]);
    }

    /**
     * {@link #explain(long, String)} refined by what the backend knows about the caller: the
     * room of the failed join, whether a later login replaced the session_key or the backend's
     * own ticket still verifies, the caller's seat here or in another room, the room's seats,
     * today's openings. It names the causes only that context tells apart: {@code
     * SESSION_KEY_REPLACED}, {@code SEATED_ELSEWHERE}, a {@code ROOM_FULL} the ledger did not
     * count (a ghost), a {@code DAILY_ROOM_LIMIT} reached outside the ledger.
     *
     * <pre>{@code
     * VoipSign.explain(-1, "", ExplainContext.builder()
     *         .groupId("room-2").seatedElsewhere("room-1").build()).getCause(); // SEATED_ELSEWHERE
     * }</pre>
     *
     * @param errCode the {@code errCode} the mini program received
     * @param errMsg the {@code errMsg} ({@code null} is empty)
     * @param context what the backend knows ({@code null}: nothing)
     * @return the explanation
     * @throws InputException {@code INVALID_CONTEXT} when the core refuses a field (a negative
     *     count, a groupId it would not accept), naming it
     */
    public static Explanation explain(long errCode, String errMsg, ExplainContext context) {
        String json = context == null ? "" : Options.json(context.toMap());
        String[] f = Native.explainWith(errCode, errMsg == null ? "" : errMsg, json);
        return new Explanation(Explanation.Cause.valueOf(f[0]), f[1], f[2]);
    }

    /**
     * The version of the native core.
     *
     * @return e.g. {@code "0.1.0"}
     */
    public static String version() {
        return Native.version();
    }

    /**
     * Where the native library was loaded from (loading it if needed).
     *
     * @return a file path, or {@code "java.library.path"}
     */
    public static String nativeLibrary() {
        Native.version();
        return NativeLoader.loadedFrom();
    }

    /** From the native library's {verdict, message, expected, canonical, mistake…}. */
    private static Diagnosis diagnosis(String[] f) {
        List<Diagnosis.Mistake> mistakes = new ArrayList<>();
        for (int i = 4; i < f.length; i++) {
            mistakes.add(Diagnosis.Mistake.valueOf(f[i]));
        }
        return new Diagnosis(Diagnosis.Verdict.valueOf(f[0]), mistakes, f[1], f[2], f[3]);
    }
}
