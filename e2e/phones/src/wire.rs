//! Reading the emulator's and the backend's answers (E2E.md §1, §2).
//!
//! Where E2E.md names fields but not the whole shape (`/_emulator/rooms`,
//! `/_phone/events`, the room `/voip/members` answers), the readers accept the
//! plausible spellings listed on each function, and docs/PHONES.md lists them.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why the emulator refused a join the backend had admitted (a late refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LateCause {
    /// -12020 "invalid signature" (nested in -1000 / -10088).
    InvalidSignature,
    /// The room was full at the emulator.
    Full,
    /// The app's daily room limit at the emulator.
    DailyLimit,
    /// errCode -1: already in a room.
    AlreadyInRoom,
    /// Anything else.
    Other,
}

impl LateCause {
    /// Every cause, in the report's order.
    pub const ALL: [LateCause; 5] = [
        LateCause::InvalidSignature,
        LateCause::Full,
        LateCause::DailyLimit,
        LateCause::AlreadyInRoom,
        LateCause::Other,
    ];

    /// The name in the table and the JSON.
    pub const fn name(self) -> &'static str {
        match self {
            LateCause::InvalidSignature => "invalid_signature",
            LateCause::Full => "full",
            LateCause::DailyLimit => "daily_limit",
            LateCause::AlreadyInRoom => "already_in_room",
            LateCause::Other => "other",
        }
    }
}

/// The cause of a failed `joinVoIPChat` from its errCode and errMsg: the
/// signature (-12020 or "invalid signature" anywhere, as voipsign's `explain`
/// reads it), then errCode -1 or "already" (in a room), then "full" or
/// "capacity", then "daily", "limit" or -13000, else [`LateCause::Other`].
pub fn classify_late(err_code: i64, err_msg: &str) -> LateCause {
    let lower = err_msg.to_ascii_lowercase();
    match voipsign::explain(err_code, err_msg).cause {
        voipsign::Cause::InvalidSignature => return LateCause::InvalidSignature,
        voipsign::Cause::DailyRoomLimit => return LateCause::DailyLimit,
        _ => {}
    }
    if err_code == -1 || lower.contains("already") {
        LateCause::AlreadyInRoom
    } else if lower.contains("full") || lower.contains("capacity") {
        LateCause::Full
    } else if lower.contains("daily") || lower.contains("limit") {
        LateCause::DailyLimit
    } else {
        LateCause::Other
    }
}

