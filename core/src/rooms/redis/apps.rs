//! `apps`: the appIds whose newest operation day (field `last` of their days
//! hash) is today. The only place the store looks for keys: `SCAN` (never
//! `KEYS`) with MATCH `<prefix>:{*}:days`, on the server or on every master of a
//! cluster, then one `HGET <key> last` per key found (one pipeline). Reads only.

use redis::cluster::{cluster_pipe, ClusterConnection};
use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{cmd, from_redis_value, pipe, Cmd, ErrorKind, RedisError, RedisResult, Value};

use super::keys;
use super::pool::Conn;
use crate::rooms::rules::Limits;

/// Keys asked of SCAN per page.
const SCAN_COUNT: u32 = 1000;

/// The SCAN pattern of every appId's days key under `prefix` (its glob
/// characters escaped: a prefix is printable ASCII and may hold `*?[]\`).
pub(super) fn pattern(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 10);
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push_str(":{*}:days");
    p
}

/// The appId whose days key is `key` (`None` for a key of another shape).
pub(super) fn app_of(prefix: &str, key: &str) -> Option<String> {
    let tag = key
        .strip_prefix(prefix)?
        .strip_prefix(":{")?
        .strip_suffix("}:days")?;
    let app = keys::unhex(tag)?;
    (keys::days(prefix, &app) == key).then_some(app)
}

/// The appIds (sorted, each once) whose days hash says an operation had the
/// day of `now` or a later one; `now` is the server's `TIME` when `None`.
pub(super) fn apps(
    conn: &mut Conn,
    l: &Limits,
    prefix: &str,
    now: Option<i64>,
) -> RedisResult<Vec<String>> {
    let now = match now {
        Some(t) => t,
        None => server_ms(conn)?,
    };
    let today = l.day(now);
    let pattern = pattern(prefix);
    let found = match conn {
        Conn::Single(c) => scan(&pattern, |x| x.query(c))?,
        Conn::Cluster(c) => {
            let mut found = Vec::new();
            for (host, port) in masters(c)? {
                let to = RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress { host, port });
                found.extend(scan(&pattern, |x| c.route_command(x, to.clone()))?);
            }
            found
        }
    };
    let days: Vec<(String, String)> = found
        .into_iter()
        .filter_map(|k| app_of(prefix, &k).map(|app| (k, app)))
        .collect();
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let lasts: Vec<Option<i64>> = match conn {
        Conn::Single(c) => {
            let mut p = pipe();
            for (k, _) in &days {
                p.hget(k, "last");
            }
            p.query(c)?
        }
        Conn::Cluster(c) => {
            let mut p = cluster_pipe();
            for (k, _) in &days {
                p.hget(k, "last");
            }
            p.query(c)?
        }
    };
    let mut apps: Vec<String> = days
        .into_iter()
        .zip(lasts)
        .filter(|(_, last)| last.is_some_and(|d| d >= today))
        .map(|((_, app), _)| app)
        .collect();
    apps.sort_unstable();
    apps.dedup();
    Ok(apps)
}

/// The server's clock in unix ms (`TIME`; on a cluster, any node's).
fn server_ms(conn: &mut Conn) -> RedisResult<i64> {
    let (s, us): (i64, i64) = cmd("TIME").query(conn.as_dyn())?;
    Ok(s * 1000 + us / 1000)
}

/// Every key matching `pattern` on one node: SCAN until the cursor is back
/// at 0 (a key may be listed twice; never missed if it lived throughout).
fn scan(
    pattern: &str,
    mut run: impl FnMut(&Cmd) -> RedisResult<Value>,
) -> RedisResult<Vec<String>> {
    let mut out = Vec::new();
    let mut cursor = 0u64;
    loop {
        let mut c = cmd("SCAN");
        c.arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(SCAN_COUNT);
        let (next, keys): (u64, Vec<String>) = from_redis_value(run(&c)?.extract_error()?)?;
        out.extend(keys);
        if next == 0 {
            return Ok(out);
        }
        cursor = next;
    }
}

/// The masters of the cluster that serve slots (`CLUSTER NODES`), as
/// (host, port): every key is on one of them.
fn masters(c: &mut ClusterConnection) -> RedisResult<Vec<(String, u16)>> {
    let mut q = cmd("CLUSTER");
    q.arg("NODES");
    let v = c.route_command(&q, RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random))?;
    let text: String = from_redis_value(v.extract_error()?)?;
    let out = parse_masters(&text);
    if out.is_empty() {
        return Err(RedisError::from((
            ErrorKind::ClusterConnectionNotFound,
            "CLUSTER NODES lists no master serving slots",
        )));
    }
    Ok(out)
}

/// The (host, port) of each master with slots in a `CLUSTER NODES` reply
/// (lines `<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong>
/// <epoch> <link> <slot>...`).
fn parse_masters(text: &str) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 9 || !f[2].split(',').any(|x| x == "master") {
            continue;
        }
        let addr = f[1].split(['@', ',']).next().unwrap_or("");
        if let Some((host, port)) = addr.rsplit_once(':') {
            if let Ok(port) = port.parse() {
                out.push((host.to_owned(), port));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_escapes_the_prefix_and_keys_give_their_app_back() {
        assert_eq!(pattern("voipsign"), "voipsign:{*}:days");
        assert_eq!(pattern(r"a*b?[c]\d"), r"a\*b\?\[c\]\\d:{*}:days");
        let k = keys::days("p", "wx{1}:é");
        assert_eq!(app_of("p", &k).as_deref(), Some("wx{1}:é"));
        assert_eq!(app_of("p", "p:{77}:days").as_deref(), Some("w"));
        for other in [
            "q:{77}:days",
            "p:{7}:days",
            "p:{77}:seats",
            "p:{77}}:x:{77}:days",
        ] {
            assert_eq!(app_of("p", other), None, "{other}");
        }
    }

    #[test]
    fn masters_with_slots_only() {
        let nodes = "\
a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460
b2 127.0.0.1:7001@17001,node-b master - 0 1 2 connected 5461-10922
c3 127.0.0.1:7003@17003 slave a1 0 1 1 connected
d4 ::1:7002@17002 master - 0 1 3 connected 10923-16383
e5 127.0.0.1:7004@17004 master - 0 1 4 connected
";
        assert_eq!(
            parse_masters(nodes),
            vec![
                ("127.0.0.1".to_owned(), 7000),
                ("127.0.0.1".to_owned(), 7001),
                ("::1".to_owned(), 7002)
            ]
        );
    }
}
