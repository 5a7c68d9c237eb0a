//! Reading arguments: the few Python types PyO3 does not read the way voipsign
//! needs, each a small [`FromPyObject`] newtype. None checks a *value* — that is
//! the core's job, in the contract's order. What they raise is Python's kind of
//! error, as PyO3 reads the argument, so in parameter order and before the core
//! is called (docs/CONTRACT.md, "When several inputs are bad"):
//!
//! - `TypeError` for a wrong type: a `bool` or `float` timestamp (PyO3 would
//!   take `True` as 1), a single `str` where a list of keys is expected, …;
//! - `InvalidUtf8` (code `INVALID_UTF8`) for a `str` with a lone surrogate,
//!   which has no UTF-8 form; the message names the parameter, never the value.

use std::marker::PhantomData;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString, PyTuple};
use voipsign::contract::Value;
use voipsign::request;

use crate::errors::invalid_utf8;

/// The name of `obj`'s type, for a `TypeError`.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// The parameters read by [`Str`]: each names its field as the core's messages
/// do (`groupId`), for the `INVALID_UTF8` of a lone surrogate.
pub mod field {
    /// A `str` parameter.
    pub trait Field {
        /// The field's name in messages.
        const NAME: &'static str;
    }

    macro_rules! fields {
        ($($(#[$doc:meta])* $ty:ident = $name:literal;)*) => {$(
            $(#[$doc])*
            pub struct $ty;

            impl Field for $ty {
                const NAME: &'static str = $name;
            }
        )*};
    }

    fields! {
        /// `app_id`.
        AppId = "appId";
        /// `group_id`.
        GroupId = "groupId";
        /// `nonce_str`.
        NonceStr = "nonceStr";
        /// `session_key`.
        SessionKey = "sessionKey";
        /// verify's `signature`.
        Signature = "signature";
        /// diagnose's `rejected_signature`.
        RejectedSignature = "rejectedSignature";
        /// issue's `room_type`.
        RoomType = "roomType";
        /// The ledger's `member_id`.
        MemberId = "memberId";
        /// `Ledger.redis`'s `url` (never echoed: it may carry a password).
        RedisUrl = "url";
        /// `Ledger.rooms`' `after` (a groupId: the cursor of the page).
        After = "after";
    }
}

/// A `str` argument as UTF-8, borrowed from the Python object (no copy: with
/// abi3-py310, PyO3 reads it with `PyUnicode_AsUTF8AndSize`). Anything but a
/// `str` is PyO3's `TypeError`; a lone surrogate is `INVALID_UTF8` naming `F`.
pub struct Str<'a, F>(pub &'a str, PhantomData<F>);

impl<'a, F: field::Field> FromPyObject<'a, '_> for Str<'a, F> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, '_, PyAny>) -> PyResult<Self> {
        let s = <&'a str>::extract(ob).map_err(|e| surrogate(ob.py(), e, || F::NAME.into()))?;
        Ok(Str(s, PhantomData))
    }
}

/// `UnicodeEncodeError` (a lone surrogate) becomes `INVALID_UTF8` naming the
/// field; any other error (`MemoryError`) stays as it is.
fn surrogate(py: Python<'_>, e: PyErr, field: impl FnOnce() -> String) -> PyErr {
    if e.is_instance_of::<PyUnicodeEncodeError>(py) {
        invalid_utf8(&field())
    } else {
        e
    }
}

/// An `int` argument read as `i64`, refusing `bool` (an `int` subclass that is
/// never meant as a number here) and `float`. Accepts `int` subclasses and
/// objects with `__index__` (numpy integers). `Ok(None)`: an `int` beyond the
/// 64-bit range. `want` completes "`param` must be …" in the `TypeError`, `hint`
/// follows it for a `float`.
fn int64(ob: &Bound<'_, PyAny>, param: &str, want: &str, hint: &str) -> PyResult<Option<i64>> {
    let wrong_type = || {
        let ty = type_name(ob);
        let hint = if ob.is_instance_of::<PyFloat>() {
            hint
        } else {
            ""
        };
        PyTypeError::new_err(format!("{param} must be {want}, not {ty}{hint}"))
    };
    if ob.is_instance_of::<PyBool>() {
        return Err(wrong_type());
    }
    match ob.extract::<i64>() {
        Ok(i) => Ok(Some(i)),
        Err(e) if e.is_instance_of::<PyOverflowError>(ob.py()) => Ok(None),
        // A float (3.10+ never truncates it), a str, None, ...
        Err(e) if e.is_instance_of::<PyTypeError>(ob.py()) => Err(wrong_type()),
        Err(e) => Err(e),
    }
}

