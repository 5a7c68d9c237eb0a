//! The numbers of `voipsign_status` (include/voipsign.h) and the checks every
//! returned status gets.

use crate::VoipsignStatus;

/// `VOIPSIGN_OK`.
pub const OK: i32 = 0;
/// `VOIPSIGN_INVALID_APP_ID`.
pub const INVALID_APP_ID: i32 = 1;
/// `VOIPSIGN_INVALID_GROUP_ID`.
pub const INVALID_GROUP_ID: i32 = 2;
/// `VOIPSIGN_INVALID_NONCE`.
pub const INVALID_NONCE: i32 = 3;
/// `VOIPSIGN_INVALID_TIMESTAMP`.
pub const INVALID_TIMESTAMP: i32 = 4;
/// `VOIPSIGN_INVALID_SESSION_KEY`.
pub const INVALID_SESSION_KEY: i32 = 5;
/// `VOIPSIGN_INVALID_SIGNATURE`.
pub const INVALID_SIGNATURE: i32 = 6;
/// `VOIPSIGN_NULL_ARGUMENT`.
pub const NULL_ARGUMENT: i32 = 7;
/// `VOIPSIGN_INVALID_UTF8`.
pub const INVALID_UTF8: i32 = 8;
/// `VOIPSIGN_BUFFER_TOO_SMALL`.
pub const BUFFER_TOO_SMALL: i32 = 9;
/// `VOIPSIGN_RNG_FAILURE`.
pub const RNG_FAILURE: i32 = 10;
/// `VOIPSIGN_INTERNAL`.
pub const INTERNAL: i32 = 11;
/// `VOIPSIGN_INVALID_ROOM_TYPE`.
pub const INVALID_ROOM_TYPE: i32 = 12;

/// A status as its C number, checked to be a known value and never INTERNAL.
pub fn status(s: VoipsignStatus) -> i32 {
    let n = s as i32;
    assert!(
        (0..=voipsign::ErrorCode::ALL.len() as i32).contains(&n),
        "unknown status {n}"
    );
    assert_ne!(
        n, INTERNAL,
        "VOIPSIGN_INTERNAL: a panic was caught in the library"
    );
    n
}
