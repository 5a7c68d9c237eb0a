//! Private Redis topologies for the failover drills: a Sentinel set (a master, 2
//! replicas and 3 sentinels) and a Redis Cluster of 3 masters with a replica each.
//! Everything listens on 127.0.0.1 on free ports, keeps its state in a temp dir,
//! persists nothing, and is killed and removed on Drop (also when a test panics).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The master name the sentinels monitor unless told otherwise.
pub const MASTER_NAME: &str = "vsmaster";

/// How long a topology may take to come up.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one redis-cli call may take (a wedged server must not hang a test).
const CLI_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether redis-server (which also runs sentinels, `--sentinel`) and redis-cli
/// can run. When they cannot, the test says it was skipped and returns — unless
/// `VOIPSIGN_REDIS_REQUIRED=1` (as `make test` sets), where that fails.
pub fn redis_installed() -> bool {
    let runs = |bin: &str| {
        Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if runs("redis-server") && runs("redis-cli") {
        return true;
    }
    assert!(
        std::env::var("VOIPSIGN_REDIS_REQUIRED").as_deref() != Ok("1"),
        "redis-server / redis-cli are not installed (VOIPSIGN_REDIS_REQUIRED=1)"
    );
    eprintln!("skipped: redis-server / redis-cli are not installed");
    false
}

/// [`redis_installed`] under another name.
pub fn available() -> bool {
    redis_installed()
}

// ---------------------------------------------------------------------------
// Ports, scratch dirs, processes, redis-cli
// ---------------------------------------------------------------------------

/// Every port this test process has handed out (and, for cluster nodes, its bus
/// port, +10000): tests run in parallel threads, and no two topologies may share one.
static TAKEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());

/// `n` free loopback ports, none handed out before; with `bus`, port+10000 is free
/// too (the cluster bus). All are held open together while choosing, so the kernel
/// does not hand the same one out twice.
fn free_ports(n: usize, bus: bool) -> Vec<u16> {
    let mut taken = TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    let mut held = Vec::new();
    let mut ports = Vec::new();
    while ports.len() < n {
        assert!(held.len() < 1000, "no free loopback ports");
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let p = l.local_addr().unwrap().port();
        held.push(l);
        if taken.contains(&p) {
            continue;
        }
        if bus {
            if p > u16::MAX - 10000 || taken.contains(&(p + 10000)) {
                continue;
            }
            match TcpListener::bind(("127.0.0.1", p + 10000)) {
                Ok(b) => held.push(b),
                Err(_) => continue,
            }
            taken.push(p + 10000);
        }
        taken.push(p);
        ports.push(p);
    }
    ports
}

static SCRATCH_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A temp dir of the topology's, removed on Drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "voipsign-{what}-{}-{}-{}",
            std::process::id(),
            SCRATCH_SEQ.fetch_add(1, Ordering::Relaxed),
            t % 1_000_000_000
        ));
        std::fs::create_dir_all(&dir).expect("create the topology's temp dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One redis-server (data node or sentinel) the topology owns.
struct Node {
    port: u16,
    /// Everything but role arguments (`--replicaof`), or, for a sentinel, its
    /// config file and `--sentinel`.
    args: Vec<String>,
    log: PathBuf,
    password: Option<String>,
    child: Option<Child>,
}

impl Node {
    fn new(port: u16, args: Vec<String>, log: PathBuf, password: Option<&str>) -> Node {
        Node {
            port,
            args,
            log,
            password: password.map(str::to_owned),
            child: None,
        }
    }

    /// Start it with `extra` arguments and wait until it answers PING. A server
    /// that exits at once (a port lost in a race) is tried again, twice.
    fn spawn(&mut self, extra: &[String]) {
        assert!(
            self.child.is_none(),
            "redis-server on {} is running",
            self.port
        );
        for attempt in 0..3 {
            let child = Command::new("redis-server")
                .args(&self.args)
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn redis-server");
            self.child = Some(child);
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(5) {
                if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                    self.child = None;
                    if attempt == 2 {
                        panic!(
                            "redis-server on {} exited ({status}):\n{}",
                            self.port,
                            tail(&self.log, 20)
                        );
                    }
                    std::thread::sleep(Duration::from_millis(300));
                    break;
                }
                let pong = redis_cli(self.port, self.password.as_deref(), &["ping"]);
                if pong.contains("PONG") || pong.contains("LOADING") {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if self.child.is_some() {
                panic!(
                    "redis-server on {} did not answer PING within 5 s:\n{}",
                    self.port,
                    tail(&self.log, 20)
                );
            }
        }
    }

    fn alive(&self) -> bool {
        self.child.is_some()
    }

    /// SIGKILL (std's Child::kill) and reap.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The last `n` lines of a log file (for panic messages).
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    format!("--- {} ---\n{}", path.display(), lines[from..].join("\n"))
}

/// Run `cmd` with `stdin`, at most `timeout`; its standard output and standard
/// error (redis-cli prints error replies on stdout, connection errors on stderr).
fn run(cmd: &mut Command, stdin: Option<&str>, timeout: Duration) -> (String, String) {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn redis-cli");
    if let Some(input) = stdin {
        let mut w = child.stdin.take().unwrap();
        let input = input.to_owned();
        std::thread::spawn(move || {
            let _ = w.write_all(input.as_bytes());
        });
    }
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let t = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if t.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    let err = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    (out, err)
}

/// redis-cli -h 127.0.0.1 -p `port` [-a `password`] `args`: its output (stdout,
/// then stderr, so a refused connection shows too). At most 5 s.
pub fn redis_cli(port: u16, password: Option<&str>, args: &[&str]) -> String {
    let mut cmd = cli_command(port, password);
    cmd.args(args);
    let (out, err) = run(&mut cmd, None, CLI_TIMEOUT);
    out + &err
}

/// redis-cli reading `script` (one command a line) on one connection — so that
/// e.g. `SET k v` then `WAIT 1 100` waits for that very write. At most 5 s.
pub fn redis_cli_script(port: u16, password: Option<&str>, script: &str) -> String {
    let mut cmd = cli_command(port, password);
    let (out, err) = run(&mut cmd, Some(script), CLI_TIMEOUT);
    out + &err
}

fn cli_command(port: u16, password: Option<&str>) -> Command {
    let mut cmd = Command::new("redis-cli");
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()]);
    if let Some(pw) = password {
        cmd.args(["-a", pw, "--no-auth-warning"]);
    }
    cmd
}

