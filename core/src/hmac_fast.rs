//! HMAC-SHA256 specialised for voipsign's shape: a key of at most 64 bytes (a
//! session_key string is always 24) and a short message given in pieces (the four
//! sorted values). The pad blocks and the message blocks are fed to
//! `sha2::compress256` in two calls, five compressions for a 64-byte canonical
//! string, with no heap allocation and no buffering layer.
//!
//! Only messages of up to [`FAST_MAX_MESSAGE`] bytes take this path; anything longer
//! goes through the `hmac` crate, which also stays the reference this code is
//! tested against (unit tests here, `core/tests/hmac_vectors.rs` with RFC 4231 and
//! Wycheproof vectors, and a differential fuzz target).

use hmac::{Hmac, Mac};
use sha2::digest::generic_array::typenum::U64;
use sha2::digest::generic_array::GenericArray;
use sha2::Sha256;

type Block = GenericArray<u8, U64>;

const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Longest message the fast path takes: what fits with its padding in two blocks.
pub const FAST_MAX_MESSAGE: usize = 2 * 64 - 9;

/// HMAC-SHA256 of the concatenation of `parts`, keyed by `key`. Uses the fast path
/// when `key.len() <= 64` and the message fits in two blocks, else the `hmac` crate.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > FAST_MAX_MESSAGE || key.len() > 64 {
        return reference(key, parts); // no copy of a long message
    }
    Prepared::new(parts).mac(key)
}

/// The `hmac` crate: the reference, and the path for every other shape.
pub fn reference(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// A message laid out once in its SHA-256 blocks (with its padding), ready to be
/// MACed under any number of keys: `sign_many` builds it once per room.
pub enum Prepared {
    /// Block 0 is left for the key's inner pad; blocks 1..n hold the message of
    /// `len` bytes and its padding.
    Fast {
        blocks: [Block; 3],
        n: usize,
        len: usize,
    },
    /// A message too long for the fast path, for the `hmac` crate.
    Long(Vec<u8>),
}

impl Prepared {
    /// Lay out the concatenation of `parts`. Allocates only for a message longer
    /// than [`FAST_MAX_MESSAGE`].
    pub fn new(parts: &[&[u8]]) -> Prepared {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > FAST_MAX_MESSAGE {
            return Prepared::Long(parts.concat());
        }
        // Inner hash: [key ^ ipad][message | 0x80 | zeros | bit length of 64 + len].
        let n = if len <= 64 - 9 { 2 } else { 3 };
        let mut msg = [0u8; 128];
        let mut pos = 0;
        for part in parts {
            msg[pos..pos + part.len()].copy_from_slice(part);
            pos += part.len();
        }
        msg[pos] = 0x80;
        let bits = ((64 + len) as u64) * 8;
        msg[64 * (n - 1) - 8..64 * (n - 1)].copy_from_slice(&bits.to_be_bytes());
        let mut blocks = [Block::default(), Block::default(), Block::default()];
        blocks[1].copy_from_slice(&msg[..64]);
        blocks[2].copy_from_slice(&msg[64..]);
        Prepared::Fast { blocks, n, len }
    }

    /// HMAC-SHA256 of the message under `key`.
    pub fn mac(&self, key: &[u8]) -> [u8; 32] {
        match self {
            Prepared::Fast { blocks, n, .. } if key.len() <= 64 => fast(key, blocks, *n),
            Prepared::Fast { blocks, len, .. } => {
                // A key longer than a block (never a session_key): the reference.
                let msg: Vec<u8> = blocks[1..].iter().flat_map(|b| b.iter().copied()).collect();
                reference(key, &[&msg[..*len]])
            }
            Prepared::Long(msg) => reference(key, &[msg]),
        }
    }
}

/// `key.len() <= 64`; `blocks[1..n]` hold the padded message.
fn fast(key: &[u8], blocks: &[Block; 3], n: usize) -> [u8; 32] {
    let mut padded = [0u8; 64];
    padded[..key.len()].copy_from_slice(key);
    let mut inner = *blocks;
    for (b, k) in inner[0].iter_mut().zip(padded) {
        *b = k ^ 0x36;
    }
    let mut state = IV;
    sha2::compress256(&mut state, &inner[..n]);

    // Outer hash: [key ^ opad][inner digest | 0x80 | zeros | bit length 768].
    let mut outer = [Block::default(), Block::default()];
    for (b, k) in outer[0].iter_mut().zip(padded) {
        *b = k ^ 0x5c;
    }
    for (i, w) in state.iter().enumerate() {
        outer[1][4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    outer[1][32] = 0x80;
    outer[1][56..].copy_from_slice(&((64u64 + 32) * 8).to_be_bytes());
    let mut state = IV;
    sha2::compress256(&mut state, &outer);

    let mut out = [0u8; 32];
    for (i, w) in state.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message length 0..=FAST_MAX_MESSAGE + 2, split at every place, and key
    /// lengths 0, 1, 24, 63, 64 (and 65, 100: the reference path): equal to `hmac`.
    #[test]
    fn equals_the_hmac_crate_for_every_length_and_split() {
        let data: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
        for key_len in [0usize, 1, 24, 63, 64, 65, 100] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 13 + 1) as u8).collect();
            for len in 0..=FAST_MAX_MESSAGE + 2 {
                let msg = &data[..len];
                let want = reference(&key, &[msg]);
                assert_eq!(hmac_sha256(&key, &[msg]), want, "key {key_len}, len {len}");
                for split in [0, 1, len / 3, len / 2, len.saturating_sub(1)] {
                    let split = split.min(len);
                    let (a, b) = msg.split_at(split);
                    let (b1, b2) = b.split_at(b.len() / 2);
                    assert_eq!(
                        hmac_sha256(&key, &[a, b1, &[], b2]),
                        want,
                        "key {key_len}, len {len}, split {split}"
                    );
                }
            }
        }
    }
}
