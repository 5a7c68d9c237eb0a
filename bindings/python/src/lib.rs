//! Python binding of voipsign (`import voipsign`), built by maturin into an abi3
//! wheel for CPython >= 3.8.
//!
//! The binding only translates: Python arguments into the core's types, the
//! core's results into Python objects and its [`voipsign::Error`]s into the
//! exceptions of `voipsign.errors`. Sorting, validation and HMAC all happen in the
//! `voipsign` crate. The only checks made here are Python *type* checks (a `str`
//! where a `str` is expected, an `int` timestamp that is not a `bool`), which
//! raise `TypeError`.
//!
//! Every entry point runs the core inside `catch_unwind`: a panic (a bug) becomes
//! `voipsign.InternalError`, never `pyo3_runtime.PanicException`.
//!
//! Every `unsafe` block says why it is sound (`// SAFETY:`), every unsafe fn
//! what its caller must uphold (`# Safety`); the lints below enforce both (run
//! `make clippy`).
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use voipsign::{ErrorCode, Params, RoomType, SessionKey};

mod fastcall;

use fastcall::fastcall_fn;

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

// ---------------------------------------------------------------------------
// Errors and panics
// ---------------------------------------------------------------------------

/// The exception of `voipsign.errors` for a core error (its message never holds
/// the session_key: the core guarantees it).
fn error(e: voipsign::Error) -> PyErr {
    error_with(e.code(), e.message().to_owned())
}

/// The exception of `voipsign.errors` for `code`, with message `msg`.
fn error_with(code: ErrorCode, msg: String) -> PyErr {
    match code {
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
        // C-ABI-only codes and codes added to the core later: the base class,
        // carrying the code name.
        other => VoipSignError::new_err((msg, other.name())),
    }
}

/// Run `f`, turning a panic into `voipsign.InternalError`.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(InternalError::new_err(ErrorCode::Internal.description())))
}

/// sign_many releases the GIL from this many keys on (about 15 µs of work).
///
/// Releasing and re-taking the GIL costs little by itself, but a thread that
/// released it must then queue to take it back behind the threads running
/// Python. Measured (README, "Threads and the GIL"): releasing it never made a
/// room of 10 keys (~2.5 µs) faster and, beside a busy Python thread, once made
/// it about 100 times slower; for 1,000 keys it was faster.
const DETACH_MIN_KEYS: usize = 64;

/// session_signature releases the GIL for bodies from this size on (~40 µs of
/// HMAC); a `checksession` call (empty body) or a small JSON body keeps it.
const DETACH_MIN_BODY: usize = 64 * 1024;

/// Run `f`, with the GIL released when `detach` (the work is long enough for
/// other threads to gain from it).
fn run<T: Send>(py: Python<'_>, detach: bool, f: impl FnOnce() -> T + Send) -> T {
    if detach {
        py.detach(f)
    } else {
        f()
    }
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// The UTF-8 text of a `str` argument, borrowed from the Python object.
///
/// Derefs to `str`; `Send`, so the core can run on it with the GIL released.
enum Text<'a> {
    /// The string's own UTF-8 buffer (`PyUnicode_AsUTF8AndSize`): no copy.
    Borrowed(&'a str),
    /// A UTF-8 `bytes` copy (`PyUnicode_AsUTF8String`), where the fast path is
    /// not available.
    Copied(PyBackedStr),
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Copied(s) => s,
        }
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

/// `PyUnicode_AsUTF8AndSize`, when the running interpreter provides it.
///
/// The wheel targets the stable ABI of CPython 3.8 (`abi3-py38`), where the only
/// way to read a `str` as UTF-8 is `PyUnicode_AsUTF8String`, which allocates and
/// copies a `bytes` object for every argument. `PyUnicode_AsUTF8AndSize` returns
/// the string's own cached UTF-8 buffer (for an ASCII string, its data) and is
/// part of the stable ABI since 3.10. It is looked up at run time (never linked),
/// so the module still imports on 3.8 and 3.9, which take the copying path.
mod fast_utf8 {
    use std::os::raw::c_char;
    use std::sync::OnceLock;

    use pyo3::ffi::{PyObject, Py_ssize_t};
    use pyo3::Python;

    pub type AsUtf8AndSize = unsafe extern "C" fn(*mut PyObject, *mut Py_ssize_t) -> *const c_char;

    static FUNCTION: OnceLock<Option<AsUtf8AndSize>> = OnceLock::new();

    /// Resolve the function once (at module initialisation).
    pub fn init(py: Python<'_>) {
        FUNCTION.get_or_init(|| {
            if py.version_info() < (3, 10) {
                return None;
            }
            lookup()
        });
    }

    #[cfg(unix)]
    fn lookup() -> Option<AsUtf8AndSize> {
        // SAFETY: dlsym with a NUL-terminated name; a non-null result is the
        // interpreter's PyUnicode_AsUTF8AndSize, whose signature the stable ABI fixes.
        unsafe {
            let sym = libc::dlsym(libc::RTLD_DEFAULT, c"PyUnicode_AsUTF8AndSize".as_ptr());
            (!sym.is_null()).then(|| std::mem::transmute::<*mut libc::c_void, AsUtf8AndSize>(sym))
        }
    }

    #[cfg(not(unix))]
    fn lookup() -> Option<AsUtf8AndSize> {
        None
    }

    pub fn get() -> Option<AsUtf8AndSize> {
        FUNCTION.get().copied().flatten()
    }
}

/// Read a `str` object as UTF-8. Errors are Python's (a lone surrogate raises
/// `UnicodeEncodeError`).
fn utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Text<'a>> {
    match fast_utf8::get() {
        Some(as_utf8) => {
            let mut len: pyo3::ffi::Py_ssize_t = 0;
            // SAFETY: `s` is a live str; the buffer returned is owned by it and
            // immutable, so it outlives the borrow of `s`.
            let ptr = unsafe { as_utf8(s.as_ptr(), &mut len) };
            if ptr.is_null() {
                return Err(PyErr::fetch(s.py()));
            }
            // SAFETY: on success CPython returns `len` readable bytes at `ptr`, owned
            // by `s` and never changed (str is immutable), so they live for 'a.
            let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize) };
            // SAFETY: PyUnicode_AsUTF8AndSize only succeeds with valid UTF-8 (a
            // lone surrogate makes it fail, handled above).
            Ok(Text::Borrowed(unsafe {
                std::str::from_utf8_unchecked(bytes)
            }))
        }
        None => Ok(Text::Copied(PyBackedStr::try_from(s.clone())?)),
    }
}

