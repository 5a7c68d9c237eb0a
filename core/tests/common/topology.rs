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

// ---------------------------------------------------------------------------
// SentinelSet
// ---------------------------------------------------------------------------

/// How a [`SentinelSet`] is set up.
#[derive(Clone, Copy, Debug)]
pub struct SentinelOptions<'a> {
    /// The master name the sentinels monitor (`vsmaster`).
    pub name: &'a str,
    /// On every server (`requirepass`, `masterauth`) and sentinel (`requirepass`,
    /// `sentinel auth-pass`).
    pub password: Option<&'a str>,
    /// `sentinel down-after-milliseconds`: 2000. Not 1000: a sentinel pings (and
    /// reconnects to) an instance at most every min(down-after, 1 s), so with
    /// 1000 it may find the *new* master "down" about 1 s after switch-master,
    /// before its first PING answer — a second, spurious failover (seen about one
    /// failover in fifteen on 2 busy cores). 2000 leaves a second of slack.
    pub down_after_ms: u64,
    /// `sentinel failover-timeout`: 5000.
    pub failover_timeout_ms: u64,
}

impl Default for SentinelOptions<'_> {
    fn default() -> Self {
        SentinelOptions {
            name: MASTER_NAME,
            password: None,
            down_after_ms: 2000,
            failover_timeout_ms: 5000,
        }
    }
}

/// A master, 2 replicas and 3 sentinels (quorum 2) monitoring it as `vsmaster`.
pub struct SentinelSet {
    name: String,
    password: Option<String>,
    /// data[0] is the master at start.
    data: Vec<Node>,
    sentinels: Vec<Node>,
    // Last: dropped after every node is killed.
    dir: Scratch,
}

impl SentinelSet {
    /// Start it, with `password` on every server and sentinel (`requirepass`,
    /// `masterauth`, `sentinel auth-pass`); return once both replicas are in sync
    /// and every sentinel knows 2 replicas and the 2 other sentinels.
    pub fn start(password: Option<&str>) -> SentinelSet {
        SentinelSet::start_with(SentinelOptions {
            password,
            ..SentinelOptions::default()
        })
    }

