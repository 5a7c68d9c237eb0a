//! tests/vectors/diagnose.json's `explain`, `explainWith` and
//! `explainWithInvalid`: the causes with and without the ledger's context, the
//! context in both spellings (the table's camelCase, and snake_case).

use serde_json::Value as Json;
use voipsign::contract::{camel, Spelling};
use voipsign::{explain, explain_with, ExplainContext};

fn vectors() -> Json {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/diagnose.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `context` (camelCase keys) as JSON text in `sp`.
fn context_json(context: &Json, sp: Spelling) -> String {
    let map: serde_json::Map<String, Json> = context
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let k = match sp {
                Spelling::Camel => k.clone(),
                Spelling::Snake => voipsign::contract::types::INPUTS[0]
                    .fields
                    .iter()
                    .find(|f| camel(f.name) == *k)
                    .map_or_else(|| k.clone(), |f| f.name.to_owned()),
            };
            (k, v.clone())
        })
        .collect();
    Json::Object(map).to_string()
}

#[test]
fn explain_table() {
    let v = vectors();
    for c in v["explain"].as_array().unwrap() {
        let x = explain(
            c["errCode"].as_i64().unwrap(),
            c["errMsg"].as_str().unwrap(),
        );
        assert_eq!(x.cause.name(), c["cause"], "{c}");
        let empty = ExplainContext::default();
        assert_eq!(
            explain_with(
                c["errCode"].as_i64().unwrap(),
                c["errMsg"].as_str().unwrap(),
                &empty
            ),
            x
        );
    }
}

#[test]
fn explain_with_table_in_both_spellings() {
    let v = vectors();
    let cases = v["explainWith"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for c in cases {
        for sp in [Spelling::Camel, Spelling::Snake] {
            let ctx = ExplainContext::from_json(&context_json(&c["context"], sp), sp).unwrap();
            let x = explain_with(
                c["errCode"].as_i64().unwrap(),
                c["errMsg"].as_str().unwrap(),
                &ctx,
            );
            assert_eq!(x.cause.name(), c["cause"], "{c}");
            if let Some(m) = c["inMeaning"].as_str() {
                assert!(x.meaning.contains(m), "{} lacks {m}", x.meaning);
            }
        }
    }
    for c in v["explainWithInvalid"].as_array().unwrap() {
        for sp in [Spelling::Camel, Spelling::Snake] {
            let e = ExplainContext::from_json(&context_json(&c["context"], sp), sp).unwrap_err();
            assert_eq!(e.code().name(), c["code"], "{c}");
            let want = c["inMessage"].as_str().unwrap();
            let want = match sp {
                Spelling::Camel => want.to_owned(),
                Spelling::Snake => context_json(&serde_json::json!({ want: 0 }), sp)
                    .trim_start_matches("{\"")
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned(),
            };
            assert!(e.message().contains(&want), "{} lacks {want}", e.message());
        }
    }
}
