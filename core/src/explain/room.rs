//! [`explain_with`]: the causes only the ledger's context can tell apart —
//! a replaced session_key, a phone still seated in another room, a room full
//! at WeChat that the ledger counted as not full (a ghost), openings made
//! outside the ledger.

use super::{explain, Cause, ExplainContext, Explanation};

/// Explain a `wx.joinVoIPChat` failure as [`explain`] does, then refine it with
/// what the backend knows (`ctx`): an invalid signature after a login replaced
/// the key is `SESSION_KEY_REPLACED`; -1 while the ledger holds the caller's
/// seat in another room is `SEATED_ELSEWHERE`; a full room or a used-up quota
/// says what the ledger counted and what that means. An empty context gives
/// [`explain`]'s answer.
pub fn explain_with(err_code: i64, err_msg: &str, ctx: &ExplainContext) -> Explanation {
    let mut x = explain(err_code, err_msg);
    match x.cause {
        Cause::InvalidSignature
            if ctx.key_replaced != Some(true) && ctx.ticket_verified == Some(true) =>
        {
            x = Explanation {
                cause: Cause::SessionKeyReplaced,
                meaning: "The backend's ticket verifies under the session_key it holds, yet WeChat refused \
                          it (-12020 invalid signature): WeChat holds another session_key for this user, \
                          replaced by a wx.login the backend never heard of (or the phone passed other \
                          values than the ticket's)."
                    .into(),
                action: "Call wx.login, send the new code to the backend's login so it stores the new \
                         session_key, then ask for a new ticket and join again; pass the ticket's values \
                         to wx.joinVoIPChat unchanged."
                    .into(),
            }
        }
        Cause::InvalidSignature if ctx.key_replaced == Some(true) => {
            x = Explanation {
                cause: Cause::SessionKeyReplaced,
                meaning: "The user logged in again after this ticket was signed: WeChat now holds a new \
                          session_key, and the ticket's signature was made with the old one (-12020 invalid \
                          signature)."
                    .into(),
                action: "Ask the backend for a new ticket after the login (it signs with the latest \
                         session_key) and join again; do not call wx.login between getting a ticket and joining."
                    .into(),
            }
        }
        Cause::AlreadyInRoom => {
            if let Some(other) = ctx.elsewhere() {
                x = Explanation {
                    cause: Cause::SeatedElsewhere,
                    meaning: format!(
                        "The phone is still in room {} (-1): the ledger holds its seat there, and WeChat \
                         lets a user be in one room at a time.",
                        shown(other)
                    ),
                    action: "Call wx.exitVoIPChat, tell the backend the phone left that room, then join this \
                             one."
                        .into(),
                };
            } else if ctx.seated == Some(true) {
                x.meaning.push_str(
                    " The ledger holds the caller's seat in this very room: the phone joined it already.",
                );
            }
        }
        Cause::RoomFull => {
            if let (Some(seats), Some(cap)) = (ctx.room_seats, ctx.capacity) {
                if seats < cap {
                    x.meaning.push_str(&format!(
                        " The ledger counted {seats} of {cap} seats and admitted: WeChat's room holds members the \
                         ledger does not know about, a ghost (a phone that left without telling the backend, \
                         whose lease has not run out yet) or a member admitted by a backend that does not share \
                         this ledger."
                    ));
                    x.action = "Report every members change (onVoIPChatMembersChanged's openIdList) to the \
                                ledger's sync so it adopts and removes members, keep leases short, and let every \
                                backend instance share one ledger (Redis)."
                        .into();
                } else {
                    x.meaning.push_str(&format!(
                        " The ledger counts the room full too ({seats} of {cap} seats): a member it admitted \
                         took the last seat before this phone joined."
                    ));
                }
            }
        }
        Cause::DailyRoomLimit => {
            if let (Some(n), Some(limit)) = (ctx.openings_today, ctx.daily_room_limit) {
                if n < limit {
                    x.meaning.push_str(&format!(
                        " The ledger counted only {n} of {limit} openings today: rooms were opened without it \
                         (another backend, or code that does not ask the ledger), or its daily_room_limit is \
                         above WeChat's."
                    ));
                } else {
                    x.meaning.push_str(&format!(
                        " The ledger counted {n} of {limit} openings today too."
                    ));
                }
            }
        }
        _ => {}
    }
    x
}

/// A groupId as an explanation quotes it: its first 64 characters.
fn shown(group: &str) -> String {
    match group.char_indices().nth(64) {
        Some((i, _)) => format!("{:?}…", &group[..i]),
        None => format!("{group:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD_SIG: &str =
        "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature";

    #[test]
    fn context_refines_the_cause() {
        let none = ExplainContext::default();
        assert_eq!(explain_with(-1000, BAD_SIG, &none), explain(-1000, BAD_SIG));
        let replaced = ExplainContext {
            key_replaced: Some(true),
            ..Default::default()
        };
        assert_eq!(
            explain_with(-1000, BAD_SIG, &replaced).cause,
            Cause::SessionKeyReplaced
        );
        let not = ExplainContext {
            key_replaced: Some(false),
            ..Default::default()
        };
        assert_eq!(
            explain_with(-1000, BAD_SIG, &not).cause,
            Cause::InvalidSignature
        );
        let elsewhere = ExplainContext {
            group_id: Some("room-2".into()),
            seated_elsewhere: Some("room-1".into()),
            ..Default::default()
        };
        let x = explain_with(-1, "", &elsewhere);
        assert_eq!(x.cause, Cause::SeatedElsewhere);
        assert!(x.meaning.contains("\"room-1\""), "{}", x.meaning);
        let here = ExplainContext {
            seated: Some(true),
            ..Default::default()
        };
        let x = explain_with(-1, "", &here);
        assert_eq!(x.cause, Cause::AlreadyInRoom);
        assert!(x.meaning.contains("this very room"));
        let ghost = ExplainContext {
            room_seats: Some(9),
            capacity: Some(10),
            ..Default::default()
        };
        let x = explain_with(-1000, "joinVoIPChat:fail room is full", &ghost);
        assert_eq!(x.cause, Cause::RoomFull);
        assert!(
            x.meaning.contains("9 of 10") && x.meaning.contains("ghost"),
            "{}",
            x.meaning
        );
        let quota = ExplainContext {
            openings_today: Some(5),
            daily_room_limit: Some(100_000),
            ..Default::default()
        };
        let x = explain_with(-1000, "errCode: -13000", &quota);
        assert_eq!(x.cause, Cause::DailyRoomLimit);
        assert!(x.meaning.contains("only 5 of 100000"), "{}", x.meaning);
        // The longest explanation still fits the C ABI's 4096 bytes.
        let g = "\u{ad}".repeat(512);
        let long = ExplainContext {
            group_id: Some("x".into()),
            seated_elsewhere: Some(g),
            room_seats: Some(i64::MAX),
            capacity: Some(i64::MAX),
            openings_today: Some(0),
            daily_room_limit: Some(i64::MAX),
            ..Default::default()
        };
        for (c, m) in [
            (-1, ""),
            (-1000, "full"),
            (-1000, "-13000"),
            (-7, &"-1234567890 ".repeat(99)[..]),
        ] {
            assert!(explain_with(c, m, &long).to_json().len() < 4096, "{c} {m}");
        }
        // Context never turns an unrelated failure into a room cause.
        assert_eq!(explain_with(-2, "", &ghost).cause, Cause::DeviceBusy);
    }
}
