//! voipsign_canonical through the C ABI. Checks the status against the call's
//! problems, the NUL-terminated text with *out_len == strlen (also reported on
//! BUFFER_TOO_SMALL, and a retry with *out_len + 1 bytes succeeds), the documented
//! 1225-byte bound, nothing written on failure or past out_cap, voipsign_error, and
//! the text against the plain reference (four Strings sorted and concatenated).
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

const MAX: usize = 1225 + 1;

fn call(p: &ParamArgs, out: &mut OutBuf, out_len: &mut OutLen, err: &mut ErrBuf) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `out` is
    // NULL (any capacity) or a live buffer of at least `out.cap` writable bytes (plus the
    // guard zone); `out_len` is NULL or a live `usize`; `err` is NULL or a live `RawError`
    // (the layout of `voipsign_error`, asserted in out_params.rs). Everything outlives the
    // call and the library keeps no pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_canonical(
            p.app.ptr(),
            p.app.len(),
            p.group.ptr(),
            p.group.len(),
            p.nonce.ptr(),
            p.nonce.len(),
            p.ts,
            out.ptr(),
            out.cap,
            out_len.ptr(),
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let p = ParamArgs::gen(&mut u);
    let want = match (p.strs(), p.defects().is_empty()) {
        (Some((a, g, n)), true) => Some(ref_canonical(a, g, n, p.ts)),
        _ => None,
    };
    let need = want.as_ref().map_or(64, |w| w.len() + 1);
    let mut out = OutBuf::gen(&mut u, need, MAX);
    let mut out_len = OutLen::gen(&mut u);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(&p, &mut out, &mut out_len, &mut err);
    let text = check_text(st, &out, &out_len, &err, MAX);

    let mut problems = p.defects();
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if out.cap < need {
        problems.push(BUFFER_TOO_SMALL);
    }
    check_against(st, &problems);

    if let Some(text) = text {
        assert_eq!(
            Some(&text),
            want.as_ref(),
            "differs from the plain reference"
        );
    }
    if st == BUFFER_TOO_SMALL {
        if let Some(len) = out_len.get() {
            let mut again = OutBuf::with_cap(len + 1);
            let mut l2 = OutLen::new(true);
            let mut e2 = ErrBuf::new(true);
            let s2 = call(&p, &mut again, &mut l2, &mut e2);
            assert_eq!(s2, OK, "retry with *out_len + 1 = {} bytes failed", len + 1);
            assert_eq!(check_text(s2, &again, &l2, &e2, MAX), want);
        }
    }
});
