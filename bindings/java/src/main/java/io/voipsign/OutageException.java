package io.voipsign;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The ledger's store cannot be reached ({@link Code.Kind#OUTAGE}, with
 * {@code onUnavailable = refuse} or an operation that has no degraded answer): an
 * {@link UncheckedIOException} whose cause is an {@link IOException} with the same message.
 * The same ledger works again once the store is back.
 */
public class OutageException extends UncheckedIOException implements VoipSignError {
    private static final long serialVersionUID = 1L;

    private final Code code;
    private final String codeName;

    /**
     * An exception with this code and message.
     *
     * @param code a code of kind {@link Code.Kind#OUTAGE}
     * @param message what failed, where (never a password)
     */
    public OutageException(Code code, String message) {
        this(Args.notNull(code, "code").name(), message);
    }

    /** Thrown by the native library with the core's code name and message. */
    OutageException(String codeName, String message) {
        super(message, new IOException(message));
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

    /** {@code io.voipsign.OutageException[LEDGER_UNAVAILABLE]: message}. */
    @Override
    public String toString() {
        return getClass().getName() + "[" + codeName + "]: " + getMessage();
    }
}