/// The UTF-8 text of a `str` argument. `arg` is the Python parameter name (for
/// `TypeError`), `field` the DESIGN.md field name (for the `VoipSignError`).
fn text<'a>(obj: &'a Bound<'_, PyAny>, arg: &str, field: &str) -> PyResult<Text<'a>> {
    text_named(obj, || arg.to_owned(), || field.to_owned())
}

/// [`text`] with the names made only when there is an error to report (naming
/// an item of `session_keys` costs a `format!`).
fn text_named<'a>(
    obj: &'a Bound<'_, PyAny>,
    arg: impl FnOnce() -> String,
    field: impl FnOnce() -> String,
) -> PyResult<Text<'a>> {
    let s = obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{} must be str, not {}", arg(), type_name(obj)))
    })?;
    utf8(s).map_err(|e| {
        if e.is_instance_of::<PyUnicodeEncodeError>(obj.py()) {
            // The message never repeats the value (it may be a session_key).
            InvalidUtf8::new_err(format!(
                "{} contains a lone surrogate, which has no UTF-8 form",
                field()
            ))
        } else {
            e
        }
    })
}

/// A timestamp argument: an `int` (or an object with `__index__`, such as a
/// numpy integer), never a `bool` or a `float`. An `int` beyond the 64-bit range
/// is `InvalidTimestamp`; every other range check is the core's.
fn timestamp(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(
            "timestamp must be an int of seconds, not bool",
        ));
    }
    let int = if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(
            "timestamp must be an int of seconds, not float (pass int(time.time()))",
        ));
    } else if obj.hasattr(pyo3::intern!(py, "__index__"))? {
        obj.call_method0(pyo3::intern!(py, "__index__"))?
    } else {
        return Err(PyTypeError::new_err(format!(
            "timestamp must be an int of seconds, not {}",
            type_name(obj)
        )));
    };
    int.extract::<i64>().map_err(|e| {
        if e.is_instance_of::<PyOverflowError>(py) {
            InvalidTimestamp::new_err(format!(
                "timeStamp is outside the 64-bit integer range; {}",
                ErrorCode::InvalidTimestamp.description()
            ))
        } else {
            e
        }
    })
}

/// The items of an iterable-of-`str` argument (`arg` names it in the
/// `TypeError`s), as our own references: text borrowed from them stays valid even
/// if another thread mutates the container. A single `str` is refused (it is an
/// iterable of one-character strings, never what the caller meant).
fn str_items<'py>(obj: &Bound<'py, PyAny>, arg: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{arg} must be an iterable of str, not a single str"
        )));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{arg} must be an iterable of str, not {}",
            type_name(obj)
        ))
    })?;
    let sized = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    let mut items = Vec::with_capacity(if sized { obj.len()? } else { 0 });
    for item in iter {
        items.push(item?);
    }
    Ok(items)
}

/// A session_key argument, validated by the core.
fn session_key(obj: &Bound<'_, PyAny>) -> PyResult<SessionKey> {
    let s = text(obj, "session_key", "sessionKey")?;
    SessionKey::new(&s).map_err(error)
}

