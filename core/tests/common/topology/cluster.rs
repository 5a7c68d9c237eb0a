//! A Redis Cluster of 3 masters with a replica each.

use super::*;
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
