//! The contract through the C ABI for bindings that pass options by name (Go,
//! PHP): `voipsign_ledger_open` takes the options as a JSON object and lets core
//! parse them; `voipsign_status_kind` and `voipsign_room_json_bound` answer
//! what a binding would otherwise copy from core.

use std::ffi::c_char;

use voipsign::contract::options::from_json;
use voipsign::rooms::Ledger;
use voipsign::{ErrorCode, Kind};

use crate::args::{guard, require, str_arg};
use crate::ledger::VoipsignLedger;
use crate::status::{code_of, VoipsignError, VoipsignStatus};

/// How the caller spells option names, and so how core's messages name them.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoipsignSpelling {
    /// `daily_room_limit` (C, Python, Rust).
    VoipsignSpellingSnake = 0,
    /// `dailyRoomLimit` (Go, PHP, Node, Java).
    VoipsignSpellingCamel = 1,
}

/// The kind of a status (docs/CONTRACT.md, "Error kinds"): what every binding
/// maps to one base type.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoipsignKind {
    /// `VOIPSIGN_OK`.
    VoipsignKindOk = 0,
    /// A bad argument.
    VoipsignKindInput = 1,
    /// The ledger refused (a full room, the day's limit, no seat).
    VoipsignKindRefusal = 2,
    /// The ledger's store cannot be reached.
    VoipsignKindOutage = 3,
    /// A bug or a failure of the machine; also any number this library does not know.
    VoipsignKindInternal = 4,
}

/// The kind of `status`, so that a binding built against an older header maps a
/// newer code to its kind's base type. Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_status_kind(status: i32) -> VoipsignKind {
    match (status, code_of(status).map(ErrorCode::kind)) {
        (0, _) => VoipsignKind::VoipsignKindOk,
        (_, Some(Kind::Input)) => VoipsignKind::VoipsignKindInput,
        (_, Some(Kind::Refusal)) => VoipsignKind::VoipsignKindRefusal,
        (_, Some(Kind::Outage)) => VoipsignKind::VoipsignKindOutage,
        _ => VoipsignKind::VoipsignKindInternal,
    }
}

/// Bytes that always hold the JSON form of a room of at most `seats` seats, as
/// `voipsign_ledger_room` and `voipsign_ledger_sync` write it: pass the ledger's
/// capacity, plus the number of listed ids for a sync (it adopts them beyond
/// the capacity). Saturates instead of overflowing. Thread safety: reentrant.
#[no_mangle]
pub extern "C" fn voipsign_room_json_bound(seats: usize) -> usize {
    voipsign::rooms::ROOM_JSON_PER_SEAT
        .saturating_mul(seats)
        .saturating_add(voipsign::rooms::ROOM_JSON_FIXED)
}

/// Create a ledger from options given by name: over a memory store when
/// `redis_url` is NULL, else over the Redis server or cluster at
/// `(redis_url, redis_url_len)` (checked first: `VOIPSIGN_INVALID_REDIS_URL`).
/// `(options, options_len)` is a JSON object such as `{"dailyRoomLimit":5}`
/// (`(NULL, 0)`: every default); core refuses an unknown name, a Redis option on
/// a memory ledger, a wrong type or a value out of range with
/// `VOIPSIGN_INVALID_RULES`, naming the option as `spelling` spells it. On
/// success `*out` receives a ledger the caller releases with
/// `voipsign_ledger_free`; on failure `*out` is untouched. The URL never
/// appears in an error.
///
/// # Safety
/// Each `(ptr, len)` pair `(NULL, 0)` or readable; `out` writable; `err` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_open(
    redis_url: *const c_char,
    redis_url_len: usize,
    options: *const c_char,
    options_len: usize,
    spelling: i32,
    out: *mut *mut VoipsignLedger,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let url = if redis_url.is_null() {
                None
            } else {
                Some(str_arg(redis_url, redis_url_len, "redisUrl")?)
            };
            let text = str_arg(options, options_len, "options")?;
            require(out, "out")?;
            let sp = crate::args::spelling_arg(spelling, ErrorCode::InvalidRules)?;
            let entries = if text.is_empty() {
                Vec::new()
            } else {
                from_json(text)?
            };
            let ledger = Ledger::open(url, &entries, sp)?;
            *out = Box::into_raw(Box::new(VoipsignLedger(ledger)));
        }
        Ok(())
    })
}
