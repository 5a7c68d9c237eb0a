//! The report of a run: JSON (`--json`) and an aligned table.

use crate::args::Config;
use crate::tally::{
    broken_invariants, ghost_seconds, quantile_ms, Counts, Ghost, GhostSeconds, Tally,
};
use crate::wire::LateCause;
use serde::Serialize;
use std::collections::BTreeMap;

/// Invalid signatures, split by whether the phone's key was replaced by this run.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidSignatures {
    /// Phones whose session_key this run replaced and that had not logged in since.
    pub rotated: u64,
    /// Any other phone (each one breaks an invariant).
    pub others: u64,
    /// Those other phones' names.
    pub other_phones: Vec<String>,
}

/// The key replacement (`--rotate-phones`).
#[derive(Debug, Clone, Serialize)]
pub struct Rotation {
    /// Phones asked for.
    pub phones: usize,
    /// When, seconds from the start.
    pub at_seconds: f64,
    /// Faults the emulator accepted.
    pub faults_sent: u64,
    /// Faults that failed.
    pub faults_failed: u64,
    /// Rotated phones that met an invalid signature.
    pub hit: usize,
    /// Of those, the ones that got into a room again afterwards.
    pub rejoined: usize,
}

/// `/voip/join` throughput and latency.
#[derive(Debug, Clone, Serialize)]
pub struct JoinStats {
    /// Answered calls.
    pub calls: u64,
    /// Calls per second over the run.
    pub per_second: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
}

/// What the watcher saw at `/_emulator/rooms` (and in join answers).
#[derive(Debug, Clone, Serialize)]
pub struct RoomsWatch {
    /// Polls of `/_emulator/rooms`.
    pub polls: u64,
    /// The most members seen in one room.
    pub max_members: usize,
    /// Observations above capacity.
    pub over_capacity: u64,
    /// The first of them.
    pub over_capacity_examples: Vec<String>,
}

/// The whole report (the `--json` file).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The seed (phones are `s<seed>-p<i>`).
    pub seed: u64,
    /// Phones.
    pub phones: usize,
    /// Rooms.
    pub rooms: usize,
    /// The run's length asked for, s.
    pub seconds: f64,
    /// The capacity checked against.
    pub capacity: usize,
    /// `--vanish-rate`.
    pub vanish_rate: f64,
    /// `--heartbeat-ms`.
    pub heartbeat_ms: u64,
    /// How long the run took, s (the end includes the phones' clean exits).
    pub elapsed_seconds: f64,
    /// The counts (written at the top level).
    #[serde(flatten)]
    pub counts: Counts,
    /// Late refusals by cause (every cause listed, 0 included).
    pub late_refusals: BTreeMap<&'static str, u64>,
    /// Ghost seats.
    pub ghost_seconds: GhostSeconds,
    /// Invalid signatures.
    pub invalid_signatures: InvalidSignatures,
    /// The key replacement, when asked for.
    pub rotation: Option<Rotation>,
    /// Requests sent (backend and emulator).
    pub requests: u64,
    /// Requests per second.
    pub requests_per_second: f64,
    /// `/voip/join` figures.
    pub join: JoinStats,
    /// The room watch.
    pub rooms_watch: RoomsWatch,
    /// The invariants broken (empty: none).
    pub invariants_broken: Vec<String>,
    /// The exit status: 1 when an invariant broke, else 0.
    pub exit_status: i32,
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

