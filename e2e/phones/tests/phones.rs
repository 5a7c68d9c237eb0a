//! `voipsign phones` against a fake emulator + backend (tests/fake): the counts
//! and the exit status of a clean run, a contended one, late and false
//! refusals, a room above capacity, replaced session_keys, bad signatures and
//! vanishing phones.

mod fake;

use clap::Parser;
use fake::{Fake, Switches};
use serde_json::Value;
use voipsign_phones::PhonesArgs;

#[derive(Parser)]
#[command(args_override_self = true)]
struct Cli {
    #[command(flatten)]
    a: PhonesArgs,
}

/// Run the phones against `fake` with these extra options; (status, report).
fn run(fake: &Fake, extra: &[&str]) -> (i32, Value) {
    let dir = std::env::temp_dir().join(format!(
        "voipsign-phones-test-{}-{}",
        std::process::id(),
        fake.url.replace([':', '/', '.'], "")
    ));
    let json = dir.with_extension("json");
    let mut argv: Vec<String> = [
        "phones",
        "--backend",
        &fake.url,
        "--wechat",
        &fake.url,
        "--app",
        "wxtest",
        "--seconds",
        "2.5",
        "--heartbeat-ms",
        "150",
        "--stay-ms",
        "300:700",
        "--pause-ms",
        "50:150",
        "--retry-ms",
        "50:150",
        "--ramp-ms",
        "200",
        "--seed",
        "7",
        "--quiet",
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    argv.push(json.display().to_string());
    if std::env::var_os("PHONES_TEST_SHOW").is_some() {
        // Show the table (cargo test -- --nocapture).
        argv.retain(|a| a != "--quiet");
    }
    argv.extend(extra.iter().map(|s| s.to_string()));
    let args = Cli::try_parse_from(argv).unwrap().a;
    let status = voipsign_phones::run(&args).expect("the run starts");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);
    assert_eq!(report["exit_status"], status, "{report:#}");
    (status, report)
}

fn n(v: &Value, path: &str) -> u64 {
    path.split('.')
        .fold(v, |v, k| &v[k])
        .as_u64()
        .unwrap_or_else(|| panic!("{path} in {v:#}"))
}

