//! The panic boundary and the error policy of every native method.
//!
//! Each entry runs its body in [`jni::EnvUnowned::with_env`], which catches
//! panics, and resolves the outcome with [`ThrowVoipSign`]: a core error becomes
//! the exception class of its code's kind (`ErrorCode::kind`: input →
//! `InputException`, refusal → `RefusalException`, outage → `OutageException`,
//! internal → `VoipSignException`) with the core's code name and message (which
//! never hold a session_key: the core guarantees it); a panic becomes a
//! `VoipSignException` of the internal code. The C ABI's own codes (scope `c`:
//! not Java codes) are thrown as the internal code. Nothing here calls
//! `fatal_error` or lets a panic unwind into the JVM.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use jni::errors::{Error as JniError, ErrorPolicy};
use jni::objects::{JThrowable, JValue};
use jni::{jni_sig, jni_str, Env};
use voipsign::contract::{Kind, Scope};
use voipsign::ErrorCode;

/// Why a native method did not return a value.
#[derive(Debug)]
pub enum Failure {
    /// The core refused an input or a state (a full room, …); also the errors of
    /// reading an argument (a lone surrogate) and a closed ledger.
    Core(voipsign::Error),
    /// A JNI call failed; when it left a Java exception pending, that exception
    /// is what the caller sees.
    Jni(JniError),
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
            Failure::Core(e) => throw(env, e.code(), e.message())?,
            // An OutOfMemoryError (or another exception) a JNI call left pending.
            Failure::Jni(_) if env.exception_check() => {}
            Failure::Jni(e) => throw(env, ErrorCode::Internal, &format!("a JNI call failed: {e}"))?,
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
        // payload is not quoted: the internal code carries the core's fixed description.
        if env.exception_check() {
            env.exception_clear();
        }
        let code = ErrorCode::Internal;
        throw(env, code, code.description())?;
        Ok(T::default())
    }
}

/// Throw `new <class of the code's kind>(codeName, message)`.
fn throw(env: &mut Env<'_>, code: ErrorCode, message: &str) -> jni::errors::Result<()> {
    let code = match code.describe().scope {
        Scope::C => ErrorCode::Internal,
        _ => code,
    };
    let class = match code.kind() {
        Kind::Input => jni_str!("io/voipsign/InputException"),
        Kind::Refusal => jni_str!("io/voipsign/RefusalException"),
        Kind::Outage => jni_str!("io/voipsign/OutageException"),
        Kind::Internal => jni_str!("io/voipsign/VoipSignException"),
    };
    let name = env.new_string(code.name())?;
    let message = env.new_string(message)?;
    let exception = env.new_object(
        class,
        jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
        &[JValue::Object(&name), JValue::Object(&message)],
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
