//! The result classes: JoinTicket, Diagnosis, Explanation (the ledger's are in
//! src/rooms.rs). Immutable, comparable
//! and hashable by declaration (`#[pyclass(frozen, eq, hash)]`), with one
//! read-only attribute per field (`#[pyo3(get)]`). `to_json()` is the core's JSON
//! and `to_dict()` the same serde serialisation made into Python objects
//! (pythonize): the field names and shapes are decided once, in the core.

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde::Serialize;

/// `Class(field=repr, ...)`, the attributes read back through Python.
pub(crate) fn repr_fields(obj: &Bound<'_, PyAny>, class: &str, fields: &[&str]) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|f| Ok(format!("{f}={}", obj.getattr(*f)?.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{class}({})", parts.join(", ")))
}

/// The core's value a class was made from, kept for `to_dict()` and
/// `to_json()`. Left out of `==` and `hash` (it always compares equal): the
/// public fields beside it determine it.
pub(crate) struct Core<T>(pub T);

impl<T> PartialEq for Core<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Core<T> {}

impl<T> Hash for Core<T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl<T: Serialize> Core<T> {
    /// The core's serde serialisation as Python objects: a new `dict` each time.
    pub fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?)
    }

    /// The same serialisation as JSON text (for the ledger's classes, which
    /// have no `to_json` of their own in the core).
    pub fn to_json(&self) -> String {
        // Strings, integers and booleans: serialising them cannot fail.
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// Everything a mini program needs to call ``wx.joinVoIPChat``; made by
/// :func:`voipsign.issue`. Immutable, comparable and hashable.
///
/// ``to_dict()`` gives exactly the object ``wx.joinVoIPChat`` takes
/// (``{"groupId", "nonceStr", "timeStamp", "signature", "roomType"}``, with
/// ``timeStamp`` an ``int``), ready to be returned as JSON from a web handler;
/// ``to_json()`` the same object as JSON text.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct JoinTicket {
    /// The room.
    #[pyo3(get)]
    group_id: String,
    /// A fresh 32-character nonce of ``[A-Za-z0-9]``.
    #[pyo3(get)]
    nonce_str: String,
    /// The time of issue, Unix seconds.
    #[pyo3(get)]
    timestamp: i64,
    /// The signature over appId, groupId, nonceStr and timeStamp (64 hex digits).
    #[pyo3(get)]
    signature: String,
    /// ``"voice"`` or ``"video"``.
    #[pyo3(get)]
    room_type: &'static str,
    core: Core<voipsign::JoinTicket>,
}

impl From<voipsign::JoinTicket> for JoinTicket {
    fn from(t: voipsign::JoinTicket) -> Self {
        JoinTicket {
            group_id: t.group_id.clone(),
            nonce_str: t.nonce_str.clone(),
            timestamp: t.timestamp,
            signature: t.signature.clone(),
            room_type: t.room_type.as_str(),
            core: Core(t),
        }
    }
}

#[pymethods]
impl JoinTicket {
    /// The object ``wx.joinVoIPChat`` takes: ``{"groupId", "nonceStr",
    /// "timeStamp", "signature", "roomType"}``, a new ``dict`` each time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text (the core's serialisation).
    fn to_json(&self) -> String {
        self.core.0.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let fields = [
            "group_id",
            "nonce_str",
            "timestamp",
            "signature",
            "room_type",
        ];
        repr_fields(slf.as_any(), "JoinTicket", &fields)
    }
}

/// The mistake codes of a diagnosis; a Python ``tuple`` (immutable, like the
/// object holding it).
#[derive(PartialEq, Eq, Hash)]
pub struct Codes(Vec<&'static str>);

impl<'py> IntoPyObject<'py> for &Codes {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.0)
    }
}