/// explain's `err_code`: an `int` (or an object with `__index__`, such as a numpy
/// integer), never a `bool` or a `float` (`TypeError`). An `int` beyond the 64-bit
/// range is `OverflowError`, as Python raises for an `int` that does not fit a C
/// integer: no code of WeChat's comes near, so it is a caller's bug, not a finding.
fn err_code(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = obj.py();
    let int = if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "err_code must be an int, not {}",
            type_name(obj)
        )));
    } else if obj.is_instance_of::<PyInt>() {
        obj.clone()
    } else if obj.hasattr(pyo3::intern!(py, "__index__"))? {
        obj.call_method0(pyo3::intern!(py, "__index__"))?
    } else {
        return Err(PyTypeError::new_err(format!(
            "err_code must be an int, not {}",
            type_name(obj)
        )));
    };
    int.extract::<i64>().map_err(|e| {
        if e.is_instance_of::<PyOverflowError>(py) {
            PyOverflowError::new_err(
                "err_code is outside the 64-bit integer range (WeChat's errCodes are small negative ints)",
            )
        } else {
            e
        }
    })
}

/// explain's `err_msg` as UTF-8: a `str` read in place when it can be, else a
/// copy in which every lone surrogate (`json.loads` makes one from `"\ud800"`)
/// became U+FFFD. errMsg is no secret and only its digits and words count, so
/// `explain` never refuses a `str`.
fn err_msg_text<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Result<Text<'a>, String>> {
    let py = s.py();
    match utf8(s) {
        Ok(t) => Ok(Ok(t)),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(py) => {
            let raw = s.call_method1(
                pyo3::intern!(py, "encode"),
                (pyo3::intern!(py, "utf-8"), pyo3::intern!(py, "surrogatepass")),
            )?;
            let raw = raw.cast::<PyBytes>()?;
            Ok(Err(String::from_utf8_lossy(raw.as_bytes()).into_owned()))
        }
        Err(e) => Err(e),
    }
}

/// The 64 hex digits as a Python `str`.
fn hex<'py>(py: Python<'py>, sig: &voipsign::Signature) -> Bound<'py, PyString> {
    PyString::new(py, sig.as_str())
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

/// The ``signature`` of ``wx.joinVoIPChat``: HMAC-SHA256 of appId, groupId,
/// nonceStr and timeStamp sorted in code-unit order and joined with no
/// separator, keyed by the session_key *string*, as 64 lowercase hex digits.
///
/// :param app_id: the mini program's appId (1-64 printable ASCII characters).
/// :param group_id: the room (1-1024 bytes of UTF-8, no control characters).
/// :param nonce_str: 1-127 printable ASCII characters.
/// :param timestamp: Unix time in **seconds**, an ``int`` (not ``bool``/``float``).
/// :param session_key: the 24-character base64 string code2Session returned.
/// :returns: 64 lowercase hex digits.
/// :raises VoipSignError: a value breaks a rule (``err.code`` says which).
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
#[pyo3(signature = (app_id, group_id, nonce_str, timestamp, session_key))]
fn sign<'py>(
    app_id: &Bound<'py, PyAny>,
    group_id: &Bound<'py, PyAny>,
    nonce_str: &Bound<'py, PyAny>,
    timestamp: &Bound<'py, PyAny>,
    session_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let py = app_id.py();
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let nonce_str = text(nonce_str, "nonce_str", "nonceStr")?;
    let timestamp = self::timestamp(timestamp)?;
    let key = self::session_key(session_key)?;
    guarded(|| {
        let params = Params::new(&app_id, &group_id, &nonce_str, timestamp);
        let sig = voipsign::sign(&params, &key).map_err(error)?;
        Ok(hex(py, &sig))
    })
}

/// Whether ``signature`` is the right one for these values, compared in
/// constant time. An upper-case signature is well-formed but ``False`` (WeChat
/// expects lower case).
///
/// :returns: ``True`` when the signature matches.
/// :raises InvalidSignature: ``signature`` is not 64 hex digits, or carries the
///     ``_tag`` suffix of WeChat's cloud signing (which cannot be checked locally).
/// :raises VoipSignError: another value breaks a rule.
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
#[pyo3(signature = (app_id, group_id, nonce_str, timestamp, session_key, signature))]
fn verify(
    app_id: &Bound<'_, PyAny>,
    group_id: &Bound<'_, PyAny>,
    nonce_str: &Bound<'_, PyAny>,
    timestamp: &Bound<'_, PyAny>,
    session_key: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let nonce_str = text(nonce_str, "nonce_str", "nonceStr")?;
    let timestamp = self::timestamp(timestamp)?;
    let key = self::session_key(session_key)?;
    let signature = text(signature, "signature", "signature")?;
    guarded(|| {
        let params = Params::new(&app_id, &group_id, &nonce_str, timestamp);
        voipsign::verify(&params, &key, &signature).map_err(error)
    })
}

