//! The HMAC path `sign` uses (core/src/hmac_fast.rs: the specialised path for short
//! messages, the `hmac` crate for other shapes) against published vectors:
//! RFC 4231 test cases 1–4, 6 and 7 (case 5 is a truncated tag) and every
//! untruncated-tag case of Wycheproof's HMAC-SHA256 file
//! (tests/vectors/wycheproof_hmac_sha256.json; source and licence inside it).

use serde_json::Value;
use voipsign::__bench::hmac;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn rfc4231() {
    let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
        (vec![0x0b; 20], b"Hi There".to_vec(), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (vec![0xaa; 20], vec![0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ((1..=25).collect(), vec![0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (vec![0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (i, (key, msg, want)) in cases.iter().enumerate() {
        assert_eq!(
            hmac(key, msg).to_vec(),
            unhex(want),
            "RFC 4231 case {}",
            [1, 2, 3, 4, 6, 7][i]
        );
    }
}

#[test]
fn wycheproof_untruncated() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/wycheproof_hmac_sha256.json"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (mut valid, mut invalid, mut fast) = (0, 0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        assert_eq!(g["tagSize"], 256);
        for t in g["tests"].as_array().unwrap() {
            let key = unhex(t["key"].as_str().unwrap());
            let msg = unhex(t["msg"].as_str().unwrap());
            let tag = unhex(t["tag"].as_str().unwrap());
            let got = hmac(&key, &msg);
            if key.len() <= 64 && msg.len() <= 119 {
                fast += 1;
            }
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert_eq!(got.to_vec(), tag, "tcId {}", t["tcId"]);
                    valid += 1;
                }
                _ => {
                    assert_ne!(got.to_vec(), tag, "tcId {} must not verify", t["tcId"]);
                    invalid += 1;
                }
            }
        }
    }
    assert_eq!(
        valid + invalid,
        v["numberOfTests"].as_u64().unwrap() as usize
    );
    assert!(
        valid >= 30 && invalid >= 50 && fast >= 50,
        "{valid} valid, {invalid} invalid, {fast} on the fast path"
    );
}
