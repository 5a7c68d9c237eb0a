//! The signature value: 64 lowercase hex digits, held on the stack.

use std::fmt;

use crate::error::{Error, ErrorCode};

/// Length of a signature in characters (hex of a 32-byte HMAC-SHA256).
pub const SIGNATURE_LEN: usize = 64;

/// A signature: 64 lowercase hex digits. Copyable, allocation-free.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; SIGNATURE_LEN]);

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The two hex digits of every byte, computed at compile time.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 0x0f]];
        i += 1;
    }
    t
};

impl Signature {
    /// Hex-encode a 32-byte digest.
    pub(crate) fn from_digest(digest: &[u8; 32]) -> Signature {
        let mut out = [0u8; SIGNATURE_LEN];
        for (pair, &b) in out.chunks_exact_mut(2).zip(digest) {
            pair.copy_from_slice(&HEX_PAIRS[b as usize]);
        }
        Signature(out)
    }

    /// The 64 hex digits as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ever built from HEX digits, so always ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 64 hex digits as bytes.
    pub fn as_bytes(&self) -> &[u8; SIGNATURE_LEN] {
        &self.0
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<Signature> for String {
    fn from(s: Signature) -> String {
        s.as_str().to_owned()
    }
}

/// Check that `sig` has the form of a signature: 64 hex digits (either case; an
/// upper-case signature is well-formed but never equal to the right one).
pub fn validate_signature(sig: &str) -> Result<(), Error> {
    let err = |why: String| Error::new(ErrorCode::InvalidSignature, format!("signature {why}"));
    let b = sig.as_bytes();
    if b.len() > SIGNATURE_LEN
        && b[..SIGNATURE_LEN].iter().all(u8::is_ascii_hexdigit)
        && b[SIGNATURE_LEN] == b'_'
    {
        return Err(err(
            "has a \"_...\" suffix after 64 hex digits: it was issued by WeChat's cloud signing \
             (cloud.getVoIPSign or /wxa/getvoipsign), which is not this HMAC and cannot be verified locally"
                .into(),
        ));
    }
    if b.is_empty() {
        return Err(err("is empty; expected 64 hex digits".into()));
    }
    if let Some(i) = b.iter().position(|c| !c.is_ascii_hexdigit()) {
        return Err(err(format!(
            "has a non-hex character at position {i}; expected 64 hex digits"
        )));
    }
    if b.len() != SIGNATURE_LEN {
        return Err(err(format!("is {} hex digits; expected 64", b.len())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_encoding() {
        let mut d = [0u8; 32];
        d[0] = 0xab;
        d[31] = 0x0f;
        let s = Signature::from_digest(&d);
        assert!(s.as_str().starts_with("ab00"));
        assert!(s.as_str().ends_with("0f"));
        assert_eq!(s.to_string().len(), 64);
    }

    #[test]
    fn signature_forms() {
        let ok = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
        assert!(validate_signature(ok).is_ok());
        assert!(validate_signature(&ok.to_uppercase()).is_ok());
        for bad in ["", &ok[1..], "zz", &format!("{ok}0")] {
            assert_eq!(
                validate_signature(bad).unwrap_err().code(),
                ErrorCode::InvalidSignature
            );
        }
        let cloud = validate_signature(&format!("{ok}_1a2b")).unwrap_err();
        assert!(cloud.message().contains("cloud"), "{}", cloud.message());
    }
}
