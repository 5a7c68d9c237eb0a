//! The error codes: one table, from which [`ErrorCode`], its names, numbers,
//! kinds and docs, the C ABI's `voipsign_status` and every binding's error types
//! are made (`make gen`).

use serde::Serialize;

/// What kind of failure a code is: every binding maps a kind to one base type
/// (docs/CONTRACT.md, "Error kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A bad argument: the language's bad-argument type (`ValueError`,
    /// `InvalidArgumentException`, `IllegalArgumentException`, …).
    Input,
    /// The ledger refused (a full room, the day's limit, no seat): not a bad
    /// argument, so that catching bad input never swallows a refusal.
    Refusal,
    /// The ledger's store cannot be reached: the language's I/O family.
    Outage,
    /// A bug or a failure of the machine (a caught panic, the OS's RNG).
    Internal,
}

impl Kind {
    /// `"input"`, `"refusal"`, `"outage"` or `"internal"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Input => "input",
            Kind::Refusal => "refusal",
            Kind::Outage => "outage",
            Kind::Internal => "internal",
        }
    }
}

/// Where a code can occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every surface.
    All,
    /// Only the C ABI returns it (pointers, buffers): bindings over the C ABI
    /// never surface it as a code of their own.
    C,
    /// Only the language bindings (a closed handle): never returned by the C ABI.
    Bindings,
}

/// One error code as data: what [`ErrorCode::describe`] returns and the
/// generator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeDesc {
    /// The code name, e.g. `INVALID_NONCE`.
    pub name: &'static str,
    /// The stable number (the C status; 0 is OK).
    pub number: u32,
    /// The class or type name bindings give it, e.g. `InvalidNonce`.
    pub class_name: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// Where it occurs.
    pub scope: Scope,
    /// One line: what the code means (a doc comment).
    pub doc: &'static str,
    /// A generic message (no specifics of the input), e.g. for a status name.
    pub description: &'static str,
}

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $number:literal, $name:literal, $class:literal,
        $kind:ident, $scope:ident, $description:literal; )+) => {
        /// The stable code of an error. Every binding exposes the same names
        /// ([`ErrorCode::name`]) and the C ABI the same numbers
        /// ([`ErrorCode::number`]). Numbers are stable forever: new codes are only
        /// ever appended (to the table in `core/src/contract/codes.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $variant = $number, )+
        }

        impl ErrorCode {
            /// Every code, in the order of their numbers (1, 2, …).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as data: name, number, kind, scope, docs.
            pub const fn describe(self) -> CodeDesc {
                match self {
                    $(ErrorCode::$variant => CodeDesc {
                        name: $name,
                        number: $number,
                        class_name: $class,
                        kind: Kind::$kind,
                        scope: Scope::$scope,
                        doc: concat!($($doc),+),
                        description: $description,
                    },)+
                }
            }
        }
    };
}

