//! The enums and records of the boundary as data: what each binding's enum and
//! record types are generated from. Tests below check every entry against the
//! Rust types (names, values, serialised keys), so the description cannot drift
//! from the code it describes.

use serde::Serialize;

/// One value of an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ValueDesc {
    /// The wire form (`"voice"`, `"NOT_SORTED"`).
    pub name: &'static str,
    /// One line.
    pub doc: &'static str,
}

/// An enum of the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EnumDesc {
    /// The type name (`RoomType`).
    pub name: &'static str,
    /// One line.
    pub doc: &'static str,
    /// Its values, in their stable order.
    pub values: &'static [ValueDesc],
}

/// A field of a record. `ty` is one of `bool`, `u32`, `u64`, `i64`,
/// `unix_ms` (an instant, ms since 1970), `string`, `enum:<Name>`,
/// `record:<Name>`, or `list:` followed by one of those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldDesc {
    /// snake_case name (Rust, Python, C).
    pub name: &'static str,
    /// The key in the record's JSON form.
    pub json: &'static str,
    /// The type (see above).
    pub ty: &'static str,
    /// One line.
    pub doc: &'static str,
}

/// A record (a result type) of the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecordDesc {
    /// The type name (`Admission`).
    pub name: &'static str,
    /// One line.
    pub doc: &'static str,
    /// Its fields, in their stable order (the JSON form's order).
    pub fields: &'static [FieldDesc],
}

const fn v(name: &'static str, doc: &'static str) -> ValueDesc {
    ValueDesc { name, doc }
}

const fn f(
    name: &'static str,
    json: &'static str,
    ty: &'static str,
    doc: &'static str,
) -> FieldDesc {
    FieldDesc {
        name,
        json,
        ty,
        doc,
    }
}

/// Every enum of the boundary.
pub const ENUMS: &[EnumDesc] = &[
    EnumDesc {
        name: "RoomType",
        doc: "The kind of room: audio only or audio and video.",
        values: &[
            v("voice", "Audio only (the default of wx.joinVoIPChat)."),
            v("video", "Audio and video."),
        ],
    },
    EnumDesc {
        name: "OnUnavailable",
        doc: "What a ledger operation does when its store cannot be reached.",
        values: &[
            v("allow", "Admit anyway, flagged degraded (the default)."),
            v("refuse", "Refuse with LEDGER_UNAVAILABLE."),
        ],
    },
    EnumDesc {
        name: "Verdict",
        doc: "The outcome of a diagnosis.",
        values: &[
            v(
                "CORRECT",
                "The signature is the right one for these values.",
            ),
            v(
                "MISTAKE_FOUND",
                "A known mistake (or a combination) reproduces the signature.",
            ),
            v("UNKNOWN", "Nothing known reproduces it."),
        ],
    },
    EnumDesc {
        name: "Mistake",
        doc: "A known way to get the signature wrong, in the stable order a diagnosis lists them.",
        values: &[
            v(
                "NOT_SORTED",
                "The four values were joined in another order than code-unit sorted.",
            ),
            v(
                "COMMA_JOINED",
                "Joined with a comma (String(array) / array.toString()).",
            ),
            v(
                "KEY_BASE64_DECODED",
                "HMAC keyed with the base64-decoded session_key instead of the string.",
            ),
            v(
                "KEY_MESSAGE_SWAPPED",
                "Key and message swapped in the HMAC call.",
            ),
            v(
                "KEY_WHITESPACE",
                "The key had a trailing newline, CRLF or space.",
            ),
            v(
                "TIMESTAMP_MILLISECONDS",
                "Signed with the timestamp in milliseconds.",
            ),
            v("UPPERCASE_HEX", "Hex digits in upper case."),
            v("BASE64_DIGEST", "The digest in base64 instead of hex."),
            v(
                "PLAIN_SHA256",
                "SHA-256 of the string (with the key prepended or appended), not HMAC.",
            ),
            v(
                "STALE_SESSION_KEY",
                "Signed with an older session_key (a later wx.login replaced it).",
            ),
        ],
    },
    EnumDesc {
        name: "Cause",
        doc: "The cause of a wx.joinVoIPChat failure.",
        values: &[
            v("ALREADY_IN_ROOM", "-1: the user is already in the room."),
            v(
                "DEVICE_BUSY",
                "-2: the microphone is busy (a WeChat or phone call).",
            ),
            v("JOIN_INTERRUPTED", "-3: the user left while joining."),
            v("SYSTEM_ERROR", "-1000 with nothing more specific inside."),
            v(
                "INVALID_SIGNATURE",
                "-12020 or \"invalid signature\" anywhere in errMsg.",
            ),
            v(
                "DAILY_ROOM_LIMIT",
                "-13000: the app's daily room quota is used up.",
            ),
            v("UNKNOWN", "Nothing known."),
            v(
                "VOIP_NOT_ENABLED",
                "\"access denied\" (errno 102): VoIP is not enabled for the appId, or its category does not allow it.",
            ),
            v(
                "SESSION_KEY_REPLACED",
                "An invalid signature right after a login replaced the session_key the ticket was signed with.",
            ),
            v(
                "SEATED_ELSEWHERE",
                "-1 while the ledger holds the caller's seat in another room: the phone is still there.",
            ),
            v(
                "ROOM_FULL",
                "WeChat's room is full (with the ledger's context: a ghost the ledger does not know about).",
            ),
        ],
    },
];

