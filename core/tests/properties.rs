//! Property tests: `sign` equals an independent straightforward reference, and
//! `verify` accepts exactly the right signature.

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;
use voipsign::{sign, verify, Params, SessionKey};

/// The formula written the obvious way: a `Vec<String>`, `sort`, `concat`, HMAC, hex.
#[allow(clippy::useless_vec)] // deliberately the naive shape
fn reference(app: &str, group: &str, nonce: &str, ts: i64, key: &str) -> String {
    let mut v = vec![
        app.to_string(),
        group.to_string(),
        nonce.to_string(),
        ts.to_string(),
    ];
    v.sort();
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(v.concat().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn printable(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[!-~]{{1,{max}}}")).unwrap()
}

fn group_id() -> impl Strategy<Value = String> {
    // Any non-control characters, ASCII or not, up to 1024 bytes.
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range(' ', '~'),
            proptest::char::range('\u{a0}', '\u{d7ff}'),
            proptest::char::range('\u{1f300}', '\u{1f6ff}'),
        ],
        1..200,
    )
    .prop_map(|c| c.into_iter().collect::<String>())
    .prop_filter("≤ 1024 bytes", |s| s.len() <= 1024)
}

fn session_key() -> impl Strategy<Value = String> {
    proptest::array::uniform16(any::<u8>()).prop_map(|b| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    })
}

fn flip_bit(s: &str, byte: usize, bit: u8) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = byte % b.len();
    b[i] ^= 1 << (bit % 7);
    String::from_utf8_lossy(&b).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sign_matches_reference_and_verifies(
        app in printable(64), group in group_id(), nonce in printable(127),
        ts in 1i64..=9_999_999_999, key in session_key(),
        byte in any::<usize>(), bit in any::<u8>(), which in 0u8..6,
    ) {
        let p = Params::new(&app, &group, &nonce, ts);
        let k = SessionKey::new(&key).unwrap();
        let sig = sign(&p, &k).unwrap();
        prop_assert_eq!(sig.as_str(), reference(&app, &group, &nonce, ts, &key));
        prop_assert!(verify(&p, &k, sig.as_str()).unwrap());

        // One bit changed anywhere: the signature no longer verifies (or the changed
        // input is refused as invalid, which is also not a success).
        let (app2, group2, nonce2, key2, sig2, ts2) = match which {
            0 => (flip_bit(&app, byte, bit), group.clone(), nonce.clone(), key.clone(), sig.to_string(), ts),
            1 => (app.clone(), flip_bit(&group, byte, bit), nonce.clone(), key.clone(), sig.to_string(), ts),
            2 => (app.clone(), group.clone(), flip_bit(&nonce, byte, bit), key.clone(), sig.to_string(), ts),
            3 => (app.clone(), group.clone(), nonce.clone(), flip_bit(&key, byte % 22, bit), sig.to_string(), ts),
            4 => (app.clone(), group.clone(), nonce.clone(), key.clone(), flip_bit(sig.as_str(), byte, bit), ts),
            _ => (app.clone(), group.clone(), nonce.clone(), key.clone(), sig.to_string(), ts ^ (1 << (bit % 33))),
        };
        let changed = (app2 != app) || (group2 != group) || (nonce2 != nonce) || (key2 != key) || (sig2 != sig.as_str()) || (ts2 != ts);
        prop_assume!(changed);
        let outcome = SessionKey::new(&key2)
            .and_then(|k2| verify(&Params::new(&app2, &group2, &nonce2, ts2), &k2, &sig2));
        prop_assert!(!matches!(outcome, Ok(true)), "a changed input still verified");
    }
}