error_codes! {
    /// appId is not 1–64 bytes of printable ASCII.
    InvalidAppId = 1, "INVALID_APP_ID", "InvalidAppId", Input, All,
        "appId must be 1-64 bytes of printable ASCII";
    /// groupId is not 1–1024 bytes of UTF-8 without control characters.
    InvalidGroupId = 2, "INVALID_GROUP_ID", "InvalidGroupId", Input, All,
        "groupId must be 1-1024 bytes of UTF-8 without control characters";
    /// nonceStr is not 1–127 characters of printable ASCII.
    InvalidNonce = 3, "INVALID_NONCE", "InvalidNonce", Input, All,
        "nonceStr must be 1-127 characters of printable ASCII";
    /// timeStamp is not whole seconds in 1..=9 999 999 999 (13 digits are milliseconds).
    InvalidTimestamp = 4, "INVALID_TIMESTAMP", "InvalidTimestamp", Input, All,
        "timeStamp must be whole seconds between 1 and 9999999999";
    /// The session_key is not the 24-character base64 string code2Session returns.
    InvalidSessionKey = 5, "INVALID_SESSION_KEY", "InvalidSessionKey", Input, All,
        "session_key must be the 24-character base64 string code2Session returns";
    /// A signature to verify is not 64 hex digits.
    InvalidSignature = 6, "INVALID_SIGNATURE", "InvalidSignature", Input, All,
        "signature must be 64 hex digits";
    /// A required pointer was NULL, or NULL with a non-zero length (C ABI only).
    NullArgument = 7, "NULL_ARGUMENT", "NullArgument", Input, C,
        "a required pointer argument was NULL";
    /// A string argument has no UTF-8 form.
    InvalidUtf8 = 8, "INVALID_UTF8", "InvalidUtf8", Input, All,
        "a string argument was not valid UTF-8";
    /// A caller buffer was too small for the output; nothing was written (C ABI only).
    BufferTooSmall = 9, "BUFFER_TOO_SMALL", "BufferTooSmall", Input, C,
        "the output buffer is too small";
    /// The operating system's random number generator failed.
    RngFailure = 10, "RNG_FAILURE", "RngFailure", Internal, All,
        "the operating system's random number generator failed";
    /// A panic was caught at a language boundary: a bug, never expected.
    Internal = 11, "INTERNAL", "InternalError", Internal, All,
        "internal error (a bug in voipsign): please report it";
    /// roomType is neither `voice` nor `video`.
    InvalidRoomType = 12, "INVALID_ROOM_TYPE", "InvalidRoomType", Input, All,
        "roomType must be \"voice\" or \"video\"";
    /// The room ledger: every seat of the room is taken by other members.
    RoomFull = 13, "ROOM_FULL", "RoomFull", Refusal, All,
        "the room is full: every seat is taken";
    /// The room ledger: the admission would open a room and today's openings
    /// reached the daily limit.
    DailyRoomLimit = 14, "DAILY_ROOM_LIMIT", "DailyRoomLimit", Refusal, All,
        "today's room openings reached the daily limit";
    /// The room ledger: the member holds no live seat (admit it again).
    NotAdmitted = 15, "NOT_ADMITTED", "NotAdmitted", Refusal, All,
        "the member holds no live seat in the room: admit it again";
    /// A member id (openid) is not 1–128 bytes of printable ASCII.
    InvalidMemberId = 16, "INVALID_MEMBER_ID", "InvalidMemberId", Input, All,
        "a member id must be 1-128 bytes of printable ASCII";
    /// A ledger option is unknown, of the wrong type or out of range.
    InvalidRules = 17, "INVALID_RULES", "InvalidRules", Input, All,
        "the room ledger's options are unknown or out of range";
    /// The room ledger's store cannot be reached (with `on_unavailable = refuse`).
    LedgerUnavailable = 18, "LEDGER_UNAVAILABLE", "LedgerUnavailable", Outage, All,
        "the room ledger's store cannot be reached";
    /// A Redis store URL is malformed or uses an unknown scheme (it is never
    /// echoed: it may carry a password).
    InvalidRedisUrl = 19, "INVALID_REDIS_URL", "InvalidRedisUrl", Input, All,
        "the Redis store URL is malformed";
    /// A ledger was used after `close()` (language bindings only).
    LedgerClosed = 20, "LEDGER_CLOSED", "LedgerClosed", Input, Bindings,
        "the ledger is closed";
    /// The room ledger: the admission would open a room and the member already
    /// opened `member_daily_openings` rooms today (joining a live room is never
    /// refused by it).
    MemberDailyLimit = 21, "MEMBER_DAILY_LIMIT", "MemberDailyLimit", Refusal, All,
        "the member opened as many rooms today as member_daily_openings allows";
    /// A page size (`limit` of `rooms`) is not 1–1000.
    InvalidLimit = 22, "INVALID_LIMIT", "InvalidLimit", Input, All,
        "limit must be 1-1000";
    /// The ledger context given to `explain` is not an object of its known
    /// fields, or a field has the wrong type.
    InvalidContext = 23, "INVALID_CONTEXT", "InvalidContext", Input, All,
        "the explain context has an unknown field or a value of the wrong type";
}

impl ErrorCode {
    /// The code name (docs/CONTRACT.md), e.g. `"INVALID_NONCE"`.
    pub const fn name(self) -> &'static str {
        self.describe().name
    }

    /// The stable number of the C ABI's `voipsign_status` (0 is OK, so codes start at 1).
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// The kind: input, refusal, outage or internal.
    pub const fn kind(self) -> Kind {
        self.describe().kind
    }

    /// A one-line generic description of the code (no specifics of the input).
    pub const fn description(self) -> &'static str {
        self.describe().description
    }

    /// The code with this name, if any.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The code with this number, if any.
    pub fn from_number(number: u32) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.number() == number)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_unique_and_roundtrip() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(c.number() as usize, i + 1);
            assert_eq!(ErrorCode::from_name(c.name()), Some(*c));
            assert_eq!(ErrorCode::from_number(c.number()), Some(*c));
            let d = c.describe();
            assert!(d.doc.ends_with('.') || d.doc.ends_with(')'), "{}", d.name);
        }
        assert_eq!(ErrorCode::from_name("OK"), None);
        assert_eq!(ErrorCode::from_number(0), None);
        assert_eq!(ErrorCode::RoomFull.kind(), Kind::Refusal);
        assert_eq!(ErrorCode::LedgerUnavailable.kind(), Kind::Outage);
        assert_eq!(ErrorCode::InvalidAppId.kind(), Kind::Input);
    }
}
