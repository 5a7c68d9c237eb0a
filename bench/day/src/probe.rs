//! Looking at a Redis server or cluster from outside the ledger: memory
//! (`INFO memory`), the bench's keys (`SCAN MATCH prefix*` on every master),
//! their `TYPE` and `PTTL`, and deleting them at the end.

use std::collections::BTreeMap;

use redis::{Connection, RedisResult};

/// Connections to every master of a server (one) or a cluster (each master).
pub struct Nodes {
    conns: Vec<Connection>,
    /// `host:port` of each master.
    pub addrs: Vec<String>,
}

/// A key kind of the bench's prefix: how many keys, and their PTTL range (ms;
/// -1: no expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyKind {
    /// Keys of this kind.
    pub count: u64,
    /// The smallest PTTL.
    pub min_pttl: i64,
    /// The largest PTTL.
    pub max_pttl: i64,
}

/// The key kinds (`days`, `seats`, `live`, `index`, `openers:0`, `room:*`…)
/// after the appId's hash tag, with counts and PTTLs.
pub type KeyReport = BTreeMap<String, KeyKind>;

fn connect(addr: &str) -> RedisResult<Connection> {
    let c = redis::Client::open(format!("redis://{addr}"))?;
    c.get_connection_with_timeout(std::time::Duration::from_secs(2))
}

impl Nodes {
    /// The masters behind a ledger URL: `redis://host:port[/db]` is itself;
    /// `redis+cluster://seed,seed…` lists its masters with `CLUSTER NODES`.
    pub fn open(url: &str) -> RedisResult<Nodes> {
        if let Some(seeds) = url.strip_prefix("redis+cluster://") {
            let seed = seeds.split(',').next().unwrap_or_default();
            let mut c = connect(seed)?;
            let text: String = redis::cmd("CLUSTER").arg("NODES").query(&mut c)?;
            let mut addrs = Vec::new();
            for line in text.lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() > 8 && f[2].contains("master") && !f[2].contains("fail") {
                    let addr = f[1].split('@').next().unwrap_or_default();
                    addrs.push(addr.to_owned());
                }
            }
            addrs.sort();
            let conns = addrs
                .iter()
                .map(|a| connect(a))
                .collect::<RedisResult<_>>()?;
            Ok(Nodes { conns, addrs })
        } else {
            let c = redis::Client::open(url)?
                .get_connection_with_timeout(std::time::Duration::from_secs(2))?;
            let addr = url.trim_start_matches("redis://").to_owned();
            Ok(Nodes {
                conns: vec![c],
                addrs: vec![addr],
            })
        }
    }

    /// `used_memory` summed over the masters, bytes.
    pub fn used_memory(&mut self) -> RedisResult<u64> {
        let mut sum = 0;
        for c in &mut self.conns {
            let info: String = redis::cmd("INFO").arg("memory").query(c)?;
            sum += info
                .lines()
                .find_map(|l| l.strip_prefix("used_memory:"))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
        Ok(sum)
    }

    /// Every key starting with `prefix` (no glob characters in it), per master.
    fn scan(&mut self, prefix: &str) -> RedisResult<Vec<Vec<String>>> {
        let pattern = format!("{prefix}*");
        let mut out = Vec::new();
        for c in &mut self.conns {
            let mut keys = Vec::new();
            let mut cursor: u64 = 0;
            loop {
                let (next, page): (u64, Vec<String>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query(c)?;
                keys.extend(page);
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            out.push(keys);
        }
        Ok(out)
    }

    /// How many keys start with `prefix`.
    pub fn count(&mut self, prefix: &str) -> RedisResult<u64> {
        Ok(self.scan(prefix)?.iter().map(|k| k.len() as u64).sum())
    }

    /// The keys of `prefix` by kind, with their PTTLs.
    pub fn keys(&mut self, prefix: &str) -> RedisResult<KeyReport> {
        let per_node = self.scan(prefix)?;
        let mut report = KeyReport::new();
        for (c, keys) in self.conns.iter_mut().zip(per_node) {
            for k in keys {
                let pttl: i64 = redis::cmd("PTTL").arg(&k).query(c)?;
                if pttl == -2 {
                    continue; // expired between SCAN and PTTL
                }
                let tail = k.rsplit_once("}:").map_or(k.as_str(), |(_, t)| t);
                let kind = if tail.starts_with("room:") {
                    "room:*".to_owned()
                } else {
                    tail.to_owned()
                };
                let e = report.entry(kind).or_insert(KeyKind {
                    count: 0,
                    min_pttl: i64::MAX,
                    max_pttl: i64::MIN,
                });
                e.count += 1;
                e.min_pttl = e.min_pttl.min(pttl);
                e.max_pttl = e.max_pttl.max(pttl);
            }
        }
        Ok(report)
    }

    /// The fields of the appId's `days` hash (to show what a day leaves).
    pub fn days_fields(&mut self, prefix: &str) -> RedisResult<u64> {
        let per_node = self.scan(prefix)?;
        let mut n = 0;
        for (c, keys) in self.conns.iter_mut().zip(per_node) {
            for k in keys.iter().filter(|k| k.ends_with("}:days")) {
                let len: u64 = redis::cmd("HLEN").arg(k).query(c)?;
                n += len;
            }
        }
        Ok(n)
    }

    /// Deletes every key of `prefix`; how many were deleted.
    pub fn delete(&mut self, prefix: &str) -> RedisResult<u64> {
        let per_node = self.scan(prefix)?;
        let mut n = 0;
        for (c, keys) in self.conns.iter_mut().zip(per_node) {
            // One DEL per key: in a cluster keys of several slots cannot share one.
            for k in &keys {
                let d: u64 = redis::cmd("DEL").arg(k).query(c)?;
                n += d;
            }
        }
        Ok(n)
    }
}

/// The process's resident memory, bytes (`/proc/self/statm`, 4 KiB pages).
pub fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}