/// `errCode` and `errMsg` of a `joinVoIPChat` answer (`errCode` missing: -9999).
pub fn join_result(body: &Value) -> (i64, String) {
    let code = body.get("errCode").and_then(as_i64).unwrap_or(-9999);
    let msg = body
        .get("errMsg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    (code, msg)
}

fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A list of openids from an array of strings or of objects carrying one under
/// `openid`, `openId`, `member_id` or `memberId`.
fn id_list(v: &Value) -> Option<Vec<String>> {
    let arr = v.as_array()?;
    let mut out = Vec::with_capacity(arr.len());
    for m in arr {
        if let Some(s) = m.as_str() {
            out.push(s.to_string());
        } else if let Some(s) = ["openid", "openId", "member_id", "memberId"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
        {
            out.push(s.to_string());
        }
    }
    Some(out)
}

/// The members of one room object: the first of `openIdList`, `openids`,
/// `openIds`, `members` that is a list.
fn room_members(room: &Value) -> Option<Vec<String>> {
    ["openIdList", "openids", "openIds", "members"]
        .iter()
        .find_map(|k| room.get(*k).and_then(id_list))
}

/// The live rooms of `GET /_emulator/rooms`: groupId → openids. Accepts a list
/// of rooms or `{"rooms": list}`, a room carrying `groupId` (or `group_id`); or
/// a map groupId → room (directly or under `rooms`). `None` when nothing fits.
pub fn parse_rooms(body: &Value) -> Option<BTreeMap<String, Vec<String>>> {
    let rooms = body.get("rooms").unwrap_or(body);
    let mut out = BTreeMap::new();
    if let Some(list) = rooms.as_array() {
        for r in list {
            let g = r
                .get("groupId")
                .or_else(|| r.get("group_id"))
                .and_then(Value::as_str)?;
            out.insert(g.to_string(), room_members(r).unwrap_or_default());
        }
        return Some(out);
    }
    let map = rooms.as_object()?;
    for (g, r) in map {
        let members = id_list(r).or_else(|| room_members(r))?;
        out.insert(g.clone(), members);
    }
    Some(out)
}

/// One event of `GET /_phone/events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its name (`onVoIPChatMembersChanged`, …), empty when unnamed.
    pub name: String,
    /// The openIdList it carries, if any.
    pub open_ids: Option<Vec<String>>,
    /// Its groupId, when it names one.
    pub group: Option<String>,
}

impl Event {
    /// Whether this is a members-changed event with a list.
    pub fn is_members_changed(&self) -> bool {
        (self.name.is_empty() || self.name.contains("MembersChanged")) && self.open_ids.is_some()
    }
}

/// The events of a long poll and the `after` to pass next. Accepts a list or
/// `{"events": list}`; an event's name under `type`, `event` or `name`, its
/// data at the top or under `data`/`res`/`payload`; the next cursor from the
/// top-level `next`, `after`, `cursor`, `seq` or `last`, else the largest event
/// `seq`/`id`/`n`/`index`, else `after` plus the number of events.
pub fn parse_events(body: &Value, after: u64) -> (Vec<Event>, u64) {
    let list = body
        .get("events")
        .and_then(Value::as_array)
        .or_else(|| body.as_array());
    let Some(list) = list else {
        return (Vec::new(), after);
    };
    let mut events = Vec::with_capacity(list.len());
    let mut max_seq: Option<u64> = None;
    for e in list {
        let name = ["type", "event", "name"]
            .iter()
            .find_map(|k| e.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        let data = ["data", "res", "payload"]
            .iter()
            .find_map(|k| e.get(*k).filter(|v| v.is_object()))
            .unwrap_or(e);
        let open_ids = data.get("openIdList").and_then(id_list);
        let group = data
            .get("groupId")
            .or_else(|| e.get("groupId"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(s) = ["seq", "id", "n", "index"]
            .iter()
            .find_map(|k| e.get(*k).and_then(Value::as_u64))
        {
            max_seq = Some(max_seq.map_or(s, |m| m.max(s)));
        }
        events.push(Event {
            name,
            open_ids,
            group,
        });
    }
    let top = if body.is_object() {
        ["next", "after", "cursor", "seq", "last"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_u64))
    } else {
        None
    };
    let next = top
        .or(max_seq)
        .unwrap_or(after + events.len() as u64)
        .max(after);
    (events, next)
}

/// The cause `/voip/explain` names: `cause` at the top or under `explanation`,
/// else `"UNNAMED"`.
pub fn explain_cause(body: &Value) -> String {
    body.get("cause")
        .or_else(|| body.get("explanation").and_then(|e| e.get("cause")))
        .and_then(Value::as_str)
        .unwrap_or("UNNAMED")
        .to_string()
}

/// The member ids of a room the backend returns from `/voip/members`
/// (`members` at the top or under `room`), when the answer carries them.
pub fn backend_room_members(body: &Value) -> Option<Vec<String>> {
    let room = body.get("room").filter(|r| r.is_object()).unwrap_or(body);
    room_members(room)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn late_causes() {
        let sig = "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature";
        assert_eq!(classify_late(-1000, sig), LateCause::InvalidSignature);
        assert_eq!(
            classify_late(-1, "joinVoIPChat:fail 当前已在房间内"),
            LateCause::AlreadyInRoom
        );
        assert_eq!(
            classify_late(-1000, "joinVoIPChat:fail room is full (capacity 10)"),
            LateCause::Full
        );
        assert_eq!(
            classify_late(-1000, "joinVoIPChat:fail daily room limit reached"),
            LateCause::DailyLimit
        );
        assert_eq!(
            classify_late(-13000, "joinVoIPChat:fail"),
            LateCause::DailyLimit
        );
        assert_eq!(
            classify_late(-1000, "joinVoIPChat:fail system error"),
            LateCause::Other
        );
        assert_eq!(
            join_result(&json!({"errCode": 0, "errMsg": "joinVoIPChat:ok"})),
            (0, "joinVoIPChat:ok".into())
        );
        assert_eq!(join_result(&json!({"errCode": "-1"})).0, -1);
        assert_eq!(join_result(&json!({})).0, -9999);
    }

    #[test]
    fn rooms_shapes() {
        let a =
            json!({"rooms": [{"groupId": "room-1", "openIdList": ["a", "b"], "generation": 3}]});
        assert_eq!(parse_rooms(&a).unwrap()["room-1"], vec!["a", "b"]);
        let b = json!([{"group_id": "room-2", "members": [{"openid": "x"}]}]);
        assert_eq!(parse_rooms(&b).unwrap()["room-2"], vec!["x"]);
        let c = json!({"rooms": {"room-3": {"openids": ["p"]}, "room-4": ["q", "r"]}});
        let c = parse_rooms(&c).unwrap();
        assert_eq!(c["room-3"], vec!["p"]);
        assert_eq!(c["room-4"].len(), 2);
        assert!(parse_rooms(&json!({"rooms": []})).unwrap().is_empty());
        assert!(parse_rooms(&json!("nope")).is_none());
        assert!(parse_rooms(&json!([{"x": 1}])).is_none());
    }

    #[test]
    fn events_shapes() {
        let a = json!({"events": [
            {"seq": 4, "type": "onVoIPChatMembersChanged", "data": {"openIdList": ["a"], "errCode": 0}},
            {"seq": 5, "name": "onVoIPChatMembersChanged", "openIdList": ["a", "b"], "errCode": 0}
        ]});
        let (ev, next) = parse_events(&a, 3);
        assert_eq!(next, 5);
        assert_eq!(ev.len(), 2);
        assert!(ev.iter().all(Event::is_members_changed));
        assert_eq!(ev[1].open_ids.as_ref().unwrap().len(), 2);
        let b = json!({"events": [{"event": "onVoIPChatMembersChanged", "res": {"openIdList": []}}], "next": 9});
        assert_eq!(parse_events(&b, 0).1, 9);
        let c = json!([{"openIdList": ["z"]}, {"type": "onVoIPChatInterrupted"}]);
        let (ev, next) = parse_events(&c, 7);
        assert_eq!(next, 9);
        assert!(ev[0].is_members_changed());
        assert!(!ev[1].is_members_changed());
        assert_eq!(parse_events(&json!({"events": []}), 4), (vec![], 4));
        assert_eq!(parse_events(&Value::Null, 4), (vec![], 4));
    }

    #[test]
    fn explain_and_room() {
        assert_eq!(
            explain_cause(&json!({"cause": "INVALID_SIGNATURE", "meaning": "m"})),
            "INVALID_SIGNATURE"
        );
        assert_eq!(
            explain_cause(&json!({"explanation": {"cause": "UNKNOWN"}})),
            "UNKNOWN"
        );
        assert_eq!(explain_cause(&json!({})), "UNNAMED");
        let r = json!({"members": [{"member_id": "o1", "since": 1, "expires": 2}], "generation": 1, "live": true});
        assert_eq!(backend_room_members(&r).unwrap(), vec!["o1"]);
        let r = json!({"room": {"members": [{"memberId": "o2"}]}});
        assert_eq!(backend_room_members(&r).unwrap(), vec!["o2"]);
        assert!(backend_room_members(&json!({"ok": true})).is_none());
    }
}
