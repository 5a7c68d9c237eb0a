//! voipsign_verify through the C ABI. The signature to check is built around the
//! right one (itself, upper case, one byte changed, cut, a cloud "_" suffix) or is
//! anything. Checks the status against the call's problems, that *out_valid is
//! written only on success and is true exactly for the right lower-case signature,
//! voipsign_error, and that no message contains the session_key.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

const VALID_SENTINEL: u8 = 0xA5;

fn call(p: &ParamArgs, key: &Arg, sig: &Arg, valid: Option<&mut u8>, err: &mut ErrBuf) -> i32 {
    let valid = match valid {
        Some(v) => (v as *mut u8).cast::<bool>(),
        None => std::ptr::null_mut(),
    };
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `valid`
    // is NULL or a live `u8`, written only with 0 or 1 (a valid `bool`); `err` is NULL or a
    // live `RawError` (the layout of `voipsign_error`, asserted in out_params.rs).
    // Everything outlives the call and the library keeps no pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_verify(
            p.app.ptr(),
            p.app.len(),
            p.group.ptr(),
            p.group.len(),
            p.nonce.ptr(),
            p.nonce.len(),
            p.ts,
            key.ptr(),
            key.len(),
            sig.ptr(),
            sig.len(),
            valid,
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let p = ParamArgs::gen(&mut u);
    let key = gen_key(&mut u);
    let key = Arg::wrap(&mut u, key);
    let right = match (p.strs(), key.str()) {
        (Some((a, g, n)), Some(k)) => core_sign(a, g, n, p.ts, k).ok(),
        _ => None,
    };
    let sig = gen_signature(&mut u, right.as_deref());
    let sig = Arg::wrap(&mut u, sig);
    let mut valid = (int(&mut u, 0u8..=9) != 9).then_some(VALID_SENTINEL);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(&p, &key, &sig, valid.as_mut(), &mut err);

    let mut problems = p.defects();
    problems.extend(defect(&key, |s| {
        voipsign::validate_session_key(s.as_bytes())
    }));
    problems.extend(defect(&sig, voipsign::validate_signature));
    if valid.is_none() {
        problems.push(NULL_ARGUMENT);
    }
    check_against(st, &problems);

    if st == OK {
        err.check_untouched();
        let v = valid.expect("OK with out_valid NULL");
        assert!(v == 0 || v == 1, "*out_valid is {v}, not a bool");
        let right = right.expect("OK although the core refuses to sign");
        let want = sig.value().unwrap() == right.as_bytes();
        assert_eq!(
            v == 1,
            want,
            "verify says {v} for {:?}, right is {right}",
            String::from_utf8_lossy(&sig.bytes)
        );
    } else {
        if let Some(v) = valid {
            assert_eq!(v, VALID_SENTINEL, "*out_valid written on failure");
        }
        if let Some(msg) = err.check_failure(st) {
            let mut public = p.public();
            public.push(sig.bytes.clone());
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
                    let mut v = valid.map(|_| VALID_SENTINEL);
                    let s = call(&p, &twin, &sig, v.as_mut(), &mut e);
                    e.check_failure(s).unwrap_or_default().into_bytes()
                },
            );
        }
    }
});
