//! The small C entry points: voipsign_status_name and voipsign_status_message for
//! any int32 (every known status, every unknown one), voipsign_version and
//! voipsign_signature_len. Checks non-NULL, NUL-terminated, non-empty UTF-8 static
//! strings ("OK"/"success" for 0, the core's names and descriptions for every code
//! of `ErrorCode::ALL` (1..=18 at present), "UNKNOWN"/"unknown status" otherwise),
//! the same pointer on every call, the version of the core crate and the length 64.
#![no_main]

use std::ffi::CStr;

use libfuzzer_sys::fuzz_target;
use voipsign::ErrorCode;

fn text(p: *const std::ffi::c_char, what: &str) -> &'static str {
    assert!(!p.is_null(), "{what} returned NULL");
    // SAFETY: `p` is not NULL (asserted above) and comes from voipsign_status_name or
    // voipsign_status_message, which return a static NUL-terminated string that is
    // never freed (include/voipsign.h), so it is valid for 'static.
    let s = unsafe { CStr::from_ptr(p) };
    let s = s
        .to_str()
        .unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"));
    assert!(!s.is_empty(), "{what} is empty");
    s
}

fn check(status: i32) {
    let (n1, n2) = (
        voipsign_ffi::voipsign_status_name(status),
        voipsign_ffi::voipsign_status_name(status),
    );
    let (m1, m2) = (
        voipsign_ffi::voipsign_status_message(status),
        voipsign_ffi::voipsign_status_message(status),
    );
    assert_eq!(n1, n2, "status_name({status}) is not a static string");
    assert_eq!(m1, m2, "status_message({status}) is not a static string");
    let name = text(n1, "voipsign_status_name");
    let message = text(m1, "voipsign_status_message");
    let code = (1..=ErrorCode::ALL.len() as i32)
        .contains(&status)
        .then(|| ErrorCode::ALL[status as usize - 1]);
    match (status, code) {
        (0, _) => {
            assert_eq!(name, "OK");
            assert_eq!(message, "success");
        }
        (_, Some(c)) => {
            assert_eq!(c.number() as i32, status);
            assert_eq!(name, c.name(), "name of {status}");
            assert_eq!(message, c.description(), "message of {status}");
        }
        _ => {
            assert_eq!(name, "UNKNOWN", "name of {status}");
            assert_eq!(message, "unknown status", "message of {status}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let last = ErrorCode::ALL.len() as i32;
    for s in [-1, 0, 1, 11, 12, 13, last, last + 1, i32::MIN, i32::MAX] {
        check(s);
    }
    for c in data.chunks(4) {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        check(i32::from_le_bytes(b));
        check(c[0] as i32 - 2);
    }
    assert_eq!(
        text(voipsign_ffi::voipsign_version(), "voipsign_version"),
        voipsign::VERSION
    );
    assert_eq!(voipsign_ffi::voipsign_signature_len(), 64);
    assert_eq!(
        voipsign_ffi::voipsign_signature_len(),
        voipsign_ffi::VOIPSIGN_SIGNATURE_LEN
    );
});
