//! The exceptions: `voipsign.errors` (generated from core's contract by
//! `make gen`) holds the classes and two tables, this module raises them. A
//! [`voipsign::Error`] becomes the class of its code (`ERROR_CLASSES`), or, for a
//! code without one, the base of its kind (`KIND_BASES`, by
//! [`ErrorCode::kind`]); a panic becomes `voipsign.InternalError`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use voipsign::ErrorCode;

static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
static KINDS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// The class of `code`, or its kind's base.
fn class(py: Python<'_>, code: ErrorCode) -> PyResult<Bound<'_, PyType>> {
    let classes = CLASSES.import(py, "voipsign.errors", "ERROR_CLASSES")?;
    let found = match classes.get_item(code.name())? {
        Some(class) => class,
        None => KINDS
            .import(py, "voipsign.errors", "KIND_BASES")?
            .as_any()
            .get_item(code.kind().as_str())?,
    };
    Ok(found.cast_into()?)
}

/// The exception of `voipsign.errors` for a core error, with the core's message
/// (which never holds a session_key: the core guarantees it) and its code name.
pub fn to_py_err(e: voipsign::Error) -> PyErr {
    Python::attach(|py| match class(py, e.code()) {
        Ok(class) => PyErr::from_type(class, (e.message().to_owned(), e.code().name())),
        Err(err) => err,
    })
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
        Err(_) => Err(to_py_err(voipsign::Error::new(
            ErrorCode::Internal,
            ErrorCode::Internal.description(),
        ))),
    }
}

/// Test hook (cargo feature `test-panic` only, never in a release wheel): panics
/// inside the guard, which must raise `voipsign.InternalError`.
#[cfg(feature = "test-panic")]
#[pyfunction]
pub fn _panic_for_tests() -> PyResult<()> {
    guarded(|| panic!("deliberate panic from voipsign._native._panic_for_tests"))
}

/// Test hook (cargo feature `test-panic` only): raises what core's error of the
/// code named `code` becomes (a C-only code has no class: its kind's base).
#[cfg(feature = "test-panic")]
#[pyfunction]
pub fn _error_for_tests(code: &str) -> PyResult<()> {
    let code = ErrorCode::from_name(code).unwrap_or(ErrorCode::Internal);
    Err(to_py_err(voipsign::Error::new(code, "from _error_for_tests")))
}
