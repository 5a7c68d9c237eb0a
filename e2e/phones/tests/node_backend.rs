//! `voipsign phones` against the real node-express reference backend
//! (examples/backends/node-express, memory ledger) and the fake emulator with
//! real session_keys and signatures. Needs node and the backend's install:
//! `cargo test -p voipsign-phones --test node_backend -- --ignored`.

mod fake;

use clap::Parser;
use fake::{Fake, Switches};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use voipsign_phones::PhonesArgs;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    a: PhonesArgs,
}

struct Backend {
    child: Child,
    url: String,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_backend(wechat: &str, capacity: usize) -> Backend {
    let run = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/backends/node-express/run"
    );
    let mut child = Command::new(run)
        .env("PORT", "0")
        .env("WECHAT_APP_ID", "wxtest")
        .env("WECHAT_APP_SECRET", "secret")
        .env("WECHAT_API_BASE", wechat)
        .env("VOIPSIGN_CAPACITY", capacity.to_string())
        .env("VOIPSIGN_LEASE_TTL_MS", "3000")
        .env("VOIPSIGN_RESERVE_TTL_MS", "3000")
        .env_remove("VOIPSIGN_REDIS_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("examples/backends/node-express/run starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // Keep reading its log so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    Backend { child, url }
}

fn run(backend: &str, wechat: &str, extra: &[&str]) -> (i32, Value) {
    let json =
        std::env::temp_dir().join(format!("voipsign-phones-node-{}.json", std::process::id()));
    let mut argv: Vec<String> = [
        "phones",
        "--backend",
        backend,
        "--wechat",
        wechat,
        "--app",
        "wxtest",
        "--heartbeat-ms",
        "500",
        "--stay-ms",
        "500:1500",
        "--pause-ms",
        "100:300",
        "--retry-ms",
        "100:300",
        "--seed",
        "11",
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    argv.push(json.display().to_string());
    argv.extend(extra.iter().map(|s| s.to_string()));
    let status =
        voipsign_phones::run(&Cli::try_parse_from(argv).unwrap().a).expect("the run starts");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);
    (status, report)
}

#[test]
#[ignore = "starts examples/backends/node-express (node)"]
fn node_backend_clean_and_rotated() {
    let emu = Fake::start(
        10,
        Switches {
            wechat_keys: true,
            ..Default::default()
        },
    );
    let backend = start_backend(&emu.url, 10);
    let (status, r) = run(
        &backend.url,
        &emu.url,
        &["--phones", "10", "--rooms", "3", "--seconds", "5"],
    );
    assert_eq!(status, 0, "{r:#}");
    assert!(r["joined"].as_u64().unwrap() >= 10, "{r:#}");
    assert_eq!(r["invalid_signatures"]["others"], 0);
    let (status, r) = run(
        &backend.url,
        &emu.url,
        &[
            "--phones",
            "6",
            "--rooms",
            "2",
            "--seconds",
            "4",
            "--rotate-phones",
            "2",
            "--rotate-at-ms",
            "1000",
        ],
    );
    assert_eq!(status, 0, "{r:#}");
    assert_eq!(r["rotation"]["hit"], 2, "{r:#}");
    assert_eq!(r["rotation"]["rejoined"], 2, "{r:#}");
    assert_eq!(r["explain_causes"]["INVALID_SIGNATURE"], 2, "{r:#}");
}
