//! The `voipsign` command end to end: every shared vector, exit codes, error lines,
//! key sources.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/signatures.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn voipsign(args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_voipsign"));
    cmd.args(args).env_remove("VOIPSIGN_TEST_KEY");
    if let Some(k) = key {
        cmd.env("VOIPSIGN_TEST_KEY", k);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
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

fn run(cmd: &str, c: &Value, extra: &[&str]) -> Output {
    let mut args = vec![cmd.to_string()];
    args.extend(param_args(c));
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    voipsign(&refs, Some(c["sessionKey"].as_str().unwrap()))
}

#[test]
fn every_case_signs_verifies_and_canonicalises() {
    for c in vectors()["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let sig = c["signature"].as_str().unwrap();
        let out = run("sign", c, &["--session-key-env", "VOIPSIGN_TEST_KEY"]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), format!("{sig}\n"), "{name}");

        let out = run("canonical", c, &[]);
        assert_eq!(
            text(&out.stdout),
            format!("{}\n", c["canonical"].as_str().unwrap()),
            "{name}"
        );

        let out = run(
            "verify",
            c,
            &["--signature", sig, "--session-key-env", "VOIPSIGN_TEST_KEY"],
        );
        assert_eq!(
            (out.status.code(), text(&out.stdout)),
            (Some(0), "valid\n".into()),
            "{name}"
        );
        let wrong = format!(
            "{}{}",
            &sig[..63],
            if sig.ends_with('0') { '1' } else { '0' }
        );
        let out = run(
            "verify",
            c,
            &[
                "--signature",
                &wrong,
                "--session-key-env",
                "VOIPSIGN_TEST_KEY",
            ],
        );
        assert_eq!(
            (out.status.code(), text(&out.stdout)),
            (Some(1), "invalid\n".into()),
            "{name}"
        );
    }
}

/// The command line and stdin of one invalid case, dispatched on its `op`.
fn invalid_command(c: &Value) -> (Vec<String>, Option<String>) {
    let s = |f: &str| c[f].as_str().unwrap().to_string();
    let flag = |f: &str, v: String| vec![f.to_string(), v];
    let key_env = flag("--session-key-env", "VOIPSIGN_TEST_KEY".into());
    let op = c["op"].as_str().unwrap_or("sign");
    let mut args = vec![op.replace('_', "-")];
    let mut stdin = None;
    match op {
        "sign" | "canonical" | "verify" | "sign_many" | "diagnose" => args.extend(param_args(c)),
        _ => {}
    }
    match op {
        "sign" => args.extend(key_env),
        "canonical" => {}
        "verify" => {
            args.extend(flag("--signature", s("signature")));
            args.extend(key_env);
        }
        "sign_many" => {
            args.extend(flag("--session-keys-file", "-".into()));
            let keys: Vec<&str> = c["sessionKeys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
                .collect();
            stdin = Some(keys.iter().map(|k| format!("{k}\n")).collect());
        }
        "issue" => {
            args.extend(flag("--app-id", s("appId")));
            args.extend(flag("--group-id", s("groupId")));
            args.extend(flag("--room-type", s("roomType")));
            args.extend(key_env);
        }
        "diagnose" => {
            args.extend(flag("--signature", s("rejectedSignature")));
            args.extend(key_env);
            for i in 0..c["otherSessionKeys"].as_array().unwrap().len() {
                args.extend(flag(
                    "--other-session-key-env",
                    format!("VOIPSIGN_OTHER_{i}"),
                ));
            }
        }
        "session_signature" => {
            args.extend(flag("--body", s("body")));
            args.extend(key_env);
        }
        other => panic!("unknown op {other}"),
    }
    (args, stdin)
}

#[test]
fn every_invalid_case_exits_2_with_its_code() {
    let v = vectors();
    let invalid = v["invalid"].as_array().unwrap();
    assert!(invalid.len() >= 200);
    for c in invalid {
        let name = c["name"].as_str().unwrap();
        let (args, stdin) = invalid_command(c);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_voipsign"));
        cmd.args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(k) = c["sessionKey"].as_str() {
            cmd.env("VOIPSIGN_TEST_KEY", k);
        }
        for (i, k) in c["otherSessionKeys"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            cmd.env(format!("VOIPSIGN_OTHER_{i}"), k.as_str().unwrap());
        }
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or_default().as_bytes())
            .unwrap();
        drop(pipe);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{name}");
        let err = text(&out.stderr);
        let want = format!("error[{}]: ", c["error"].as_str().unwrap());
        assert!(
            err.starts_with(&want) && err.lines().count() == 1,
            "{name}: {err:?}"
        );
        if let Some(prefix) = c["messagePrefix"].as_str() {
            assert!(err[want.len()..].starts_with(prefix), "{name}: {err:?}");
        }
        let key = c["sessionKey"].as_str().unwrap_or("").trim();
        assert!(
            key.len() < 8 || !err.contains(key),
            "{name}: stderr leaks the key"
        );
    }
}

