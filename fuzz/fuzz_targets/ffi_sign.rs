//! voipsign_sign through the C ABI: arbitrary (pointer, length) arguments, NULLs,
//! any timestamp, any output capacity. Checks the status against the problems of
//! the call, the output's shape (64 lower-case hex digits, a NUL when out_cap > 64,
//! nothing written on failure or past out_cap), voipsign_error, that no message
//! contains the session_key, and the signature against the plain reference.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

fn call(p: &ParamArgs, key: &Arg, out: &mut OutBuf, err: &mut ErrBuf) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `out` is
    // NULL (any capacity) or a live buffer of at least `out.cap` writable bytes (plus the
    // guard zone); `err` is NULL or a live `RawError` (the layout of `voipsign_error`,
    // asserted in out_params.rs). Everything outlives the call and the library keeps no
    // pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_sign(
            p.app.ptr(),
            p.app.len(),
            p.group.ptr(),
            p.group.len(),
            p.nonce.ptr(),
            p.nonce.len(),
            p.ts,
            key.ptr(),
            key.len(),
            out.ptr(),
            out.cap,
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let p = ParamArgs::gen(&mut u);
    let key = gen_key(&mut u);
    let key = Arg::wrap(&mut u, key);
    let mut out = OutBuf::gen(&mut u, 64, 65);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(&p, &key, &mut out, &mut err);
    let sig = check_fixed_sig(st, &out, &err);

    let mut problems = p.defects();
    problems.extend(defect(&key, |s| {
        voipsign::validate_session_key(s.as_bytes())
    }));
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if out.cap < 64 {
        problems.push(BUFFER_TOO_SMALL);
    }
    check_against(st, &problems);

    if let Some(sig) = sig {
        let (a, g, n) = p.strs().unwrap();
        let k = key.str().unwrap();
        assert_eq!(
            sig,
            ref_sign(a, g, n, p.ts, k),
            "differs from the plain reference"
        );
    } else if let Some(msg) = err.check_failure(st) {
        let public = p.public();
        check_no_leak(
            "err->message",
            msg.as_bytes(),
            &[&key.bytes],
            &slices(&public),
            || {
                let twin = Arg {
                    bytes: twin_key(&key.bytes),
                    ..key.clone()
                };
                let mut e = ErrBuf::new(true);
                let s = call(&p, &twin, &mut out.like(), &mut e);
                e.check_failure(s).unwrap_or_default().into_bytes()
            },
        );
    }
});
