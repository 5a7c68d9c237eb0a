//! Turning C arguments into Rust values and results into C outputs. Every
//! function here checks for NULL before touching a pointer.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use voipsign::{Error, ErrorCode, Spelling};

use crate::status::{VoipsignError, VoipsignStatus};
use crate::VOIPSIGN_SIGNATURE_LEN;

/// Run `f` behind a panic boundary and translate its result into a status, filling
/// `err` (when non-NULL) on failure.
pub(crate) fn guard(
    err: *mut VoipsignError,
    f: impl FnOnce() -> Result<(), Error>,
) -> VoipsignStatus {
    let result = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::new(ErrorCode::Internal, "internal error: a panic was caught at the C boundary (a bug in voipsign; please report it)"))
    });
    match result {
        Ok(()) => VoipsignStatus::VoipsignOk,
        Err(e) => {
            if !err.is_null() {
                // SAFETY: the caller passes either NULL (checked above) or a pointer to a
                // writable `voipsign_error` it owns for the duration of the call.
                unsafe { (*err).set(&e) };
            }
            VoipsignStatus::from(e.code())
        }
    }
}

fn null(field: &str) -> Error {
    Error::new(ErrorCode::NullArgument, format!("{field} is NULL"))
}

/// Borrow `len` bytes at `ptr`. `(NULL, 0)` is the empty slice; NULL with a
/// non-zero length is `NULL_ARGUMENT`.
///
/// # Safety
/// When `ptr` is non-NULL it must point to `len` readable bytes that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const c_char,
    len: usize,
    field: &str,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(field)) };
    }
    if len > isize::MAX as usize {
        return Err(Error::new(
            ErrorCode::NullArgument,
            format!("{field} length is impossible"),
        ));
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Borrow a UTF-8 string given as (pointer, length); not NUL-terminated.
///
/// # Safety
/// As [`bytes_arg`].
pub(crate) unsafe fn str_arg<'a>(
    ptr: *const c_char,
    len: usize,
    field: &str,
) -> Result<&'a str, Error> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_arg(ptr, len, field)? };
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!(
                "{field} is not valid UTF-8 (invalid byte at {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Like [`str_arg`] for the session_key: the message gives no position or byte.
///
/// # Safety
/// As [`bytes_arg`].
pub(crate) unsafe fn key_arg<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, Error> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_arg(ptr, len, "sessionKey")? };
    std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "sessionKey is not valid UTF-8"))
}

/// Copy `bytes` into the caller's buffer followed by a NUL, and store the length
/// (without the NUL) in `out_len` when non-NULL. When `cap < bytes.len() + 1`
/// nothing is written to `out`, `out_len` still receives the length, and the result
/// is `BUFFER_TOO_SMALL`.
///
/// # Safety
/// `out` must be NULL or point to `cap` writable bytes; `out_len` NULL or writable.
pub(crate) unsafe fn write_text(
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    bytes: &[u8],
) -> Result<(), Error> {
    if out.is_null() {
        return Err(null("out"));
    }
    if !out_len.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *out_len = bytes.len() };
    }
    if cap < bytes.len() + 1 {
        return Err(too_small(bytes.len() + 1, cap));
    }
    // SAFETY: `out` has `cap >= bytes.len() + 1` writable bytes, and a caller buffer
    // cannot overlap the library's own `bytes`.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), bytes.len());
        *out.add(bytes.len()) = 0;
    }
    Ok(())
}

/// Copy exactly `bytes` into the caller's buffer (no NUL), requiring `cap >= bytes.len()`.
///
/// # Safety
/// `out` must be NULL or point to `cap` writable bytes.
pub(crate) unsafe fn write_fixed(out: *mut c_char, cap: usize, bytes: &[u8]) -> Result<(), Error> {
    if out.is_null() {
        return Err(null("out"));
    }
    if cap < bytes.len() {
        return Err(too_small(bytes.len(), cap));
    }
    // SAFETY: `out` has at least `bytes.len()` writable bytes.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), bytes.len()) };
    Ok(())
}

pub(crate) fn too_small(need: usize, cap: usize) -> Error {
    Error::new(
        ErrorCode::BufferTooSmall,
        format!("out has {cap} bytes; {need} are needed"),
    )
}

/// A `voipsign_spelling` argument: 0 snake_case, 1 camelCase; another number is
/// `code` (the input error of the function that takes it).
pub(crate) fn spelling_arg(n: i32, code: ErrorCode) -> Result<Spelling, Error> {
    match n {
        0 => Ok(Spelling::Snake),
        1 => Ok(Spelling::Camel),
        n => Err(Error::new(
            code,
            format!("spelling is {n}; it must be 0 (snake) or 1 (camel)"),
        )),
    }
}