/// A `timestamp` argument: an `int` (see [`int64`]) of any size, handed to the
/// core as [`request::Timestamp`], which decides in its turn whether it is valid
/// (an `int` beyond 64 bits is refused like any out-of-range value).
pub struct Timestamp(pub request::Timestamp<'static>);

impl<'py> FromPyObject<'_, 'py> for Timestamp {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let hint = " (pass int(time.time()))";
        if let Some(t) = int64(&ob, "timestamp", "an int of seconds", hint)? {
            return Ok(Timestamp(t.into()));
        }
        // Beyond 64 bits (rare): the exact value up to 128 bits, else the nearest
        // i128, which the core refuses all the same.
        let int = ob.call_method0(pyo3::intern!(ob.py(), "__index__"))?;
        let wide = match int.extract::<i128>() {
            Ok(i) => i,
            Err(e) if e.is_instance_of::<PyOverflowError>(ob.py()) => {
                if int.lt(0)? {
                    i128::MIN
                } else {
                    i128::MAX
                }
            }
            Err(e) => return Err(e),
        };
        Ok(Timestamp(wide.into()))
    }
}

/// explain's `err_code`: an `int` (see [`int64`]). Beyond 64 bits it is
/// `OverflowError`, as Python raises for an `int` that does not fit a C integer:
/// no errCode of WeChat's comes near, so it is a caller's bug, not a finding.
pub struct ErrCode(pub i64);

impl<'py> FromPyObject<'_, 'py> for ErrCode {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        int64(&ob, "err_code", "an int", "")?.map(ErrCode).ok_or_else(|| {
            PyOverflowError::new_err(
                "err_code is outside the 64-bit integer range (WeChat's errCodes are small negative ints)",
            )
        })
    }
}

/// The `int` parameters of the ledger's methods (see [`Int`]): `now_ms`,
/// usage's `day` and rooms' `limit`, each with its name and what it must be, for the `TypeError`
/// of a wrong type.
pub mod int {
    /// An `int` parameter.
    pub trait Param {
        /// The Python parameter.
        const NAME: &'static str;
        /// Completes "`NAME` must be …".
        const WANT: &'static str = "an int";
        /// Follows the `TypeError` of a `float`.
        const HINT: &'static str = "";
    }

    macro_rules! params {
        ($($(#[$doc:meta])* $ty:ident = $name:literal $(, $want:literal, $hint:literal)?;)*) => {$(
            $(#[$doc])*
            pub struct $ty;

            impl Param for $ty {
                const NAME: &'static str = $name;
                $(const WANT: &'static str = $want;
                const HINT: &'static str = $hint;)?
            }
        )*};
    }

    params! {
        /// The explicit time of a ledger operation.
        NowMs = "now_ms", "an int of unix milliseconds", " (pass time.time_ns() // 1_000_000)";
        /// usage's `day`.
        Day = "day", "an int (days since 1970-01-01 in the rules' UTC offset)", "";
        /// rooms' `limit`: rooms per page.
        Limit = "limit", "an int (rooms per page, 1-1000)", "";
    }
}

/// A 64-bit `int` argument of the ledger (see [`int64`]: no `bool`, no `float`).
/// Its value is the core's to check; beyond 64 bits it is `OverflowError`, as
/// Python raises for an `int` that does not fit a C integer (the core's times
/// are 64-bit).
pub struct Int<P>(pub i64, PhantomData<P>);

impl<'py, P: int::Param> FromPyObject<'_, 'py> for Int<P> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let i = int64(&ob, P::NAME, P::WANT, P::HINT)?.ok_or_else(|| {
            PyOverflowError::new_err(format!("{} is outside the 64-bit integer range", P::NAME))
        })?;
        Ok(Int(i, PhantomData))
    }
}

/// The keyword arguments of `Ledger.memory` and `Ledger.redis` as core's option
/// entries, in the order given; core refuses an unknown name, applies the
/// defaults and checks each value (messages name them in snake_case). `None`
/// is [`Value::Null`] (the default), a `bool` [`Value::Bool`] (never a number),
/// an `int` (or `__index__`) [`Value::Int`], a `float` [`Value::Float`], a
/// `str` [`Value::Str`], anything else [`Value::Other`]. Only what has no core
/// value is raised here: an `int` beyond 64 bits (`OverflowError`) and a `str`
/// with a lone surrogate (`INVALID_UTF8`).
pub fn options(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<(String, Value)>> {
    let Some(kwargs) = kwargs else {
        return Ok(Vec::new());
    };
    let mut entries = Vec::with_capacity(kwargs.len());
    for (name, v) in kwargs.iter() {
        let name = name.cast_into::<PyString>()?.to_string_lossy().into_owned();
        let value = if v.is_none() {
            Value::Null
        } else if let Ok(b) = v.cast::<PyBool>() {
            Value::Bool(b.is_true())
        } else if let Ok(s) = v.cast::<PyString>() {
            let s = s
                .to_str()
                .map_err(|e| surrogate(v.py(), e, || name.clone()))?;
            Value::Str(s.to_owned())
        } else if let Ok(f) = v.cast::<PyFloat>() {
            Value::Float(f.value())
        } else {
            match v.extract::<i64>() {
                Ok(i) => Value::Int(i),
                Err(e) if e.is_instance_of::<PyOverflowError>(v.py()) => {
                    return Err(PyOverflowError::new_err(format!(
                        "{name} is outside the 64-bit integer range"
                    )))
                }
                Err(_) => Value::Other,
            }
        };
        entries.push((name, value));
    }
    Ok(entries)
}

/// session_signature's `body`: `bytes`, or a `str` signed as its UTF-8 bytes.
/// Both are borrowed from the Python object (immutable), so they can be read
/// with the GIL released.
pub struct Body<'a>(pub &'a [u8]);