fn late_total(r: &Value) -> u64 {
    r["late_refusals"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

#[test]
fn clean_run_holds_every_invariant() {
    let fake = Fake::start(10, Switches::default());
    let (status, r) = run(&fake, &["--phones", "8", "--rooms", "3"]);
    assert_eq!(status, 0, "{r:#}");
    assert!(n(&r, "tickets") >= 8, "{r:#}");
    assert!(n(&r, "joined") >= 8);
    assert_eq!(late_total(&r), 0);
    assert_eq!(n(&r, "false_refusals"), 0);
    // Every stay ends in an exit and a leave (the last ones at the end of the run).
    assert_eq!(n(&r, "leaves"), n(&r, "joined"), "{r:#}");
    assert_eq!(n(&r, "exits"), n(&r, "joined"));
    assert_eq!(n(&r, "leaves_not_removed"), 0);
    assert!(n(&r, "heartbeats") > 0);
    assert!(
        n(&r, "syncs") >= n(&r, "joined"),
        "one sync per join at least: {r:#}"
    );
    assert!(n(&r, "events") > 0);
    assert!(n(&r, "rooms_watch.polls") >= 2);
    assert_eq!(n(&r, "vanished"), 0);
    assert_eq!(n(&r, "invalid_signatures.others"), 0);
    assert_eq!(n(&r, "join.calls"), n(&r, "tickets"));
    assert!(r["join"]["p99_ms"].as_f64().unwrap() >= r["join"]["p50_ms"].as_f64().unwrap());
    assert!(
        r["transport_errors"].as_object().unwrap().is_empty(),
        "{r:#}"
    );
    assert!(r["unexpected"].as_object().unwrap().is_empty(), "{r:#}");
    assert_eq!(fake.hits("/_emulator/faults"), 0);
}

#[test]
fn contended_room_refuses_early_not_falsely() {
    // 8 phones, one room of 3: the backend refuses with ROOM_FULL, and the
    // phones in flight (admitted, not yet at the emulator) keep those true.
    let fake = Fake::start(3, Switches::default());
    let (status, r) = run(&fake, &["--phones", "8", "--rooms", "1", "--capacity", "3"]);
    assert_eq!(status, 0, "{r:#}");
    assert!(n(&r, "refused.ROOM_FULL") > 0, "{r:#}");
    assert_eq!(n(&r, "room_full_checked"), n(&r, "refused.ROOM_FULL"));
    assert_eq!(n(&r, "false_refusals"), 0, "{r:#}");
    assert_eq!(late_total(&r), 0);
    assert!(n(&r, "rooms_watch.max_members") <= 3);
}

#[test]
fn late_refusal_breaks_a_clean_run() {
    let fake = Fake::start(
        10,
        Switches {
            emulator_full: true,
            ..Default::default()
        },
    );
    let (status, r) = run(&fake, &["--phones", "4", "--rooms", "2"]);
    assert_eq!(status, 1, "{r:#}");
    assert!(n(&r, "late_refusals.full") > 0);
    assert_eq!(n(&r, "late_refusals.full"), late_total(&r));
    assert_eq!(n(&r, "joined"), 0);
    assert_eq!(
        n(&r, "leaves_after_refusal"),
        n(&r, "late_refusals.full"),
        "each admitted seat given back"
    );
    assert!(r["invariants_broken"][0]
        .as_str()
        .unwrap()
        .contains("late refusals"));
}

#[test]
fn false_refusal_breaks_a_clean_run() {
    let fake = Fake::start(
        10,
        Switches {
            backend_full: true,
            ..Default::default()
        },
    );
    let (status, r) = run(&fake, &["--phones", "3", "--rooms", "2"]);
    assert_eq!(status, 1, "{r:#}");
    assert_eq!(n(&r, "tickets"), 0);
    assert!(n(&r, "false_refusals") > 0);
    assert_eq!(n(&r, "false_refusals"), n(&r, "refused.ROOM_FULL"));
    assert!(
        fake.hits("/_emulator/rooms") > n(&r, "rooms_watch.polls"),
        "checked at once, beside the watcher"
    );
}

#[test]
fn room_above_capacity_breaks_any_run() {
    let fake = Fake::start(
        10,
        Switches {
            extra_members: 11,
            ..Default::default()
        },
    );
    let (status, r) = run(
        &fake,
        &["--phones", "2", "--rooms", "2", "--vanish-rate", "0.5"],
    );
    assert_eq!(status, 1, "{r:#}");
    assert!(n(&r, "rooms_watch.over_capacity") > 0);
    assert!(n(&r, "rooms_watch.max_members") >= 11);
    assert!(r["invariants_broken"][0]
        .as_str()
        .unwrap()
        .contains("above capacity"));
}

#[test]
fn replaced_keys_are_explained_and_recovered() {
    let fake = Fake::start(10, Switches::default());
    let (status, r) = run(
        &fake,
        &[
            "--phones",
            "6",
            "--rooms",
            "2",
            "--rotate-phones",
            "2",
            "--rotate-at-ms",
            "700",
            "--stay-ms",
            "100:300",
        ],
    );
    assert_eq!(status, 0, "{r:#}");
    assert_eq!(fake.hits("/_emulator/faults"), 2);
    assert_eq!(n(&r, "rotation.faults_sent"), 2);
    assert_eq!(n(&r, "rotation.hit"), 2, "{r:#}");
    assert_eq!(n(&r, "rotation.rejoined"), 2, "{r:#}");
    assert_eq!(n(&r, "invalid_signatures.rotated"), 2);
    assert_eq!(n(&r, "invalid_signatures.others"), 0);
    assert_eq!(n(&r, "explain_causes.INVALID_SIGNATURE"), 2);
    assert_eq!(n(&r, "relogins"), 2);
    assert_eq!(n(&r, "retries_joined"), 2);
    assert_eq!(n(&r, "late_refusals.invalid_signature"), 2);
}

#[test]
fn invalid_signature_of_an_untouched_phone_breaks_the_run() {
    let fake = Fake::start(
        10,
        Switches {
            bad_signatures: true,
            ..Default::default()
        },
    );
    let (status, r) = run(
        &fake,
        &["--phones", "2", "--rooms", "1", "--vanish-rate", "0.5"],
    );
    assert_eq!(status, 1, "{r:#}");
    assert!(n(&r, "invalid_signatures.others") > 0);
    assert_eq!(n(&r, "invalid_signatures.rotated"), 0);
    assert!(n(&r, "relogins") > 0, "logged in again and retried once");
    assert!(r["invariants_broken"][0]
        .as_str()
        .unwrap()
        .contains("not replaced"));
}

#[test]
fn vanished_phones_leave_ghosts() {
    let fake = Fake::start(10, Switches::default());
    let (status, r) = run(
        &fake,
        &["--phones", "4", "--rooms", "1", "--vanish-rate", "1"],
    );
    assert_eq!(status, 0, "{r:#}");
    assert_eq!(n(&r, "vanished"), 4, "{r:#}");
    assert_eq!(n(&r, "joined"), 4, "a vanished phone is gone for the run");
    assert_eq!(n(&r, "leaves"), 0);
    assert_eq!(n(&r, "exits"), 0);
    // The fake emulator never drops anyone: every ghost is still there at the end.
    assert_eq!(n(&r, "ghost_seconds.emulator_still_there"), 4);
    assert!(r["ghost_seconds"]["emulator"].as_f64().unwrap() > 0.0);
}

#[test]
fn unreachable_parts_are_an_error() {
    let fake = Fake::start(10, Switches::default());
    for (backend, wechat) in [
        ("http://127.0.0.1:1", fake.url.as_str()),
        (fake.url.as_str(), "http://127.0.0.1:1"),
    ] {
        let args = Cli::try_parse_from([
            "phones",
            "--backend",
            backend,
            "--wechat",
            wechat,
            "--app",
            "a",
            "--phones",
            "1",
            "--rooms",
            "1",
            "--seconds",
            "1",
            "--quiet",
        ])
        .unwrap()
        .a;
        let e = voipsign_phones::run(&args).unwrap_err();
        assert!(
            e.contains("unreachable") || e.contains("127.0.0.1:1"),
            "{e}"
        );
    }
    let args = Cli::try_parse_from([
        "phones",
        "--backend",
        &fake.url,
        "--wechat",
        &fake.url,
        "--app",
        "a",
        "--phones",
        "0",
        "--rooms",
        "1",
        "--seconds",
        "1",
    ])
    .unwrap()
    .a;
    assert!(voipsign_phones::run(&args)
        .unwrap_err()
        .contains("--phones"));
}
