//! The session_key never appears in a message or an output: the leak check with
//! its "twin" call (every key replaced by a key of the same shape and other
//! content), and the texts of the public inputs it discounts.

use crate::c_args::Arg;

const WINDOW: usize = 8;

fn window(w: &[u8]) -> u64 {
    u64::from_le_bytes(w.try_into().unwrap())
}

/// Every 8-byte window of `text`, sorted (for binary search).
fn windows_of(text: &[u8]) -> Vec<u64> {
    let mut v: Vec<u64> = text.windows(WINDOW).map(window).collect();
    v.sort_unstable();
    v.dedup();
    v
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// The key with every base64 character replaced by another one whose 6-bit value
/// differs in the top two bits only (`v ^ 0b110000`): other content, the same
/// shape, and a valid key stays valid (the low bits that canonical base64 checks
/// are kept). Other bytes are kept.
pub fn twin_key(k: &[u8]) -> Vec<u8> {
    k.iter()
        .map(|&b| match B64.iter().position(|&c| c == b) {
            Some(v) => B64[v ^ 0b11_0000],
            None => b,
        })
        .collect()
}

/// Twin every key of a list argument.
pub fn twin_args(args: &[Arg]) -> Vec<Arg> {
    args.iter()
        .map(|a| Arg {
            bytes: twin_key(&a.bytes),
            ..a.clone()
        })
        .collect()
}

/// Panics when `text` contains an 8-byte window of one of `keys` that the library
/// copied from the key. A window counts when it holds at least one base64
/// character, is in no public input, and its twin (see [`twin_key`]) is in
/// `twin()`: the same call's text with every key replaced by its twin. Text that
/// merely happens to spell part of a key (a message template, a value the message
/// quotes) does not follow the key into the twin call; a copy of the key does.
pub fn check_no_leak(
    what: &str,
    text: &[u8],
    keys: &[&[u8]],
    public: &[&[u8]],
    twin: impl FnOnce() -> Vec<u8>,
) {
    if text.len() < WINDOW {
        return;
    }
    let tw = windows_of(text);
    let mut suspects: Vec<&[u8]> = keys
        .iter()
        .flat_map(|k| k.windows(WINDOW))
        .filter(|w| w.iter().any(|&b| is_base64(b)))
        .filter(|w| tw.binary_search(&window(w)).is_ok())
        .collect();
    for p in public {
        if suspects.is_empty() {
            return;
        }
        let pw = windows_of(p);
        suspects.retain(|w| pw.binary_search(&window(w)).is_err());
    }
    if suspects.is_empty() {
        return;
    }
    let twin_text = twin();
    let twin_w = windows_of(&twin_text);
    if let Some(w) = suspects
        .iter()
        .find(|w| twin_w.binary_search(&window(&twin_key(w))).is_ok())
    {
        panic!(
            "{what} contains part of a session_key ({:?}), and the twin call's text the same part of the twin key: {:?} / {:?}",
            String::from_utf8_lossy(w),
            String::from_utf8_lossy(text),
            String::from_utf8_lossy(&twin_text),
        );
    }
}

/// The timestamp as text in the forms a message may quote (seconds, ms, /1000).
pub fn ts_texts(ts: i64) -> Vec<Vec<u8>> {
    vec![
        ts.to_string().into_bytes(),
        (ts / 1000).to_string().into_bytes(),
        (ts as i128 * 1000).to_string().into_bytes(),
    ]
}

/// `Vec<Vec<u8>>` as a list of slices.
pub fn slices(v: &[Vec<u8>]) -> Vec<&[u8]> {
    v.iter().map(Vec::as_slice).collect()
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    use super::*;

    #[test]
    fn twins_of_valid_keys_are_valid_and_differ_everywhere() {
        for seed in 0u8..=255 {
            let bytes: Vec<u8> = (0..16u8)
                .map(|i| i.wrapping_mul(seed).wrapping_add(seed))
                .collect();
            let key = STANDARD.encode(bytes);
            let twin = twin_key(key.as_bytes());
            assert!(voipsign::validate_session_key(&twin).is_ok(), "{key}");
            for (a, b) in key.bytes().zip(twin) {
                assert_eq!(a == b, a == b'=', "{key}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "contains part of a session_key")]
    fn a_copied_key_is_a_leak() {
        let key = b"gDyVgzwa0mFz9uUP7M6GQQ==";
        let text = b"sessionKey gDyVgzwa0mFz9uUP7M6GQQ== is wrong";
        check_no_leak("t", text, &[key], &[], || {
            [&b"sessionKey "[..], &twin_key(key), b" is wrong"].concat()
        });
    }

    #[test]
    fn text_that_does_not_follow_the_key_is_not_a_leak() {
        // The key spells part of a template; the twin call prints the same template.
        let key = b"sessionKey+is+empty00000";
        let text = b"sessionKey is empty; sessionKey+is+empty";
        check_no_leak("t", text, &[key], &[b"sessionKey+is+empty"], || {
            text.to_vec()
        });
        check_no_leak(
            "t",
            b"x sessionKey is 3",
            &[b"o sessionKey is 3"],
            &[],
            || b"x sessionKey is 3".to_vec(),
        );
        // A window of the key quoted from a public input.
        check_no_leak(
            "t",
            b"roomType \"AAAAAAAAAA\"",
            &[b"AAAAAAAAAAAAAAAA"],
            &[b"AAAAAAAAAA"],
            || b"roomType \"AAAAAAAAAA\"".to_vec(),
        );
    }
}
