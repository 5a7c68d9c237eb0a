//! diagnose and explain against tests/vectors/diagnose.json: signatures made the
//! wrong way by an independent generator (tests/vectors/gen_diagnose.py).

use serde_json::Value;
use voipsign::{diagnose, explain, Params, SessionKey, Verdict};

fn table() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/diagnose.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_made_up_mistake_is_found_exactly() {
    let t = table();
    let cases = t["diagnose"].as_array().unwrap();
    let mut combos = 0;
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let key_str = c["sessionKey"].as_str().unwrap();
        let key = SessionKey::new(key_str).unwrap();
        let others: Vec<SessionKey> = c["otherSessionKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| SessionKey::new(k.as_str().unwrap()).unwrap())
            .collect();
        let p = Params::new(
            c["appId"].as_str().unwrap(),
            c["groupId"].as_str().unwrap(),
            c["nonceStr"].as_str().unwrap(),
            c["timeStamp"].as_i64().unwrap(),
        );
        let d = diagnose(&p, &key, c["signature"].as_str().unwrap(), &others).unwrap();
        assert_eq!(
            d.verdict.name(),
            c["verdict"].as_str().unwrap(),
            "{name}: {}",
            d.message
        );
        let got: Vec<&str> = d.mistakes.iter().map(|m| m.name()).collect();
        let want: Vec<&str> = c["mistakes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{name}: {}", d.message);
        if want.len() > 1 {
            combos += 1;
        }
        assert_eq!(d.expected.len(), 64);
        let json = d.to_json();
        for k in std::iter::once(key_str).chain(
            c["otherSessionKeys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap()),
        ) {
            assert!(
                !json.contains(k),
                "{name}: the result contains a session key"
            );
        }
        assert!(!d.message.is_empty());
    }
    assert!(combos >= 10, "only {combos} combinations");
}

#[test]
fn messages_say_what_to_do() {
    let key = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
    let t = table();
    let find = |n: &str| {
        t["diagnose"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    let php = find("php-numeric-sort");
    let p = Params::new("wx20afc706a711eefc", "99", "8AP6DT9ybtniUJfb", 1559129714);
    let d = diagnose(&p, &key, php["signature"].as_str().unwrap(), &[]).unwrap();
    assert!(d.message.contains("SORT_STRING"), "{}", d.message);
    let p = Params::new(
        "wx20afc706a711eefc",
        "1559129713_672975982",
        "8AP6DT9ybtniUJfb",
        1559129714,
    );
    let d = diagnose(
        &p,
        &key,
        find("timestamp-milliseconds")["signature"]
            .as_str()
            .unwrap(),
        &[],
    )
    .unwrap();
    assert!(
        d.message.contains("1559129714000") && d.message.contains("seconds"),
        "{}",
        d.message
    );
    let d = diagnose(&p, &key, &d.expected, &[]).unwrap();
    assert_eq!(d.verdict, Verdict::Correct);
    assert!(
        d.message.contains("checksession") && d.message.contains("appId"),
        "{}",
        d.message
    );
}

#[test]
fn random_signatures_are_unknown() {
    let key = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
    let p = Params::new("wx20afc706a711eefc", "room", "nonce", 1700000000);
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..20 {
        let mut s = String::new();
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push(b"0123456789abcdef"[(x % 16) as usize] as char);
        }
        let d = diagnose(&p, &key, &s, &[]).unwrap();
        assert_eq!(d.verdict, Verdict::Unknown, "{s}");
        assert!(d.mistakes.is_empty());
    }
}

#[test]
fn explain_table() {
    for c in table()["explain"].as_array().unwrap() {
        let e = explain(
            c["errCode"].as_i64().unwrap(),
            c["errMsg"].as_str().unwrap(),
        );
        assert_eq!(e.cause.name(), c["cause"].as_str().unwrap(), "{c}");
        assert!(!e.meaning.is_empty() && !e.action.is_empty());
    }
}