/// Every record of the boundary.
pub const RECORDS: &[RecordDesc] = &[
    RecordDesc {
        name: "JoinTicket",
        doc: "Everything a mini program passes to wx.joinVoIPChat.",
        fields: &[
            f("group_id", "groupId", "string", "The room."),
            f("nonce_str", "nonceStr", "string", "A fresh 32-character nonce of [A-Za-z0-9]."),
            f("timestamp", "timeStamp", "i64", "The time of issue, Unix seconds."),
            f("signature", "signature", "string", "The signature over appId, groupId, nonceStr and timeStamp."),
            f("room_type", "roomType", "enum:RoomType", "Voice or video."),
        ],
    },
    RecordDesc {
        name: "Diagnosis",
        doc: "What diagnose found; never contains the session_key.",
        fields: &[
            f("verdict", "verdict", "enum:Verdict", "Correct, mistake found, or unknown."),
            f("mistakes", "mistakes", "list:enum:Mistake", "Every mistake involved, in the stable order; empty unless MISTAKE_FOUND."),
            f("message", "message", "string", "What happened and the exact fix, in words a person can act on."),
            f("expected", "expected", "string", "The right signature (with the timestamp in seconds)."),
            f("canonical", "canonical", "string", "The right canonical string."),
        ],
    },
    RecordDesc {
        name: "Explanation",
        doc: "What a wx.joinVoIPChat failure means and what to do about it.",
        fields: &[
            f("cause", "cause", "enum:Cause", "The cause."),
            f("meaning", "meaning", "string", "What happened."),
            f("action", "action", "string", "What to do."),
        ],
    },
    RecordDesc {
        name: "Admission",
        doc: "The result of an admission.",
        fields: &[
            f("opened", "opened", "bool", "This call opened the room (it was not live) and was charged to today."),
            f("renewed", "renewed", "bool", "The member already held a seat: its lease was refreshed, nothing charged."),
            f("members", "members", "u32", "Live seats after the call."),
            f("generation", "generation", "u64", "How many times this groupId was opened (or made live by sync)."),
            f("rooms_today", "roomsToday", "u64", "Openings charged to the appId on the day of the call."),
            f("daily_room_limit", "dailyRoomLimit", "u64", "The daily limit of openings."),
            f("quota_warning", "quotaWarning", "bool", "rooms_today >= daily_room_warning."),
            f("lease_expires_at", "leaseExpiresAt", "unix_ms", "The member's lease expiry, unix ms (exclusive)."),
            f("degraded", "degraded", "bool", "The store could not be reached and on_unavailable = allow admitted anyway: nothing was counted."),
        ],
    },
    RecordDesc {
        name: "Seat",
        doc: "A member's seat in a room.",
        fields: &[
            f("member_id", "memberId", "string", "The member id (openid)."),
            f("since", "since", "unix_ms", "When the seat was granted or adopted, unix ms (renewals keep it)."),
            f("expires", "expires", "unix_ms", "When the lease ends, unix ms (exclusive: live while now < expires)."),
        ],
    },
    RecordDesc {
        name: "Room",
        doc: "A room as the ledger sees it.",
        fields: &[
            f("members", "members", "list:record:Seat", "Live seats, sorted by member id (byte order)."),
            f("generation", "generation", "u64", "How many times the room became live (0: never seen)."),
            f("live", "live", "bool", "Whether at least one seat is live."),
        ],
    },
    RecordDesc {
        name: "Usage",
        doc: "The day counters of an appId (docs/ROOMS.md, \"Day counters\").",
        fields: &[
            f("day", "day", "i64", "The day: days since 1970-01-01 in the rules' UTC offset."),
            f("openings", "openings", "u64", "Admissions that opened a room (the quota)."),
            f("admissions", "admissions", "u64", "New seats granted by admit (openings included)."),
            f("renewals", "renewals", "u64", "Admits of a member already seated."),
            f("refused_room_full", "refusedRoomFull", "u64", "Admits refused with ROOM_FULL."),
            f("refused_daily_limit", "refusedDailyLimit", "u64", "Admits refused with DAILY_ROOM_LIMIT."),
            f("refused_member_limit", "refusedMemberLimit", "u64", "Admits refused with MEMBER_DAILY_LIMIT."),
            f("heartbeats_refused", "heartbeatsRefused", "u64", "Heartbeats answered NOT_ADMITTED."),
            f("leaves", "leaves", "u64", "Leaves that removed a seat."),
            f("adopted_by_sync", "adoptedBySync", "u64", "Seats adopted by sync."),
            f("removed_by_sync", "removedBySync", "u64", "Seats removed by sync."),
            f("expired", "expired", "u64", "Seats whose lease ended that day (counted once)."),
            f("peak_seats", "peakSeats", "u64", "The most live seats of the appId an operation saw that day."),
            f("live_rooms", "liveRooms", "opt:u64", "Live rooms at the call's time (null unless the day is the call's own day)."),
            f("live_seats", "liveSeats", "opt:u64", "Live seats at the call's time (null unless the day is the call's own day)."),
            f("daily_room_limit", "dailyRoomLimit", "u64", "The daily limit of openings."),
        ],
    },
    RecordDesc {
        name: "RoomSummary",
        doc: "One live room of a page of rooms.",
        fields: &[
            f("group_id", "groupId", "string", "The room's groupId."),
            f("seats", "seats", "u32", "Its live seats at the call's time."),
            f("capacity", "capacity", "u32", "Seats per room (the rule)."),
            f("generation", "generation", "u64", "The room's generation."),
            f("opened_at", "openedAt", "unix_ms", "When its current generation became live, unix ms."),
        ],
    },
    RecordDesc {
        name: "RoomPage",
        doc: "One page of an appId's live rooms, in groupId byte order.",
        fields: &[
            f("rooms", "rooms", "list:record:RoomSummary", "At most limit live rooms."),
            f("next", "next", "opt:string", "The groupId to pass as after for the next page; null on the last page."),
        ],
    },
];

