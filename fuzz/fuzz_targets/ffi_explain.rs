//! voipsign_explain through the C ABI: any errCode, an errMsg of arbitrary bytes or
//! built from WeChat-like pieces (codes, "invalid signature", many numbers).
//! Checks the status against the call's problems, the JSON ({"cause","meaning",
//! "action"} with a known cause, equal to the core's explain), the documented
//! 4096-byte bound, *out_len and the retry after BUFFER_TOO_SMALL, and
//! voipsign_error.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

const MAX: usize = 4096;
const CAUSES: [&str; 11] = [
    "ALREADY_IN_ROOM",
    "DEVICE_BUSY",
    "JOIN_INTERRUPTED",
    "SYSTEM_ERROR",
    "INVALID_SIGNATURE",
    "DAILY_ROOM_LIMIT",
    "UNKNOWN",
    "VOIP_NOT_ENABLED",
    "SESSION_KEY_REPLACED",
    "SEATED_ELSEWHERE",
    "ROOM_FULL",
];
const CODES: [i64; 10] = [-1, -2, -3, -1000, -12020, -13000, -10088, 0, 42, -1];
const PIECES: [&str; 12] = [
    "joinVoIPChat:fail ",
    "invalid signature",
    "INVALID SIGNATURE",
    "errCode: ",
    "-12020",
    "-13000",
    "-10088, ",
    "errType: 4, ",
    "join room failed. ",
    "-",
    " ",
    "99999999999999999999",
];

fn call(code: i64, msg: &Arg, out: &mut OutBuf, out_len: &mut OutLen, err: &mut ErrBuf) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `out` is
    // NULL (any capacity) or a live buffer of at least `out.cap` writable bytes (plus the
    // guard zone); `out_len` is NULL or a live `usize`; `err` is NULL or a live `RawError`
    // (the layout of `voipsign_error`, asserted in out_params.rs). Everything outlives the
    // call and the library keeps no pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_explain(
            code,
            msg.ptr(),
            msg.len(),
            out.ptr(),
            out.cap,
            out_len.ptr(),
            err.ptr(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let code = match int(&mut u, 0u8..=3) {
        0 | 1 => CODES[int(&mut u, 0..=CODES.len() - 1)],
        2 => int(&mut u, -20000i64..=100),
        _ => i64::arbitrary(&mut u).unwrap_or(0),
    };
    let msg = match int(&mut u, 0u8..=5) {
        0 | 1 => {
            let mut s = String::new();
            for _ in 0..int(&mut u, 0usize..=12) {
                match int(&mut u, 0u8..=2) {
                    0 => s.push_str(&i64::arbitrary(&mut u).unwrap_or(0).to_string()),
                    _ => s.push_str(PIECES[int(&mut u, 0..=PIECES.len() - 1)]),
                }
            }
            s.into_bytes()
        }
        2 => utf8(&mut u, 600).into_bytes(),
        3 => raw(&mut u, 3000),
        4 => {
            // Many numbers.
            let n = int(&mut u, 0usize..=3000);
            let sep = PIECES[int(&mut u, 0..=PIECES.len() - 1)];
            (0..n)
                .map(|i| (i % 10).to_string())
                .collect::<Vec<_>>()
                .join(sep)
                .into_bytes()
        }
        _ => Vec::new(),
    };
    let msg = Arg::wrap(&mut u, msg);
    let want = msg.str().map(|m| voipsign::explain(code, m).to_json());
    let need = want.as_ref().map_or(300, |w| w.len() + 1);
    let mut out = OutBuf::gen(&mut u, need, MAX);
    let mut out_len = OutLen::gen(&mut u);
    let mut err = ErrBuf::gen(&mut u);

    let st = call(code, &msg, &mut out, &mut out_len, &mut err);
    // The 4096-byte bound: regressions/ffi_explain/ holds the input that broke it.
    let text = check_text(st, &out, &out_len, &err, MAX);

    let mut problems: Vec<i32> = defect(&msg, |_| Ok(())).into_iter().collect();
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
            "differs from the core's explain"
        );
        let m = json_object(&text);
        check_keys(&m, &["cause", "meaning", "action"]);
        let cause = m["cause"].as_str().expect("cause is a string");
        assert!(CAUSES.contains(&cause), "unknown cause {cause}");
        assert!(m["meaning"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(m["action"].as_str().is_some_and(|s| !s.is_empty()));
    }
    if st == BUFFER_TOO_SMALL {
        if let Some(len) = out_len.get() {
            let mut again = OutBuf::with_cap(len + 1);
            let (mut l2, mut e2) = (OutLen::new(true), ErrBuf::new(true));
            let s2 = call(code, &msg, &mut again, &mut l2, &mut e2);
            assert_eq!(s2, OK, "retry with *out_len + 1 = {} bytes failed", len + 1);
            assert_eq!(check_text(s2, &again, &l2, &e2, usize::MAX), want);
        }
    }
});
