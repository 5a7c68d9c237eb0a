//! voipsign_sign_many through the C ABI, with 0..=6 keys in parallel pointer and
//! length arrays (either array NULL now and then, with any count). Checks the
//! status against the call's problems (count 0 takes a NULL out), count * 64 hex
//! digits back to back with nothing written after them, each equal to the plain
//! reference for its key, nothing written on failure or past out_cap,
//! BUFFER_TOO_SMALL naming count * 64, voipsign_error, and that no message contains
//! any of the session_keys.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

fn call(p: &ParamArgs, keys: &ArgList, out: &mut OutBuf, err: &mut ErrBuf) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; each key
    // list's pointer and length arrays are NULL (any count) or live `Vec`s of exactly
    // `count` elements; `out` is NULL (any capacity) or a live buffer of at least `out.cap`
    // writable bytes (plus the guard zone); `err` is NULL or a live `RawError` (the layout
    // of `voipsign_error`, asserted in out_params.rs). Everything outlives the call and the
    // library keeps no pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_sign_many(
            p.app.ptr(),
            p.app.len(),
            p.group.ptr(),
            p.group.len(),
            p.nonce.ptr(),
            p.nonce.len(),
            p.ts,
            keys.ptrs(),
            keys.lens(),
            keys.count,
            out.ptr(),
            out.cap,
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let p = ParamArgs::gen(&mut u);
    let keys = ArgList::gen(&mut u, 6, gen_key);
    let hint = 64 * keys.args.len();
    let mut out = OutBuf::gen(&mut u, hint, hint + 1);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(&p, &keys, &mut out, &mut err);
    out.check_guard();

    let need = keys.count.saturating_mul(64);
    let mut problems = p.defects();
    problems.extend(list_defects(&keys));
    if keys.count > 0 {
        if out.null {
            problems.push(NULL_ARGUMENT);
        } else if out.cap < need {
            problems.push(BUFFER_TOO_SMALL);
        }
    }
    check_against(st, &problems);

    if st == OK {
        err.check_untouched();
        let b = out.bytes();
        let (a, g, n) = p.strs().unwrap();
        let keys = keys.strs().unwrap();
        for (i, k) in keys.iter().enumerate() {
            let got = &b[64 * i..64 * i + 64];
            assert!(is_lower_hex(got), "signature {i} is not lower-case hex");
            assert_eq!(
                got,
                ref_sign(a, g, n, p.ts, k).as_bytes(),
                "signature {i} differs from the plain reference"
            );
        }
        assert!(
            b[64 * keys.len()..].iter().all(|&c| c == SENTINEL),
            "wrote after the {} signatures (no NUL is documented)",
            keys.len()
        );
    } else {
        out.check_untouched(st);
        let msg = err.check_failure(st);
        if st == BUFFER_TOO_SMALL {
            check_need_reported(msg.as_deref(), need);
        }
        if let Some(msg) = msg {
            let secrets = keys.values();
            check_no_leak(
                "err->message",
                msg.as_bytes(),
                &secrets,
                &slices(&p.public()),
                || {
                    let twin = keys.with_args(twin_args(&keys.args));
                    let mut e = ErrBuf::new(true);
                    let s = call(&p, &twin, &mut out.like(), &mut e);
                    e.check_failure(s).unwrap_or_default().into_bytes()
                },
            );
        }
    }
});