/// The canonical string: the four values sorted in code-unit order and joined
/// with no separator. It holds no secret, so it is safe to log when a signature
/// is disputed.
///
/// :raises VoipSignError: a value breaks a rule.
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
#[pyo3(signature = (app_id, group_id, nonce_str, timestamp))]
fn canonical(
    app_id: &Bound<'_, PyAny>,
    group_id: &Bound<'_, PyAny>,
    nonce_str: &Bound<'_, PyAny>,
    timestamp: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let nonce_str = text(nonce_str, "nonce_str", "nonceStr")?;
    let timestamp = self::timestamp(timestamp)?;
    guarded(|| {
        let params = Params::new(&app_id, &group_id, &nonce_str, timestamp);
        voipsign::canonical(&params).map_err(error)
    })
}

/// Sign one room for many members (a matchmaker seating a room of 10 at once):
/// the canonical string is built once, then one HMAC per session_key.
///
/// :param session_keys: any iterable of ``str`` (a single ``str`` is refused).
/// :returns: the signatures, in the order of ``session_keys``.
/// :raises InvalidSessionKey: a key is malformed; the message gives its index.
/// :raises VoipSignError: another value breaks a rule.
/// :raises TypeError: an argument, or an item of ``session_keys``, has the wrong type.
#[pyfunction]
#[pyo3(signature = (app_id, group_id, nonce_str, timestamp, session_keys))]
fn sign_many<'py>(
    app_id: &Bound<'py, PyAny>,
    group_id: &Bound<'py, PyAny>,
    nonce_str: &Bound<'py, PyAny>,
    timestamp: &Bound<'py, PyAny>,
    session_keys: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let py = app_id.py();
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let nonce_str = text(nonce_str, "nonce_str", "nonceStr")?;
    let timestamp = self::timestamp(timestamp)?;
    // Our own references to the keys: the text borrowed from them stays valid
    // even if another thread mutates the container while the GIL is released.
    let items = str_items(session_keys, "session_keys")?;
    let keys = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            text_named(
                item,
                || format!("session_keys[{i}]"),
                || format!("sessionKeys[{i}]"),
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    let sigs = guarded(|| {
        let params = Params::new(&app_id, &group_id, &nonce_str, timestamp);
        run(py, keys.len() >= DETACH_MIN_KEYS, || {
            voipsign::sign_many(&params, &keys)
        })
        .map_err(error)
    })?;
    PyList::new(py, sigs.iter().map(|s| hex(py, s)))
}

/// WeChat's "user login state signature": HMAC-SHA256 of ``body`` keyed by the
/// session_key string, as 64 lowercase hex digits. With an empty body it is the
/// ``signature`` parameter of ``GET /wxa/checksession``, which tells whether a
/// stored session_key is still the current one.
///
/// :param body: ``bytes``, or a ``str`` (signed as its UTF-8 bytes).
/// :raises InvalidSessionKey: the session_key is malformed.
/// :raises TypeError: ``body`` is neither ``str`` nor ``bytes``.
#[pyfunction]
#[pyo3(signature = (session_key, body = None), text_signature = "(session_key, body=b'')")]
fn session_signature<'py>(
    session_key: &Bound<'py, PyAny>,
    body: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyString>> {
    let py = session_key.py();
    let key = self::session_key(session_key)?;
    let mac = |body: &[u8]| {
        guarded(|| {
            let work = || voipsign::session_signature(&key, body);
            Ok(run(py, body.len() >= DETACH_MIN_BODY, work))
        })
    };
    let sig = match body {
        None => mac(b"")?,
        Some(b) => {
            if let Ok(bytes) = b.cast::<PyBytes>() {
                // bytes are immutable: reading them without the GIL is sound.
                mac(bytes.as_bytes())?
            } else if b.is_instance_of::<PyString>() {
                mac(text(b, "body", "body")?.as_bytes())?
            } else {
                return Err(PyTypeError::new_err(format!(
                    "body must be str or bytes, not {}",
                    type_name(b)
                )));
            }
        }
    };
    Ok(hex(py, &sig))
}

/// A join ticket for ``wx.joinVoIPChat``: a fresh 32-character nonce from the
/// operating system's CSPRNG, the current time in seconds and the signature.
/// Return ``ticket.to_dict()`` to the mini program.
///
/// :param room_type: ``"voice"`` (audio only, the default) or ``"video"``.
/// :raises InvalidRoomType: ``room_type`` is neither ``"voice"`` nor ``"video"``.
/// :raises RngFailure: the operating system's random number generator failed.
/// :raises VoipSignError: another value breaks a rule.
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
#[pyo3(
    signature = (app_id, group_id, session_key, room_type = None),
    text_signature = "(app_id, group_id, session_key, room_type='voice')"
)]
fn issue(
    app_id: &Bound<'_, PyAny>,
    group_id: &Bound<'_, PyAny>,
    session_key: &Bound<'_, PyAny>,
    room_type: Option<&Bound<'_, PyAny>>,
) -> PyResult<JoinTicket> {
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let key = self::session_key(session_key)?;
    let room_type = match room_type {
        None => RoomType::Voice,
        Some(r) => text(r, "room_type", "roomType")?
            .parse::<RoomType>()
            .map_err(error)?,
    };
    guarded(|| {
        // One HMAC and a getrandom call: too short to gain from releasing the GIL.
        let inner = voipsign::issue(&app_id, &group_id, &key, room_type).map_err(error)?;
        Ok(JoinTicket { inner })
    })
}

