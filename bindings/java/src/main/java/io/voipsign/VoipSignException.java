package io.voipsign;

/**
 * A value voipsign refuses, or a state the room ledger refuses in. Unchecked, like
 * WxJava's {@code WxRuntimeException}: catch it where a request is answered and map
 * {@link #getCode()} to a response.
 *
 * <p>The message names the field and the reason, e.g. {@code timeStamp 1559129714000
 * looks like milliseconds; pass seconds (1559129714)}; it never contains the
 * session_key or any part of it.
 */
public class VoipSignException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The stable error codes of voipsign: the same names in every language, the same
     * numbers as the C ABI's {@code voipsign_status}.
     */
    public enum Code {
        /** appId is not 1–64 bytes of printable ASCII. */
        INVALID_APP_ID(1),
        /** groupId is not 1–1024 bytes of UTF-8 without control characters. */
        INVALID_GROUP_ID(2),
        /** nonceStr is not 1–127 characters of printable ASCII. */
        INVALID_NONCE(3),
        /** timeStamp is not whole seconds in 1..9999999999 (13 digits: milliseconds). */
        INVALID_TIMESTAMP(4),
        /** The session_key is not the 24-character base64 string code2Session returns. */
        INVALID_SESSION_KEY(5),
        /** A signature to verify is not 64 hex digits. */
        INVALID_SIGNATURE(6),
        /** A required argument was missing (C and the native methods; Java throws NullPointerException). */
        NULL_ARGUMENT(7),
        /** A string holds a lone surrogate, which has no UTF-8 form. */
        INVALID_UTF8(8),
        /** An output buffer was too small (C only). */
        BUFFER_TOO_SMALL(9),
        /** The operating system's random number generator failed. */
        RNG_FAILURE(10),
        /** A panic was caught in the native library: a bug, never expected. */
        INTERNAL(11),
        /** roomType is neither {@code "voice"} nor {@code "video"}. */
        INVALID_ROOM_TYPE(12),
        /** The room ledger: every seat of the room is taken by other members. */
        ROOM_FULL(13),
        /** The room ledger: opening the room would exceed today's room limit. */
        DAILY_ROOM_LIMIT(14),
        /** The room ledger: the member holds no live seat (admit it again). */
        NOT_ADMITTED(15),
        /** A member id (openid) is not 1–128 bytes of printable ASCII. */
        INVALID_MEMBER_ID(16),
        /** The room ledger's rules are out of range. */
        INVALID_RULES(17),
        /** The room ledger's store cannot be reached (with {@code onUnavailable = refuse}). */
        LEDGER_UNAVAILABLE(18),
        /** A Redis URL the ledger cannot use. */
        INVALID_REDIS_URL(19);

        private final int number;

        Code(int number) {
            this.number = number;
        }

        /**
         * The stable number of the code (C's {@code voipsign_status}; 0 is OK there).
         *
         * @return 1 for {@link #INVALID_APP_ID}, 2 for {@link #INVALID_GROUP_ID}, …
         */
        public int number() {
            return number;
        }

        /**
         * The code of a name, or {@link #INTERNAL} for a name this version does not
         * know (a native library newer than the jar).
         */
        static Code fromName(String name) {
            for (Code c : values()) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return INTERNAL;
        }
    }

    private final Code code;
    private final String codeName;

    /**
     * An exception with this code and message. Never put a session_key in {@code message}.
     *
     * @param code the code
     * @param message which field and why
     */
    public VoipSignException(Code code, String message) {
        super(message);
        if (code == null) {
            throw new NullPointerException("code is null");
        }
        this.code = code;
        this.codeName = code.name();
    }

    /** Thrown by the native library with the core's code name and message. */
    VoipSignException(String codeName, String message) {
        super(message);
        this.code = Code.fromName(codeName);
        this.codeName = codeName;
    }

    /**
     * The code: which rule was broken.
     *
     * @return the code ({@link Code#INTERNAL} when the native library named a code
     *     this version does not know; {@link #getCodeName()} has that name)
     */
    public Code getCode() {
        return code;
    }

    /**
     * The code's name as the native library gave it, e.g. {@code "INVALID_NONCE"}.
     *
     * @return the name (the same as {@code getCode().name()} unless the library is newer than the jar)
     */
    public String getCodeName() {
        return codeName;
    }

    /** {@code io.voipsign.VoipSignException[INVALID_NONCE]: message}. */
    @Override
    public String toString() {
        return getClass().getName() + "[" + codeName + "]: " + getMessage();
    }
}
