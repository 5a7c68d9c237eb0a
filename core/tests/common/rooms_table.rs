//! The scenario table tests/vectors/rooms.json, read and run step by step (shared
//! by the memory and Redis suites).
#![allow(dead_code)]

use serde_json::{json, Value};
use voipsign::rooms::{Ledger, OnUnavailable, Rules};
use voipsign::{request, Error};

pub fn scenarios() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/rooms.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read rooms.json")).expect("parse")
}

/// The scenario's rules over the defaults (camelCase keys, as every language reads them).
pub fn rules(r: &Value) -> Result<Rules, Error> {
    let d = Rules::default();
    let int = |k: &str| r.get(k).map(|v| v.as_i64().expect(k));
    Ok(Rules {
        capacity: int("capacity").unwrap_or(d.capacity),
        daily_room_limit: int("dailyRoomLimit").unwrap_or(d.daily_room_limit),
        daily_room_warning: int("dailyRoomWarning"),
        member_daily_openings: int("memberDailyOpenings").unwrap_or(d.member_daily_openings),
        reserve_ttl_ms: int("reserveTtlMs").unwrap_or(d.reserve_ttl_ms),
        lease_ttl_ms: int("leaseTtlMs").unwrap_or(d.lease_ttl_ms),
        sync_grace_ms: int("syncGraceMs"),
        day_offset_minutes: int("dayOffsetMinutes").unwrap_or(d.day_offset_minutes),
        on_unavailable: match r.get("onUnavailable") {
            Some(v) => v.as_str().unwrap().parse::<OnUnavailable>()?,
            None => d.on_unavailable,
        },
    })
}

/// One step's result as the JSON the table expects.
pub fn run(ledger: &Ledger, s: &Value) -> Result<Value, Error> {
    let str_ = |k: &str| {
        s[k].as_str()
            .unwrap_or_else(|| panic!("step has no {k}: {s}"))
    };
    let now = Some(s["nowMs"].as_i64().expect("nowMs"));
    let (app, group) = (str_("appId"), s["groupId"].as_str().unwrap_or(""));
    Ok(match str_("op") {
        "admit" => serde_json::to_value(ledger.admit(app, group, str_("memberId"), now)?).unwrap(),
        "admit_and_issue" => {
            let key = str_("sessionKey");
            let (a, t) = ledger.admit_and_issue(
                app,
                group,
                str_("memberId"),
                key,
                s["roomType"].as_str(),
                now,
            )?;
            assert_eq!(t.nonce_str.len(), 32);
            assert!(t.nonce_str.bytes().all(|b| b.is_ascii_alphanumeric()));
            let sig = request::sign(app, group, &t.nonce_str, t.timestamp, key).unwrap();
            assert_eq!(t.signature, sig.as_str());
            json!({"admission": a, "ticket": {"groupId": t.group_id, "timeStamp": t.timestamp, "roomType": t.room_type}})
        }
        "heartbeat" => {
            json!({"leaseExpiresAt": ledger.heartbeat(app, group, str_("memberId"), now)?})
        }
        "leave" => json!({"removed": ledger.leave(app, group, str_("memberId"), now)?}),
        "sync" => {
            let ids: Vec<&str> = s["openIds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            serde_json::to_value(ledger.sync(app, group, &ids, now)?).unwrap()
        }
        "room" => serde_json::to_value(ledger.room(app, group, now)?).unwrap(),
        "usage" => serde_json::to_value(ledger.usage(app, s["day"].as_i64(), now)?).unwrap(),
        "rooms" => {
            let limit = match s.get("limit") {
                // A negative limit reaches the ledger as 0: refused after the appId.
                Some(v) => u32::try_from(v.as_i64().expect("limit")).unwrap_or(0),
                None => voipsign::rooms::DEFAULT_PAGE,
            };
            serde_json::to_value(ledger.rooms(app, limit, s["after"].as_str(), now)?).unwrap()
        }
        op => panic!("unknown op {op}"),
    })
}

/// Run every scenario on the ledger `make` builds from its rules (`name` is the
/// scenario's name); returns (scenarios, steps).
pub fn run_all(make: impl Fn(&str, Rules) -> Result<Ledger, Error>) -> (usize, usize) {
    let v = scenarios();
    let (mut scenarios, mut steps) = (0, 0);
    for sc in v["scenarios"].as_array().unwrap() {
        let name = sc["name"].as_str().unwrap();
        let ledger = rules(&sc["rules"]).and_then(|r| make(name, r));
        if let Some(code) = sc["error"].as_str() {
            assert_eq!(ledger.unwrap_err().code().name(), code, "{name}");
            scenarios += 1;
            continue;
        }
        let ledger = ledger.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        for (i, step) in sc["steps"].as_array().unwrap().iter().enumerate() {
            let got = run(&ledger, step);
            match step["error"].as_str() {
                Some(code) => assert_eq!(
                    got.as_ref().map_err(|e| e.code().name()),
                    Err(code),
                    "{name} step {i}: {step}"
                ),
                None => assert_eq!(
                    got.unwrap_or_else(|e| panic!("{name} step {i}: {e:?}")),
                    step["expect"],
                    "{name} step {i}: {step}"
                ),
            }
            // The appId's counters after the step, as usage answers them.
            if let Some(want) = step.get("usage") {
                let got = ledger.usage(
                    step["appId"].as_str().unwrap(),
                    None,
                    step["nowMs"].as_i64(),
                );
                assert_eq!(
                    &serde_json::to_value(got.unwrap()).unwrap(),
                    want,
                    "{name} step {i} (usage after it): {step}"
                );
            }
            steps += 1;
        }
        scenarios += 1;
    }
    assert!(
        scenarios >= 40 && steps >= 300,
        "{scenarios} scenarios, {steps} steps"
    );
    (scenarios, steps)
}
