//! Every case of tests/vectors/signatures.json through the core.

use serde_json::Value;
use voipsign::{
    canonical, request, session_signature, sign, sign_many, verify, Params, SessionKey,
};

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

/// One invalid case through `voipsign::request`, dispatched on its `op`.
fn run_invalid(c: &Value) -> voipsign::Error {
    let s = |f: &str| {
        c[f].as_str()
            .unwrap_or_else(|| panic!("{}: no {f}", c["name"]))
    };
    let list = |f: &str| -> Vec<&str> {
        c[f].as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect()
    };
    let ts = || c["timeStamp"].as_i64().unwrap();
    let op = c["op"].as_str().unwrap_or("sign");
    let name = c["name"].as_str().unwrap();
    match op {
        "sign" => request::sign(
            s("appId"),
            s("groupId"),
            s("nonceStr"),
            ts(),
            s("sessionKey"),
        )
        .map(drop),
        "canonical" => request::canonical(s("appId"), s("groupId"), s("nonceStr"), ts()).map(drop),
        "verify" => request::verify(
            s("appId"),
            s("groupId"),
            s("nonceStr"),
            ts(),
            s("sessionKey"),
            s("signature"),
        )
        .map(drop),
        "sign_many" => request::sign_many(
            s("appId"),
            s("groupId"),
            s("nonceStr"),
            ts(),
            &list("sessionKeys"),
        )
        .map(drop),
        "issue" => request::issue(
            s("appId"),
            s("groupId"),
            s("sessionKey"),
            Some(s("roomType")),
        )
        .map(drop),
        "diagnose" => request::diagnose(
            s("appId"),
            s("groupId"),
            s("nonceStr"),
            ts(),
            s("sessionKey"),
            s("rejectedSignature"),
            &list("otherSessionKeys"),
        )
        .map(drop),
        "session_signature" => {
            request::session_signature(s("sessionKey"), s("body").as_bytes()).map(drop)
        }
        other => panic!("{name}: unknown op {other}"),
    }
    .expect_err(name)
}

#[test]
fn invalid_cases_are_refused_with_their_code() {
    let v = vectors();
    let invalid = v["invalid"].as_array().unwrap();
    assert!(invalid.len() >= 200);
    let mut multi = 0;
    for c in invalid {
        let name = c["name"].as_str().unwrap();
        let err = run_invalid(c);
        assert_eq!(
            err.code().name(),
            c["error"].as_str().unwrap(),
            "{name}: {}",
            err.message()
        );
        if let Some(prefix) = c["messagePrefix"].as_str() {
            assert!(
                err.message().starts_with(prefix),
                "{name}: {}",
                err.message()
            );
        }
        let key = c["sessionKey"].as_str().unwrap_or("").trim();
        if key.len() >= 8 {
            assert!(!err.message().contains(key), "{name} leaks the key");
        }
        multi += usize::from(name.starts_with("multi-"));
    }
    assert!(multi >= 150, "{multi} multi-field cases");
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
