/**
 * The {@code signature} of WeChat's {@code wx.joinVoIPChat}, computed by the voipsign
 * Rust core through JNI, and the room ledger that refuses a full room or a used-up
 * daily quota before WeChat does.
 *
 * <ul>
 *   <li>{@link io.voipsign.VoipSign}: {@code sign}, {@code verify}, {@code canonical},
 *       {@code issue} (a {@link io.voipsign.JoinTicket} for the mini program),
 *       {@code signMany}, {@code sessionSignature}, {@code diagnose}, {@code explain};</li>
 *   <li>{@link io.voipsign.Ledger}: WeChat's room rules (10 seats, 100,000 rooms a
 *       day) over an in-process store, configured by {@link io.voipsign.Rules};</li>
 *   <li>{@link io.voipsign.VoipSignError}: every exception, with a
 *       {@link io.voipsign.Code} shared with every other language of voipsign: a bad
 *       argument is an {@link io.voipsign.InputException} (an
 *       {@code IllegalArgumentException}), a refusal of the ledger a
 *       {@link io.voipsign.RefusalException}, an unreachable store an
 *       {@link io.voipsign.OutageException} (an {@code UncheckedIOException}).
 *       Messages never contain the session_key.</li>
 * </ul>
 *
 * <p>Every class is immutable or thread-safe. The native library
 * ({@code libvoipsign_jni.so}) ships inside the jar and is loaded on first use; see
 * {@link io.voipsign.VoipSign#nativeLibrary()}.
 */
package io.voipsign;
