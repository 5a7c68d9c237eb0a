//! voipsign_session_signature through the C ABI: any session_key, a body of
//! arbitrary bytes (empty, short, and past the 119-byte fast HMAC path), any output
//! capacity. Checks the status against the call's problems, the output's shape,
//! the signature against the `hmac` crate keyed by the session_key string,
//! voipsign_error, and that no message contains the session_key.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

fn call(key: &Arg, body: &Arg, out: &mut OutBuf, err: &mut ErrBuf) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `out` is
    // NULL (any capacity) or a live buffer of at least `out.cap` writable bytes (plus the
    // guard zone); `err` is NULL or a live `RawError` (the layout of `voipsign_error`,
    // asserted in out_params.rs). Everything outlives the call and the library keeps no
    // pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_session_signature(
            key.ptr(),
            key.len(),
            body.ptr(),
            body.len(),
            out.ptr(),
            out.cap,
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let key = gen_key(&mut u);
    let key = Arg::wrap(&mut u, key);
    let body = match int(&mut u, 0u8..=5) {
        0 | 1 => raw(&mut u, 130),
        2 => raw(&mut u, 4000),
        3 => utf8(&mut u, 300).into_bytes(),
        4 => printable(&mut u, 100, 140),
        _ => Vec::new(),
    };
    let body = Arg::wrap(&mut u, body);
    let mut out = OutBuf::gen(&mut u, 64, 65);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(&key, &body, &mut out, &mut err);
    let sig = check_fixed_sig(st, &out, &err);

    let mut problems: Vec<i32> = defect(&key, |s| voipsign::validate_session_key(s.as_bytes()))
        .into_iter()
        .collect();
    problems.extend(defect(&body, |_| Ok(())).filter(|&d| d == NULL_ARGUMENT));
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if out.cap < 64 {
        problems.push(BUFFER_TOO_SMALL);
    }
    check_against(st, &problems);

    if let Some(sig) = sig {
        let want = hex_lower(&ref_hmac(&key.bytes, body.value().unwrap()));
        assert_eq!(sig, want, "differs from the hmac crate");
    } else if let Some(msg) = err.check_failure(st) {
        check_no_leak(
            "err->message",
            msg.as_bytes(),
            &[&key.bytes],
            &[&body.bytes],
            || {
                let twin = Arg {
                    bytes: twin_key(&key.bytes),
                    ..key.clone()
                };
                let mut e = ErrBuf::new(true);
                let s = call(&twin, &body, &mut out.like(), &mut e);
                e.check_failure(s).unwrap_or_default().into_bytes()
            },
        );
    }
});
