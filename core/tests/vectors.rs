//! Every case of tests/vectors/signatures.json through the core.

use serde_json::Value;
use voipsign::{canonical, session_signature, sign, sign_many, verify, Params, SessionKey};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/signatures.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read vectors"))
        .expect("parse vectors")
}

fn params(c: &Value) -> Params<'_> {
    Params::new(
        c["appId"].as_str().unwrap(),
        c["groupId"].as_str().unwrap(),
        c["nonceStr"].as_str().unwrap(),
        c["timeStamp"].as_i64().unwrap(),
    )
}

#[test]
fn cases_reproduce_canonical_and_signature() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 18);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let p = params(c);
        let key = SessionKey::new(c["sessionKey"].as_str().unwrap()).unwrap();
        assert_eq!(
            canonical(&p).unwrap(),
            c["canonical"].as_str().unwrap(),
            "{name}"
        );
        let sig = sign(&p, &key).unwrap();
        assert_eq!(sig.as_str(), c["signature"].as_str().unwrap(), "{name}");
        assert!(verify(&p, &key, sig.as_str()).unwrap(), "{name}");
        let many = sign_many(&p, &[c["sessionKey"].as_str().unwrap()]).unwrap();
        assert_eq!(many, vec![sig], "{name}");
    }
}

#[test]
fn invalid_cases_are_refused_with_their_code() {
    let v = vectors();
    let invalid = v["invalid"].as_array().unwrap();
    assert!(invalid.len() >= 20);
    for c in invalid {
        let name = c["name"].as_str().unwrap();
        let want = c["error"].as_str().unwrap();
        let key_str = c["sessionKey"].as_str().unwrap();
        let result = SessionKey::new(key_str).and_then(|k| sign(&params(c), &k));
        let err = result.expect_err(name);
        assert_eq!(err.code().name(), want, "{name}: {}", err.message());
        if !key_str.is_empty() {
            assert!(
                !err.message().contains(key_str.trim()),
                "{name} leaks the key"
            );
        }
    }
}

#[test]
fn session_signatures_match() {
    let v = vectors();
    for c in v["session_signatures"].as_array().unwrap() {
        let key = SessionKey::new(c["sessionKey"].as_str().unwrap()).unwrap();
        let got = session_signature(&key, c["body"].as_str().unwrap().as_bytes());
        assert_eq!(
            got.as_str(),
            c["signature"].as_str().unwrap(),
            "{}",
            c["name"]
        );
    }
}
