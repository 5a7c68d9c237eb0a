//! Reading the fuzz input: integers in a range, raw bytes, printable ASCII, UTF-8,
//! and one troublesome byte sequence injected into a value. An exhausted input
//! gives the smallest value, never an error.

use arbitrary::{Arbitrary, Unstructured};

/// An integer in `range`, the start when the input is exhausted.
pub fn int<T>(u: &mut Unstructured, range: std::ops::RangeInclusive<T>) -> T
where
    T: arbitrary::unstructured::Int + Copy,
{
    let start = *range.start();
    u.int_in_range(range).unwrap_or(start)
}

/// Up to `max` raw bytes (fewer when the input runs out).
pub fn raw(u: &mut Unstructured, max: usize) -> Vec<u8> {
    let n = int(u, 0..=max).min(u.len());
    u.bytes(n).map(<[u8]>::to_vec).unwrap_or_default()
}

/// `min..=max` bytes of printable ASCII (0x21-0x7E).
pub fn printable(u: &mut Unstructured, min: usize, max: usize) -> Vec<u8> {
    let n = int(u, min..=max);
    let mut v: Vec<u8> = raw_exact(u, n).iter().map(|b| 0x21 + b % 94).collect();
    v.resize(n, b'x');
    v
}

/// Up to `n` raw bytes: exactly `n` while the input lasts.
pub(crate) fn raw_exact(u: &mut Unstructured, n: usize) -> Vec<u8> {
    let n = n.min(u.len());
    u.bytes(n).map(<[u8]>::to_vec).unwrap_or_default()
}

/// Valid UTF-8 of at most `max` bytes, mixing ASCII and multi-byte characters.
pub fn utf8(u: &mut Unstructured, max: usize) -> String {
    let mut s = String::arbitrary(u).unwrap_or_default();
    truncate(&mut s, max);
    s
}

/// Cut `s` to at most `max` bytes at a character boundary.
pub fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut n = max;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
}

/// Characters that are not control characters in the groupId sense.
pub(crate) fn strip_controls(s: &str) -> String {
    s.chars().filter(|&c| c >= ' ' && c != '\u{7f}').collect()
}

/// Insert one troublesome byte sequence into `v` at a random place.
pub fn inject(u: &mut Unstructured, mut v: Vec<u8>) -> Vec<u8> {
    const BAD: &[&[u8]] = &[
        b" ",
        b"\0",
        b"\t",
        b"\n",
        b"\x1f",
        b"\x7f",
        "é".as_bytes(),
        "€".as_bytes(),
        "😀".as_bytes(),
        "\u{80}".as_bytes(),
        "\u{2028}".as_bytes(),
        b"\xff",
        b"\xc3",
        b"\x80",
        b"\xed\xa0\x80", // an encoded surrogate: not UTF-8
        b"\"",
        b"\\",
        b"=",
        b"-",
        b"_",
    ];
    let bad = BAD[int(u, 0..=BAD.len() - 1)];
    let at = int(u, 0..=v.len());
    v.splice(at..at, bad.iter().copied());
    v
}
