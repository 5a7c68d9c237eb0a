//! `voipsign rooms simulate|status|usage` on a Redis store (the servers of
//! tests/redis/servers.sh; `make test` starts them and sets VOIPSIGN_REDIS_REQUIRED=1).

use std::process::{Command, Output};

use voipsign::rooms::{Ledger, RedisOptions, Rules};

fn redis_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("VOIPSIGN_REDIS_REQUIRED").as_deref() != Ok("1"),
                "{var} is not set"
            );
            eprintln!("skipped: {var} is not set (tests/redis/servers.sh start)");
            None
        }
    }
}

fn voipsign(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_voipsign"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The same seed gives the same run on memory, on a server, on a cluster and through
/// Sentinel: the stores agree on every decision (only the header line names the store).
#[test]
fn simulate_gives_the_same_run_on_every_store() {
    let (Some(one), Some(cluster)) = (
        redis_url("VOIPSIGN_REDIS_URL"),
        redis_url("VOIPSIGN_REDIS_CLUSTER_URL"),
    ) else {
        return;
    };
    let args = [
        "rooms",
        "simulate",
        "--phones",
        "60",
        "--rooms",
        "6",
        "--seconds",
        "240",
        "--seed",
        "7",
    ];
    let body = |o: &Output| {
        assert!(o.status.success(), "{}", stderr(o));
        stdout(o).split_once('\n').unwrap().1.to_owned()
    };
    let memory = voipsign(&args, &[]);
    let mut on_one = args.to_vec();
    on_one.extend(["--redis", &one]);
    let mut on_cluster = args.to_vec();
    on_cluster.extend(["--redis-env", "VS_TEST_CLUSTER"]);
    let r1 = voipsign(&on_one, &[]);
    let r2 = voipsign(&on_cluster, &[("VS_TEST_CLUSTER", &cluster)]);
    assert!(stdout(&r1).contains("store: redis, key prefix voipsign-simulate-"));
    assert!(stdout(&memory).contains("store: memory"));
    assert!(body(&memory).contains("admitted"));
    assert_eq!(body(&memory), body(&r1));
    assert_eq!(body(&memory), body(&r2));
    // Through Redis Sentinel (the master found by the sentinels): the same run.
    if let Some(sentinel) = redis_url("VOIPSIGN_REDIS_SENTINEL_URL") {
        let mut through = args.to_vec();
        through.extend(["--redis-env", "VS_TEST_SENTINEL"]);
        let r3 = voipsign(&through, &[("VS_TEST_SENTINEL", &sentinel)]);
        assert_eq!(body(&memory), body(&r3));
    }
}

#[test]
fn status_and_usage_read_a_shared_ledger() {
    let Some(url) = redis_url("VOIPSIGN_REDIS_URL") else {
        return;
    };
    let prefix = format!("vstest-cli-{}", std::process::id());
    let opts = RedisOptions {
        key_prefix: prefix.clone(),
        ..RedisOptions::default()
    };
    let l = Ledger::redis(&url, Rules::default(), opts).unwrap();
    l.admit("wx20afc706a711eefc", "room-7", "oBBBopenid-b", None)
        .unwrap();
    l.admit("wx20afc706a711eefc", "room-7", "oAAAopenid-a", None)
        .unwrap();
    let common = [
        "--app-id",
        "wx20afc706a711eefc",
        "--redis",
        &url,
        "--key-prefix",
        &prefix,
    ];
    let mut status = vec!["rooms", "status", "--group-id", "room-7"];
    status.extend(common);
    let o = voipsign(&status, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("room room-7: live (generation 1), 2 seat(s)"),
        "{text}"
    );
    assert!(
        text.find("oAAA…").unwrap() < text.find("oBBB…").unwrap() && !text.contains("openid-"),
        "{text}"
    );
    status.push("--json");
    let json: serde_json::Value = serde_json::from_str(&stdout(&voipsign(&status, &[]))).unwrap();
    assert_eq!(json["members"].as_array().unwrap().len(), 2);
    let mut usage = vec!["rooms", "usage", "--json"];
    usage.extend(common);
    let json: serde_json::Value = serde_json::from_str(&stdout(&voipsign(&usage, &[]))).unwrap();
    assert_eq!(json["openings"], 1);
    assert_eq!(
        (json["admissions"].as_u64(), json["liveSeats"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(json["dailyRoomLimit"], 100000);
    let mut text = vec!["rooms", "usage"];
    text.extend(common);
    let t = stdout(&voipsign(&text, &[]));
    assert!(
        t.starts_with("day ") && t.contains("admissions") && t.contains("peak_seats"),
        "{t}"
    );
    let mut list = vec!["rooms", "list", "--limit", "1"];
    list.extend(common);
    let t = stdout(&voipsign(&list, &[]));
    assert!(
        t.starts_with("1 live room(s)") && t.contains("room-7") && t.contains("(last page)"),
        "{t}"
    );
    let mut bad = vec!["rooms", "list", "--limit", "0"];
    bad.extend(common);
    let o = voipsign(&bad, &[]);
    assert!(stderr(&o).contains("INVALID_LIMIT"), "{}", stderr(&o));
}

#[test]
fn a_password_is_never_taken_from_argv_nor_shown() {
    let Some(url) = redis_url("VOIPSIGN_REDIS_PASSWORD_URL") else {
        return;
    };
    let password = std::env::var("VOIPSIGN_REDIS_PASSWORD").unwrap();
    let args = ["rooms", "usage", "--app-id", "wx20afc706a711eefc"];
    // On the command line: refused, and not echoed.
    let mut argv = args.to_vec();
    argv.extend(["--redis", &url]);
    let o = voipsign(&argv, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error[INVALID_REDIS_URL]: --redis: the URL carries a password"));
    assert!(!stderr(&o).contains(&password));
    // From the environment: works.
    let mut env_args = args.to_vec();
    env_args.extend(["--redis-env", "VS_TEST_URL"]);
    let o = voipsign(&env_args, &[("VS_TEST_URL", &url)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A wrong password: the error names the server, never a password.
    let wrong = url.replace(&password, "wrong-pw-123456");
    let o = voipsign(&env_args, &[("VS_TEST_URL", &wrong)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("error[LEDGER_UNAVAILABLE]: the Redis store at 127.0.0.1:"),
        "{err}"
    );
    assert!(
        !err.contains("wrong-pw-123456") && !err.contains(&password),
        "{err}"
    );
    // Neither --redis nor --redis-env: a named error.
    let o = voipsign(&args, &[]);
    assert!(stderr(&o).starts_with("error[INVALID_REDIS_URL]: this command reads a shared ledger"));
}