/// What :func:`voipsign.diagnose` found. Immutable, comparable and hashable; it
/// never contains a session_key, so it can be logged as it is (``repr`` shows
/// every field).
///
/// ``to_dict()`` gives ``{"verdict", "mistakes", "message", "expected",
/// "canonical"}`` (``mistakes`` a ``list``), the core's JSON (``voipsign diagnose
/// --json``), which ``to_json()`` returns as text.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Diagnosis {
    /// ``"CORRECT"`` (the signature is right: the message lists what remains),
    /// ``"MISTAKE_FOUND"`` or ``"UNKNOWN"`` (nothing known reproduces it).
    #[pyo3(get)]
    verdict: &'static str,
    /// Every mistake involved, as a ``tuple`` of codes in a stable order
    /// (``NOT_SORTED``, ``COMMA_JOINED``, ``KEY_BASE64_DECODED``,
    /// ``KEY_MESSAGE_SWAPPED``, ``KEY_WHITESPACE``, ``TIMESTAMP_MILLISECONDS``,
    /// ``UPPERCASE_HEX``, ``BASE64_DIGEST``, ``PLAIN_SHA256``,
    /// ``STALE_SESSION_KEY``); empty unless the verdict is ``"MISTAKE_FOUND"``.
    #[pyo3(get)]
    mistakes: Codes,
    /// What happened and the exact fix, in words a person can act on.
    #[pyo3(get)]
    message: String,
    /// The right signature (with the timestamp in seconds).
    #[pyo3(get)]
    expected: String,
    /// The right canonical string (no secret).
    #[pyo3(get)]
    canonical: String,
    core: Core<voipsign::Diagnosis>,
}

impl From<voipsign::Diagnosis> for Diagnosis {
    fn from(d: voipsign::Diagnosis) -> Self {
        Diagnosis {
            verdict: d.verdict.name(),
            mistakes: Codes(d.mistakes.iter().map(|m| m.name()).collect()),
            message: d.message.clone(),
            expected: d.expected.clone(),
            canonical: d.canonical.clone(),
            core: Core(d),
        }
    }
}

#[pymethods]
impl Diagnosis {
    /// ``{"verdict", "mistakes", "message", "expected", "canonical"}``, a new
    /// ``dict`` each time, ready for ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text (the core's serialisation).
    fn to_json(&self) -> String {
        self.core.0.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let fields = ["verdict", "mistakes", "message", "expected", "canonical"];
        repr_fields(slf.as_any(), "Diagnosis", &fields)
    }
}

/// What :func:`voipsign.explain` says about a ``wx.joinVoIPChat`` failure.
/// Immutable, comparable and hashable.
///
/// ``to_dict()`` gives ``{"cause", "meaning", "action"}``, the core's JSON
/// (``voipsign explain --json``), which ``to_json()`` returns as text.
#[pyclass(frozen, eq, hash, module = "voipsign")]
#[derive(PartialEq, Eq, Hash)]
pub struct Explanation {
    /// ``"ALREADY_IN_ROOM"``, ``"DEVICE_BUSY"``, ``"JOIN_INTERRUPTED"``,
    /// ``"SYSTEM_ERROR"``, ``"INVALID_SIGNATURE"``, ``"DAILY_ROOM_LIMIT"`` or
    /// ``"UNKNOWN"``.
    #[pyo3(get)]
    cause: &'static str,
    /// What happened.
    #[pyo3(get)]
    meaning: String,
    /// What to do.
    #[pyo3(get)]
    action: String,
    core: Core<voipsign::Explanation>,
}

impl From<voipsign::Explanation> for Explanation {
    fn from(e: voipsign::Explanation) -> Self {
        Explanation {
            cause: e.cause.name(),
            meaning: e.meaning.clone(),
            action: e.action.clone(),
            core: Core(e),
        }
    }
}

#[pymethods]
impl Explanation {
    /// ``{"cause", "meaning", "action"}``, a new ``dict`` each time, ready for
    /// ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.to_dict(py)
    }

    /// :meth:`to_dict` as JSON text (the core's serialisation).
    fn to_json(&self) -> String {
        self.core.0.to_json()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        repr_fields(slf.as_any(), "Explanation", &["cause", "meaning", "action"])
    }
}
