//! Known library bugs a campaign may tolerate while their fix is pending
//! (`VOIPSIGN_FUZZ_KNOWN`).

use std::sync::OnceLock;

/// Whether the known library bug `name` is to be tolerated: listed in the
/// comma-separated environment variable `VOIPSIGN_FUZZ_KNOWN`, so that a campaign
/// can go on looking for other bugs while a reported one awaits its fix (see
/// README.md for the names). Unset, every check is on.
pub fn known(name: &str) -> bool {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("VOIPSIGN_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == name)
}
