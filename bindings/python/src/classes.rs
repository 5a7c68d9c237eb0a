//! What the result classes of src/records.rs (generated from core's records by
//! `make gen`) are made of: core's value each keeps for `to_dict()` and
//! `to_json()` (the field names and shapes are decided once, in core's serde
//! derives), the wire names of core's enums, the tuples of codes and of records,
//! and `repr`.

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::pyclass::PyClass;
use pyo3::types::PyTuple;
use serde::Serialize;

/// Core's records, by the names core's contract gives them.
pub mod from_core {
    pub use voipsign::rooms::{Admission, Room, RoomPage, RoomSummary, Seat, Usage};
    pub use voipsign::{Diagnosis, Explanation, JoinTicket};
}

/// An enum of core as Python sees it: its wire name (`"voice"`, `"MISTAKE_FOUND"`).
pub trait Wire {
    /// The name in `to_dict()` and in the attribute.
    fn wire(&self) -> &'static str;
}

impl Wire for voipsign::RoomType {
    fn wire(&self) -> &'static str {
        self.as_str()
    }
}

macro_rules! wire_by_name {
    ($($ty:ty),*) => {$(
        impl Wire for $ty {
            fn wire(&self) -> &'static str {
                self.name()
            }
        }
    )*};
}

wire_by_name!(voipsign::Verdict, voipsign::Mistake, voipsign::Cause);

/// `Class(field=repr, ...)`, the attributes read back through Python.
pub(crate) fn repr_fields(
    obj: &Bound<'_, PyAny>,
    class: &str,
    fields: &[&str],
) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|f| Ok(format!("{f}={}", obj.getattr(*f)?.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{class}({})", parts.join(", ")))
}

/// The core's value a class was made from, kept for `to_dict()` and
/// `to_json()`. Left out of `==` and `hash` (it always compares equal): the
/// public fields beside it determine it.
#[derive(Clone)]
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

    /// The same serialisation as JSON text.
    pub fn to_json(&self) -> String {
        // Strings, integers and booleans: serialising them cannot fail.
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// A list of enum values (a diagnosis' mistakes); a Python ``tuple``
/// (immutable, like the object holding it).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Codes(pub Vec<&'static str>);

impl<'py> IntoPyObject<'py> for &Codes {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.0)
    }
}

/// A list of records (a room's seats); a Python ``tuple`` of new objects on each
/// access (immutable, like the object holding it).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Records<C>(pub Vec<C>);

impl<'py, C: PyClass + Clone + Into<PyClassInitializer<C>>> IntoPyObject<'py> for &Records<C> {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .0
            .iter()
            .map(|c| Bound::new(py, c.clone()))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }
}
