//! The counts of a run, kept under one lock, and the invariants read from them.

use crate::wire::LateCause;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The plain counts of a run: kept in the tally, written as they are in the
/// report (its JSON fields at the top level).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    /// Emulator logins + backend `/login` answered 200.
    pub logins: u64,
    /// Logins that failed (either step), by cause (`emulator`, a backend code, …).
    pub login_failures: BTreeMap<String, u64>,
    /// `/voip/join` answered 200 (a ticket), first tries and retries alike.
    pub tickets: u64,
    /// `/voip/join` refusals by the backend's code.
    pub refused: BTreeMap<String, u64>,
    /// Joins the emulator accepted.
    pub joined: u64,
    /// ROOM_FULL while the emulator's room had fewer members than the capacity,
    /// counting this run's phones that hold a backend seat not (or no longer)
    /// at the emulator as members.
    pub false_refusals: u64,
    /// ROOM_FULL while the emulator's room alone had fewer members than the capacity.
    pub false_refusals_raw: u64,
    /// ROOM_FULL answers checked against the emulator (its rooms read).
    pub room_full_checked: u64,
    /// Checks that would have been false refusals, had no phone of this run
    /// given back a seat of that room between the join and the check: the
    /// room was full when refused, perhaps, so they are not counted as false.
    pub room_full_unsettled: u64,
    /// Heartbeats answered 200.
    pub heartbeats: u64,
    /// Heartbeats refused, by code (`NOT_ADMITTED` …).
    pub heartbeats_refused: BTreeMap<String, u64>,
    /// `/voip/join` calls made again after a refused heartbeat.
    pub readmits: u64,
    /// `/voip/members` answered 200.
    pub syncs: u64,
    /// `/voip/members` refused, by code.
    pub syncs_refused: BTreeMap<String, u64>,
    /// Members-changed events received.
    pub events: u64,
    /// Emulator exits answered.
    pub exits: u64,
    /// `/voip/leave` answered 200.
    pub leaves: u64,
    /// Of those, the ones that answered `removed: false`.
    pub leaves_not_removed: u64,
    /// `/voip/leave` after a late refusal (the admitted seat given back).
    pub leaves_after_refusal: u64,
    /// Phones vanished.
    pub vanished: u64,
    /// Causes `/voip/explain` named, with counts.
    pub explain_causes: BTreeMap<String, u64>,
    /// Logins again after an invalid signature.
    pub relogins: u64,
    /// Retries (after an invalid signature and a new login) the emulator accepted.
    pub retries_joined: u64,
    /// Requests that failed without an HTTP answer, by path.
    pub transport_errors: BTreeMap<String, u64>,
    /// Other unexpected answers (a 5xx, a shape not understood), by what.
    pub unexpected: BTreeMap<String, u64>,
}

/// What the phones counted (docs/PHONES.md, "The counts").
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// The counts written as they are.
    pub c: Counts,
    /// `/voip/join` latencies, microseconds (every answered call).
    pub join_latency_us: Vec<u64>,
    /// Late refusals by cause.
    pub late: BTreeMap<LateCause, u64>,
    /// Invalid signatures of phones whose key this run replaced (not logged in since).
    pub invalid_sig_rotated: u64,
    /// Invalid signatures of any other phone (an invariant broken).
    pub invalid_sig_others: u64,
    /// The phones (names) behind `invalid_sig_others`.
    pub invalid_sig_other_phones: BTreeSet<String>,
    /// Polls of `/_emulator/rooms` by the watcher.
    pub room_polls: u64,
    /// The most members seen in one room at the emulator.
    pub max_members: usize,
    /// Observations of a room above capacity (at the emulator, or in a join's
    /// openIdList).
    pub over_capacity_count: u64,
    /// The first 100 of them: "groupId: n members at t s".
    pub over_capacity: Vec<String>,
    /// Faults sent (`rotateSessionKey`) and answered 2xx.
    pub rotations_sent: u64,
    /// Faults that failed.
    pub rotations_failed: u64,
    /// Rotated phones that later got into a room again.
    pub rotated_rejoined: BTreeSet<usize>,
    /// Rotated phones that met an invalid signature.
    pub rotated_hit: BTreeSet<usize>,
}

impl Tally {
    /// Note a room seen with `n` members (over capacity when `n > capacity`).
    pub fn saw_room(&mut self, group: &str, n: usize, capacity: usize, at: f64, source: &str) {
        self.max_members = self.max_members.max(n);
        if n > capacity {
            self.over_capacity_count += 1;
            if self.over_capacity.len() < 100 {
                self.over_capacity
                    .push(format!("{group}: {n} members at {at:.1} s ({source})"));
            }
        }
    }
}

