//! Secret hygiene of the `voipsign` command: no run of 6 characters of a
//! session_key (nor of its decoded bytes in hex) on stdout or stderr, for every
//! invalid vector through every subcommand that takes a key (the key from the
//! environment and from stdin), for errors raised after the key was accepted,
//! for the JSON and text results of issue and diagnose, and when a key is put on
//! the command line, which is refused.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";
const KEY_HEX: &str = "803c95833c1ad26173f6e50fecce8641";
const OTHER_KEY: &str = "hd6Ja/yM0kg/JbaZROpZFA==";
const OTHER_KEY_HEX: &str = "85de896bfc8cd2483f25b69944ea5914";
const SIG: &str = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
const WINDOW: usize = 6;

fn json(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The first run of WINDOW bytes of `secret` (without whitespace) in `text`.
fn leak(text: &str, secret: &str) -> Option<String> {
    let w = WINDOW.min(secret.len());
    if w < 4 {
        return None;
    }
    secret
        .as_bytes()
        .windows(w)
        .filter(|run| !run.iter().any(u8::is_ascii_whitespace))
        .find(|run| text.as_bytes().windows(w).any(|t| t == *run))
        .map(|run| String::from_utf8_lossy(run).into_owned())
}

/// The forms of a key that must never show.
fn forms(key: &str) -> Vec<&str> {
    match key {
        KEY => vec![KEY, KEY_HEX],
        OTHER_KEY => vec![OTHER_KEY, OTHER_KEY_HEX],
        k => vec![k],
    }
}

fn assert_no_key(what: &str, out: &Output, keys: &[&str]) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for key in keys {
            for form in forms(key) {
                if let Some(run) = leak(&text, form) {
                    panic!("{what}: {stream} shows {run:?} of a session_key: {text:?}");
                }
            }
        }
    }
}

/// How the key reaches the command.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Via {
    Env,
    Stdin,
}