/// Which known mistake reproduces a ``signature`` WeChat rejected
/// (``-12020 invalid signature``) for these values: the four values not sorted,
/// joined with commas, the timestamp in milliseconds, the key base64-decoded or
/// with trailing whitespace, key and message swapped, plain SHA-256, upper-case
/// hex, a base64 digest, an older session_key, or a combination of them.
///
/// A 13-digit (millisecond) ``timestamp`` and a malformed ``rejected_signature``
/// are findings, not errors. A full search takes well under a millisecond per
/// session_key, with the GIL released: fine on an error path, not for every
/// request.
///
/// :param timestamp: the ``timeStamp`` that was signed, an ``int`` (seconds, or
///     13-digit milliseconds).
/// :param session_key: the user's current session_key.
/// :param rejected_signature: the signature WeChat refused, any ``str``.
/// :param other_session_keys: older session_keys of the same user (any iterable
///     of ``str``), tried for ``STALE_SESSION_KEY``.
/// :returns: a :class:`Diagnosis` (it never contains a session_key).
/// :raises InvalidSessionKey: a session_key is malformed (an older one is named by
///     its index: ``otherSessionKeys[1]: ...``).
/// :raises VoipSignError: another value breaks a rule of :func:`sign`.
/// :raises TypeError: an argument, or an item of ``other_session_keys``, has the
///     wrong type.
#[pyfunction]
#[pyo3(
    signature = (app_id, group_id, nonce_str, timestamp, session_key, rejected_signature, other_session_keys = None),
    text_signature = "(app_id, group_id, nonce_str, timestamp, session_key, rejected_signature, other_session_keys=())"
)]
fn diagnose(
    app_id: &Bound<'_, PyAny>,
    group_id: &Bound<'_, PyAny>,
    nonce_str: &Bound<'_, PyAny>,
    timestamp: &Bound<'_, PyAny>,
    session_key: &Bound<'_, PyAny>,
    rejected_signature: &Bound<'_, PyAny>,
    other_session_keys: Option<&Bound<'_, PyAny>>,
) -> PyResult<Diagnosis> {
    let py = app_id.py();
    let app_id = text(app_id, "app_id", "appId")?;
    let group_id = text(group_id, "group_id", "groupId")?;
    let nonce_str = text(nonce_str, "nonce_str", "nonceStr")?;
    let timestamp = self::timestamp(timestamp)?;
    let key = self::session_key(session_key)?;
    let rejected = text(rejected_signature, "rejected_signature", "signature")?;
    // None is the default (pyo3 passes an explicit None as "not given" on 3.8
    // and 3.9; the vectorcall path must agree).
    let others = match other_session_keys.filter(|o| !o.is_none()) {
        None => Vec::new(),
        Some(list) => str_items(list, "other_session_keys")?
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let k = text_named(
                    item,
                    || format!("other_session_keys[{i}]"),
                    || format!("otherSessionKeys[{i}]"),
                )?;
                SessionKey::new(&k).map_err(|e| {
                    error_with(e.code(), format!("otherSessionKeys[{i}]: {}", e.message()))
                })
            })
            .collect::<PyResult<Vec<_>>>()?,
    };
    guarded(|| {
        let params = Params::new(&app_id, &group_id, &nonce_str, timestamp);
        // About 2,000 hashes per session_key: long enough that the other threads
        // should run meanwhile. (A CORRECT or malformed signature returns after
        // one HMAC; releasing the GIL for it is harmless on an error path.)
        let inner = run(py, true, || {
            voipsign::diagnose(&params, &key, &rejected, &others)
        })
        .map_err(error)?;
        Ok(Diagnosis { inner })
    })
}

