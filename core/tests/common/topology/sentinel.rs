//! The Sentinel set: a master, 2 replicas and 3 sentinels (quorum 2).

use super::*;
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
        self.wait_replica_of(port, None, timeout)
    }

    /// `wait_replica_up`, and (when given) of the master on `master`.
    pub fn wait_replica_of(&self, port: u16, master: Option<u16>, timeout: Duration) {
        let t = Instant::now();
        loop {
            let info = self.cli(port, &["info", "replication"]);
            if info_field(&info, "role").as_deref() == Some("slave")
                && info_field(&info, "master_link_status").as_deref() == Some("up")
                && master.is_none_or(|m| info_field(&info, "master_port") == Some(m.to_string()))
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
