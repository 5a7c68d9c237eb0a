//! Sorting, joining and HMAC-SHA256: sign, verify, canonical, sign_many,
//! session_signature.

use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorCode};
use crate::hmac_fast::{hmac_sha256, Prepared};
use crate::key::{parse_session_keys, SessionKey};
use crate::params::{timestamp_digits, Params};
use crate::signature::{validate_signature, Signature};

/// The four values as byte slices, sorted in code-unit order. For accepted inputs
/// (appId, nonceStr and timeStamp ASCII) byte order, code-point order and UTF-16
/// order agree, so this is JavaScript's default `sort()`.
fn sorted_parts<'a>(p: &Params<'a>, ts_buf: &'a mut [u8; 20]) -> [&'a [u8]; 4] {
    let ts = timestamp_digits(p.timestamp, ts_buf);
    let mut v = [
        p.app_id.as_bytes(),
        p.group_id.as_bytes(),
        p.nonce_str.as_bytes(),
        ts,
    ];
    // A sorting network for four: five compare-exchanges, no loop.
    for (i, j) in [(0, 1), (2, 3), (0, 2), (1, 3), (1, 2)] {
        if less(v[j], v[i]) {
            v.swap(i, j);
        }
    }
    v
}

/// `a < b` in byte order, deciding on the first bytes when they differ (the usual
/// case here) without a call to memcmp.
#[inline(always)]
fn less(a: &[u8], b: &[u8]) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

/// HMAC-SHA256 of the concatenation of `parts` under the session_key string.
fn mac_parts(key: &SessionKey, parts: &[&[u8]]) -> Signature {
    Signature::from_digest(&hmac_sha256(key.hmac_key(), parts))
}

/// The canonical string: the four values sorted in code-unit order and joined with
/// no separator. It contains no secret (useful in logs).
///
/// ```
/// let p = voipsign::Params::new("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb", 1559129714);
/// assert_eq!(voipsign::canonical(&p).unwrap(),
///            "1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc");
/// ```
pub fn canonical(params: &Params) -> Result<String, Error> {
    params.validate()?;
    let mut ts_buf = [0u8; 20];
    let parts = sorted_parts(params, &mut ts_buf);
    let bytes = parts.concat();
    // Every part is valid UTF-8 (str or ASCII digits), so the concatenation is too.
    String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::Internal, "canonical string not UTF-8"))
}

/// The `signature` for `wx.joinVoIPChat`: HMAC-SHA256 of the canonical string keyed
/// by the session_key string, as 64 lowercase hex digits. Makes no heap allocation
/// unless it returns an error.
///
/// ```
/// use voipsign::{sign, Params, SessionKey};
/// let key = SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
/// let p = Params::new("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb", 1559129714);
/// assert_eq!(sign(&p, &key).unwrap().as_str(),
///            "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617");
/// ```
pub fn sign(params: &Params, session_key: &SessionKey) -> Result<Signature, Error> {
    params.validate()?;
    let mut ts_buf = [0u8; 20];
    let parts = sorted_parts(params, &mut ts_buf);
    Ok(mac_parts(session_key, &parts))
}

/// Whether `signature` is the right one for these values, compared in constant
/// time. A signature that is not 64 hex digits is an `INVALID_SIGNATURE` error; a
/// well-formed but upper-case signature is `false` (WeChat expects lower case).
pub fn verify(params: &Params, session_key: &SessionKey, signature: &str) -> Result<bool, Error> {
    let expected = sign(params, session_key)?;
    validate_signature(signature)?;
    Ok(bool::from(
        expected.as_bytes()[..].ct_eq(signature.as_bytes()),
    ))
}

/// Sign one room for many members: the canonical string is built once, then one
/// HMAC per session_key. The result is in the order of `session_keys`. A bad key is
/// an `INVALID_SESSION_KEY` error whose message gives its index.
pub fn sign_many<K: AsRef<str>>(
    params: &Params,
    session_keys: &[K],
) -> Result<Vec<Signature>, Error> {
    params.validate()?;
    let keys = parse_session_keys(crate::request::SESSION_KEYS_FIELD, session_keys)?;
    Ok(sign_many_keys(params, &keys))
}

/// [`sign_many`] of validated values and keys.
pub(crate) fn sign_many_keys(params: &Params, keys: &[SessionKey]) -> Vec<Signature> {
    let mut ts_buf = [0u8; 20];
    // The message blocks are laid out once; each key adds its pads and 5 compressions.
    let prepared = Prepared::new(&sorted_parts(params, &mut ts_buf));
    keys.iter()
        .map(|k| Signature::from_digest(&prepared.mac(k.hmac_key())))
        .collect()
}

/// WeChat's "user login state signature": HMAC-SHA256 of `body` keyed by the
/// session_key string. With an empty body it is the `signature` parameter of
/// `GET /wxa/checksession`, which tells whether a stored session_key is current.
pub fn session_signature(session_key: &SessionKey, body: &[u8]) -> Signature {
    mac_parts(session_key, &[body])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> (Params<'static>, SessionKey) {
        (
            Params::new(
                "wx20afc706a711eefc",
                "1559129713_672975982",
                "8AP6DT9ybtniUJfb",
                1559129714,
            ),
            SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap(),
        )
    }

    #[test]
    fn doc_example() {
        let (p, k) = doc();
        let s = sign(&p, &k).unwrap();
        assert_eq!(
            s.as_str(),
            "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
        );
        assert!(verify(&p, &k, s.as_str()).unwrap());
        assert!(!verify(&p, &k, &s.as_str().to_uppercase()).unwrap());
    }

    #[test]
    fn session_signature_doc_example() {
        let k = SessionKey::new("o0q0otL8aEzpcZL/FT9WsQ==").unwrap();
        assert_eq!(
            session_signature(&k, br#"{"foo":"bar"}"#).as_str(),
            "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b"
        );
    }

    #[test]
    fn sign_many_reports_the_index() {
        let (p, _) = doc();
        let e = sign_many(&p, &["gDyVgzwa0mFz9uUP7M6GQQ==", "bad"]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidSessionKey);
        assert!(
            e.message().starts_with("sessionKeys[1]: "),
            "{}",
            e.message()
        );
        assert!(sign_many::<&str>(&p, &[]).unwrap().is_empty());
    }
}