/// What a ``wx.joinVoIPChat`` failure means and what to do about it, from the
/// ``errCode`` and ``errMsg`` its ``fail`` callback received. Codes written in
/// ``errMsg`` count too: WeChat wraps ``-12020 invalid signature`` in ``-1000``
/// or ``-10088``.
///
/// :param err_code: the ``errCode``, an ``int`` (not ``bool``/``float``).
/// :param err_msg: the ``errMsg``, a ``str`` (a lone surrogate is read as U+FFFD).
/// :returns: an :class:`Explanation`.
/// :raises TypeError: ``err_code`` is not an ``int``, or ``err_msg`` not a ``str``.
/// :raises OverflowError: ``err_code`` is beyond the 64-bit integer range.
#[pyfunction]
#[pyo3(signature = (err_code, err_msg = None), text_signature = "(err_code, err_msg='')")]
fn explain(err_code: &Bound<'_, PyAny>, err_msg: Option<&Bound<'_, PyAny>>) -> PyResult<Explanation> {
    let code = self::err_code(err_code)?;
    // None is the default, as for diagnose's other_session_keys.
    let msg = match err_msg.filter(|m| !m.is_none()) {
        None => Ok(Text::Borrowed("")),
        Some(m) => {
            let s = m.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("err_msg must be str, not {}", type_name(m)))
            })?;
            err_msg_text(s)?
        }
    };
    let msg: &str = match &msg {
        Ok(t) => t,
        Err(lossy) => lossy,
    };
    guarded(|| {
        Ok(Explanation {
            inner: voipsign::explain(code, msg),
        })
    })
}

// ---------------------------------------------------------------------------
// Diagnosis and Explanation
// ---------------------------------------------------------------------------

/// The Python `repr` of a `str`.
fn str_repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

/// What :func:`voipsign.diagnose` found. Immutable, comparable and hashable; it
/// never contains a session_key, so it can be logged as it is (``repr`` shows
/// every field).
///
/// ``to_dict()`` gives ``{"verdict", "mistakes", "message", "expected",
/// "canonical"}``, the field names of the core's JSON (``voipsign diagnose --json``).
#[pyclass(frozen, eq, module = "voipsign", name = "Diagnosis")]
#[derive(PartialEq)]
struct Diagnosis {
    inner: voipsign::Diagnosis,
}

#[pymethods]
impl Diagnosis {
    /// ``"CORRECT"`` (the signature is right: the message lists what remains),
    /// ``"MISTAKE_FOUND"`` or ``"UNKNOWN"`` (nothing known reproduces it).
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.name()
    }

    /// Every mistake involved, as codes in a stable order (``NOT_SORTED``,
    /// ``COMMA_JOINED``, ``KEY_BASE64_DECODED``, ``KEY_MESSAGE_SWAPPED``,
    /// ``KEY_WHITESPACE``, ``TIMESTAMP_MILLISECONDS``, ``UPPERCASE_HEX``,
    /// ``BASE64_DIGEST``, ``PLAIN_SHA256``, ``STALE_SESSION_KEY``); empty unless the
    /// verdict is ``"MISTAKE_FOUND"``.
    #[getter]
    fn mistakes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.mistakes.iter().map(|m| m.name()))
    }

    /// What happened and the exact fix, in words a person can act on.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    /// The right signature (with the timestamp in seconds).
    #[getter]
    fn expected(&self) -> &str {
        &self.inner.expected
    }

    /// The right canonical string (no secret).
    #[getter]
    fn canonical(&self) -> &str {
        &self.inner.canonical
    }

    /// ``{"verdict", "mistakes", "message", "expected", "canonical"}`` with
    /// ``mistakes`` a ``list``: the core's JSON, ready for ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "verdict"), self.inner.verdict.name())?;
        let mistakes = PyList::new(py, self.inner.mistakes.iter().map(|m| m.name()))?;
        d.set_item(pyo3::intern!(py, "mistakes"), mistakes)?;
        d.set_item(pyo3::intern!(py, "message"), &self.inner.message)?;
        d.set_item(pyo3::intern!(py, "expected"), &self.inner.expected)?;
        d.set_item(pyo3::intern!(py, "canonical"), &self.inner.canonical)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Diagnosis(verdict={}, mistakes={}, message={}, expected={}, canonical={})",
            str_repr(py, self.inner.verdict.name())?,
            self.mistakes(py)?.repr()?,
            str_repr(py, &self.inner.message)?,
            str_repr(py, &self.inner.expected)?,
            str_repr(py, &self.inner.canonical)?,
        ))
    }

    fn __hash__(&self) -> u64 {
        let d = &self.inner;
        let mut h = DefaultHasher::new();
        (
            d.verdict.name(),
            &d.mistakes,
            &d.message,
            &d.expected,
            &d.canonical,
        )
            .hash(&mut h);
        h.finish()
    }
}

/// What :func:`voipsign.explain` says about a ``wx.joinVoIPChat`` failure.
/// Immutable, comparable and hashable.
///
/// ``to_dict()`` gives ``{"cause", "meaning", "action"}``, the field names of the
/// core's JSON (``voipsign explain --json``).
#[pyclass(frozen, eq, module = "voipsign", name = "Explanation")]
#[derive(PartialEq)]
struct Explanation {
    inner: voipsign::Explanation,
}

