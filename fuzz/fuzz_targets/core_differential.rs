//! The core crate against independent references, in three modes (the first byte):
//!
//! 0. `voipsign::sign` on valid inputs (printable-ASCII appId and nonceStr, a
//!    groupId of UTF-8 without control characters, timeStamp in 1..=9999999999, the
//!    base64 of 16 bytes as the key) equals the plain reference: four `String`s
//!    sorted, concatenated, `Hmac<Sha256>::new_from_slice`, hex. Also `canonical`,
//!    `verify` (true for the right one, false for another), `sign_many` and
//!    `session_signature` of an arbitrary body. This proves the specialised HMAC
//!    path (core/src/hmac_fast.rs) equal to the `hmac` crate on real shapes.
//! 1. `voipsign::__bench::hmac` (the HMAC path `sign` uses) equals the `hmac` crate
//!    for any key of 0..=100 bytes and any message of 0..=300 bytes.
//! 2. `voipsign::diagnose` never panics for any signature string, any timestamp
//!    (13-digit ones included), any values, and 0..=3 other keys; on success its
//!    `expected` and `canonical` equal the references.
//! 3. `voipsign::validate_session_key` (a check that does not decode) accepts
//!    exactly what the `base64` crate decodes canonically to 16 bytes from 24
//!    characters, for keys built around valid ones and for any bytes; `SessionKey`
//!    agrees.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use voipsign::{Params, SessionKey};
use voipsign_fuzz::*;

fn valid_inputs(u: &mut Unstructured) -> (String, String, String, i64, String) {
    let app = String::from_utf8(printable(u, 1, 64)).unwrap();
    // Short groupIds most of the time, so that every length around the fast
    // path's limits (55/56 and 119/120 bytes of message) is common.
    let max = if int(u, 0u8..=3) == 0 { 1024 } else { 80 };
    let group = valid_group(u, max);
    let nonce = String::from_utf8(printable(u, 1, 127)).unwrap();
    let ts = match int(u, 0u8..=3) {
        0 => int(u, 1i64..=9_999_999_999),
        1 => int(u, 1i64..=99_999),
        _ => int(u, 1_000_000_000i64..=2_000_000_000),
    };
    (app, group, nonce, ts, valid_key(u))
}

fn sign_mode(u: &mut Unstructured) {
    let (app, group, nonce, ts, key) = valid_inputs(u);
    let p = Params::new(&app, &group, &nonce, ts);
    let k = SessionKey::new(&key).expect("a base64 of 16 bytes is a valid key");
    let reference = ref_sign(&app, &group, &nonce, ts, &key);

    let sig = voipsign::sign(&p, &k).expect("valid inputs");
    assert_eq!(sig.as_str(), reference, "sign differs from the reference");
    assert_eq!(
        voipsign::canonical(&p).unwrap(),
        ref_canonical(&app, &group, &nonce, ts),
        "canonical"
    );
    assert!(
        voipsign::verify(&p, &k, &reference).unwrap(),
        "verify refuses the right signature"
    );
    let mut wrong = reference.clone().into_bytes();
    let i = int(u, 0usize..=63);
    wrong[i] = if wrong[i] == b'0' { b'1' } else { b'0' };
    assert!(
        !voipsign::verify(&p, &k, std::str::from_utf8(&wrong).unwrap()).unwrap(),
        "verify accepts a wrong signature"
    );

    let key2 = valid_key(u);
    let many = voipsign::sign_many(&p, &[key.as_str(), key2.as_str()]).unwrap();
    assert_eq!(many[0].as_str(), reference, "sign_many[0]");
    assert_eq!(
        many[1].as_str(),
        ref_sign(&app, &group, &nonce, ts, &key2),
        "sign_many[1]"
    );

    let body = raw(u, 300);
    let ss = voipsign::session_signature(&k, &body);
    assert_eq!(
        ss.as_str(),
        hex_lower(&ref_hmac(key.as_bytes(), &body)),
        "session_signature"
    );
}

fn hmac_mode(u: &mut Unstructured) {
    let key = raw(u, 100);
    let msg = raw(u, 300);
    assert_eq!(
        voipsign::__bench::hmac(&key, &msg),
        ref_hmac(&key, &msg),
        "key {} bytes, message {} bytes",
        key.len(),
        msg.len()
    );
}

fn diagnose_mode(u: &mut Unstructured) {
    let (app, group, nonce, _, key) = valid_inputs(u);
    let (app, group, nonce) = match int(u, 0u8..=3) {
        0 => (
            String::from_utf8_lossy(&gen_app_id(u)).into_owned(),
            String::from_utf8_lossy(&gen_group(u)).into_owned(),
            String::from_utf8_lossy(&gen_nonce(u)).into_owned(),
        ),
        _ => (app, group, nonce),
    };
    let ts = gen_ts(u);
    let k = SessionKey::new(&key).unwrap();
    let others: Vec<SessionKey> = (0..int(u, 0usize..=3))
        .map(|_| SessionKey::new(&valid_key(u)).unwrap())
        .collect();
    let rejected = match int(u, 0u8..=2) {
        0 => String::arbitrary(u).unwrap_or_default(),
        _ => String::from_utf8_lossy(&gen_signature(u, None)).into_owned(),
    };
    let p = Params::new(&app, &group, &nonce, ts);
    if let Ok(d) = voipsign::diagnose(&p, &k, &rejected, &others) {
        let seconds = if (1_000_000_000_000..=9_999_999_999_999).contains(&ts) {
            ts / 1000
        } else {
            ts
        };
        assert_eq!(
            d.expected,
            ref_sign(&app, &group, &nonce, seconds, &key),
            "expected"
        );
        assert_eq!(
            d.canonical,
            ref_canonical(&app, &group, &nonce, seconds),
            "canonical"
        );
        json_object(&d.to_json());
    }
}

fn key_mode(u: &mut Unstructured) {
    let mut key = gen_key(u);
    // A few more single-byte changes anywhere, often in the last characters.
    for _ in 0..int(u, 0u8..=2) {
        if !key.is_empty() {
            let i = if int(u, 0u8..=1) == 0 {
                int(u, 0..=key.len() - 1)
            } else {
                key.len() - 1 - int(u, 0..=key.len().min(4) - 1)
            };
            key[i] = int(u, 0u8..=255);
        }
    }
    let want = key.len() == 24 && STANDARD.decode(&key).is_ok_and(|d| d.len() == 16);
    let got = voipsign::validate_session_key(&key);
    assert_eq!(
        got.is_ok(),
        want,
        "validate_session_key({:?}): {got:?}",
        String::from_utf8_lossy(&key)
    );
    if let Ok(s) = std::str::from_utf8(&key) {
        assert_eq!(SessionKey::new(s).is_ok(), want, "SessionKey::new({s:?})");
    }
    if let Err(e) = got {
        assert_eq!(e.code(), voipsign::ErrorCode::InvalidSessionKey);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    match int(&mut u, 0u8..=3) {
        0 => sign_mode(&mut u),
        1 => hmac_mode(&mut u),
        2 => diagnose_mode(&mut u),
        _ => key_mode(&mut u),
    }
});