#[test]
fn session_signatures_match() {
    for c in vectors()["session_signatures"].as_array().unwrap() {
        let out = voipsign(
            &[
                "session-signature",
                "--body",
                c["body"].as_str().unwrap(),
                "--session-key-env",
                "K",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(2)); // K unset
        let out = voipsign(
            &[
                "session-signature",
                "--body",
                c["body"].as_str().unwrap(),
                "--session-key-env",
                "VOIPSIGN_TEST_KEY",
            ],
            Some(c["sessionKey"].as_str().unwrap()),
        );
        assert_eq!(
            text(&out.stdout).trim(),
            c["signature"].as_str().unwrap(),
            "{}",
            c["name"]
        );
    }
}

#[test]
fn issue_prints_the_join_object() {
    let out = voipsign(
        &[
            "issue",
            "--app-id",
            "wx20afc706a711eefc",
            "--group-id",
            "room-1",
            "--room-type",
            "video",
            "--session-key-env",
            "VOIPSIGN_TEST_KEY",
        ],
        Some("gDyVgzwa0mFz9uUP7M6GQQ=="),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 5);
    assert_eq!(v["roomType"], "video");
    assert!(v["timeStamp"].is_i64());
    let c = serde_json::json!({"appId": "wx20afc706a711eefc", "groupId": "room-1",
        "nonceStr": v["nonceStr"], "timeStamp": v["timeStamp"], "sessionKey": "gDyVgzwa0mFz9uUP7M6GQQ=="});
    let out = run(
        "verify",
        &c,
        &[
            "--signature",
            v["signature"].as_str().unwrap(),
            "--session-key-env",
            "VOIPSIGN_TEST_KEY",
        ],
    );
    assert_eq!(text(&out.stdout), "valid\n");
}

#[test]
fn key_file_strips_exactly_one_newline_and_argv_is_refused() {
    let doc = &vectors()["cases"][0];
    let sign_from_stdin = |input: &[u8]| {
        let mut args = vec!["sign".to_string()];
        args.extend(param_args(doc));
        args.extend(["--session-key-file".into(), "-".into()]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_voipsign"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The CLI may exit before reading stdin: a broken pipe here is not a failure.
        let _ = child.stdin.take().unwrap().write_all(input);
        child.wait_with_output().unwrap()
    };
    let want = format!("{}\n", doc["signature"].as_str().unwrap());
    assert_eq!(
        text(&sign_from_stdin(b"gDyVgzwa0mFz9uUP7M6GQQ==\n").stdout),
        want
    );
    assert_eq!(
        text(&sign_from_stdin(b"gDyVgzwa0mFz9uUP7M6GQQ==\r\n").stdout),
        want
    );
    let out = sign_from_stdin(b"gDyVgzwa0mFz9uUP7M6GQQ==\n\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error[INVALID_SESSION_KEY]: sessionKey ends with a newline")
    );

    let dir = std::env::temp_dir().join(format!("voipsign-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, "gDyVgzwa0mFz9uUP7M6GQQ==\n").unwrap();
    let c = run("sign", doc, &["--session-key-file", file.to_str().unwrap()]);
    assert_eq!(text(&c.stdout), want);
    std::fs::remove_dir_all(&dir).unwrap();

    // No flag takes the key itself, and a key source is required.
    let c = run("sign", doc, &["--session-key", "gDyVgzwa0mFz9uUP7M6GQQ=="]);
    assert_eq!(c.status.code(), Some(2));
    assert!(!text(&c.stdout).contains("b002"));
    let c = run("sign", doc, &[]);
    assert_eq!(c.status.code(), Some(2));
    let help = voipsign(&["sign", "--help"], None);
    assert!(text(&help.stdout).contains("visible to every user"));
}

#[test]
fn non_numeric_timestamp_is_invalid_timestamp() {
    let out = voipsign(
        &[
            "sign",
            "--app-id",
            "wx1",
            "--group-id",
            "g",
            "--nonce",
            "n",
            "--timestamp",
            "1.5e9",
            "--session-key-env",
            "VOIPSIGN_TEST_KEY",
        ],
        Some("gDyVgzwa0mFz9uUP7M6GQQ=="),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error[INVALID_TIMESTAMP]: "));
}

#[test]
fn diagnose_and_explain_end_to_end() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/diagnose.json"
    );
    let t: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for c in t["diagnose"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let mut args = vec!["diagnose".to_string()];
        args.extend(param_args(c));
        args.extend([
            "--signature".into(),
            c["signature"].as_str().unwrap().into(),
        ]);
        args.extend([
            "--session-key-env".into(),
            "VOIPSIGN_TEST_KEY".into(),
            "--json".into(),
        ]);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_voipsign"));
        cmd.args(&args)
            .env("VOIPSIGN_TEST_KEY", c["sessionKey"].as_str().unwrap());
        for (i, k) in c["otherSessionKeys"].as_array().unwrap().iter().enumerate() {
            let var = format!("VOIPSIGN_OLD_KEY_{i}");
            cmd.env(&var, k.as_str().unwrap())
                .args(["--other-session-key-env", &var]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["verdict"], c["verdict"], "{name}");
        assert_eq!(v["mistakes"], c["mistakes"], "{name}");
        for k in ["message", "expected", "canonical"] {
            assert!(v[k].is_string(), "{name}: {k}");
        }
        assert!(
            !text(&out.stdout).contains(c["sessionKey"].as_str().unwrap()),
            "{name}: key in output"
        );
    }
    // Human text.
    let c = &t["diagnose"][1];
    let mut args = vec!["diagnose".to_string()];
    args.extend(param_args(c));
    args.extend([
        "--signature".into(),
        c["signature"].as_str().unwrap().into(),
        "--session-key-env".into(),
        "VOIPSIGN_TEST_KEY".into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = voipsign(&refs, Some(c["sessionKey"].as_str().unwrap()));
    assert!(
        text(&out.stdout).starts_with("verdict:   MISTAKE_FOUND\nmistakes:  NOT_SORTED\n"),
        "{}",
        text(&out.stdout)
    );

    for c in t["explain"].as_array().unwrap() {
        let code = c["errCode"].to_string();
        let out = voipsign(
            &[
                "explain",
                "--err-code",
                &code,
                "--err-msg",
                c["errMsg"].as_str().unwrap(),
                "--json",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["cause"], c["cause"], "{c}");
        assert!(v["meaning"].is_string() && v["action"].is_string());
    }
    let out = voipsign(&["explain", "--err-code", "-2"], None);
    assert!(text(&out.stdout).starts_with("cause:   DEVICE_BUSY\n"));
}

/// `rooms simulate` shows the rules at work: never more seats than capacity, and
/// a small daily limit refuses openings.
#[test]
fn rooms_simulate_reports_the_rules_at_work() {
    let out = voipsign(
        &[
            "rooms",
            "simulate",
            "--phones",
            "120",
            "--rooms",
            "8",
            "--seconds",
            "300",
            "--capacity",
            "4",
            "--daily-room-limit",
            "5",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let count = |what: &str| -> u64 {
        let line = report
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what}: {report}"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    assert!(count("most seats seen in one room") <= 4, "{report}");
    assert!(count("refused: room full") > 0, "{report}");
    assert!(count("refused: daily room limit") > 0, "{report}");
    assert!(count("of which opened a room") <= 5 * 2, "{report}");
    assert!(
        count("ghost seats expired") + count("ghost seats removed by sync") > 0,
        "{report}"
    );
    // The same seed gives the same run.
    let again = voipsign(
        &[
            "rooms",
            "simulate",
            "--phones",
            "120",
            "--rooms",
            "8",
            "--seconds",
            "300",
            "--capacity",
            "4",
            "--daily-room-limit",
            "5",
        ],
        None,
    );
    assert_eq!(text(&again.stdout), report);
    let bad = voipsign(&["rooms", "simulate", "--capacity", "11"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).starts_with("error[INVALID_RULES]: "),
        "{}",
        text(&bad.stderr)
    );
}

/// `voipsign explain --context JSON`: every case of diagnose.json's explainWith
/// (its camelCase context spelled snake_case, the command line's spelling) and
/// explainWithInvalid (exit status 2, `error[INVALID_CONTEXT]` naming the field).
#[test]
fn explain_with_a_context() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/diagnose.json"
    );
    let t: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let snake = |k: &str| {
        k.chars()
            .flat_map(|c| match c.is_ascii_uppercase() {
                true => vec!['_', c.to_ascii_lowercase()],
                false => vec![c],
            })
            .collect::<String>()
    };
    let context = |c: &Value| {
        let m: serde_json::Map<String, Value> = c
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (snake(k), v.clone()))
            .collect();
        Value::Object(m).to_string()
    };
    let explain = |code: &Value, msg: &str, ctx: &str| {
        Command::new(env!("CARGO_BIN_EXE_voipsign"))
            .args([
                "explain",
                "--err-code",
                &code.to_string(),
                "--err-msg",
                msg,
                "--context",
                ctx,
                "--json",
            ])
            .output()
            .unwrap()
    };
    for c in t["explainWith"].as_array().unwrap() {
        let out = explain(
            &c["errCode"],
            c["errMsg"].as_str().unwrap(),
            &context(&c["context"]),
        );
        assert_eq!(out.status.code(), Some(0), "{c}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["cause"], c["cause"], "{c}");
        let want = c["inMeaning"].as_str().unwrap_or("");
        assert!(v["meaning"].as_str().unwrap().contains(want), "{v}");
    }
    for c in t["explainWithInvalid"].as_array().unwrap() {
        let out = explain(&Value::from(-1), "", &context(&c["context"]));
        assert_eq!(out.status.code(), Some(2), "{c}");
        let err = text(&out.stderr);
        assert!(err.starts_with("error[INVALID_CONTEXT]: "), "{err}");
        assert!(
            err.contains(&snake(c["inMessage"].as_str().unwrap())),
            "{err}"
        );
    }
}
