//! Random session keys and codes, derived openids, and the clock's days.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Random bytes from the operating system.
fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source");
    b
}

/// A new session_key: 16 random bytes, base64 (24 characters).
pub fn new_session_key() -> String {
    STANDARD.encode(random::<16>())
}

/// A new wx.login code: 32 characters of `[0-9A-Za-z]`, as WeChat's look.
pub fn new_code() -> String {
    const A: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    random::<32>()
        .iter()
        .map(|b| A[usize::from(*b) % A.len()] as char)
        .collect()
}

/// A random number in [0, 1).
pub fn unit() -> f64 {
    (u64::from_le_bytes(random::<8>()) >> 11) as f64 / (1u64 << 53) as f64
}

/// The openid of `phone` in `app_id`: `o` and 27 characters of base64url of
/// SHA-256(appId, newline, phone) — 28 characters, stable, distinct per app.
pub fn openid(app_id: &str, phone: &str) -> String {
    let mut h = Sha256::new();
    h.update(app_id.as_bytes());
    h.update(b"\n");
    h.update(phone.as_bytes());
    let mut s = String::from("o");
    s.push_str(&URL_SAFE_NO_PAD.encode(h.finalize())[..27]);
    s
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The day number (days since 1970-01-01 in the shifted zone) of `ms`.
pub fn day_of(ms: i64, offset_minutes: i64) -> i64 {
    (ms + offset_minutes * 60_000).div_euclid(86_400_000)
}

/// A day number as `YYYY-MM-DD` (the proleptic Gregorian calendar).
pub fn day_name(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_codes_openids() {
        let k = new_session_key();
        assert_eq!(k.len(), 24);
        assert!(voipsign::SessionKey::new(&k).is_ok());
        assert_ne!(k, new_session_key());
        let c = new_code();
        assert_eq!(c.len(), 32);
        assert!(c.bytes().all(|b| b.is_ascii_alphanumeric()));
        let o = openid("wxa", "p1");
        assert_eq!(o.len(), 28);
        assert!(o.starts_with('o'));
        assert_eq!(o, openid("wxa", "p1"));
        assert_ne!(o, openid("wxb", "p1"));
        assert_ne!(o, openid("wxa", "p2"));
        let u = unit();
        assert!((0.0..1.0).contains(&u));
    }

    #[test]
    fn days() {
        assert_eq!(day_name(0), "1970-01-01");
        assert_eq!(day_name(19_723), "2024-01-01");
        assert_eq!(day_name(19_782), "2024-02-29");
        // 2024-01-01T16:00:00Z is already 2024-01-02 in UTC+8.
        let ms = 1_704_124_800_000;
        assert_eq!(day_name(day_of(ms, 0)), "2024-01-01");
        assert_eq!(day_name(day_of(ms, 480)), "2024-01-02");
        assert_eq!(day_name(day_of(0, -60)), "1969-12-31");
    }
}
