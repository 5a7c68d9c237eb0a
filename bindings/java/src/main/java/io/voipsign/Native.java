package io.voipsign;

import java.nio.charset.StandardCharsets;

/**
 * The native methods of {@code libvoipsign_jni.so} (src/main/rust). Callers refuse
 * nulls first; the library reads every string as UTF-16 and lets the core check
 * every value. Results come back as strings, {@code long[]} and {@code String[]}
 * that the public classes wrap; signatures as ASCII bytes written into a
 * {@code byte[]} the caller allocated ({@link #signature(byte[], int)}), which is
 * cheaper than a JNI {@code NewStringUTF}.
 */
final class Native {
    static {
        NativeLoader.load();
    }

    private Native() {}

    /** The length of a signature: 64 hex digits. */
    static final int SIGNATURE_LEN = 64;

    /** The {@code index}-th signature written into {@code out}. */
    static String signature(byte[] out, int index) {
        return new String(out, index * SIGNATURE_LEN, SIGNATURE_LEN, StandardCharsets.ISO_8859_1);
    }

    static native String version();

    static native String[] errorCodes();

    /** The signature's 64 hex digits into {@code out}. */
    static native void sign(String appId, String groupId, String nonceStr, long timeStamp, String sessionKey,
            byte[] out);

    static native boolean verify(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey, String signature);

    static native String canonical(String appId, String groupId, String nonceStr, long timeStamp);

    /** The signatures, 64 bytes each, into {@code out}. */
    static native void signMany(String appId, String groupId, String nonceStr, long timeStamp,
            String[] sessionKeys, byte[] out);

    /** The signature's 64 hex digits into {@code out}. */
    static native void sessionSignature(String sessionKey, byte[] body, byte[] out);

    /** {groupId, nonceStr, timeStamp, signature, roomType, json}; roomType null = voice. */
    static native String[] issue(String appId, String groupId, String sessionKey, String roomType);

    /** {verdict, message, expected, canonical, mistake...}. */
    static native String[] diagnose(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey, String rejectedSignature, String[] otherSessionKeys);

    /** {cause, meaning, action}. */
    static native String[] explain(long errCode, String errMsg);

    static native String[] explainWith(long errCode, String errMsg, String contextJson);

    /** A memory ledger (url null) or a Redis one; options: a JSON object, names camelCase. */
    static native long ledgerOpen(String url, String options);

    /** The url as it may be shown: credentials as {@code ***}, no query ({@code ?} when malformed). */
    static native String redactedUrl(String url);

    static native void ledgerClose(long handle);

    /** The rules in force: name, value, name, value, … (numbers in decimal). */
    static native String[] ledgerRules(long handle);

    /** out: the fields of {@link Admission} in order (booleans as 0/1). */
    static native void ledgerAdmit(long handle, String appId, String groupId, String memberId,
            boolean hasNow, long nowMs, long[] out);

    static native String[] ledgerAdmitAndIssue(long handle, String appId, String groupId, String memberId,
            String sessionKey, String roomType, boolean hasNow, long nowMs, long[] out);

    static native long ledgerHeartbeat(long handle, String appId, String groupId, String memberId,
            boolean hasNow, long nowMs);

    static native boolean ledgerLeave(long handle, String appId, String groupId, String memberId,
            boolean hasNow, long nowMs);

    /** {long[] {generation, live, since, expires, …}, String[] memberIds}. */
    static native Object[] ledgerSync(long handle, String appId, String groupId, String[] openIds,
            boolean hasNow, long nowMs);

    static native Object[] ledgerRoom(long handle, String appId, String groupId, boolean hasNow, long nowMs);

    /** out: the 16 fields of {@link Usage} in order (an unknown live count: -1). */
    static native void ledgerUsage(long handle, String appId, boolean hasDay, long day,
            boolean hasNow, long nowMs, long[] out);

    /** {long[] {hasNext, seats, capacity, generation, openedAt, …}, String[] {groupId, …, next}}. */
    static native Object[] ledgerRooms(long handle, String appId, int limit, boolean hasAfter, String after,
            boolean hasNow, long nowMs);
}
