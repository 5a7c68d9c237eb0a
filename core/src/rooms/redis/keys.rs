//! Key names. Every key of one appId shares the hash tag `{<hex appId>}`, so a
//! script's keys always live in one Redis Cluster slot; appId and groupId are
//! hex-encoded, so braces, colons or any other byte in them cannot change a key's
//! shape or its slot.

/// The default prefix of every key the ledger writes.
pub const PREFIX: &str = "voipsign";

fn hex(s: &str) -> String {
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
        // Both keys of an app carry the same (first) hash tag.
        let tag = |k: &str| k[k.find('{').unwrap()..=k.find('}').unwrap()].to_owned();
        assert_eq!(tag(&room(PREFIX, "w{x}", "g")), tag(&days(PREFIX, "w{x}")));
    }
}
