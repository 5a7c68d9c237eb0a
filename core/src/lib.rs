//! # voipsign
//!
//! The `signature` of WeChat's `wx.joinVoIPChat`, computed right: HMAC-SHA256 over
//! appId, groupId, nonceStr and timeStamp sorted in code-unit order and joined with
//! no separator, keyed by the user's session_key **string**, as 64 lowercase hex
//! digits.
//!
//! This crate is the one implementation behind every language binding (C, Python,
//! Node, Go, PHP): they translate arguments and errors and call it.
//!
//! ```
//! use voipsign::{issue, sign, Params, RoomType, SessionKey};
//!
//! let key = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==")?;
//! let p = Params::new("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb", 1559129714);
//! assert_eq!(sign(&p, &key)?.as_str(),
//!            "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617");
//!
//! let ticket = issue("wx20afc706a711eefc", "room-42", &key, RoomType::Voice)?;
//! println!("{}", ticket.to_json()); // pass to wx.joinVoIPChat
//! # Ok::<(), voipsign::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod contract;
mod diagnose;
mod error;
mod explain;
mod hmac_fast;
mod key;
mod params;
pub mod request;
pub mod rooms;
mod sign;
mod signature;
mod ticket;

pub use contract::{Kind, Spelling};
pub use diagnose::{diagnose, Diagnosis, Mistake, Verdict};
pub use error::{Error, ErrorCode};
pub use explain::{explain, explain_with, Cause, ExplainContext, Explanation};
pub use key::{parse_session_keys, validate_session_key, SessionKey, SESSION_KEY_LEN};
pub use params::{
    validate_app_id, validate_group_id, validate_nonce, validate_timestamp, Params, MAX_APP_ID_LEN,
    MAX_GROUP_ID_LEN, MAX_MEMBER_ID_LEN, MAX_NONCE_LEN, MAX_TIMESTAMP,
};
pub use sign::{canonical, session_signature, sign, sign_many, verify};
pub use signature::{validate_signature, Signature, SIGNATURE_LEN};
pub use ticket::{generate_nonce, issue, issue_at, JoinTicket, RoomType, NONCE_LEN};

/// The library version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[doc(hidden)]
/// Internals exposed for the benchmark only; not part of the API.
pub mod __bench {
    /// The HMAC path `sign` uses.
    pub fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
        crate::hmac_fast::hmac_sha256(key, &[msg])
    }
}