fn voipsign(args: &[&str], key: &str, via: Via, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_voipsign"));
    cmd.args(args)
        .env_remove("VOIPSIGN_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match via {
        Via::Env => cmd
            .args(["--session-key-env", "VOIPSIGN_SECRET_KEY"])
            .env("VOIPSIGN_SECRET_KEY", key),
        Via::Stdin => cmd.args(["--session-key-file", "-"]),
    };
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Via::Stdin = via {
        // Exactly one trailing newline is removed: the key arrives unchanged.
        // The command may refuse another argument and exit before reading it.
        let _ = stdin.write_all(format!("{key}\n").as_bytes());
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn param_args(c: &Value) -> Vec<String> {
    vec![
        "--app-id".into(),
        c["appId"].as_str().unwrap().into(),
        "--group-id".into(),
        c["groupId"].as_str().unwrap().into(),
        "--nonce".into(),
        c["nonceStr"].as_str().unwrap().into(),
        "--timestamp".into(),
        c["timeStamp"].to_string(),
    ]
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn with(cmd: &str, head: &[String], tail: &[&str]) -> Vec<String> {
    let mut v = vec![cmd.to_string()];
    v.extend(head.iter().cloned());
    v.extend(tail.iter().map(|s| s.to_string()));
    v
}

#[test]
fn the_detector_works() {
    assert_eq!(
        leak("sessionKey ...a0mFz9... bad", KEY).as_deref(),
        Some("a0mFz9")
    );
    assert_eq!(leak("ends with a newline", &format!("{KEY}\n")), None);
}

#[test]
fn every_invalid_vector_through_every_subcommand() {
    for c in json("signatures.json")["invalid"].as_array().unwrap() {
        if c.get("op").is_some() {
            // Cases of the other operations: every_invalid_case_exits_2_with_its_code.
            continue;
        }
        let name = c["name"].as_str().unwrap();
        let key = c["sessionKey"].as_str().unwrap();
        let code = c["error"].as_str().unwrap();
        let keys = [key, KEY, OTHER_KEY];
        let p = param_args(c);
        let mut runs: Vec<(String, Vec<String>)> = vec![
            ("sign".into(), with("sign", &p, &[])),
            ("verify".into(), with("verify", &p, &["--signature", SIG])),
        ];
        if code != "INVALID_TIMESTAMP" {
            // diagnose takes a 13-digit timestamp as a finding.
            runs.push((
                "diagnose".into(),
                with("diagnose", &p, &["--signature", SIG, "--json"]),
            ));
        }
        let issue = [
            "--app-id",
            "wx20afc706a711eefc",
            "--group-id",
            c["groupId"].as_str().unwrap(),
        ];
        if code == "INVALID_SESSION_KEY" || code == "INVALID_GROUP_ID" {
            runs.push(("issue".into(), with("issue", &[], &issue)));
        }
        if code == "INVALID_SESSION_KEY" {
            runs.push((
                "session-signature".into(),
                with("session-signature", &[], &["--body", "b"]),
            ));
        }
        for via in [Via::Env, Via::Stdin] {
            if via == Via::Stdin && key.ends_with('\n') {
                // Read from a file, the one trailing newline is removed: valid.
                continue;
            }
            for (what, args) in &runs {
                let what = format!("{what} {name} ({via:?})");
                let out = voipsign(&refs(args), key, via, &[]);
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{what}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(
                    String::from_utf8_lossy(&out.stderr).starts_with(&format!("error[{code}]: ")),
                    "{what}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(out.stdout.is_empty(), "{what}");
                assert_no_key(&what, &out, &keys);
            }
        }
        // As an older key of the same user (diagnose).
        if code == "INVALID_SESSION_KEY" {
            let doc = param_args(&json("signatures.json")["cases"][0]);
            let args = with(
                "diagnose",
                &doc,
                &[
                    "--signature",
                    SIG,
                    "--other-session-key-env",
                    "VOIPSIGN_OLD_KEY",
                ],
            );
            let out = voipsign(&refs(&args), KEY, Via::Env, &[("VOIPSIGN_OLD_KEY", key)]);
            assert_eq!(out.status.code(), Some(2), "diagnose(older key) {name}");
            assert_no_key(&format!("diagnose(older key) {name}"), &out, &keys);
        }
    }
}

#[test]
fn errors_after_the_key_was_accepted() {
    let doc = json("signatures.json")["cases"][0].clone();
    let p = param_args(&doc);
    let mut bad_nonce = doc.clone();
    bad_nonce["nonceStr"] = "bad nonce".into();
    let mut ms = doc.clone();
    ms["timeStamp"] = 1559129714000i64.into();
    let cloud = format!("{SIG}_{KEY}");
    let mut no_app = p.clone();
    no_app[1] = String::new();
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "sign, bad nonce",
            with("sign", &param_args(&bad_nonce), &[]),
            "INVALID_NONCE",
        ),
        (
            "sign, milliseconds",
            with("sign", &param_args(&ms), &[]),
            "INVALID_TIMESTAMP",
        ),
        (
            "verify, 63 digits",
            with("verify", &p, &["--signature", &SIG[1..]]),
            "INVALID_SIGNATURE",
        ),
        (
            "verify, the key as signature",
            with("verify", &p, &["--signature", KEY]),
            "INVALID_SIGNATURE",
        ),
        (
            "verify, cloud suffix holding the key",
            with("verify", &p, &["--signature", &cloud]),
            "INVALID_SIGNATURE",
        ),
        (
            "issue, room type",
            with(
                "issue",
                &[],
                &["--app-id", "wx1", "--group-id", "g", "--room-type", "Video"],
            ),
            "INVALID_ROOM_TYPE",
        ),
        (
            "issue, bad groupId",
            with("issue", &[], &["--app-id", "wx1", "--group-id", "a\nb"]),
            "INVALID_GROUP_ID",
        ),
        (
            "diagnose, bad appId",
            with("diagnose", &no_app, &["--signature", SIG]),
            "INVALID_APP_ID",
        ),
    ];
    for (what, args, code) in cases {
        for via in [Via::Env, Via::Stdin] {
            let out = voipsign(&refs(&args), KEY, via, &[]);
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            assert_eq!(out.status.code(), Some(2), "{what}: {err}");
            assert!(
                err.starts_with(&format!("error[{code}]: ")),
                "{what}: {err}"
            );
            assert_no_key(what, &out, &[KEY, OTHER_KEY]);
        }
    }
    // A bad older key after a good one (diagnose).
    let args = with(
        "diagnose",
        &p,
        &[
            "--signature",
            SIG,
            "--other-session-key-env",
            "OLD_A",
            "--other-session-key-env",
            "OLD_B",
        ],
    );
    let out = voipsign(
        &refs(&args),
        KEY,
        Via::Env,
        &[("OLD_A", OTHER_KEY), ("OLD_B", &KEY[1..])],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_no_key(
        "diagnose, bad older key",
        &out,
        &[KEY, OTHER_KEY, &KEY[1..]],
    );
}

#[test]
fn results_hold_no_key() {
    let out = voipsign(
        &[
            "issue",
            "--app-id",
            "wx20afc706a711eefc",
            "--group-id",
            "room-1",
            "--room-type",
            "video",
        ],
        KEY,
        Via::Stdin,
        &[],
    );
    assert!(out.status.success());
    assert_no_key("issue", &out, &[KEY]);
    for c in json("diagnose.json")["diagnose"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let key = c["sessionKey"].as_str().unwrap();
        let others: Vec<&str> = c["otherSessionKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let names: Vec<String> = (0..others.len())
            .map(|i| format!("VOIPSIGN_OLD_{i}"))
            .collect();
        let env: Vec<(&str, &str)> = names
            .iter()
            .map(String::as_str)
            .zip(others.iter().copied())
            .collect();
        for json_flag in [true, false] {
            let mut args = with(
                "diagnose",
                &param_args(c),
                &["--signature", c["signature"].as_str().unwrap()],
            );
            for n in &names {
                args.extend(["--other-session-key-env".to_string(), n.clone()]);
            }
            if json_flag {
                args.push("--json".into());
            }
            let out = voipsign(&refs(&args), key, Via::Env, &env);
            assert!(out.status.success(), "diagnose {name}");
            let mut keys = vec![key];
            keys.extend(&others);
            assert_no_key(&format!("diagnose {name} (json: {json_flag})"), &out, &keys);
        }
    }
    // A "rejected signature" that is the key, or holds it, is not quoted back.
    let doc = param_args(&json("signatures.json")["cases"][0]);
    for rejected in [
        KEY.to_string(),
        KEY.repeat(3),
        format!("{}_{KEY}", &SIG[..56]),
    ] {
        for json_flag in [true, false] {
            let mut args = with("diagnose", &doc, &["--signature", &rejected]);
            if json_flag {
                args.push("--json".into());
            }
            let out = voipsign(&refs(&args), KEY, Via::Env, &[]);
            assert!(out.status.success(), "diagnose {rejected}");
            assert_no_key("diagnose of a key-like signature", &out, &[KEY]);
        }
    }
}

/// No flag takes the key itself; the refusal does not print it back.
#[test]
fn a_key_on_the_command_line_is_refused_without_echo() {
    let doc = param_args(&json("signatures.json")["cases"][0]);
    for flags in [
        vec!["--session-key", KEY],
        vec![&format!("--session-key={KEY}")],
        vec!["--key", KEY],
        vec!["-k", KEY],
        vec!["--secret", KEY],
    ] {
        let mut args = with("sign", &doc, &[]);
        args.extend(flags.iter().map(|s| s.to_string()));
        let out = Command::new(env!("CARGO_BIN_EXE_voipsign"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        assert_no_key(&format!("{flags:?}"), &out, &[KEY]);
    }
}

/// Mistakes that put the key where a name, a path or a number goes: the CLI must not
/// quote the value back.
#[test]
fn a_key_in_place_of_a_name_is_not_echoed() {
    let doc = param_args(&json("signatures.json")["cases"][0]);
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("positional", with("sign", &doc, &[KEY])),
        (
            "--session-key-env KEY",
            with("sign", &doc, &["--session-key-env", KEY]),
        ),
        (
            "--session-key-file KEY",
            with("sign", &doc, &["--session-key-file", KEY]),
        ),
        (
            "--other-session-key-env KEY",
            with(
                "diagnose",
                &doc,
                &[
                    "--signature",
                    SIG,
                    "--session-key-env",
                    "VOIPSIGN_SECRET_KEY",
                    "--other-session-key-env",
                    KEY,
                ],
            ),
        ),
        ("--timestamp KEY", {
            let mut v = with("sign", &doc, &["--session-key-env", "VOIPSIGN_SECRET_KEY"]);
            v[8] = KEY.into();
            v
        }),
        (
            "issue --room-type KEY",
            with(
                "issue",
                &[],
                &[
                    "--app-id",
                    "wx1",
                    "--group-id",
                    "g",
                    "--room-type",
                    KEY,
                    "--session-key-env",
                    "VOIPSIGN_SECRET_KEY",
                ],
            ),
        ),
    ];
    let mut leaks = Vec::new();
    for (what, args) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_voipsign"))
            .args(&args)
            .env("VOIPSIGN_SECRET_KEY", KEY)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        if leak(&String::from_utf8_lossy(&out.stderr), KEY).is_some() {
            leaks.push(format!(
                "{what}: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
    }
    assert!(
        leaks.is_empty(),
        "the key shows on stderr:\n{}",
        leaks.join("\n")
    );
}
