//! Java binding of voipsign: `libvoipsign_jni.so`, the native half of the
//! `io.voipsign` package (jni 0.22, over the core directly: no C ABI between).
//!
//! The binding only translates: Java strings (read as UTF-16, [`text`]) into the
//! core's inputs, one call to `voipsign::request` per function ([`functions`]) or
//! to the room ledger per method ([`ledger`]), and the results into Java strings
//! and arrays that the Java classes wrap. Which value is valid, and which error
//! wins when several are bad, is decided by the core alone (docs/CONTRACT.md).
//!
//! Every exported function runs its body inside `EnvUnowned::with_env` (which
//! catches panics) and resolves it with [`errors::ThrowVoipSign`]: a core error is
//! thrown as the exception class of its code's kind (`io.voipsign.InputException`,
//! `RefusalException`, `OutageException`, `VoipSignException`) with the core's code
//! and message, a panic as a `VoipSignException` with code `INTERNAL`. The JVM
//! never aborts.

mod errors;
mod functions;
mod ledger;
#[cfg(feature = "test-panic")]
mod testing;
mod text;