impl<'a> FromPyObject<'a, '_> for Body<'a> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, '_, PyAny>) -> PyResult<Self> {
        if ob.is_instance_of::<PyBytes>() {
            Ok(Body(<&'a [u8]>::extract(ob)?))
        } else if ob.is_instance_of::<PyString>() {
            let s = <&'a str>::extract(ob).map_err(|e| surrogate(ob.py(), e, || "body".into()))?;
            Ok(Body(s.as_bytes()))
        } else {
            Err(PyTypeError::new_err(format!(
                "body must be str or bytes, not {}",
                type_name(&ob)
            )))
        }
    }
}

/// Which list of `str` a [`Keys`] is: its Python parameter name (for a
/// `TypeError`) and its name in the core's messages (`sessionKeys[2]: …`).
pub trait KeyList {
    /// The Python parameter.
    const PARAM: &'static str;
    /// The field, as the core names it.
    const FIELD: &'static str;
}

/// sign_many's `session_keys`.
pub struct SessionKeys;

impl KeyList for SessionKeys {
    const PARAM: &'static str = "session_keys";
    const FIELD: &'static str = request::SESSION_KEYS_FIELD;
}

/// diagnose's `other_session_keys`.
pub struct OtherSessionKeys;

impl KeyList for OtherSessionKeys {
    const PARAM: &'static str = "other_session_keys";
    const FIELD: &'static str = request::OTHER_SESSION_KEYS_FIELD;
}

/// `Ledger.sync`'s `open_ids` (member ids, not keys).
pub struct OpenIds;

impl KeyList for OpenIds {
    const PARAM: &'static str = "open_ids";
    const FIELD: &'static str = voipsign::rooms::OPEN_IDS_FIELD;
}

/// A list of session_keys (or of sync's open ids): any iterable of `str` (list, tuple, generator, dict
/// keys), never a single `str` (an iterable of one-character strings: never what
/// the caller meant). Holds its own references to the items, so that the text
/// borrowed from them stays valid even if another thread changes the container.
pub struct Keys<'py, L: KeyList> {
    items: Vec<Bound<'py, PyString>>,
    list: PhantomData<L>,
}

impl<'py, L: KeyList> FromPyObject<'_, 'py> for Keys<'py, L> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let param = L::PARAM;
        if ob.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "{param} must be an iterable of str, not a single str"
            )));
        }
        let iter = ob.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "{param} must be an iterable of str, not {}",
                type_name(&ob)
            ))
        })?;
        let sized = ob.is_instance_of::<PyList>() || ob.is_instance_of::<PyTuple>();
        let mut items = Vec::with_capacity(if sized { ob.len()? } else { 0 });
        for (i, item) in iter.enumerate() {
            let item = item?;
            let key = item.cast_into::<PyString>().map_err(|e| {
                let ty = type_name(e.into_inner().as_any());
                PyTypeError::new_err(format!("{param}[{i}] must be str, not {ty}"))
            })?;
            // A lone surrogate is refused here, in the order of the items (the
            // UTF-8 form is cached in the str: `to_strs` reads it again for free).
            key.to_str()
                .map_err(|e| surrogate(key.py(), e, || format!("{}[{i}]", L::FIELD)))?;
            items.push(key);
        }
        Ok(Keys {
            items,
            list: PhantomData,
        })
    }
}

impl<'py, L: KeyList> Keys<'py, L> {
    /// No keys (diagnose's default).
    pub fn empty() -> Self {
        Keys {
            items: Vec::new(),
            list: PhantomData,
        }
    }

    /// Every key as UTF-8, borrowed (read once already by `extract`, so this
    /// cannot meet a lone surrogate; it would name the key: `sessionKeys[2]`).
    pub fn to_strs(&self) -> PyResult<Vec<&str>> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, k)| {
                k.to_str()
                    .map_err(|e| surrogate(k.py(), e, || format!("{}[{i}]", L::FIELD)))
            })
            .collect()
    }
}
