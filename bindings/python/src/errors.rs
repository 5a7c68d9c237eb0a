//! The exceptions: `voipsign.errors` (Python) holds the classes, this module
//! raises them. A [`voipsign::Error`] becomes the subclass of its code; a panic
//! becomes `voipsign.InternalError`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use voipsign::ErrorCode;

pyo3::import_exception!(voipsign.errors, VoipSignError);
pyo3::import_exception!(voipsign.errors, InvalidAppId);
pyo3::import_exception!(voipsign.errors, InvalidGroupId);
pyo3::import_exception!(voipsign.errors, InvalidNonce);
pyo3::import_exception!(voipsign.errors, InvalidTimestamp);
pyo3::import_exception!(voipsign.errors, InvalidSessionKey);
pyo3::import_exception!(voipsign.errors, InvalidSignature);
pyo3::import_exception!(voipsign.errors, InvalidRoomType);
pyo3::import_exception!(voipsign.errors, InvalidUtf8);
pyo3::import_exception!(voipsign.errors, RngFailure);
pyo3::import_exception!(voipsign.errors, InternalError);
pyo3::import_exception!(voipsign.errors, RoomFull);
pyo3::import_exception!(voipsign.errors, DailyRoomLimit);
pyo3::import_exception!(voipsign.errors, NotAdmitted);
pyo3::import_exception!(voipsign.errors, InvalidMemberId);
pyo3::import_exception!(voipsign.errors, InvalidRules);
pyo3::import_exception!(voipsign.errors, LedgerUnavailable);
pyo3::import_exception!(voipsign.errors, InvalidRedisUrl);

/// The exception of `voipsign.errors` for a core error, with the core's message
/// (which never holds a session_key: the core guarantees it).
pub fn to_py_err(e: voipsign::Error) -> PyErr {
    let msg = e.message().to_owned();
    match e.code() {
        ErrorCode::InvalidAppId => InvalidAppId::new_err(msg),
        ErrorCode::InvalidGroupId => InvalidGroupId::new_err(msg),
        ErrorCode::InvalidNonce => InvalidNonce::new_err(msg),
        ErrorCode::InvalidTimestamp => InvalidTimestamp::new_err(msg),
        ErrorCode::InvalidSessionKey => InvalidSessionKey::new_err(msg),
        ErrorCode::InvalidSignature => InvalidSignature::new_err(msg),
        ErrorCode::InvalidRoomType => InvalidRoomType::new_err(msg),
        ErrorCode::InvalidUtf8 => InvalidUtf8::new_err(msg),
        ErrorCode::RngFailure => RngFailure::new_err(msg),
        ErrorCode::Internal => InternalError::new_err(msg),
        ErrorCode::RoomFull => RoomFull::new_err(msg),
        ErrorCode::DailyRoomLimit => DailyRoomLimit::new_err(msg),
        ErrorCode::NotAdmitted => NotAdmitted::new_err(msg),
        ErrorCode::InvalidMemberId => InvalidMemberId::new_err(msg),
        ErrorCode::InvalidRules => InvalidRules::new_err(msg),
        ErrorCode::LedgerUnavailable => LedgerUnavailable::new_err(msg),
        // The core's message names what is wrong, never the URL (a password).
        ErrorCode::InvalidRedisUrl => InvalidRedisUrl::new_err(msg),
        // C-ABI-only codes and codes added to the core later: the base class,
        // carrying the code name.
        other => VoipSignError::new_err((msg, other.name())),
    }
}

/// `INVALID_UTF8` for a `str` argument holding a lone surrogate (no UTF-8 form).
/// `field` names the parameter as the core's messages do (`groupId`,
/// `sessionKeys[2]`); the value is never repeated (it may be a session_key).
pub fn invalid_utf8(field: &str) -> PyErr {
    to_py_err(voipsign::Error::new(
        ErrorCode::InvalidUtf8,
        format!("{field} contains a lone surrogate, which has no UTF-8 form"),
    ))
}

/// Run a call into the core, turning a panic (a bug) into
/// `voipsign.InternalError` instead of PyO3's `PanicException`, which derives
/// from `BaseException` and escapes `except Exception`.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, voipsign::Error>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(to_py_err),
        Err(_) => Err(InternalError::new_err(ErrorCode::Internal.description())),
    }
}

/// Test hook (cargo feature `test-panic` only, never in a release wheel): panics
/// inside the guard, which must raise `voipsign.InternalError`.
#[cfg(feature = "test-panic")]
#[pyfunction]
pub fn _panic_for_tests() -> PyResult<()> {
    guarded(|| panic!("deliberate panic from voipsign._native._panic_for_tests"))
}
