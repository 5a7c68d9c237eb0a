//! The module's functions: each reads its arguments (src/args.rs), makes ONE call
//! to `voipsign::request`, which validates every value in the contract's order
//! (docs/CONTRACT.md, "When several inputs are bad"), and turns the result or the
//! error into Python. Nothing here checks a value or decides an order.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use voipsign::request;

use crate::args::field::{
    AppId, GroupId, NonceStr, RejectedSignature, RoomType, SessionKey, Signature,
};
use crate::args::{Body, ErrCode, Keys, OtherSessionKeys, SessionKeys, Str, Timestamp};
use crate::records::{Diagnosis, Explanation, JoinTicket};
use crate::errors::guarded;

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
/// other threads to gain from it). Everything `f` reads is borrowed from
/// immutable Python objects (`str`, `bytes`) this call holds references to.
fn run<T: Send>(py: Python<'_>, detach: bool, f: impl FnOnce() -> T + Send) -> T {
    if detach {
        py.detach(f)
    } else {
        f()
    }
}

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
/// :raises InputError: a value breaks a rule (``err.code`` says which; with
///     several bad values, the first in the order of the parameters).
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
pub fn sign<'py>(
    py: Python<'py>,
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    nonce_str: Str<'_, NonceStr>,
    timestamp: Timestamp,
    session_key: Str<'_, SessionKey>,
) -> PyResult<Bound<'py, PyString>> {
    let sig = guarded(|| {
        request::sign(
            app_id.0,
            group_id.0,
            nonce_str.0,
            timestamp.0,
            session_key.0,
        )
    })?;
    Ok(PyString::new(py, sig.as_str()))
}

/// Whether ``signature`` is the right one for these values, compared in
/// constant time. An upper-case signature is well-formed but ``False`` (WeChat
/// expects lower case).
///
/// :returns: ``True`` when the signature matches.
/// :raises InputError: a value breaks a rule; ``signature`` too when it is not 64
///     hex digits, or carries the ``_tag`` suffix of WeChat's cloud signing (which
///     cannot be checked locally).
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
pub fn verify(
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    nonce_str: Str<'_, NonceStr>,
    timestamp: Timestamp,
    session_key: Str<'_, SessionKey>,
    signature: Str<'_, Signature>,
) -> PyResult<bool> {
    guarded(|| {
        let (a, g, n, k) = (app_id.0, group_id.0, nonce_str.0, session_key.0);
        request::verify(a, g, n, timestamp.0, k, signature.0)
    })
}

/// The canonical string: the four values sorted in code-unit order and joined
/// with no separator. It holds no secret, so it is safe to log when a signature
/// is disputed.
///
/// :raises InputError: a value breaks a rule.
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
pub fn canonical(
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    nonce_str: Str<'_, NonceStr>,
    timestamp: Timestamp,
) -> PyResult<String> {
    guarded(|| request::canonical(app_id.0, group_id.0, nonce_str.0, timestamp.0))
}

/// Sign one room for many members (a matchmaker seating a room of 10 at once):
/// the canonical string is built once, then one HMAC per session_key.
///
/// :param session_keys: any iterable of ``str`` (a single ``str`` is refused).
/// :returns: the signatures, in the order of ``session_keys``.
/// :raises InputError: a value breaks a rule; a malformed key is named by its
///     index (``sessionKeys[2]: ...``).
/// :raises TypeError: an argument, or an item of ``session_keys``, has the wrong type.
#[pyfunction]
pub fn sign_many<'py>(
    py: Python<'py>,
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    nonce_str: Str<'_, NonceStr>,
    timestamp: Timestamp,
    session_keys: Keys<'py, SessionKeys>,
) -> PyResult<Bound<'py, PyList>> {
    let keys = session_keys.to_strs()?;
    let detach = keys.len() >= DETACH_MIN_KEYS;
    let (a, g, n) = (app_id.0, group_id.0, nonce_str.0);
    let sigs = guarded(|| {
        run(py, detach, || {
            request::sign_many(a, g, n, timestamp.0, &keys)
        })
    })?;
    PyList::new(py, sigs.iter().map(|s| s.as_str()))
}

/// WeChat's "user login state signature": HMAC-SHA256 of ``body`` keyed by the
/// session_key string, as 64 lowercase hex digits. With an empty body it is the
/// ``signature`` parameter of ``GET /wxa/checksession``, which tells whether a
/// stored session_key is still the current one.
///
/// :param body: ``bytes``, or a ``str`` (signed as its UTF-8 bytes).
/// :raises InputError: the session_key is malformed.
/// :raises TypeError: ``body`` is neither ``str`` nor ``bytes``.
#[pyfunction]
#[pyo3(signature = (session_key, body = None), text_signature = "(session_key, body=b'')")]
pub fn session_signature<'py>(
    py: Python<'py>,
    session_key: Str<'_, SessionKey>,
    body: Option<Body<'_>>,
) -> PyResult<Bound<'py, PyString>> {
    let body = body.map_or(&b""[..], |b| b.0);
    let detach = body.len() >= DETACH_MIN_BODY;
    let key = session_key.0;
    let sig = guarded(|| run(py, detach, || request::session_signature(key, body)))?;
    Ok(PyString::new(py, sig.as_str()))
}

