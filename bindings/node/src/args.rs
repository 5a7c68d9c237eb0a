//! Arguments as napi-rs hands them over, turned into what `voipsign::request`
//! takes. Nothing here judges a value: out-of-range, fractional or non-finite
//! timestamps are the core's to refuse.

use napi::bindgen_prelude::{BigInt, Either};
use voipsign::request::Timestamp;

/// The core's [`Timestamp`] for a JavaScript timeStamp (a Number or a BigInt). A Number is passed as
/// it is (NaN, Infinity and fractions included); a BigInt as the integer it is,
/// or, beyond ±2^127, as the nearest `i128` (which the core refuses as out of
/// range all the same).
pub fn timestamp(t: Either<f64, BigInt>) -> Timestamp<'static> {
    match t {
        Either::A(number) => Timestamp::from(number),
        Either::B(big) => Timestamp::from(bigint_to_i128(&big)),
    }
}

/// `big` as an `i128`, saturated at `i128::MIN` / `i128::MAX`.
fn bigint_to_i128(big: &BigInt) -> i128 {
    // `words` is the magnitude, least significant 64 bits first.
    let high_words_zero = big.words.iter().skip(2).all(|&w| w == 0);
    let low = u128::from(big.words.first().copied().unwrap_or(0));
    let high = u128::from(big.words.get(1).copied().unwrap_or(0));
    let magnitude = high_words_zero.then_some(low | (high << 64));
    match (big.sign_bit, magnitude) {
        (false, Some(m)) => i128::try_from(m).unwrap_or(i128::MAX),
        (true, Some(m)) if m <= i128::MIN.unsigned_abs() => 0i128.wrapping_sub_unsigned(m),
        (false, None) => i128::MAX,
        (true, _) => i128::MIN,
    }
}

/// The bytes of a request body, a string (signed as UTF-8) or bytes (a Buffer or
/// Uint8Array); none (`undefined`) is the empty body.
pub fn body_bytes<'a>(body: &'a Option<Either<String, &[u8]>>) -> &'a [u8] {
    match body {
        None => b"",
        Some(Either::A(text)) => text.as_bytes(),
        Some(Either::B(bytes)) => bytes,
    }
}