impl Report {
    /// Build the report of a run that took `elapsed` seconds.
    pub fn build(cfg: &Config, t: &Tally, ghosts: &[Ghost], elapsed: f64, requests: u64) -> Report {
        let per_s = |n: u64| {
            if elapsed > 0.0 {
                round3(n as f64 / elapsed)
            } else {
                0.0
            }
        };
        let mut g = ghost_seconds(ghosts, elapsed);
        g.emulator = round3(g.emulator);
        g.backend = round3(g.backend);
        let broken = broken_invariants(t, cfg.is_clean());
        let calls = t.join_latency_us.len() as u64;
        Report {
            seed: cfg.seed,
            phones: cfg.phones,
            rooms: cfg.rooms,
            seconds: cfg.duration.as_secs_f64(),
            capacity: cfg.capacity,
            vanish_rate: cfg.vanish_rate,
            heartbeat_ms: cfg.heartbeat.as_millis() as u64,
            elapsed_seconds: round3(elapsed),
            counts: t.c.clone(),
            late_refusals: LateCause::ALL
                .iter()
                .map(|c| (c.name(), t.late.get(c).copied().unwrap_or(0)))
                .collect(),
            ghost_seconds: g,
            invalid_signatures: InvalidSignatures {
                rotated: t.invalid_sig_rotated,
                others: t.invalid_sig_others,
                other_phones: t.invalid_sig_other_phones.iter().cloned().collect(),
            },
            rotation: (cfg.rotate_phones > 0).then_some(Rotation {
                phones: cfg.rotate_phones,
                at_seconds: cfg.rotate_at.as_secs_f64(),
                faults_sent: t.rotations_sent,
                faults_failed: t.rotations_failed,
                hit: t.rotated_hit.len(),
                rejoined: t.rotated_rejoined.len(),
            }),
            requests,
            requests_per_second: per_s(requests),
            join: JoinStats {
                calls,
                per_second: per_s(calls),
                p50_ms: round3(quantile_ms(&t.join_latency_us, 0.5)),
                p99_ms: round3(quantile_ms(&t.join_latency_us, 0.99)),
            },
            rooms_watch: RoomsWatch {
                polls: t.room_polls,
                max_members: t.max_members,
                over_capacity: t.over_capacity_count,
                over_capacity_examples: t.over_capacity.clone(),
            },
            exit_status: i32::from(!broken.is_empty()),
            invariants_broken: broken,
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as an aligned two-column table.
    pub fn table(&self) -> String {
        let map = |m: &BTreeMap<String, u64>| {
            if m.is_empty() {
                "0".to_string()
            } else {
                let total: u64 = m.values().sum();
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
                format!("{total} ({})", parts.join(", "))
            }
        };
        let late_total: u64 = self.late_refusals.values().sum();
        let late_parts: Vec<String> = self
            .late_refusals
            .iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let late = if late_parts.is_empty() {
            "0".to_string()
        } else {
            format!("{late_total} ({})", late_parts.join(", "))
        };
        let g = &self.ghost_seconds;
        let mut rows: Vec<(&str, String)> = vec![
            (
                "run",
                format!(
                    "seed {}, {} phones, {} rooms, {} s asked, {:.1} s taken",
                    self.seed, self.phones, self.rooms, self.seconds, self.elapsed_seconds
                ),
            ),
            (
                "logins",
                format!(
                    "{} (failed: {})",
                    self.counts.logins,
                    map(&self.counts.login_failures)
                ),
            ),
            ("tickets issued", self.counts.tickets.to_string()),
            ("refused by the backend", map(&self.counts.refused)),
            ("joined", self.counts.joined.to_string()),
            ("late refusals", late),
            (
                "false refusals",
                format!(
                    "{} (emulator alone: {}; ROOM_FULL checked: {}, unsettled {})",
                    self.counts.false_refusals,
                    self.counts.false_refusals_raw,
                    self.counts.room_full_checked,
                    self.counts.room_full_unsettled
                ),
            ),
            (
                "heartbeats",
                format!(
                    "{} (refused: {}; readmits {})",
                    self.counts.heartbeats,
                    map(&self.counts.heartbeats_refused),
                    self.counts.readmits
                ),
            ),
            (
                "syncs",
                format!(
                    "{} (refused: {}; events {})",
                    self.counts.syncs,
                    map(&self.counts.syncs_refused),
                    self.counts.events
                ),
            ),
            (
                "leaves",
                format!(
                    "{} (exits {}; not removed {}; after a refusal {})",
                    self.counts.leaves,
                    self.counts.exits,
                    self.counts.leaves_not_removed,
                    self.counts.leaves_after_refusal
                ),
            ),
            ("vanished", self.counts.vanished.to_string()),
            (
                "ghost seconds",
                format!(
                    "emulator {:.1} ({} still there); backend {:.1} ({} seen gone)",
                    g.emulator, g.emulator_still_there, g.backend, g.backend_seen_gone
                ),
            ),
            (
                "invalid signatures",
                format!(
                    "rotated {}, others {}",
                    self.invalid_signatures.rotated, self.invalid_signatures.others
                ),
            ),
            ("explain causes", map(&self.counts.explain_causes)),
            (
                "relogins",
                format!(
                    "{} (retries joined {})",
                    self.counts.relogins, self.counts.retries_joined
                ),
            ),
        ];
        if let Some(r) = &self.rotation {
            rows.push((
                "rotation",
                format!(
                    "{} phones at {:.1} s: faults {} ok, {} failed; hit {}, rejoined {}",
                    r.phones, r.at_seconds, r.faults_sent, r.faults_failed, r.hit, r.rejoined
                ),
            ));
        }
        rows.extend([
            (
                "requests",
                format!(
                    "{} ({:.1}/s; no answer: {}; unexpected: {})",
                    self.requests,
                    self.requests_per_second,
                    map(&self.counts.transport_errors),
                    map(&self.counts.unexpected)
                ),
            ),
            (
                "/voip/join",
                format!(
                    "{} calls, {:.1}/s, p50 {:.2} ms, p99 {:.2} ms",
                    self.join.calls, self.join.per_second, self.join.p50_ms, self.join.p99_ms
                ),
            ),
            (
                "rooms watched",
                format!(
                    "{} polls, max members {}, over capacity {}",
                    self.rooms_watch.polls,
                    self.rooms_watch.max_members,
                    self.rooms_watch.over_capacity
                ),
            ),
        ]);
        let invariants = if self.invariants_broken.is_empty() {
            "all held".to_string()
        } else {
            format!("BROKEN: {}", self.invariants_broken.join("; "))
        };
        rows.push(("invariants", invariants));
        rows.push(("exit status", self.exit_status.to_string()));
        let w = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (k, v) in rows {
            out.push_str(&format!("{k:<w$}  {v}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_json() {
        let mut cfg = crate::state::tests::config();
        cfg.rotate_phones = 1;
        let mut t = Tally::default();
        t.c.tickets = 3;
        t.c.joined = 2;
        t.c.refused.insert("ROOM_FULL".into(), 1);
        t.late.insert(LateCause::Full, 1);
        t.join_latency_us = vec![1000, 2000, 3000, 4000];
        let r = Report::build(&cfg, &t, &[], 2.0, 10);
        assert_eq!(
            r.exit_status, 0,
            "not a clean run: a late refusal breaks nothing"
        );
        assert_eq!(r.requests_per_second, 5.0);
        assert_eq!(r.join.p50_ms, 2.0);
        assert_eq!(r.late_refusals["full"], 1);
        assert_eq!(r.late_refusals["invalid_signature"], 0);
        let table = r.table();
        assert!(table.contains("tickets issued          3"), "{table}");
        assert!(
            table.contains("refused by the backend  1 (ROOM_FULL 1)"),
            "{table}"
        );
        assert!(
            table.contains("late refusals           1 (full 1)"),
            "{table}"
        );
        let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(v["rotation"]["phones"], 1);
        assert_eq!(v["ghost_seconds"]["emulator"], 0.0);
        cfg.rotate_phones = 0;
        let r = Report::build(&cfg, &t, &[], 2.0, 10);
        assert_eq!(r.exit_status, 1);
        assert!(r.table().contains("BROKEN"));
    }
}
