//! `explain`: what a `wx.joinVoIPChat` failure means and what to do about it,
//! from its codes alone or with the ledger's context ([`explain_with`]).

use serde::Serialize;

mod context;
mod room;

pub use context::ExplainContext;
#[cfg(test)]
pub(crate) use context::CONTEXT_FIELDS;
pub use room::explain_with;

/// The cause of a `wx.joinVoIPChat` failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Cause {
    /// -1: the user is already in the room.
    AlreadyInRoom,
    /// -2: the microphone is busy (a WeChat or phone call).
    DeviceBusy,
    /// -3: the user left while joining.
    JoinInterrupted,
    /// -1000 with nothing more specific inside.
    SystemError,
    /// -12020 or "invalid signature" anywhere in errMsg.
    InvalidSignature,
    /// -13000: the app's daily room quota is used up.
    DailyRoomLimit,
    /// Nothing known.
    Unknown,
    /// "access denied" (errno 102): the VoIP capability is not enabled for the
    /// appId, or its category does not allow it.
    VoipNotEnabled,
    /// An invalid signature right after a login replaced the session_key the
    /// ticket was signed with (ledger context: `key_replaced`).
    SessionKeyReplaced,
    /// -1 while the ledger holds the caller's seat in another room (context:
    /// `seated_elsewhere`): the phone is still in that room.
    SeatedElsewhere,
    /// WeChat's room is full ("full" in errMsg); with the context, the ledger
    /// admitted because it counted fewer seats: a ghost it does not know about.
    RoomFull,
}

impl Cause {
    /// Every cause, in the stable order.
    pub const ALL: [Cause; 11] = [
        Cause::AlreadyInRoom,
        Cause::DeviceBusy,
        Cause::JoinInterrupted,
        Cause::SystemError,
        Cause::InvalidSignature,
        Cause::DailyRoomLimit,
        Cause::Unknown,
        Cause::VoipNotEnabled,
        Cause::SessionKeyReplaced,
        Cause::SeatedElsewhere,
        Cause::RoomFull,
    ];

    /// The code name, e.g. `"INVALID_SIGNATURE"`.
    pub const fn name(self) -> &'static str {
        match self {
            Cause::AlreadyInRoom => "ALREADY_IN_ROOM",
            Cause::DeviceBusy => "DEVICE_BUSY",
            Cause::JoinInterrupted => "JOIN_INTERRUPTED",
            Cause::SystemError => "SYSTEM_ERROR",
            Cause::InvalidSignature => "INVALID_SIGNATURE",
            Cause::DailyRoomLimit => "DAILY_ROOM_LIMIT",
            Cause::Unknown => "UNKNOWN",
            Cause::VoipNotEnabled => "VOIP_NOT_ENABLED",
            Cause::SessionKeyReplaced => "SESSION_KEY_REPLACED",
            Cause::SeatedElsewhere => "SEATED_ELSEWHERE",
            Cause::RoomFull => "ROOM_FULL",
        }
    }
}

/// What [`explain`] says. Serialises to `{"cause","meaning","action"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The cause.
    pub cause: Cause,
    /// What happened.
    pub meaning: String,
    /// What to do.
    pub action: String,
}

