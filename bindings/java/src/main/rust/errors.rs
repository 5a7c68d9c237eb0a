//! The panic boundary and the error policy of every native method.
//!
//! Each entry runs its body in [`jni::EnvUnowned::with_env`], which catches
//! panics, and resolves the outcome with [`ThrowVoipSign`]: a core error becomes
//! `io.voipsign.VoipSignException` with the core's code name and message (which
//! never hold a session_key: the core guarantees it), a panic becomes the same
//! exception with code `INTERNAL`, and a use of a closed ledger an
//! `IllegalStateException`. Nothing here calls `fatal_error` or lets a panic
//! unwind into the JVM.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use jni::errors::{Error as JniError, ErrorPolicy};
use jni::objects::{JThrowable, JValue};
use jni::{jni_sig, jni_str, Env};
use voipsign::ErrorCode;

/// Why a native method did not return a value.
#[derive(Debug)]
pub enum Failure {
    /// The core refused an input or a state (`ROOM_FULL`, …); also the errors of
    /// reading an argument (`INVALID_UTF8`, `NULL_ARGUMENT`).
    Core(voipsign::Error),
    /// A JNI call failed; when it left a Java exception pending, that exception
    /// is what the caller sees.
    Jni(JniError),
    /// The `Ledger` handle was closed (`IllegalStateException`).
    Closed,
}

impl From<JniError> for Failure {
    fn from(e: JniError) -> Failure {
        Failure::Jni(e)
    }
}

impl From<voipsign::Error> for Failure {
    fn from(e: voipsign::Error) -> Failure {
        Failure::Core(e)
    }
}

/// The result of a native method's body.
pub type Result<T> = std::result::Result<T, Failure>;

/// The error policy of every entry (see the module documentation).
#[derive(Debug)]
pub struct ThrowVoipSign;

impl<T: Default> ErrorPolicy<T, Failure> for ThrowVoipSign {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        err: Failure,
    ) -> jni::errors::Result<T> {
        match err {
            Failure::Core(e) => throw(env, e.code().name(), e.message())?,
            // An OutOfMemoryError (or another exception) a JNI call left pending.
            Failure::Jni(_) if env.exception_check() => {}
            Failure::Jni(e) => throw(
                env,
                ErrorCode::Internal.name(),
                &format!("a JNI call failed: {e}"),
            )?,
            Failure::Closed => thrown(env.throw_new(
                jni_str!("java/lang/IllegalStateException"),
                jni_str!("this Ledger is closed"),
            ))?,
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        // Dropping a payload may itself panic: then it is leaked, not unwound.
        if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
            std::mem::forget(again);
        }
        // The panic replaces whatever a JNI call may have left pending. The
        // payload is not quoted: INTERNAL carries the core's fixed description.
        if env.exception_check() {
            env.exception_clear();
        }
        let code = ErrorCode::Internal;
        throw(env, code.name(), code.description())?;
        Ok(T::default())
    }
}

/// Throw `new VoipSignException(code, message)`.
fn throw(env: &mut Env<'_>, code: &str, message: &str) -> jni::errors::Result<()> {
    let code = env.new_string(code)?;
    let message = env.new_string(message)?;
    let exception = env.new_object(
        jni_str!("io/voipsign/VoipSignException"),
        jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
        &[JValue::Object(&code), JValue::Object(&message)],
    )?;
    let exception = env.cast_local::<JThrowable>(exception)?;
    thrown(env.throw(exception))
}

/// `Env::throw*` report a successful throw as `Err(JavaException)`.
fn thrown(result: jni::errors::Result<()>) -> jni::errors::Result<()> {
    match result {
        Err(JniError::JavaException) => Ok(()),
        other => other,
    }
}
