//! voipsign_issue through the C ABI. Checks the status against the call's problems
//! (roomType (NULL, 0) is "voice", anything but "voice"/"video" is refused), the
//! JSON ticket (exactly groupId, nonceStr, timeStamp, signature, roomType; a
//! 32-character alphanumeric nonce; the current time; a signature equal to the
//! plain reference over those values), the 4096-byte bound, *out_len and the retry
//! after BUFFER_TOO_SMALL, voipsign_error, and that neither the ticket nor a message
//! contains the session_key.
#![no_main]

use std::time::{SystemTime, UNIX_EPOCH};

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use voipsign_fuzz::*;

const MAX: usize = 4096;

#[allow(clippy::too_many_arguments)]
fn call(
    app: &Arg,
    group: &Arg,
    key: &Arg,
    room: &Arg,
    out: &mut OutBuf,
    out_len: &mut OutLen,
    err: &mut ErrBuf,
) -> i32 {
    // SAFETY: every (pointer, length) pair is a live `Vec`'s pointer with that `Vec`'s
    // length (an empty `Vec`'s is non-NULL and aligned, valid for 0 bytes) or NULL with any
    // length, which the contract refuses as NULL_ARGUMENT before reading anything; `out` is
    // NULL (any capacity) or a live buffer of at least `out.cap` writable bytes (plus the
    // guard zone); `out_len` is NULL or a live `usize`; `err` is NULL or a live `RawError`
    // (the layout of `voipsign_error`, asserted in out_params.rs). Everything outlives the
    // call and the library keeps no pointer after it.
    status(unsafe {
        voipsign_ffi::voipsign_issue(
            app.ptr(),
            app.len(),
            group.ptr(),
            group.len(),
            key.ptr(),
            key.len(),
            room.ptr(),
            room.len(),
            out.ptr(),
            out.cap,
            out_len.ptr(),
            err.ptr(),
        )
    })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let app = gen_app_id(&mut u);
    let app = Arg::wrap(&mut u, app);
    let group = gen_group(&mut u);
    let group = Arg::wrap(&mut u, group);
    let key = gen_key(&mut u);
    let key = Arg::wrap(&mut u, key);
    let room = match int(&mut u, 0u8..=7) {
        0 | 1 => Arg::null_empty(),
        2 | 3 => Arg::new(b"voice".to_vec()),
        4 | 5 => Arg::new(b"video".to_vec()),
        6 => {
            let v = if int(&mut u, 0u8..=1) == 0 {
                b"voice".to_vec()
            } else {
                b"Video".to_vec()
            };
            let v = inject(&mut u, v);
            Arg::wrap(&mut u, v)
        }
        _ => {
            let v = raw(&mut u, 300);
            Arg::wrap(&mut u, v)
        }
    };
    // The ticket's length does not depend on the nonce or (until 2286) the time.
    let room_type: Option<voipsign::RoomType> = match room.value() {
        Some(_) if room.null => Some(voipsign::RoomType::Voice),
        Some(b) => std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()),
        None => None,
    };
    let need = match (
        app.str(),
        group.str(),
        key.str().and_then(|k| voipsign::SessionKey::new(k).ok()),
        room_type,
    ) {
        (Some(a), Some(g), Some(k), Some(r)) => voipsign::issue(a, g, &k, r)
            .ok()
            .map(|t| t.to_json().len() + 1),
        _ => None,
    };
    let mut out = OutBuf::gen(&mut u, need.unwrap_or(200), MAX);
    let mut out_len = OutLen::gen(&mut u);
    let mut err = ErrBuf::gen(&mut u);

    let t0 = now();
    let st = call(&app, &group, &key, &room, &mut out, &mut out_len, &mut err);
    let t1 = now();
    let text = check_text(st, &out, &out_len, &err, MAX);

    let mut problems: Vec<i32> = [
        defect(&app, voipsign::validate_app_id),
        defect(&group, voipsign::validate_group_id),
        defect(&key, |s| voipsign::validate_session_key(s.as_bytes())),
        defect(&room, |s| {
            if room.null {
                Ok(())
            } else {
                s.parse::<voipsign::RoomType>().map(drop)
            }
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if out.null {
        problems.push(NULL_ARGUMENT);
    } else if need.is_some_and(|n| out.cap < n) {
        problems.push(BUFFER_TOO_SMALL);
    }
    check_against(st, &problems);

    let public: Vec<Vec<u8>> = vec![app.bytes.clone(), group.bytes.clone(), room.bytes.clone()];
    if let Some(text) = text {
        assert_eq!(Some(text.len() + 1), need, "ticket length");
        let m = json_object(&text);
        check_keys(
            &m,
            &["groupId", "nonceStr", "timeStamp", "signature", "roomType"],
        );
        let (a, g, k) = (app.str().unwrap(), group.str().unwrap(), key.str().unwrap());
        assert_eq!(m["groupId"].as_str(), Some(g), "groupId");
        let nonce = m["nonceStr"].as_str().expect("nonceStr is a string");
        assert!(
            nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_alphanumeric()),
            "nonceStr {nonce:?}"
        );
        let ts = m["timeStamp"].as_i64().expect("timeStamp is an integer");
        assert!(
            (t0..=t1).contains(&ts),
            "timeStamp {ts} is not the time of the call ({t0}..={t1})"
        );
        assert_eq!(
            m["signature"].as_str(),
            Some(ref_sign(a, g, nonce, ts, k).as_str()),
            "signature"
        );
        assert_eq!(
            m["roomType"].as_str(),
            room_type.map(|r| r.as_str()),
            "roomType"
        );
        check_no_leak(
            "the ticket",
            text.as_bytes(),
            &[&key.bytes],
            &slices(&public),
            || {
                let twin = Arg {
                    bytes: twin_key(&key.bytes),
                    ..key.clone()
                };
                let mut o = OutBuf::with_cap(MAX);
                let s = call(
                    &app,
                    &group,
                    &twin,
                    &room,
                    &mut o,
                    &mut OutLen::new(false),
                    &mut ErrBuf::new(true),
                );
                check_text(s, &o, &OutLen::new(false), &ErrBuf::new(false), MAX)
                    .unwrap_or_default()
                    .into_bytes()
            },
        );
    } else if let Some(msg) = err.check_failure(st) {
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
                let s = call(
                    &app,
                    &group,
                    &twin,
                    &room,
                    &mut out.like(),
                    &mut OutLen::new(true),
                    &mut e,
                );
                e.check_failure(s).unwrap_or_default().into_bytes()
            },
        );
    }
    if st == BUFFER_TOO_SMALL {
        if let Some(len) = out_len.get() {
            let mut again = OutBuf::with_cap(len + 1);
            let (mut l2, mut e2) = (OutLen::new(true), ErrBuf::new(true));
            let s2 = call(&app, &group, &key, &room, &mut again, &mut l2, &mut e2);
            assert_eq!(s2, OK, "retry with *out_len + 1 = {} bytes failed", len + 1);
            check_text(s2, &again, &l2, &e2, MAX);
        }
    }
});