/// Every record a caller passes in (every field optional: absent or null is
/// "not known"); core parses them in the caller's spelling.
pub const INPUTS: &[RecordDesc] = &[RecordDesc {
    name: "ExplainContext",
    doc: "What the backend knows about a failed wx.joinVoIPChat, for explain.",
    fields: &[
        f("group_id", "groupId", "string", "The room the failed join was for."),
        f("key_replaced", "keyReplaced", "bool", "Whether a login after the ticket was signed replaced the session_key it was signed with."),
        f("ticket_verified", "ticketVerified", "bool", "Whether the ticket the backend issued for groupId verifies under the session_key it holds."),
        f("seated", "seated", "bool", "Whether the ledger holds the caller's live seat in groupId."),
        f("seated_elsewhere", "seatedElsewhere", "string", "Another groupId where the ledger holds the caller's live seat (or its last ticket was for)."),
        f("room_seats", "roomSeats", "u32", "The live seats of groupId in the ledger."),
        f("capacity", "capacity", "u32", "The ledger's room capacity."),
        f("openings_today", "openingsToday", "u64", "The app's openings today in the ledger."),
        f("daily_room_limit", "dailyRoomLimit", "u64", "The ledger's daily room limit."),
    ],
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Mistake, Verdict};
    use crate::explain::Cause;
    use crate::rooms::{Admission, OnUnavailable, Room, Seat, Usage};
    use crate::RoomType;

    fn values(name: &str) -> Vec<&'static str> {
        let e = ENUMS.iter().find(|e| e.name == name).unwrap();
        e.values.iter().map(|v| v.name).collect()
    }

    fn json<T: Serialize>(t: &T) -> String {
        serde_json::to_string(t)
            .unwrap()
            .trim_matches('"')
            .to_owned()
    }

    #[test]
    fn enums_match_the_rust_types() {
        assert_eq!(
            values("RoomType"),
            [RoomType::Voice, RoomType::Video].map(|r| r.as_str())
        );
        assert_eq!(
            values("OnUnavailable"),
            [OnUnavailable::Allow, OnUnavailable::Refuse].map(|o| o.as_str())
        );
        assert_eq!(
            values("Verdict"),
            [Verdict::Correct, Verdict::MistakeFound, Verdict::Unknown].map(|v| v.name())
        );
        assert_eq!(values("Mistake"), Mistake::ALL.map(|m| m.name()));
        assert_eq!(values("Cause"), Cause::ALL.map(|c| c.name()));
        let ctx: Vec<&str> = INPUTS[0].fields.iter().map(|f| f.name).collect();
        assert_eq!(ctx, crate::explain::CONTEXT_FIELDS);
        for m in Mistake::ALL {
            assert_eq!(json(&m), m.name());
        }
    }

    fn keys(record: &str, value: serde_json::Value) {
        let r = RECORDS.iter().find(|r| r.name == record).unwrap();
        let got: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        let mut want: Vec<String> = r.fields.iter().map(|f| f.json.to_owned()).collect();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        want.sort();
        assert_eq!(got_sorted, want, "{record}");
    }

    #[test]
    fn records_match_the_serialised_forms() {
        let key = crate::SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
        let t = crate::issue("wx20afc706a711eefc", "g", &key, RoomType::Voice).unwrap();
        keys("JoinTicket", serde_json::from_str(&t.to_json()).unwrap());
        let p = crate::Params::new("wx20afc706a711eefc", "g", "n", 1);
        let d = crate::diagnose(&p, &key, &t.signature, &[]).unwrap();
        keys("Diagnosis", serde_json::from_str(&d.to_json()).unwrap());
        keys(
            "Explanation",
            serde_json::from_str(&crate::explain(-1, "x").to_json()).unwrap(),
        );
        let ledger = crate::rooms::Ledger::memory(Default::default()).unwrap();
        let now = Some(1_796_083_200_000);
        let a: Admission = ledger.admit("wx20afc706a711eefc", "g", "m", now).unwrap();
        keys("Admission", serde_json::to_value(&a).unwrap());
        let room: Room = ledger.room("wx20afc706a711eefc", "g", now).unwrap();
        keys("Room", serde_json::to_value(&room).unwrap());
        let seat: &Seat = &room.members[0];
        keys("Seat", serde_json::to_value(seat).unwrap());
        let u: Usage = ledger.usage("wx20afc706a711eefc", None, now).unwrap();
        keys("Usage", serde_json::to_value(u).unwrap());
        let page = ledger.rooms("wx20afc706a711eefc", 1, None, now).unwrap();
        keys("RoomPage", serde_json::to_value(&page).unwrap());
        keys("RoomSummary", serde_json::to_value(&page.rooms[0]).unwrap());
    }
}
