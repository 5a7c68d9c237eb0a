//! The four signed values and the rules each must follow (docs/CONTRACT.md, "Inputs and their rules").

use crate::error::{Error, ErrorCode};

/// Largest accepted timeStamp (10 digits of seconds: the year 2286).
pub const MAX_TIMESTAMP: i64 = 9_999_999_999;
/// Longest accepted appId, in bytes.
pub const MAX_APP_ID_LEN: usize = 64;
/// Longest accepted groupId, in bytes of UTF-8.
pub const MAX_GROUP_ID_LEN: usize = 1024;
/// Longest accepted nonceStr ("length less than 128").
pub const MAX_NONCE_LEN: usize = 127;

/// The values `wx.joinVoIPChat` signs, besides the session_key.
///
/// Plain borrowed data; validated by every operation that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params<'a> {
    /// The mini program's appId, e.g. `wx20afc706a711eefc`.
    pub app_id: &'a str,
    /// The room: users passing the same groupId join the same room.
    pub group_id: &'a str,
    /// A random string, 1–127 printable ASCII characters.
    pub nonce_str: &'a str,
    /// Unix time in **seconds**.
    pub timestamp: i64,
}

impl<'a> Params<'a> {
    /// Borrow the four values.
    pub fn new(app_id: &'a str, group_id: &'a str, nonce_str: &'a str, timestamp: i64) -> Self {
        Params {
            app_id,
            group_id,
            nonce_str,
            timestamp,
        }
    }

    /// Check every field against the rules of docs/CONTRACT.md, in the order appId, groupId,
    /// nonceStr, timeStamp. Allocates only when returning an error.
    pub fn validate(&self) -> Result<(), Error> {
        validate_app_id(self.app_id)?;
        validate_group_id(self.group_id)?;
        validate_nonce(self.nonce_str)?;
        validate_timestamp(self.timestamp)
    }
}