/// Bump `map[key]`.
pub fn bump<K: Ord>(map: &mut BTreeMap<K, u64>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

/// The `q`-quantile (0–1) of `v` by nearest rank, in milliseconds; 0 when empty.
pub fn quantile_ms(v: &[u64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1] as f64 / 1000.0
}

/// What a vanished phone left behind.
#[derive(Debug, Clone)]
pub struct Ghost {
    /// The phone's openid.
    pub openid: String,
    /// Its room.
    pub group: String,
    /// Seconds from the start of the run when it vanished.
    pub at: f64,
    /// When the emulator's room no longer listed it (seconds from the start).
    pub gone_emulator: Option<f64>,
    /// When a `/voip/members` answer for its room no longer listed it.
    pub gone_backend: Option<f64>,
}

/// Ghost seats summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GhostSeconds {
    /// Seconds the emulator kept vanished phones in their rooms (up to the end
    /// of the run for those still there).
    pub emulator: f64,
    /// Vanished phones still at the emulator when the run ended.
    pub emulator_still_there: u64,
    /// Seconds the backend kept their seats, for the phones seen gone there
    /// (a `/voip/members` answer of their room no longer listing them).
    pub backend: f64,
    /// Vanished phones whose backend seat was seen gone.
    pub backend_seen_gone: u64,
}

/// Sum the ghosts at `end` (seconds from the start).
pub fn ghost_seconds(ghosts: &[Ghost], end: f64) -> GhostSeconds {
    let mut g = GhostSeconds::default();
    for h in ghosts {
        match h.gone_emulator {
            Some(t) => g.emulator += (t - h.at).max(0.0),
            None => {
                g.emulator += (end - h.at).max(0.0);
                g.emulator_still_there += 1;
            }
        }
        if let Some(t) = h.gone_backend {
            g.backend += (t - h.at).max(0.0);
            g.backend_seen_gone += 1;
        }
    }
    g
}

/// The invariants a run broke (empty: none), each as a sentence.
pub fn broken_invariants(t: &Tally, clean: bool) -> Vec<String> {
    let mut out = Vec::new();
    if t.over_capacity_count > 0 {
        let shown: Vec<&str> = t.over_capacity.iter().take(5).map(String::as_str).collect();
        out.push(format!(
            "a room above capacity ({} observations: {})",
            t.over_capacity_count,
            shown.join("; ")
        ));
    }
    if t.invalid_sig_others > 0 {
        let shown: Vec<&str> = t
            .invalid_sig_other_phones
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        out.push(format!(
            "{} invalid signatures for phones whose session_key was not replaced ({})",
            t.invalid_sig_others,
            shown.join(", ")
        ));
    }
    if clean {
        let late: u64 = t.late.values().sum();
        if late > 0 {
            out.push(format!(
                "{late} late refusals in a run without vanishing or replaced keys"
            ));
        }
        if t.c.false_refusals > 0 {
            out.push(format!(
                "{} false refusals in a run without vanishing or replaced keys",
                t.c.false_refusals
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        assert_eq!(quantile_ms(&[], 0.5), 0.0);
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(quantile_ms(&v, 0.5), 50.0);
        assert_eq!(quantile_ms(&v, 0.99), 99.0);
        assert_eq!(quantile_ms(&[3000], 0.99), 3.0);
    }

    #[test]
    fn ghosts() {
        let g = |at, e, b| Ghost {
            openid: "o".into(),
            group: "room-1".into(),
            at,
            gone_emulator: e,
            gone_backend: b,
        };
        let s = ghost_seconds(&[g(1.0, Some(3.0), Some(4.0)), g(2.0, None, None)], 10.0);
        assert_eq!(s.emulator, 2.0 + 8.0);
        assert_eq!(s.emulator_still_there, 1);
        assert_eq!(s.backend, 3.0);
        assert_eq!(s.backend_seen_gone, 1);
    }

    #[test]
    fn invariants() {
        let mut t = Tally::default();
        assert!(broken_invariants(&t, true).is_empty());
        bump(&mut t.late, LateCause::Full);
        t.c.false_refusals = 1;
        assert_eq!(broken_invariants(&t, true).len(), 2);
        assert!(broken_invariants(&t, false).is_empty());
        t.invalid_sig_rotated = 3;
        assert!(broken_invariants(&t, false).is_empty());
        t.invalid_sig_others = 1;
        t.invalid_sig_other_phones.insert("s1-p0".into());
        assert!(broken_invariants(&t, false)[0].contains("s1-p0"));
        t.over_capacity_count = 1;
        t.over_capacity.push("room-1: 11 members".into());
        assert_eq!(broken_invariants(&t, false).len(), 2);
    }
}
