package io.voipsign;

/**
 * Every exception of voipsign, whatever its family: {@link InputException} (an
 * {@link IllegalArgumentException}), {@link RefusalException}, {@link OutageException} (an
 * {@link java.io.UncheckedIOException}) and {@link VoipSignException} itself. A Java class has
 * one superclass, and the three families already have theirs, so what they share is this
 * interface (and {@link RuntimeException}): catch the family you handle, or catch
 * {@code RuntimeException} and test {@code instanceof VoipSignError}. {@link Code} lists
 * which code each family carries. Messages never contain a session_key or a password.
 */
public interface VoipSignError {
    /**
     * The code: which rule was broken.
     *
     * @return the code ({@link Code#INTERNAL} when the native library named a code this
     *     version does not know; {@link #codeName()} has that name)
     */
    Code code();

    /**
     * The code's name as the native library gave it, e.g. {@code "INVALID_NONCE"}.
     *
     * @return the name (that of {@link #code()} unless the library is newer than the jar)
     */
    String codeName();

    /**
     * Which field and why, or what failed ({@link Throwable#getMessage()}).
     *
     * @return the message
     */
    String getMessage();
}