/// A join ticket for ``wx.joinVoIPChat``: a fresh 32-character nonce from the
/// operating system's CSPRNG, the current time in seconds and the signature.
/// Return ``ticket.to_dict()`` to the mini program.
///
/// :param room_type: ``"voice"`` (audio only, the default) or ``"video"``.
/// :raises InputError: a value breaks a rule (``room_type`` is neither ``"voice"``
///     nor ``"video"``, ...).
/// :raises VoipSignError: the operating system's random number generator failed
///     (kind ``internal``).
/// :raises TypeError: an argument has the wrong Python type.
#[pyfunction]
#[pyo3(
    signature = (app_id, group_id, session_key, room_type = None),
    text_signature = "(app_id, group_id, session_key, room_type='voice')"
)]
pub fn issue(
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    session_key: Str<'_, SessionKey>,
    room_type: Option<Str<'_, RoomType>>,
) -> PyResult<JoinTicket> {
    // One HMAC and a getrandom call: too short to gain from releasing the GIL.
    let room_type = room_type.map(|r| r.0);
    guarded(|| request::issue(app_id.0, group_id.0, session_key.0, room_type)).map(JoinTicket::from)
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
/// :raises InputError: a session_key is malformed (an older one is named by
///     its index: ``otherSessionKeys[1]: ...``), or another value breaks a rule
///     of :func:`sign`.
/// :raises TypeError: an argument, or an item of ``other_session_keys``, has the
///     wrong type.
#[pyfunction]
#[pyo3(
    signature = (app_id, group_id, nonce_str, timestamp, session_key, rejected_signature, other_session_keys = None),
    text_signature = "(app_id, group_id, nonce_str, timestamp, session_key, rejected_signature, other_session_keys=())"
)]
#[allow(clippy::too_many_arguments)]
pub fn diagnose<'py>(
    py: Python<'py>,
    app_id: Str<'_, AppId>,
    group_id: Str<'_, GroupId>,
    nonce_str: Str<'_, NonceStr>,
    timestamp: Timestamp,
    session_key: Str<'_, SessionKey>,
    rejected_signature: Str<'_, RejectedSignature>,
    other_session_keys: Option<Keys<'py, OtherSessionKeys>>,
) -> PyResult<Diagnosis> {
    let others = other_session_keys.unwrap_or_else(Keys::empty);
    let others = others.to_strs()?;
    // About 2,000 hashes per session_key: long enough that the other threads
    // should run meanwhile.
    let (a, g, n, k, s) = (
        app_id.0,
        group_id.0,
        nonce_str.0,
        session_key.0,
        rejected_signature.0,
    );
    guarded(|| {
        run(py, true, || {
            request::diagnose(a, g, n, timestamp.0, k, s, &others)
        })
    })
    .map(Diagnosis::from)
}

/// What a ``wx.joinVoIPChat`` failure means and what to do about it, from the
/// ``errCode`` and ``errMsg`` its ``fail`` callback received. Codes written in
/// ``errMsg`` count too: WeChat wraps ``-12020 invalid signature`` in ``-1000``
/// or ``-10088``. With ``context`` (what the backend knows: the caller's seat,
/// the room, today's quota, a replaced session_key; see ``ExplainContext``) it
/// names the causes only the ledger can tell apart: ``SESSION_KEY_REPLACED``,
/// ``SEATED_ELSEWHERE``, a ``ROOM_FULL`` the ledger did not count.
///
/// :param err_code: the ``errCode``, an ``int`` (not ``bool``/``float``).
/// :param err_msg: the ``errMsg``, a ``str`` (a lone surrogate is read as U+FFFD).
/// :param context: a ``dict`` of ``ExplainContext`` keys (snake_case), or ``None``.
/// :returns: an :class:`Explanation`.
/// :raises TypeError: ``err_code`` is not an ``int``, ``err_msg`` not a ``str``
///     or ``context`` not a ``dict``.
/// :raises InvalidContext: a context key unknown or its value of the wrong type.
/// :raises OverflowError: ``err_code`` is beyond the 64-bit integer range.
#[pyfunction]
#[pyo3(signature = (err_code, err_msg = None, context = None), text_signature = "(err_code, err_msg='', context=None)")]
pub fn explain(
    err_code: ErrCode,
    err_msg: Option<&Bound<'_, PyString>>,
    context: Option<&Bound<'_, PyDict>>,
) -> PyResult<Explanation> {
    let msg = err_msg.map(|m| m.to_string_lossy());
    let msg = msg.as_deref().unwrap_or("");
    let entries = crate::args::options(context)?;
    guarded(|| {
        let ctx = voipsign::ExplainContext::parse(&entries, voipsign::Spelling::Snake)?;
        Ok(voipsign::explain_with(err_code.0, msg, &ctx))
    })
    .map(Explanation::from)
}
