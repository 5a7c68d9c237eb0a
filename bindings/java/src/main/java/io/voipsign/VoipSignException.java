package io.voipsign;

/**
 * The root of voipsign's own exceptions: thrown as such for an internal failure
 * ({@link Code.Kind#INTERNAL}), and the base of {@link RefusalException}. Unchecked, like
 * WxJava's {@code WxRuntimeException}. A bad argument is an {@link InputException} and an
 * unreachable store an {@link OutageException}: see {@link VoipSignError}.
 */
public class VoipSignException extends RuntimeException implements VoipSignError {
    private static final long serialVersionUID = 2L;

    private final Code code;
    private final String codeName;

    /**
     * An exception with this code (of kind {@link Code.Kind#INTERNAL}) and message.
     *
     * @param code the code
     * @param message what happened; never put a session_key in it
     */
    public VoipSignException(Code code, String message) {
        this(Args.notNull(code, "code").name(), message);
    }

    /** Thrown by the native library with the core's code name and message. */
    VoipSignException(String codeName, String message) {
        super(message);
        this.code = known(codeName);
        this.codeName = codeName;
    }

    /** The code of a name, {@link Code#INTERNAL} for one this version does not know. */
    static Code known(String codeName) {
        Code c = Code.fromName(codeName);
        return c == null ? Code.INTERNAL : c;
    }

    @Override
    public Code code() {
        return code;
    }

    @Override
    public String codeName() {
        return codeName;
    }

    /** {@code io.voipsign.VoipSignException[INTERNAL]: message}. */
    @Override
    public String toString() {
        return getClass().getName() + "[" + codeName + "]: " + getMessage();
    }
}
