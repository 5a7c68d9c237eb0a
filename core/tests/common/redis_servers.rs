//! The Redis servers of the test harness (tests/redis/servers.sh exports their
//! URLs), and private servers a test may kill, pause and restart.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The URL in `var`, or `None` (the test then says it was skipped) — unless
/// `VOIPSIGN_REDIS_REQUIRED=1` (as `make test` sets), where a missing server fails.
pub fn url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("VOIPSIGN_REDIS_REQUIRED").as_deref() != Ok("1"),
                "{var} is not set: run `eval \"$(tests/redis/servers.sh start)\"` first"
            );
            eprintln!("skipped: {var} is not set (tests/redis/servers.sh start)");
            None
        }
    }
}

/// `f`'s value and how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

/// A key prefix no other test run uses.
pub fn unique_prefix(what: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let what: String = what
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect();
    format!(
        "vstest-rs-{what}-{}-{}",
        std::process::id(),
        t % 1_000_000_000_000
    )
}

/// A redis-server of the test's own on a free loopback port.
pub struct Private {
    pub port: u16,
    child: Option<Child>,
    args: Vec<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Private {
    pub fn start(extra: &[&str]) -> Private {
        let mut p = Private {
            port: free_port(),
            child: None,
            args: extra.iter().map(|s| s.to_string()).collect(),
        };
        p.restart();
        p
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// (Re)start the server on the same port and wait until it answers.
    pub fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        self.child = Some(child);
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if self.cli(&["ping"]).contains("PONG") || self.cli(&["ping"]).contains("NOAUTH") {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("private redis-server on {} did not start", self.port);
    }

    /// Kill the server (SIGKILL) and wait for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP / SIGCONT: the server keeps its connections but answers nothing.
    pub fn pause(&self, stop: bool) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let sig = if stop { "-STOP" } else { "-CONT" };
        assert!(Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
            .success());
    }

    /// redis-cli against this server; its output.
    pub fn cli(&self, args: &[&str]) -> String {
        cli(self.port, args)
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.pause(false);
        }
        self.kill();
    }
}

/// redis-cli -p `port` `args`: its standard output.
pub fn cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