#[pymethods]
impl Explanation {
    /// ``"ALREADY_IN_ROOM"``, ``"DEVICE_BUSY"``, ``"JOIN_INTERRUPTED"``,
    /// ``"SYSTEM_ERROR"``, ``"INVALID_SIGNATURE"``, ``"DAILY_ROOM_LIMIT"`` or
    /// ``"UNKNOWN"``.
    #[getter]
    fn cause(&self) -> &'static str {
        self.inner.cause.name()
    }

    /// What happened.
    #[getter]
    fn meaning(&self) -> &str {
        &self.inner.meaning
    }

    /// What to do.
    #[getter]
    fn action(&self) -> &str {
        &self.inner.action
    }

    /// ``{"cause", "meaning", "action"}``: the core's JSON, ready for ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "cause"), self.inner.cause.name())?;
        d.set_item(pyo3::intern!(py, "meaning"), &self.inner.meaning)?;
        d.set_item(pyo3::intern!(py, "action"), &self.inner.action)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Explanation(cause={}, meaning={}, action={})",
            str_repr(py, self.inner.cause.name())?,
            str_repr(py, &self.inner.meaning)?,
            str_repr(py, &self.inner.action)?,
        ))
    }

    fn __hash__(&self) -> u64 {
        let e = &self.inner;
        let mut h = DefaultHasher::new();
        (e.cause.name(), &e.meaning, &e.action).hash(&mut h);
        h.finish()
    }
}

// ---------------------------------------------------------------------------
// JoinTicket
// ---------------------------------------------------------------------------

/// Everything a mini program needs to call ``wx.joinVoIPChat``; made by
/// :func:`voipsign.issue`. Immutable, comparable and hashable.
///
/// ``to_dict()`` gives exactly the object ``wx.joinVoIPChat`` takes, ready to be
/// returned as JSON from a web handler.
#[pyclass(frozen, eq, module = "voipsign", name = "JoinTicket")]
#[derive(PartialEq)]
struct JoinTicket {
    inner: voipsign::JoinTicket,
}

#[pymethods]
impl JoinTicket {
    /// The room.
    #[getter]
    fn group_id(&self) -> &str {
        &self.inner.group_id
    }

    /// A fresh 32-character nonce of ``[A-Za-z0-9]``.
    #[getter]
    fn nonce_str(&self) -> &str {
        &self.inner.nonce_str
    }

    /// The time of issue, Unix seconds.
    #[getter]
    fn timestamp(&self) -> i64 {
        self.inner.timestamp
    }

    /// The signature over appId, groupId, nonceStr and timeStamp (64 hex digits).
    #[getter]
    fn signature(&self) -> &str {
        &self.inner.signature
    }

    /// ``"voice"`` or ``"video"``.
    #[getter]
    fn room_type(&self) -> &'static str {
        self.inner.room_type.as_str()
    }

    /// The object ``wx.joinVoIPChat`` takes: ``{"groupId", "nonceStr",
    /// "timeStamp", "signature", "roomType"}`` with ``timeStamp`` an ``int``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(pyo3::intern!(py, "groupId"), &self.inner.group_id)?;
        d.set_item(pyo3::intern!(py, "nonceStr"), &self.inner.nonce_str)?;
        d.set_item(pyo3::intern!(py, "timeStamp"), self.inner.timestamp)?;
        d.set_item(pyo3::intern!(py, "signature"), &self.inner.signature)?;
        d.set_item(pyo3::intern!(py, "roomType"), self.inner.room_type.as_str())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        Ok(format!(
            "JoinTicket(group_id={}, nonce_str={}, timestamp={}, signature={}, room_type={})",
            r(&self.inner.group_id)?,
            r(&self.inner.nonce_str)?,
            self.inner.timestamp,
            r(&self.inner.signature)?,
            r(self.inner.room_type.as_str())?,
        ))
    }

    fn __hash__(&self) -> u64 {
        let t = &self.inner;
        let mut h = DefaultHasher::new();
        (
            &t.group_id,
            &t.nonce_str,
            t.timestamp,
            &t.signature,
            t.room_type,
        )
            .hash(&mut h);
        h.finish()
    }
}

// ---------------------------------------------------------------------------
// Vectorcall entry points (CPython >= 3.10, see fastcall.rs)
// ---------------------------------------------------------------------------

const SIGN: fastcall::Params<5> = fastcall::Params {
    name: "sign",
    names: [
        c"app_id",
        c"group_id",
        c"nonce_str",
        c"timestamp",
        c"session_key",
    ],
    required: 5,
};
const VERIFY: fastcall::Params<6> = fastcall::Params {
    name: "verify",
    names: [
        c"app_id",
        c"group_id",
        c"nonce_str",
        c"timestamp",
        c"session_key",
        c"signature",
    ],
    required: 6,
};
const CANONICAL: fastcall::Params<4> = fastcall::Params {
    name: "canonical",
    names: [c"app_id", c"group_id", c"nonce_str", c"timestamp"],
    required: 4,
};
const SIGN_MANY: fastcall::Params<5> = fastcall::Params {
    name: "sign_many",
    names: [
        c"app_id",
        c"group_id",
        c"nonce_str",
        c"timestamp",
        c"session_keys",
    ],
    required: 5,
};
const SESSION_SIGNATURE: fastcall::Params<2> = fastcall::Params {
    name: "session_signature",
    names: [c"session_key", c"body"],
    required: 1,
};
const ISSUE: fastcall::Params<4> = fastcall::Params {
    name: "issue",
    names: [c"app_id", c"group_id", c"session_key", c"room_type"],
    required: 3,
};