impl Explanation {
    /// The explanation as one JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Every integer written in `msg` (with its sign), in order.
fn codes_in(msg: &str) -> Vec<i64> {
    let b = msg.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if let Ok(v) = msg[start..j].parse::<i64>() {
                out.push(v);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Explain a `wx.joinVoIPChat` failure from its `errCode` and `errMsg`, reading the
/// codes nested in `errMsg` too (WeChat wraps -12020 "invalid signature" in -1000
/// or -10088).
pub fn explain(err_code: i64, err_msg: &str) -> Explanation {
    let mut codes = vec![err_code];
    codes.extend(codes_in(err_msg));
    let has = |c: i64| codes.contains(&c);
    let lower = err_msg.to_ascii_lowercase();
    let e = |cause, meaning: &str, action: &str| Explanation {
        cause,
        meaning: meaning.into(),
        action: action.into(),
    };
    if err_code == 102 || lower.contains("access denied") {
        return e(
            Cause::VoipNotEnabled,
            "WeChat denied access to multi-person VoIP (access denied, errno 102): the capability is not enabled \
             for this appId, or the mini program's service category does not allow it.",
            "In the mini program admin console, enable multi-person audio/video (VoIP) for this appId and check \
             that its category allows it; no ticket or signature change fixes this.",
        );
    }
    if has(-12020) || lower.contains("invalid signature") {
        return e(
            Cause::InvalidSignature,
            "WeChat refused the signature (-12020 invalid signature): the signature does not match appId, groupId, \
             nonceStr and timeStamp under this user's current session_key.",
            "Run voipsign diagnose with the values and the rejected signature: it names the mistake (order, \
             milliseconds, key encoding, hex case, ...) or, when the signature is right, checks the remaining causes: \
             a session_key made stale by a later wx.login (check with GET /wxa/checksession), another app's appId, \
             or values that differ between backend and front end.",
        );
    }
    if has(-13000) || (lower.contains("daily") && lower.contains("limit")) {
        return e(
            Cause::DailyRoomLimit,
            "The app has created its 100,000 rooms today (-13000): a room counts each time a groupId is opened anew, \
             including rejoining a room whose last member left.",
            "Reuse groupIds for rooms that are still open, avoid opening rooms nobody joins, and retry after the \
             daily quota resets.",
        );
    }
    if err_code != -1 && (lower.contains("full") || lower.contains("capacity")) {
        return e(
            Cause::RoomFull,
            "WeChat's room is full: every seat (10 at most) is taken at WeChat.",
            "Choose another room, or wait for a member to leave; if the room ledger admitted this member, \
             report members changes (onVoIPChatMembersChanged) to the ledger's sync so it sees who is really there.",
        );
    }
    match err_code {
        -1 => e(
            Cause::AlreadyInRoom,
            "The user is already in the room (-1).",
            "Do not call wx.joinVoIPChat again: keep the current session, or call wx.exitVoIPChat first to rejoin.",
        ),
        -2 => e(
            Cause::DeviceBusy,
            "The microphone is busy (-2): a WeChat voice or video call, or a phone call, is using it.",
            "Ask the user to end the other call, then join again.",
        ),
        -3 => e(
            Cause::JoinInterrupted,
            "The user left while joining (-3): they quit, the app went to the background, or a call came in.",
            "Join again when the app is back in the foreground; issue a fresh ticket if the old one may be stale.",
        ),
        -1000 => e(
            Cause::SystemError,
            "A WeChat system error (-1000) with no more specific code inside errMsg.",
            "Retry after a short delay; if it persists, log errMsg in full and check WeChat's service status.",
        ),
        _ => {
            // At most 8 codes, so the explanation stays short (4096 bytes always suffice).
            let mut list = codes.iter().take(8).map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
            if codes.len() > 8 {
                list.push_str(&format!(" and {} more", codes.len() - 8));
            }
            Explanation {
                cause: Cause::Unknown,
                meaning: format!("No known cause for these codes: {list}."),
                action: "Log errCode and errMsg in full; compare with WeChat's joinVoIPChat documentation.".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_codes_and_texts() {
        let m = "-10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature";
        assert_eq!(explain(-10088, m).cause, Cause::InvalidSignature);
        assert_eq!(
            explain(-1000, "joinVoIPChat:fail invalid signature").cause,
            Cause::InvalidSignature
        );
        assert_eq!(
            explain(-1000, "errCode: -13000").cause,
            Cause::DailyRoomLimit
        );
        assert_eq!(explain(-1000, "").cause, Cause::SystemError);
        assert_eq!(explain(-1, "").cause, Cause::AlreadyInRoom);
        assert_eq!(explain(-2, "").cause, Cause::DeviceBusy);
        assert_eq!(explain(-3, "").cause, Cause::JoinInterrupted);
        let u = explain(-7, "errCode: 42");
        assert_eq!(u.cause, Cause::Unknown);
        assert!(u.meaning.contains("-7, 42"), "{}", u.meaning);
        assert_eq!(codes_in("a-12 b3 -x 4"), vec![-12, 3, 4]);
        // A long errMsg full of numbers keeps the explanation short.
        let many = explain(-7, &"-1234567890123456789 ".repeat(1000));
        assert!(many.to_json().len() < 1024, "{}", many.to_json().len());
        assert!(many.meaning.contains("and 993 more"), "{}", many.meaning);
        let j: serde_json::Value = serde_json::from_str(&explain(-2, "").to_json()).unwrap();
        assert_eq!(j["cause"], "DEVICE_BUSY");
        assert_eq!(
            explain(-1, "joinVoIPChat:fail access denied").cause,
            Cause::VoipNotEnabled
        );
        assert_eq!(explain(102, "").cause, Cause::VoipNotEnabled);
        assert_eq!(
            explain(-1000, "joinVoIPChat:fail room is full").cause,
            Cause::RoomFull
        );
        assert_eq!(
            explain(-1000, "joinVoIPChat:fail daily room limit reached").cause,
            Cause::DailyRoomLimit
        );
        assert_eq!(
            explain(-1, "already in a full room").cause,
            Cause::AlreadyInRoom
        );
    }
}
