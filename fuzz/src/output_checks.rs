//! The checks of what a call wrote, shared by every target: a 64-hex-digit
//! signature, NUL-terminated text with its length, JSON objects and their keys, the
//! size a `BUFFER_TOO_SMALL` message reports.

use crate::out_params::{ErrBuf, OutBuf, OutLen, OUT_LEN_SENTINEL, SENTINEL};
use crate::status::{BUFFER_TOO_SMALL, OK};

/// Whether `b` is only lower-case hex digits.
pub fn is_lower_hex(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `BUFFER_TOO_SMALL` message reports the needed size.
pub fn check_need_reported(msg: Option<&str>, need: usize) {
    if let Some(m) = msg {
        let need = need.to_string();
        assert!(
            m.split(|c: char| !c.is_ascii_digit()).any(|w| w == need),
            "BUFFER_TOO_SMALL message does not give the needed {need} bytes: {m:?}"
        );
    }
}

/// After a function that writes a 64-hex-digit signature (plus a NUL when
/// `out_cap > 64`): returns the signature on success. Checks the buffer, the guard,
/// and `err` for every outcome.
pub fn check_fixed_sig(st: i32, out: &OutBuf, err: &ErrBuf) -> Option<String> {
    out.check_guard();
    if st == OK {
        err.check_untouched();
        assert!(
            !out.null && out.cap >= 64,
            "OK with out NULL or out_cap {} < 64",
            out.cap
        );
        let b = out.bytes();
        assert!(
            is_lower_hex(&b[..64]),
            "not 64 lower-case hex digits: {:?}",
            &b[..64]
        );
        if out.cap > 64 {
            assert_eq!(
                b[64], 0,
                "no NUL after the signature with out_cap {}",
                out.cap
            );
            assert!(b[65..].iter().all(|&c| c == SENTINEL), "wrote past the NUL");
        }
        return Some(String::from_utf8(b[..64].to_vec()).unwrap());
    }
    out.check_untouched(st);
    let msg = err.check_failure(st);
    if st == BUFFER_TOO_SMALL {
        assert!(
            !out.null && out.cap < 64,
            "BUFFER_TOO_SMALL with out_cap {}",
            out.cap
        );
        check_need_reported(msg.as_deref(), 64);
    }
    None
}

/// After a function that writes NUL-terminated text and its length: returns the
/// text on success. `max` is the documented size that always suffices (NUL
/// included). On `BUFFER_TOO_SMALL` the caller may retry with the reported size.
pub fn check_text(
    st: i32,
    out: &OutBuf,
    out_len: &OutLen,
    err: &ErrBuf,
    max: usize,
) -> Option<String> {
    out.check_guard();
    if st == OK {
        err.check_untouched();
        assert!(!out.null, "OK with out NULL");
        let b = out.bytes();
        let n = b
            .iter()
            .position(|&c| c == 0)
            .unwrap_or_else(|| panic!("OK but no NUL within out_cap {}", out.cap));
        if let Some(len) = out_len.get() {
            assert_eq!(len, n, "*out_len {len} != strlen(out) {n}");
        }
        assert!(
            n < max,
            "{n} bytes + NUL: more than the {max} bytes documented to always suffice"
        );
        assert!(
            b[n + 1..].iter().all(|&c| c == SENTINEL),
            "wrote past the NUL"
        );
        let text = std::str::from_utf8(&b[..n])
            .unwrap_or_else(|e| panic!("output is not UTF-8: {e}"))
            .to_owned();
        return Some(text);
    }
    out.check_untouched(st);
    let msg = err.check_failure(st);
    if st == BUFFER_TOO_SMALL {
        assert!(!out.null, "BUFFER_TOO_SMALL with out NULL");
        if let Some(len) = out_len.get() {
            assert_ne!(len, OUT_LEN_SENTINEL, "BUFFER_TOO_SMALL without *out_len");
            assert!(
                len + 1 > out.cap,
                "BUFFER_TOO_SMALL but *out_len {len} + 1 fits in out_cap {}",
                out.cap
            );
            assert!(
                len < max,
                "needs {len} bytes + NUL: more than the {max} bytes documented to always suffice"
            );
            check_need_reported(msg.as_deref(), len + 1);
        }
    } else if let Some(len) = out_len.get() {
        assert_eq!(len, OUT_LEN_SENTINEL, "*out_len written on status {st}");
    }
    None
}

/// Parse `text` as one JSON object.
pub fn json_object(text: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => m,
        Ok(v) => panic!("not a JSON object: {v}"),
        Err(e) => panic!("not JSON ({e}): {text:?}"),
    }
}

/// The keys of a JSON object, in order, checked against `want`.
pub fn check_keys(m: &serde_json::Map<String, serde_json::Value>, want: &[&str]) {
    let mut got: Vec<&str> = m.keys().map(String::as_str).collect();
    let mut want = want.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "JSON keys");
}