const DIAGNOSE: fastcall::Params<7> = fastcall::Params {
    name: "diagnose",
    names: [
        c"app_id",
        c"group_id",
        c"nonce_str",
        c"timestamp",
        c"session_key",
        c"rejected_signature",
        c"other_session_keys",
    ],
    required: 6,
};
const EXPLAIN: fastcall::Params<2> = fastcall::Params {
    name: "explain",
    names: [c"err_code", c"err_msg"],
    required: 1,
};

fastcall_fn!(sign_fast, SIGN, |py, [a, g, n, t, k], []| {
    sign(a, g, n, t, k).map(Bound::into_any)
});
fastcall_fn!(verify_fast, VERIFY, |py, [a, g, n, t, k, s], []| {
    verify(a, g, n, t, k, s).map(|ok| PyBool::new(py, ok).to_owned().into_any())
});
fastcall_fn!(canonical_fast, CANONICAL, |py, [a, g, n, t], []| {
    canonical(a, g, n, t).map(|c| PyString::new(py, &c).into_any())
});
fastcall_fn!(sign_many_fast, SIGN_MANY, |py, [a, g, n, t, keys], []| {
    sign_many(a, g, n, t, keys).map(Bound::into_any)
});
fastcall_fn!(
    session_signature_fast,
    SESSION_SIGNATURE,
    |py, [k], [body]| { session_signature(k, body).map(Bound::into_any) }
);
fastcall_fn!(issue_fast, ISSUE, |py, [a, g, k], [room_type]| {
    Ok(Bound::new(py, issue(a, g, k, room_type)?)?.into_any())
});
fastcall_fn!(diagnose_fast, DIAGNOSE, |py, [a, g, n, t, k, s], [others]| {
    Ok(Bound::new(py, diagnose(a, g, n, t, k, s, others)?)?.into_any())
});
fastcall_fn!(explain_fast, EXPLAIN, |py, [code], [msg]| {
    Ok(Bound::new(py, explain(code, msg)?)?.into_any())
});

// ---------------------------------------------------------------------------
// Module
// ---------------------------------------------------------------------------

/// Test hook (cargo feature ``test-panic`` only, never in a release wheel):
/// panics inside the binding's guard, which must raise
/// ``voipsign.InternalError`` (not ``PanicException``).
#[cfg(feature = "test-panic")]
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guarded(|| panic!("deliberate panic from voipsign._native._panic_for_tests"))
}

/// The native part of voipsign; import ``voipsign`` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    fast_utf8::init(m.py());
    // Whether str arguments are read in place (for the tests and bench.py).
    m.add("_FAST_UTF8", fast_utf8::get().is_some())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "_ERROR_CODES",
        ErrorCode::ALL.iter().map(|c| c.name()).collect::<Vec<_>>(),
    )?;
    m.add_class::<JoinTicket>()?;
    m.add_class::<Diagnosis>()?;
    m.add_class::<Explanation>()?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(canonical, m)?)?;
    m.add_function(wrap_pyfunction!(sign_many, m)?)?;
    m.add_function(wrap_pyfunction!(session_signature, m)?)?;
    m.add_function(wrap_pyfunction!(issue, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    // Test-only, and kept out of `__all__` (add_function would list it there), so
    // that the stubs describe the release module exactly.
    #[cfg(feature = "test-panic")]
    m.setattr("_panic_for_tests", wrap_pyfunction!(_panic_for_tests, m)?)?;
    // METH_FASTCALL is in the stable ABI from 3.10 on: replace the functions
    // above by vectorcall builtins there (same names, signatures and docs).
    let fast = m.py().version_info() >= (3, 10);
    if fast {
        fastcall::install(m, c"sign", sign_fast)?;
        fastcall::install(m, c"verify", verify_fast)?;
        fastcall::install(m, c"canonical", canonical_fast)?;
        fastcall::install(m, c"sign_many", sign_many_fast)?;
        fastcall::install(m, c"session_signature", session_signature_fast)?;
        fastcall::install(m, c"issue", issue_fast)?;
        fastcall::install(m, c"diagnose", diagnose_fast)?;
        fastcall::install(m, c"explain", explain_fast)?;
    }
    m.add("_FASTCALL", fast)?;
    Ok(())
}