fn is_printable_ascii(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// Whether every byte is printable ASCII, without early exit (vectorises).
fn all_printable(s: &[u8]) -> bool {
    s.iter().fold(true, |ok, &b| ok & is_printable_ascii(b))
}

/// Describe the first byte of `s` that is not printable ASCII.
fn first_unprintable(s: &str) -> Option<String> {
    s.char_indices()
        .find(|(_, c)| !c.is_ascii() || !is_printable_ascii(*c as u8))
        .map(|(i, c)| match c {
            ' ' => format!("a space at byte {i}"),
            c if c.is_ascii() => format!("control character U+{:04X} at byte {i}", c as u32),
            c => format!("non-ASCII character U+{:04X} at byte {i}", c as u32),
        })
}

/// appId: 1–64 bytes of printable ASCII (0x21–0x7E).
pub fn validate_app_id(app_id: &str) -> Result<(), Error> {
    if (1..=MAX_APP_ID_LEN).contains(&app_id.len()) && all_printable(app_id.as_bytes()) {
        return Ok(());
    }
    let err = |why: String| Error::new(ErrorCode::InvalidAppId, format!("appId {why}"));
    if app_id.is_empty() {
        return Err(err("is empty; pass the mini program's appId (wx...)".into()));
    }
    if app_id.len() > MAX_APP_ID_LEN {
        return Err(err(format!(
            "is {} bytes; at most {MAX_APP_ID_LEN} are allowed",
            app_id.len()
        )));
    }
    if let Some(what) = first_unprintable(app_id) {
        return Err(err(format!(
            "contains {what}; only printable ASCII (0x21-0x7E) is allowed"
        )));
    }
    Ok(())
}

/// groupId: 1–1024 bytes of UTF-8 with no control characters (U+0000–U+001F, U+007F).
pub fn validate_group_id(group_id: &str) -> Result<(), Error> {
    if (1..=MAX_GROUP_ID_LEN).contains(&group_id.len())
        && group_id
            .bytes()
            .fold(true, |ok, b| ok & (b >= 0x20) & (b != 0x7f))
    {
        return Ok(());
    }
    let err = |why: String| Error::new(ErrorCode::InvalidGroupId, format!("groupId {why}"));
    if group_id.is_empty() {
        return Err(err("is empty; every room needs a groupId".into()));
    }
    if group_id.len() > MAX_GROUP_ID_LEN {
        return Err(err(format!(
            "is {} bytes of UTF-8; at most {MAX_GROUP_ID_LEN} are allowed",
            group_id.len()
        )));
    }
    if let Some(i) = group_id.bytes().position(|b| b < 0x20 || b == 0x7f) {
        let b = group_id.as_bytes()[i];
        return Err(err(format!(
            "contains control character U+{b:04X} at byte {i}; control characters are not allowed"
        )));
    }
    Ok(())
}

/// nonceStr: 1–127 characters of printable ASCII.
pub fn validate_nonce(nonce: &str) -> Result<(), Error> {
    if (1..=MAX_NONCE_LEN).contains(&nonce.len()) && all_printable(nonce.as_bytes()) {
        return Ok(());
    }
    let err = |why: String| Error::new(ErrorCode::InvalidNonce, format!("nonceStr {why}"));
    if nonce.is_empty() {
        return Err(err("is empty; use 1-127 printable ASCII characters".into()));
    }
    if let Some(what) = first_unprintable(nonce) {
        return Err(err(format!(
            "contains {what}; only printable ASCII (0x21-0x7E) is allowed"
        )));
    }
    if nonce.len() > MAX_NONCE_LEN {
        return Err(err(format!(
            "is {} characters; WeChat requires fewer than 128",
            nonce.len()
        )));
    }
    Ok(())
}

/// Longest accepted member id (the user's openid), in bytes.
pub const MAX_MEMBER_ID_LEN: usize = 128;

/// memberId (the user's openid, for the room ledger): 1–128 bytes of printable
/// ASCII.
pub fn validate_member_id(member_id: &str) -> Result<(), Error> {
    if (1..=MAX_MEMBER_ID_LEN).contains(&member_id.len()) && all_printable(member_id.as_bytes()) {
        return Ok(());
    }
    let err = |why: String| Error::new(ErrorCode::InvalidMemberId, format!("memberId {why}"));
    if member_id.is_empty() {
        return Err(err("is empty; pass the user's openid".into()));
    }
    if member_id.len() > MAX_MEMBER_ID_LEN {
        return Err(err(format!(
            "is {} bytes; at most {MAX_MEMBER_ID_LEN} are allowed",
            member_id.len()
        )));
    }
    match first_unprintable(member_id) {
        Some(what) => Err(err(format!(
            "contains {what}; only printable ASCII (0x21-0x7E) is allowed"
        ))),
        None => Ok(()),
    }
}

/// 13-digit values: a timeStamp in milliseconds (named as such in errors, and a
/// finding rather than an error in `diagnose`).
pub(crate) const MS_TIMESTAMPS: std::ops::RangeInclusive<i64> =
    1_000_000_000_000..=9_999_999_999_999;

/// timeStamp: integer seconds, 1 ≤ t ≤ 9 999 999 999; 13 digits are milliseconds.
pub fn validate_timestamp(timestamp: i64) -> Result<(), Error> {
    if (1..=MAX_TIMESTAMP).contains(&timestamp) {
        return Ok(());
    }
    Err(timestamp_error(timestamp.into()))
}

/// Why a whole number (of any width) is not a valid timeStamp.
pub(crate) fn timestamp_error(timestamp: i128) -> Error {
    let err = |why: String| Error::new(ErrorCode::InvalidTimestamp, format!("timeStamp {why}"));
    if i64::try_from(timestamp).is_ok_and(|t| MS_TIMESTAMPS.contains(&t)) {
        return err(format!(
            "{timestamp} looks like milliseconds; pass seconds ({})",
            timestamp / 1000
        ));
    }
    if timestamp < 1 {
        return err(format!(
            "{timestamp} is not positive; pass Unix time in seconds"
        ));
    }
    err(format!(
        "{timestamp} is too large; pass Unix time in seconds (at most {MAX_TIMESTAMP})"
    ))
}

/// "00".."99": two decimal digits per table entry.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Format a validated timestamp as decimal digits into `buf`, returning the digits.
pub(crate) fn timestamp_digits(timestamp: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = timestamp.unsigned_abs();
    let mut i = buf.len();
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[d..d + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: Result<T, Error>) -> ErrorCode {
        r.err().expect("expected an error").code()
    }

    #[test]
    fn messages_name_the_field_and_reason() {
        let e = validate_nonce(&"a".repeat(128)).unwrap_err();
        assert_eq!(
            e.message(),
            "nonceStr is 128 characters; WeChat requires fewer than 128"
        );
        let e = validate_timestamp(1_559_129_714_000).unwrap_err();
        assert_eq!(
            e.message(),
            "timeStamp 1559129714000 looks like milliseconds; pass seconds (1559129714)"
        );
        let e = validate_app_id("wx 1").unwrap_err();
        assert!(e.message().contains("a space at byte 2"), "{}", e.message());
        let e = validate_group_id("a\u{7f}").unwrap_err();
        assert!(e.message().contains("U+007F at byte 1"), "{}", e.message());
    }

    #[test]
    fn boundaries() {
        assert!(validate_app_id(&"a".repeat(64)).is_ok());
        assert_eq!(
            code(validate_app_id(&"a".repeat(65))),
            ErrorCode::InvalidAppId
        );
        assert!(validate_group_id(&"é".repeat(512)).is_ok());
        assert_eq!(
            code(validate_group_id(&"é".repeat(513))),
            ErrorCode::InvalidGroupId
        );
        assert!(validate_group_id("a b").is_ok());
        assert!(validate_nonce("~!").is_ok());
        assert_eq!(code(validate_nonce("a\tb")), ErrorCode::InvalidNonce);
        assert!(validate_timestamp(1).is_ok());
        assert!(validate_timestamp(MAX_TIMESTAMP).is_ok());
        for t in [
            0,
            -1,
            i64::MIN,
            MAX_TIMESTAMP + 1,
            i64::MAX,
            999_999_999_999,
        ] {
            assert_eq!(
                code(validate_timestamp(t)),
                ErrorCode::InvalidTimestamp,
                "{t}"
            );
        }
    }

    #[test]
    fn digits() {
        let mut b = [0u8; 20];
        assert_eq!(timestamp_digits(1, &mut b), b"1");
        assert_eq!(timestamp_digits(1_559_129_714, &mut b), b"1559129714");
        assert_eq!(timestamp_digits(MAX_TIMESTAMP, &mut b), b"9999999999");
        for t in [9, 10, 99, 100, 101, 1000, 123456789, 1000000000, 2147483648] {
            assert_eq!(timestamp_digits(t, &mut b), t.to_string().as_bytes());
        }
    }
}
