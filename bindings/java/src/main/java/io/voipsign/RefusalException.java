package io.voipsign;

/**
 * The room ledger refused ({@link Code.Kind#REFUSAL}: a full room, the day's limit, no live
 * seat): not a bad argument, so that a {@code catch (IllegalArgumentException e)} around input
 * handling never swallows it. Tell the user before WeChat is asked.
 */
public class RefusalException extends VoipSignException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal with this code and message.
     *
     * @param code a code of kind {@link Code.Kind#REFUSAL}
     * @param message what was refused
     */
    public RefusalException(Code code, String message) {
        super(code, message);
    }

    /** Thrown by the native library. */
    RefusalException(String codeName, String message) {
        super(codeName, message);
    }
}
