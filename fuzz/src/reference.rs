//! Independent references for the differential checks: HMAC-SHA256 from the
//! `hmac` crate, the canonical string by a plain sort, and the core's own answer.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::generators::hex_lower;

/// HMAC-SHA256 with the `hmac` crate, fed in one piece.
pub fn ref_hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// The canonical string the plain way: four `String`s sorted and concatenated.
pub fn ref_canonical(app: &str, group: &str, nonce: &str, ts: i64) -> String {
    let mut v: Vec<String> = vec![app.into(), group.into(), nonce.into(), ts.to_string()];
    v.sort();
    v.concat()
}

/// The signature the plain way.
pub fn ref_sign(app: &str, group: &str, nonce: &str, ts: i64, key: &str) -> String {
    hex_lower(&ref_hmac(
        key.as_bytes(),
        ref_canonical(app, group, nonce, ts).as_bytes(),
    ))
}

/// The core's signature for these strings, when it accepts them.
pub fn core_sign(
    app: &str,
    group: &str,
    nonce: &str,
    ts: i64,
    key: &str,
) -> Result<String, voipsign::Error> {
    let k = voipsign::SessionKey::new(key)?;
    voipsign::sign(&voipsign::Params::new(app, group, nonce, ts), &k).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            ref_sign(
                "wx20afc706a711eefc",
                "1559129713_672975982",
                "8AP6DT9ybtniUJfb",
                1559129714,
                "gDyVgzwa0mFz9uUP7M6GQQ=="
            ),
            "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
        );
    }
}
