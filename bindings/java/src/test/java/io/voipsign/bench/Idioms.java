package io.voipsign.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature as Java backends write it by hand today, what {@code VoipSign.sign}
 * is measured against (IdiomsTest checks both reproduce the documentation's example).
 */
public final class Idioms {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(Idioms::newMac);

    private Idioms() {}

    /**
     * The WxJava way (its {@code SignUtils.createHmacSha256Sign}): sort, join, then a new
     * {@code Mac} and {@code SecretKeySpec} per call, hex with a lookup table
     * (commons-codec's {@code Hex.encodeHexString}).
     */
    public static String perCall(String appId, String groupId, String nonceStr, long timeStamp, String sessionKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return hex(mac.doFinal(message(appId, groupId, nonceStr, timeStamp)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tuned idiom: the {@code Mac} cached per thread ({@code Mac.getInstance} is the
     * costly part); the key still differs per user, so {@code init} runs per call.
     */
    public static String threadLocalMac(String appId, String groupId, String nonceStr, long timeStamp,
            String sessionKey) {
        try {
            Mac mac = MAC.get();
            mac.init(new SecretKeySpec(sessionKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return hex(mac.doFinal(message(appId, groupId, nonceStr, timeStamp)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** [appId, groupId, nonceStr, timeStamp] sorted (String order: UTF-16 code units) and joined. */
    private static byte[] message(String appId, String groupId, String nonceStr, long timeStamp) {
        String[] values = {appId, groupId, nonceStr, String.valueOf(timeStamp)};
        Arrays.sort(values);
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            sb.append(v);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] digest) {
        char[] out = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }
}
