//! The generator on a fixture: core's description plus one error code, one enum
//! value, one option and one field in every record. Every generated file of
//! every language must change, and each must carry what it declares of the
//! additions.

use voipsign_gen::model::Description;
use voipsign_gen::{generate, Generated};

fn repo_file(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::fs::read_to_string(format!("{root}/{path}")).unwrap_or_default()
}

fn fixture() -> Description {
    let mut v: serde_json::Value =
        serde_json::from_str(&voipsign::contract::description_json()).unwrap();
    let next = v["codes"].as_array().unwrap().len() + 1;
    v["codes"].as_array_mut().unwrap().push(serde_json::json!({
        "name": "SEAT_QUOTA_EXCEEDED", "number": next, "class_name": "SeatQuotaExceeded",
        "kind": "refusal", "scope": "all",
        "doc": "The member holds too many seats today.",
        "description": "the member's seats today reached the limit"
    }));
    let rt = v["enums"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["name"] == "RoomType")
        .unwrap();
    rt["values"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "screen", "doc": "Screen sharing."}));
    let rules_end = v["options"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o["group"] == "redis")
        .unwrap();
    v["options"].as_array_mut().unwrap().insert(
        rules_end,
        serde_json::json!({
            "name": "member_daily_seats", "group": "rules", "ty": "int", "default": 50,
            "default_doc": "", "min": 1, "max": 1000, "max_option": null, "note": "",
            "doc": "Seats one member may take per day."
        }),
    );
    for r in v["records"].as_array_mut().unwrap() {
        r["fields"].as_array_mut().unwrap().push(serde_json::json!({
            "name": "trace_id", "json": "traceId", "ty": "string", "doc": "The request's trace id."
        }));
    }
    for r in v["inputs"].as_array_mut().unwrap() {
        r["fields"].as_array_mut().unwrap().push(serde_json::json!({
            "name": "trace_id", "json": "traceId", "ty": "string", "doc": "The request's trace id."
        }));
    }
    Description::parse(&v.to_string())
}

#[test]
fn every_generated_file_changes_with_the_fixture() {
    let base = generate(&Description::core(), &repo_file);
    let more = generate(&fixture(), &repo_file);
    assert_eq!(base.len(), more.len());
    assert!(base.len() >= 2, "the generator writes files");
    let spellings = [
        "SEAT_QUOTA_EXCEEDED",
        "SeatQuotaExceeded",
        "seat_quota_exceeded",
        "SeatQuota",
        "member_daily_seats",
        "memberDailySeats",
        "MemberDailySeats",
        "MEMBER_DAILY_SEATS",
        "screen",
        "Screen",
        "SCREEN",
        "trace_id",
        "traceId",
        "TraceId",
    ];
    for (a, b) in base.iter().zip(&more) {
        assert_eq!(a.path, b.path);
        assert_ne!(
            a.text, b.text,
            "{} does not change with the fixture",
            a.path
        );
        let added: Vec<&str> = spellings
            .iter()
            .copied()
            .filter(|s| b.text.contains(s) && !a.text.contains(s))
            .collect();
        assert!(
            !added.is_empty(),
            "{} changes but names none of the additions",
            a.path
        );
    }
}

#[test]
fn generated_files_say_so_in_their_first_line() {
    for Generated { path, text } in generate(&Description::core(), &repo_file) {
        if path.ends_with(".md") {
            continue; // the docs carry generated sections between markers
        }
        let first = text.lines().next().unwrap_or("");
        assert!(first.contains("@generated"), "{path}: {first}");
    }
}
