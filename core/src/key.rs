//! The session_key: validated once, never printed, zeroized on drop.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroize;

use crate::error::{Error, ErrorCode};

/// Length of a session_key string: standard base64 of 16 bytes.
pub const SESSION_KEY_LEN: usize = 24;

/// A user's session_key as code2Session returned it: 24 characters of standard
/// base64 encoding 16 bytes.
///
/// The HMAC key is the **string's own bytes** (not the decoded bytes). The value is
/// validated on construction, its `Debug` output is `SessionKey(***)`, it has no
/// `Display`, and its bytes are overwritten with zeros when it is dropped.
#[derive(Clone)]
pub struct SessionKey {
    bytes: [u8; SESSION_KEY_LEN],
}

impl SessionKey {
    /// Validate `s` and keep a copy. Errors are `INVALID_SESSION_KEY` with a message
    /// that describes the problem without repeating any of the key.
    pub fn new(s: &str) -> Result<SessionKey, Error> {
        validate_session_key(s.as_bytes())?;
        let mut bytes = [0u8; SESSION_KEY_LEN];
        bytes.copy_from_slice(s.as_bytes());
        Ok(SessionKey { bytes })
    }

    /// The HMAC key: the session_key string's bytes.
    pub(crate) fn hmac_key(&self) -> &[u8; SESSION_KEY_LEN] {
        &self.bytes
    }

    /// The 16 bytes the base64 string encodes (what WeChat uses as an AES key).
    pub(crate) fn decoded(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        // Validated on construction: always 16 bytes of canonical base64.
        let n = STANDARD.decode_slice(self.bytes, &mut out).unwrap_or(0);
        debug_assert_eq!(n, 16);
        out
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

/// The bytes are zeroized when a `SessionKey` is dropped (see the `Drop` impl).
impl zeroize::ZeroizeOnDrop for SessionKey {}

impl Drop for SessionKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Validate a list of session_keys (e.g. `sessionKeys`, `otherSessionKeys`): the
/// error of a bad one starts with `list[i]: ` so the caller knows which.
pub fn parse_session_keys<K: AsRef<str>>(list: &str, keys: &[K]) -> Result<Vec<SessionKey>, Error> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            SessionKey::new(k.as_ref())
                .map_err(|e| Error::new(e.code(), format!("{list}[{i}]: {}", e.message())))
        })
        .collect()
}

/// The fast check: 22 base64 characters, the last of which carries only 2 bits of
/// the 16th byte (so its 4 low bits are zero: one of `A`, `Q`, `g`, `w`), then `==`.
/// Exactly the canonical standard base64 of 16 bytes, without decoding.
fn is_canonical_key(s: &[u8]) -> bool {
    s.len() == SESSION_KEY_LEN
        && s[22] == b'='
        && s[23] == b'='
        && s[..22].iter().fold(true, |ok, &b| ok & is_base64_char(b))
        && matches!(s[21], b'A' | b'Q' | b'g' | b'w')
}

/// Check that `s` is exactly what code2Session returns. The message never contains
/// any byte of `s`: only lengths, positions and kinds of character.
pub fn validate_session_key(s: &[u8]) -> Result<(), Error> {
    if is_canonical_key(s) {
        return Ok(());
    }
    let err = |why: String| Error::new(ErrorCode::InvalidSessionKey, format!("sessionKey {why}"));
    const WANT: &str = "code2Session returns 24 base64 characters ending in \"==\"";
    if s.is_empty() {
        return Err(err(format!("is empty; {WANT}")));
    }
    if let Some(last) = s.last().filter(|b| b.is_ascii_whitespace()) {
        let what = match last {
            b'\n' => "a newline",
            b'\r' => "a carriage return",
            b' ' => "a space",
            _ => "whitespace",
        };
        return Err(err(format!(
            "ends with {what}; whitespace is not trimmed, remove it (a key read from a file or an environment variable often carries one)"
        )));
    }
    if let Some(i) = s.iter().position(|&b| !is_base64_char(b) && b != b'=') {
        let hint = if s.len() == 28 && s[0] == b'o' {
            "; this looks like an openid (28 characters), not a session_key"
        } else if s[i] == b'-' || s[i] == b'_' {
            "; base64url is not what code2Session returns"
        } else {
            ""
        };
        return Err(err(format!(
            "has a character outside the base64 alphabet at position {i}{hint}; {WANT}"
        )));
    }
    if s.len() != SESSION_KEY_LEN {
        let decoded = STANDARD
            .decode(s)
            .ok()
            .map(|d| zeroize::Zeroizing::new(d).len());
        let what = match decoded {
            Some(n) => format!("is {} characters (base64 of {n} bytes)", s.len()),
            None => format!("is {} characters", s.len()),
        };
        return Err(err(format!("{what}; {WANT} (16 bytes)")));
    }
    let mut out = [0u8; 18];
    match STANDARD.decode_slice(s, &mut out) {
        Ok(16) if s.ends_with(b"==") => {
            out.zeroize();
            Ok(())
        }
        _ => {
            out.zeroize();
            Err(err(format!("is not canonical base64 of 16 bytes; {WANT}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";

    #[test]
    fn accepts_code2session_keys() {
        let k = SessionKey::new(KEY).unwrap();
        assert_eq!(k.hmac_key(), KEY.as_bytes());
        assert_eq!(k.decoded().len(), 16);
        assert_eq!(format!("{k:?}"), "SessionKey(***)");
    }

    #[test]
    fn the_fast_check_agrees_with_decoding() {
        // Every character in every position of a valid key: the fast check accepts
        // exactly what decodes to 16 bytes canonically.
        let alphabet: Vec<u8> = (0u8..=255).collect();
        let mut key = KEY.as_bytes().to_vec();
        for pos in 0..SESSION_KEY_LEN {
            for &c in &alphabet {
                key[pos] = c;
                let mut out = [0u8; 18];
                let decodes =
                    matches!(STANDARD.decode_slice(&key, &mut out), Ok(16)) && key.ends_with(b"==");
                assert_eq!(
                    is_canonical_key(&key),
                    decodes,
                    "position {pos}, byte {c:#x}"
                );
                assert_eq!(
                    validate_session_key(&key).is_ok(),
                    decodes,
                    "position {pos}, byte {c:#x}"
                );
            }
            key[pos] = KEY.as_bytes()[pos];
        }
    }

    #[test]
    fn refuses_everything_else_without_echoing() {
        for bad in [
            "",
            "gDyVgzwa0mFz9uUP",
            "gDyVgzwa0mFz9uUP7M6G$Q==",
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "gDyVgzwa0mFz9uUP7M6GQQ==\n",
            "gDyVgzwa0mFz9uUP7M6GQQ== ",
            "gDyVgzwa0mFz9uUP7M6GQYDsV4M8GtJhT1ZoQbAtKGk=",
            "gDyVgzwa0mFz9uUP7M6GQR==", // non-canonical trailing bits
            "gDyVgzwa0mFz9uUP7M6GQQQ=", // 17 bytes? no: wrong padding
            "gDyVgzwa0mFz9uUP7M6GQQ=A",
        ] {
            let e = SessionKey::new(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidSessionKey, "{bad:?}");
            // No run of 4+ characters of the key appears in the message.
            let m = e.message();
            for w in bad.as_bytes().windows(4) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(!m.contains(w), "{m:?} contains {w:?}");
            }
        }
        let e = SessionKey::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").unwrap_err();
        assert!(e.message().contains("openid"), "{}", e.message());
        let e = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==\n").unwrap_err();
        assert!(e.message().contains("newline"), "{}", e.message());
    }
}
