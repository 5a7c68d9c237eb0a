package io.voipsign;

/**
 * A value voipsign refuses ({@link Code.Kind#INPUT}): an {@link IllegalArgumentException}.
 * The message names the field and the reason, e.g. {@code timeStamp 1559129714000 looks like
 * milliseconds; pass seconds (1559129714)}; it never contains a session_key or any part of it.
 */
public class InputException extends IllegalArgumentException implements VoipSignError {
    private static final long serialVersionUID = 1L;

    private final Code code;
    private final String codeName;

    /**
     * An exception with this code and message.
     *
     * @param code a code of kind {@link Code.Kind#INPUT}
     * @param message which field and why
     */
    public InputException(Code code, String message) {
        this(Args.notNull(code, "code").name(), message);
    }

    /** Thrown by the native library with the core's code name and message. */
    InputException(String codeName, String message) {
        super(message);
        this.code = VoipSignException.known(codeName);
        this.codeName = codeName;
    }

    @Override
    public Code code() {
        return code;
    }

    @Override
    public String codeName() {
        return codeName;
    }

    /** {@code io.voipsign.InputException[INVALID_NONCE]: message}. */
    @Override
    public String toString() {
        return getClass().getName() + "[" + codeName + "]: " + getMessage();
    }
}