    /// [`SentinelSet::start`] with other options (master name, timings).
    pub fn start_with(opts: SentinelOptions) -> SentinelSet {
        let SentinelOptions {
            name,
            password,
            down_after_ms,
            failover_timeout_ms,
        } = opts;
        let t = Instant::now();
        let ports = free_ports(6, false);
        let dir = Scratch::new("sentinel");
        let mut set = SentinelSet {
            name: name.to_owned(),
            password: password.map(str::to_owned),
            data: Vec::new(),
            sentinels: Vec::new(),
            dir,
        };
        for &port in &ports[..3] {
            let (args, log) = data_args(port, &set.dir.0, password);
            set.data.push(Node::new(port, args, log, password));
        }
        let master = ports[0];
        set.data[0].spawn(&[]);
        for i in 1..3 {
            set.data[i].spawn(&strings(&["--replicaof", "127.0.0.1", &master.to_string()]));
        }
        // The replicas first: a sentinel's first INFO of the master then lists
        // both (the next would come 10 s later).
        for i in 1..3 {
            let port = set.data[i].port;
            set.wait_replica_up(port, START_TIMEOUT.saturating_sub(t.elapsed()));
        }
        for &port in &ports[3..] {
            let conf = set.dir.0.join(format!("sentinel-{port}.conf"));
            let log = set.dir.0.join(format!("sentinel-{port}.log"));
            let mut text = format!(
                "port {port}\nbind 127.0.0.1\ndaemonize no\ndir {}\nlogfile {}\n\
                 sentinel resolve-hostnames no\nsentinel announce-hostnames no\n\
                 sentinel announce-ip 127.0.0.1\n",
                conf_quote(set.dir.0.to_str().unwrap()),
                conf_quote(log.to_str().unwrap()),
            );
            if let Some(pw) = password {
                // Clients authenticate to the sentinels, and the sentinels to
                // each other, with it.
                text += &format!("requirepass {}\n", conf_quote(pw));
            }
            text += &format!(
                "sentinel monitor {name} 127.0.0.1 {master} 2\n\
                 sentinel down-after-milliseconds {name} {down_after_ms}\n\
                 sentinel failover-timeout {name} {failover_timeout_ms}\n\
                 sentinel parallel-syncs {name} 1\n"
            );
            if let Some(pw) = password {
                text += &format!("sentinel auth-pass {name} {}\n", conf_quote(pw));
            }
            std::fs::write(&conf, text).expect("write a sentinel config");
            let args = vec![conf.to_str().unwrap().to_owned(), "--sentinel".to_owned()];
            let mut node = Node::new(port, args, log, password);
            node.spawn(&[]);
            set.sentinels.push(node);
        }
        let mut last = String::new();
        while !deadline_passed(t, START_TIMEOUT) {
            let mut ready = true;
            for s in &set.sentinels {
                let reply = set.cli(s.port, &["sentinel", "master", name]);
                let m = pairs(&reply);
                let ok = m.get("flags").map(String::as_str) == Some("master")
                    && m.get("num-slaves").map(String::as_str) == Some("2")
                    && m.get("num-other-sentinels").map(String::as_str) == Some("2");
                if !ok {
                    last = format!("sentinel {}: SENTINEL master {name}:\n{reply}", s.port);
                    ready = false;
                    break;
                }
            }
            if ready {
                return set;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the sentinel set did not come up within {START_TIMEOUT:?}; last {last}\n{}",
            set.logs()
        );
    }

    /// The master name the sentinels monitor.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The temp dir holding the nodes' dirs, configs and logs (removed on Drop).
    pub fn dir(&self) -> &Path {
        &self.dir.0
    }

    /// `redis+sentinel://[:PASSWORD@]127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/vsmaster`.
    pub fn url(&self) -> String {
        let auth = match &self.password {
            Some(pw) => format!(":{}@", url_encode(pw)),
            None => String::new(),
        };
        let hosts: Vec<String> = self
            .sentinels
            .iter()
            .map(|s| format!("127.0.0.1:{}", s.port))
            .collect();
        format!("redis+sentinel://{auth}{}/{}", hosts.join(","), self.name)
    }

    pub fn sentinel_ports(&self) -> Vec<u16> {
        self.sentinels.iter().map(|n| n.port).collect()
    }

    /// The master's and the replicas' ports (the master at start first).
    pub fn data_ports(&self) -> Vec<u16> {
        self.data.iter().map(|n| n.port).collect()
    }

    /// What the running sentinels answer to `SENTINEL get-master-addr-by-name`.
    fn master_answers(&self) -> Vec<u16> {
        self.sentinels
            .iter()
            .filter(|s| s.alive())
            .filter_map(|s| {
                let r = self.cli(s.port, &["sentinel", "get-master-addr-by-name", &self.name]);
                r.lines().nth(1)?.trim().parse().ok()
            })
            .collect()
    }

    /// The master as the sentinels name it: what a majority says, else the first
    /// answer. Panics when no sentinel answers.
    pub fn master_port(&self) -> u16 {
        let answers = self.master_answers();
        match most_common(&answers) {
            Some((p, _)) => p,
            None => panic!("no sentinel named a master\n{}", self.logs()),
        }
    }

    /// SIGKILL the current master; its port.
    pub fn kill_master(&mut self) -> u16 {
        let port = self.master_port();
        self.kill(port);
        port
    }

    /// SIGKILL the data node or sentinel on `port`.
    pub fn kill(&mut self, port: u16) {
        self.node_mut(port).kill();
    }

    /// Wait until a majority of the sentinels name a master other than `old` and
    /// that server answers ROLE as master; its port.
    pub fn wait_failover(&self, old: u16, timeout: Duration) -> u16 {
        let t = Instant::now();
        let mut last;
        loop {
            let answers = self.master_answers();
            let quorum = self.sentinels.iter().filter(|s| s.alive()).count() / 2 + 1;
            if let Some((p, n)) = most_common(&answers) {
                if p != old && n >= quorum && self.role(p) == "master" {
                    return p;
                }
            }
            last = answers;
            if deadline_passed(t, timeout) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let s = self.sentinels.iter().find(|s| s.alive()).map(|s| s.port);
        let master = s
            .map(|s| self.cli(s, &["sentinel", "master", &self.name]))
            .unwrap_or_default();
        panic!(
            "no failover from {old} within {timeout:?}: the sentinels name {last:?}\n\
             SENTINEL master {}:\n{master}\n{}",
            self.name,
            self.logs()
        );
    }

    /// Wait until the failover is over at every running sentinel: each one's
    /// `SENTINEL master` names the same port with flags just `master` (no
    /// failover in progress, switch-master done: the old master is now listed
    /// as a replica); that port. `wait_failover` returns as soon as clients are
    /// sent to the new master, which may be a few seconds earlier.
    pub fn wait_settled(&self, timeout: Duration) -> u16 {
        let t = Instant::now();
        let mut last;
        loop {
            let views: Vec<HashMap<String, String>> = self
                .sentinels
                .iter()
                .filter(|s| s.alive())
                .map(|s| pairs(&self.cli(s.port, &["sentinel", "master", &self.name])))
                .collect();
            let ports: Vec<Option<u16>> = views
                .iter()
                .map(|m| m.get("port").and_then(|p| p.parse().ok()))
                .collect();
            let settled = !views.is_empty()
                && views
                    .iter()
                    .all(|m| m.get("flags").map(String::as_str) == Some("master"))
                && ports.iter().all(|p| p.is_some() && *p == ports[0]);
            if settled {
                let p = ports[0].unwrap();
                if self.role(p) == "master" {
                    return p;
                }
            }
            last = views;
            if deadline_passed(t, timeout) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the sentinels did not settle within {timeout:?}; SENTINEL master {}: {last:?}\n{}",
            self.name,
            self.logs()
        );
    }

    /// `SENTINEL master` at `sentinel` (`ip`, `port`, `flags`, `config-epoch`, ...).
    pub fn sentinel_master(&self, sentinel: u16) -> HashMap<String, String> {
        pairs(&self.cli(sentinel, &["sentinel", "master", &self.name]))
    }

    /// `SENTINEL replicas` at `sentinel`: a map per replica (`name`, `flags`, ...).
    pub fn sentinel_replicas(&self, sentinel: u16) -> Vec<HashMap<String, String>> {
        maps(&self.cli(sentinel, &["sentinel", "replicas", &self.name]))
    }

    /// Start the killed data node (or sentinel) on `port` again. A data node
    /// comes back as a replica of the current master (or as the master, if it
    /// still is one in the sentinels' eyes).
    pub fn restart(&mut self, port: u16) {
        if self.sentinels.iter().any(|s| s.port == port) {
            self.node_mut(port).spawn(&[]);
            return;
        }
        let master = self.master_port();
        let extra = if master == port {
            Vec::new()
        } else {
            strings(&["--replicaof", "127.0.0.1", &master.to_string()])
        };
        self.node_mut(port).spawn(&extra);
    }

    /// Wait until the server on `port` is a replica whose link to its master is
    /// up (`role:slave`, `master_link_status:up`).
    pub fn wait_replica_up(&self, port: u16, timeout: Duration) {
        let t = Instant::now();
        loop {
            let info = self.cli(port, &["info", "replication"]);
            if info_field(&info, "role").as_deref() == Some("slave")
                && info_field(&info, "master_link_status").as_deref() == Some("up")
            {
                return;
            }
            if deadline_passed(t, timeout) {
                panic!(
                    "{port} is not an in-sync replica within {timeout:?}; INFO replication:\n{info}\n{}",
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The first line of ROLE on `port` (`master`, `slave`, `sentinel`), or "".
    pub fn role(&self, port: u16) -> String {
        let r = self.cli(port, &["role"]);
        r.lines().next().unwrap_or("").trim().to_owned()
    }

    /// redis-cli against `port` (a data node or a sentinel), with the password.
    pub fn cli(&self, port: u16, args: &[&str]) -> String {
        redis_cli(port, self.password.as_deref(), args)
    }

    /// Commands on one connection (one a line), with the password.
    pub fn cli_script(&self, port: u16, script: &str) -> String {
        redis_cli_script(port, self.password.as_deref(), script)
    }

    fn node_mut(&mut self, port: u16) -> &mut Node {
        self.data
            .iter_mut()
            .chain(self.sentinels.iter_mut())
            .find(|n| n.port == port)
            .unwrap_or_else(|| panic!("{port} is not a node of this sentinel set"))
    }

    /// The tails of every log (for panic messages).
    pub fn logs(&self) -> String {
        self.data
            .iter()
            .chain(&self.sentinels)
            .map(|n| tail(&n.log, 12))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

// ---------------------------------------------------------------------------
// ReplicaCluster
// ---------------------------------------------------------------------------

/// A line of CLUSTER NODES.
#[derive(Clone, Debug)]
pub struct ClusterNode {
    pub id: String,
    pub port: u16,
    pub flags: Vec<String>,
    /// The master's id, for a replica.
    pub master: Option<String>,
    pub slots: Vec<(u16, u16)>,
}

impl ClusterNode {
    pub fn is_master(&self) -> bool {
        self.flags.iter().any(|f| f == "master")
    }

    pub fn is_replica(&self) -> bool {
        self.flags.iter().any(|f| f == "slave")
    }

    /// FAIL, or PFAIL (`fail?`) in this node's eyes.
    pub fn failing(&self) -> bool {
        self.flags.iter().any(|f| f == "fail" || f == "fail?")
    }

    pub fn serves(&self, slot: u16) -> bool {
        self.slots.iter().any(|&(a, b)| a <= slot && slot <= b)
    }
}

/// CLUSTER NODES, parsed.
pub fn parse_cluster_nodes(reply: &str) -> Vec<ClusterNode> {
    reply
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 8 {
                return None;
            }
            // 127.0.0.1:30001@40001[,hostname]
            let addr = f[1].split('@').next()?;
            let port = addr.rsplit(':').next()?.parse().ok()?;
            let slots = f[8..]
                .iter()
                .filter(|s| !s.starts_with('['))
                .filter_map(|s| match s.split_once('-') {
                    Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                    None => s.parse().ok().map(|a| (a, a)),
                })
                .collect();
            Some(ClusterNode {
                id: f[0].to_owned(),
                port,
                flags: f[2].split(',').map(str::to_owned).collect(),
                master: (f[3] != "-").then(|| f[3].to_owned()),
                slots,
            })
        })
        .collect()
}

/// A Redis Cluster of 3 masters with a replica each (6 redis-servers).
pub struct ReplicaCluster {
    nodes: Vec<Node>,
    masters_at_start: Vec<u16>,
    /// A killed master → its replica then (the one `wait_promoted` waits for).
    replica_at_kill: HashMap<u16, u16>,
    // Last: dropped after every node is killed.
    dir: Scratch,
}

impl ReplicaCluster {
    /// Start it (`redis-cli --cluster create ... --cluster-replicas 1`); return once
    /// every node says `cluster_state:ok` with all 16384 slots ok, knows all 6
    /// nodes, and every replica's link to its master is up.
    pub fn start() -> ReplicaCluster {
        let t = Instant::now();
        let ports = free_ports(6, true);
        let dir = Scratch::new("cluster");
        let mut c = ReplicaCluster {
            nodes: Vec::new(),
            masters_at_start: Vec::new(),
            replica_at_kill: HashMap::new(),
            dir,
        };
        for &port in &ports {
            let (mut args, log) = data_args(port, &c.dir.0, None);
            let conf = c.dir.0.join(format!("nodes-{port}.conf"));
            args.extend(strings(&["--cluster-enabled", "yes"]));
            args.extend(strings(&["--cluster-config-file", conf.to_str().unwrap()]));
            args.extend(strings(&["--cluster-node-timeout", "1000"]));
            // A replica fails over however stale its data (a drill may kill a
            // master long after its replica lost the link).
            args.extend(strings(&["--cluster-replica-validity-factor", "0"]));
            let mut node = Node::new(port, args, log, None);
            node.spawn(&[]);
            c.nodes.push(node);
        }
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        create.args(ports.iter().map(|p| format!("127.0.0.1:{p}")));
        create.args(["--cluster-replicas", "1", "--cluster-yes"]);
        let (out, err) = run(&mut create, None, Duration::from_secs(20));
        assert!(
            out.contains("All 16384 slots covered"),
            "redis-cli --cluster create failed:\n{out}\n{err}\n{}",
            c.logs()
        );
        c.wait_ok(START_TIMEOUT.saturating_sub(t.elapsed()), |c, view| {
            let masters: Vec<&ClusterNode> = view
                .iter()
                .filter(|n| n.is_master() && !n.slots.is_empty())
                .collect();
            if masters.len() != 3 {
                return Err(format!("{} masters with slots", masters.len()));
            }
            for m in &masters {
                let r = view
                    .iter()
                    .find(|n| n.is_replica() && n.master.as_deref() == Some(&m.id))
                    .ok_or(format!("{} has no replica", m.port))?;
                let info = c.cli(r.port, &["info", "replication"]);
                if info_field(&info, "master_link_status").as_deref() != Some("up") {
                    return Err(format!("replica {}: {info}", r.port));
                }
            }
            Ok(())
        });
        let view = c.view();
        let mut masters: Vec<u16> = view
            .iter()
            .filter(|n| n.is_master() && !n.slots.is_empty())
            .map(|n| n.port)
            .collect();
        masters.sort_by_key(|p| ports.iter().position(|q| q == p));
        c.masters_at_start = masters;
        c
    }

    /// Wait until every running node says `cluster_state:ok`, all 16384 slots ok,
    /// and knows every node, and `also` (given the first running node's CLUSTER
    /// NODES) holds. Panics with the last reason after `timeout`.
    fn wait_ok<F>(&self, timeout: Duration, also: F)
    where
        F: Fn(&ReplicaCluster, &[ClusterNode]) -> Result<(), String>,
    {
        let t = Instant::now();
        let mut last;
        loop {
            match self.check_ok().and_then(|()| also(self, &self.view())) {
                Ok(()) => return,
                Err(why) => last = why,
            }
            if deadline_passed(t, timeout) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the cluster is not ok within {timeout:?}: {last}\nCLUSTER NODES:\n{}\n{}",
            self.alive()
                .next()
                .map(|p| self.cli(p, &["cluster", "nodes"]))
                .unwrap_or_default(),
            self.logs()
        );
    }

    fn check_ok(&self) -> Result<(), String> {
        for p in self.alive() {
            let info = self.cli(p, &["cluster", "info"]);
            let ok = info_field(&info, "cluster_state").as_deref() == Some("ok")
                && info_field(&info, "cluster_slots_ok").as_deref() == Some("16384")
                && info_field(&info, "cluster_known_nodes").as_deref()
                    == Some(&self.nodes.len().to_string());
            if !ok {
                return Err(format!("node {p}: CLUSTER INFO:\n{info}"));
            }
        }
        Ok(())
    }

    /// `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3` (the masters at start).
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self
            .masters_at_start
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        format!("redis+cluster://{}", hosts.join(","))
    }

    /// All 6 ports.
    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|n| n.port).collect()
    }

    /// The temp dir holding the nodes' dirs, nodes.conf files and logs (removed on Drop).
    pub fn dir(&self) -> &Path {
        &self.dir.0
    }

    /// The masters at start (those of `url()`).
    pub fn masters_at_start(&self) -> Vec<u16> {
        self.masters_at_start.clone()
    }

    /// The ports of the running nodes.
    fn alive(&self) -> impl Iterator<Item = u16> + '_ {
        self.nodes.iter().filter(|n| n.alive()).map(|n| n.port)
    }

    /// CLUSTER NODES of the first running node that answers.
    pub fn view(&self) -> Vec<ClusterNode> {
        self.alive()
            .map(|p| parse_cluster_nodes(&self.cli(p, &["cluster", "nodes"])))
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| panic!("no cluster node answers CLUSTER NODES\n{}", self.logs()))
    }

    /// Every running node's CLUSTER NODES.
    fn views(&self) -> Vec<Vec<ClusterNode>> {
        self.alive()
            .map(|p| parse_cluster_nodes(&self.cli(p, &["cluster", "nodes"])))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The slot of `key` (CLUSTER KEYSLOT).
    pub fn slot_of(&self, key: &str) -> u16 {
        for p in self.alive() {
            if let Ok(s) = self.cli(p, &["cluster", "keyslot", key]).trim().parse() {
                return s;
            }
        }
        panic!("no cluster node answers CLUSTER KEYSLOT\n{}", self.logs());
    }

    /// The master serving `key`, as most running nodes see it.
    pub fn master_of(&self, key: &str) -> u16 {
        let slot = self.slot_of(key);
        let answers: Vec<u16> = self
            .views()
            .iter()
            .filter_map(|v| {
                v.iter()
                    .find(|n| n.is_master() && n.serves(slot))
                    .map(|n| n.port)
            })
            .collect();
        most_common(&answers)
            .unwrap_or_else(|| panic!("no node knows who serves slot {slot}"))
            .0
    }

    /// The (not failing) replica of `master`, as most running nodes see it.
    pub fn replica_of(&self, master: u16) -> u16 {
        let answers: Vec<u16> = self
            .views()
            .iter()
            .filter_map(|v| {
                let m = v.iter().find(|n| n.port == master)?;
                v.iter()
                    .find(|n| n.is_replica() && !n.failing() && n.master.as_deref() == Some(&m.id))
                    .map(|n| n.port)
            })
            .collect();
        most_common(&answers)
            .unwrap_or_else(|| panic!("no node knows a replica of {master}"))
            .0
    }

    /// SIGKILL the node on `port` (remembering, for a master, its replica).
    pub fn kill(&mut self, port: u16) {
        let view = self.view();
        if view
            .iter()
            .any(|n| n.port == port && n.is_master() && !n.slots.is_empty())
        {
            let r = self.replica_of(port);
            self.replica_at_kill.insert(port, r);
        }
        self.node_mut(port).kill();
    }

    /// Wait until the replica of the killed `old_master` says `role:master`, every
    /// running node sees it as a master and the old one as failed, and every
    /// running node says `cluster_state:ok`; its port.
    pub fn wait_promoted(&self, old_master: u16, timeout: Duration) -> u16 {
        let replica = *self
            .replica_at_kill
            .get(&old_master)
            .unwrap_or_else(|| panic!("{old_master} is not a master killed with kill()"));
        let t = Instant::now();
        let mut last;
        loop {
            match self.promoted(old_master, replica) {
                Ok(()) => return replica,
                Err(why) => last = why,
            }
            if deadline_passed(t, timeout) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{replica} did not take over from {old_master} within {timeout:?}: {last}\n\
             CLUSTER NODES:\n{}\n{}",
            self.cli(replica, &["cluster", "nodes"]),
            self.logs()
        );
    }

    fn promoted(&self, old_master: u16, replica: u16) -> Result<(), String> {
        let info = self.cli(replica, &["info", "replication"]);
        if info_field(&info, "role").as_deref() != Some("master") {
            return Err(format!("{replica}: INFO replication:\n{info}"));
        }
        for view in self.views() {
            let r = view.iter().find(|n| n.port == replica);
            let o = view.iter().find(|n| n.port == old_master);
            let ok = r.is_some_and(|r| r.is_master() && !r.slots.is_empty())
                && o.is_none_or(|o| o.slots.is_empty());
            if !ok {
                return Err(format!("a node still sees {r:?} and {o:?}"));
            }
        }
        for p in self.alive() {
            let info = self.cli(p, &["cluster", "info"]);
            if info_field(&info, "cluster_state").as_deref() != Some("ok") {
                return Err(format!("node {p}: CLUSTER INFO:\n{info}"));
            }
        }
        Ok(())
    }

    /// Start the killed node on `port` again (same nodes.conf: it rejoins as
    /// itself, and a failed-over master comes back as a replica).
    pub fn restart(&mut self, port: u16) {
        self.node_mut(port).spawn(&[]);
    }

    /// Wait until the node on `port` is a replica whose link to its master is up,
    /// and the cluster is ok on every running node.
    pub fn wait_replica_up(&self, port: u16, timeout: Duration) {
        self.wait_ok(timeout, |c, _| {
            let info = c.cli(port, &["info", "replication"]);
            if info_field(&info, "role").as_deref() == Some("slave")
                && info_field(&info, "master_link_status").as_deref() == Some("up")
            {
                Ok(())
            } else {
                Err(format!("{port}: INFO replication:\n{info}"))
            }
        });
    }

    /// redis-cli against `port` (no cluster redirections: the node answers itself).
    pub fn cli(&self, port: u16, args: &[&str]) -> String {
        redis_cli(port, None, args)
    }

    /// Commands on one connection (one a line).
    pub fn cli_script(&self, port: u16, script: &str) -> String {
        redis_cli_script(port, None, script)
    }

    fn node_mut(&mut self, port: u16) -> &mut Node {
        self.nodes
            .iter_mut()
            .find(|n| n.port == port)
            .unwrap_or_else(|| panic!("{port} is not a node of this cluster"))
    }

    /// The tails of every log (for panic messages).
    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| tail(&n.log, 12))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