pub(crate) fn require<T>(p: *const T, field: &str) -> Result<(), Error> {
    if p.is_null() {
        Err(null(field))
    } else {
        Ok(())
    }
}

/// The four values as borrowed text (NULL and UTF-8 errors, in parameter order).
/// Their rules are the core's.
///
/// # Safety
/// Each pointer is NULL (with length 0) or points to `len` readable bytes.
pub(crate) unsafe fn values_arg<'a>(
    app_id: *const c_char,
    app_id_len: usize,
    group_id: *const c_char,
    group_id_len: usize,
    nonce_str: *const c_char,
    nonce_str_len: usize,
) -> Result<[&'a str; 3], Error> {
    // SAFETY: forwarded from the exported function's contract.
    unsafe {
        Ok([
            str_arg(app_id, app_id_len, "appId")?,
            str_arg(group_id, group_id_len, "groupId")?,
            str_arg(nonce_str, nonce_str_len, "nonceStr")?,
        ])
    }
}

/// Write the 64 hex digits of `sig` to `out`, and a NUL when there is room for one.
///
/// # Safety
/// `out` is non-NULL with `out_cap >= VOIPSIGN_SIGNATURE_LEN` writable bytes.
pub(crate) unsafe fn write_signature(
    out: *mut c_char,
    out_cap: usize,
    sig: &voipsign::Signature,
) -> Result<(), Error> {
    // SAFETY: forwarded contract: `out` has `out_cap` writable bytes.
    unsafe {
        write_fixed(out, out_cap, sig.as_bytes())?;
        if out_cap > VOIPSIGN_SIGNATURE_LEN {
            *out.add(VOIPSIGN_SIGNATURE_LEN) = 0;
        }
    }
    Ok(())
}

/// Prefix an error about element `i` of a list with its index.
fn indexed(list: &str, i: usize, e: Error) -> Error {
    Error::new(e.code(), format!("{list}[{i}]: {}", e.message()))
}

/// Borrow `count` strings given as parallel arrays of pointers and lengths, each
/// read by `read`; an error is prefixed with `list[i]: `.
///
/// # Safety
/// `ptrs` and `lens` are NULL (only when `count` is 0) or point to `count` readable
/// elements; each `(ptrs[i], lens[i])` pair as in `str_arg`.
pub(crate) unsafe fn text_list<'a>(
    ptrs: *const *const c_char,
    lens: *const usize,
    count: usize,
    list: &str,
    read: unsafe fn(*const c_char, usize) -> Result<&'a str, Error>,
) -> Result<Vec<&'a str>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    require(ptrs, list)?;
    require(lens, list)?;
    // SAFETY: both arrays are non-NULL with `count` readable elements (contract).
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(ptrs, count),
            std::slice::from_raw_parts(lens, count),
        )
    };
    ptrs.iter()
        .zip(lens)
        .enumerate()
        // SAFETY: each pair is a valid (pointer, length) per the contract.
        .map(|(i, (&p, &n))| unsafe { read(p, n) }.map_err(|e| indexed(list, i, e)))
        .collect()
}

/// [`text_list`] of session_keys: an element's error names no byte of it.
///
/// # Safety
/// As [`text_list`].
pub(crate) unsafe fn key_list<'a>(
    ptrs: *const *const c_char,
    lens: *const usize,
    count: usize,
    list: &str,
) -> Result<Vec<&'a str>, Error> {
    // SAFETY: forwarded contract.
    unsafe { text_list(ptrs, lens, count, list, key_arg) }
}

/// [`text_list`] of member ids (openids).
///
/// # Safety
/// As [`text_list`].
pub(crate) unsafe fn id_list<'a>(
    ptrs: *const *const c_char,
    lens: *const usize,
    count: usize,
    list: &str,
) -> Result<Vec<&'a str>, Error> {
    /// One id, named as the core names it.
    ///
    /// # Safety
    /// As [`str_arg`].
    unsafe fn id<'a>(p: *const c_char, n: usize) -> Result<&'a str, Error> {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, n, "memberId") }
    }
    // SAFETY: forwarded contract.
    unsafe { text_list(ptrs, lens, count, list, id) }
}

/// The JSON form of a result; a serialisation failure (never expected) is
/// `INTERNAL`, never an empty string with `VOIPSIGN_OK`.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|_| {
        Error::new(
            ErrorCode::Internal,
            "the result could not be written as JSON",
        )
    })
}
