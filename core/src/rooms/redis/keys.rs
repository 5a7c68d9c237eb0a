//! Key names. Every key of one appId shares the hash tag `{<hex appId>}`, so a
//! script's keys always live in one Redis Cluster slot; appId and groupId are
//! hex-encoded, so braces, colons or any other byte in them cannot change a key's
//! shape or its slot.

/// The default prefix of every key the ledger writes.
pub const PREFIX: &str = "voipsign";

/// `s` as lowercase hex (byte order is kept: the rooms' index sorts by it).
pub fn hex(s: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The hash of one room: `<prefix>:{<hex app>}:room:<hex group>`.
pub fn room(prefix: &str, app: &str, group: &str) -> String {
    format!("{prefix}:{{{}}}:room:{}", hex(app), hex(group))
}

/// The hash of an appId's day counters: `<prefix>:{<hex app>}:days`.
pub fn days(prefix: &str, app: &str) -> String {
    format!("{prefix}:{{{}}}:days", hex(app))
}

/// An appId's key `<prefix>:{<hex app>}:<what>` (`seats`, `live`, `index`,
/// `openers:0`, `openers:1`; see lua/prelude.lua).
pub fn app_key(prefix: &str, app: &str, what: &str) -> String {
    format!("{prefix}:{{{}}}:{what}", hex(app))
}

/// The bytes of a hex string (the index's groupIds), `None` when it is not one.
pub fn unhex(h: &str) -> Option<String> {
    if !h.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_and_separators_stay_inside_the_hex() {
        assert_eq!(
            room(PREFIX, "wx1", "a}{:b"),
            "voipsign:{777831}:room:617d7b3a62"
        );
        assert_eq!(days("staging", "wx1"), "staging:{777831}:days");
        assert_eq!(app_key("p", "wx1", "seats"), "p:{777831}:seats");
        assert_eq!(unhex(&hex("a}{:bé")).as_deref(), Some("a}{:bé"));
        assert_eq!(unhex("6"), None);
        // Both keys of an app carry the same (first) hash tag.
        let tag = |k: &str| k[k.find('{').unwrap()..=k.find('}').unwrap()].to_owned();
        assert_eq!(tag(&room(PREFIX, "w{x}", "g")), tag(&days(PREFIX, "w{x}")));
    }
}