/// `field` of an INFO-style reply (`field:value` lines).
pub fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines()
        .find_map(|l| l.trim_end().strip_prefix(field)?.strip_prefix(':'))
        .map(str::to_owned)
}

/// A flat redis-cli reply of key / value lines (SENTINEL master) as a map.
fn pairs(reply: &str) -> HashMap<String, String> {
    let lines: Vec<&str> = reply.lines().collect();
    lines
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].to_owned(), c[1].to_owned()))
        .collect()
}

/// A flat redis-cli reply of several key / value maps each starting with `name`
/// (SENTINEL replicas, SENTINEL sentinels) as maps.
fn maps(reply: &str) -> Vec<HashMap<String, String>> {
    let lines: Vec<&str> = reply.lines().collect();
    let mut out: Vec<HashMap<String, String>> = Vec::new();
    for c in lines.chunks(2).filter(|c| c.len() == 2) {
        if c[0] == "name" || out.is_empty() {
            out.push(HashMap::new());
        }
        out.last_mut()
            .unwrap()
            .insert(c[0].to_owned(), c[1].to_owned());
    }
    out
}

/// The most frequent answer, and how many gave it.
fn most_common<T: Eq + std::hash::Hash + Clone>(answers: &[T]) -> Option<(T, usize)> {
    let mut counts: HashMap<&T, usize> = HashMap::new();
    for a in answers {
        *counts.entry(a).or_default() += 1;
    }
    // The first answer wins ties.
    answers
        .iter()
        .map(|a| (a, counts[a]))
        .fold(None, |best: Option<(&T, usize)>, (a, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((a, n)),
        })
        .map(|(a, n)| (a.clone(), n))
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A value quoted for a redis config file.
fn conf_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `s` percent-encoded for the userinfo of a URL.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The arguments every data node shares: loopback, nothing persisted, state in
/// `dir`/`port`, a log, and full syncs that start at once (diskless, no delay).
fn data_args(port: u16, dir: &Path, password: Option<&str>) -> (Vec<String>, PathBuf) {
    let own = dir.join(port.to_string());
    std::fs::create_dir_all(&own).expect("create a node's dir");
    let log = dir.join(format!("redis-{port}.log"));
    let mut args = strings(&["--port", &port.to_string(), "--bind", "127.0.0.1"]);
    args.extend(strings(&["--save", "", "--appendonly", "no"]));
    args.extend(strings(&["--dir", own.to_str().unwrap()]));
    args.extend(strings(&["--logfile", log.to_str().unwrap()]));
    args.extend(strings(&[
        "--repl-diskless-sync",
        "yes",
        "--repl-diskless-sync-delay",
        "0",
    ]));
    if let Some(pw) = password {
        args.extend(strings(&["--requirepass", pw, "--masterauth", pw]));
    }
    (args, log)
}

fn deadline_passed(t: Instant, timeout: Duration) -> bool {
    t.elapsed() > timeout
}

mod cluster;
mod sentinel;
#[allow(unused_imports)]
pub use cluster::*;
#[allow(unused_imports)]
pub use sentinel::*;
