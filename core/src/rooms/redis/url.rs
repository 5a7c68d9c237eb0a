//! Reading a Redis store URL without ever echoing it (it may carry a password).
//!
//! `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS),
//! `redis+cluster://[user:password@]host:port[,host:port…]` and
//! `rediss+cluster://…` (a Redis Cluster, given by one or more seed nodes),
//! `redis+sentinel://[user:password@]host:port[,host:port…]/MASTER[/db]` and
//! `rediss+sentinel://…` (the master named MASTER, found through these Redis
//! Sentinels; the password is the sentinels' and the master's).

use redis::{ConnectionInfo, IntoConnectionInfo};

use crate::error::{Error, ErrorCode};

/// Where the store lives, parsed.
pub(crate) struct Target {
    /// One entry per node given (one unless `cluster`).
    pub nodes: Vec<ConnectionInfo>,
    pub cluster: bool,
    pub tls: bool,
    /// `host:port` of every node, for messages (never the credentials).
    pub shown: String,
    /// Every form of the password that could reach a message, for redaction.
    pub secrets: Vec<String>,
    /// Set for a `redis+sentinel://` URL: `nodes` are the sentinels.
    pub sentinel: Option<SentinelSpec>,
}

/// The master a `redis+sentinel://` URL names, and how to connect to it once
/// the sentinels gave its address.
#[derive(Clone)]
pub(crate) struct SentinelSpec {
    /// The master's name in the sentinels' configuration.
    pub service: String,
    /// `redis` or `rediss`.
    pub scheme: &'static str,
    /// `user:password` as given (for the master's URL; never shown).
    pub userinfo: Option<String>,
    /// The master's database.
    pub db: i64,
}

impl SentinelSpec {
    /// The connection to the master at `host:port`.
    pub fn master(&self, host: &str, port: u16) -> redis::RedisResult<ConnectionInfo> {
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let url = match &self.userinfo {
            Some(u) => format!("{}://{u}@{host}:{port}/{}", self.scheme, self.db),
            None => format!("{}://{host}:{port}/{}", self.scheme, self.db),
        };
        url.as_str().into_connection_info()
    }
}

impl std::fmt::Debug for SentinelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentinelSpec")
            .field("service", &self.service)
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

fn invalid(why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidRedisUrl,
        format!("url {why} (the URL is not shown: it may carry a password)"),
    )
}

/// The client library refused the parsed URL (a TLS setting it cannot honour).
pub(crate) fn invalid_config() -> Error {
    invalid("could not be used by the Redis client (unsupported TLS or connection settings)")
}

/// Parse `url`; `INVALID_REDIS_URL` names what is wrong, never the URL itself.
pub(crate) fn parse(url: &str) -> Result<Target, Error> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        invalid("must start with redis://, rediss://, redis+cluster://, redis+sentinel:// or their rediss forms")
    })?;
    let (base, cluster, sentinel) = match scheme {
        "redis" => ("redis", false, false),
        "rediss" => ("rediss", false, false),
        "redis+cluster" => ("redis", true, false),
        "rediss+cluster" => ("rediss", true, false),
        "redis+sentinel" => ("redis", false, true),
        "rediss+sentinel" => ("rediss", false, true),
        _ => return Err(invalid(
            "has an unknown scheme; use redis://, rediss://, redis+cluster://, redis+sentinel:// or their rediss forms",
        )),
    };
    // authority = [userinfo@]hosts, up to the first '/', '?' or '#'.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hosts) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let mut secrets = Vec::new();
    if let Some(password) = userinfo.and_then(|u| u.split_once(':')).map(|(_, p)| p) {
        if !password.is_empty() {
            secrets.push(password.to_owned());
            if let Ok(decoded) = percent_decode(password) {
                if decoded != password {
                    secrets.push(decoded);
                }
            }
        }
    }
    if hosts.is_empty() {
        return Err(invalid("has no host"));
    }
    if cluster && !(tail.is_empty() || tail == "/") {
        return Err(invalid(
            "of a cluster takes no database or options: a Redis Cluster has database 0 only",
        ));
    }
    let mut tail = tail;
    let spec = if sentinel {
        let path = tail.strip_prefix('/').unwrap_or("");
        if tail.contains(['?', '#']) {
            return Err(invalid(
                "of Redis Sentinel takes no options: redis+sentinel://hosts/MASTER[/db]",
            ));
        }
        let mut parts = path.split('/');
        let service = parts.next().unwrap_or("");
        if service.is_empty() || !service.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "of Redis Sentinel must name the master: redis+sentinel://hosts/MASTER[/db]",
            ));
        }
        let db = match parts.next() {
            None | Some("") => 0,
            Some(d) => d
                .parse::<i64>()
                .ok()
                .filter(|d| (0..=1_000_000).contains(d))
                .ok_or_else(|| invalid("of Redis Sentinel has a database that is not a number"))?,
        };
        if parts.next().is_some() {
            return Err(invalid(
                "of Redis Sentinel has more than MASTER[/db] in its path",
            ));
        }
        tail = "";
        Some(SentinelSpec {
            service: service.to_owned(),
            scheme: if base == "rediss" { "rediss" } else { "redis" },
            userinfo: userinfo.map(str::to_owned),
            db,
        })
    } else {
        None
    };
    let list: Vec<&str> = hosts.split(',').collect();
    if !cluster && !sentinel && list.len() > 1 {
        return Err(invalid(
            "lists several hosts; use redis+cluster:// for a Redis Cluster, redis+sentinel:// for sentinels",
        ));
    }
    let mut nodes = Vec::with_capacity(list.len());
    for host in &list {
        if host.is_empty() {
            return Err(invalid("has an empty host in its list"));
        }
        let one = match userinfo {
            Some(u) => format!("{base}://{u}@{host}{tail}"),
            None => format!("{base}://{host}{tail}"),
        };
        let info = one.as_str().into_connection_info().map_err(|_| {
            invalid("is not a Redis URL: expected redis://[user:password@]host[:port][/db]")
        })?;
        nodes.push(info);
    }
    Ok(Target {
        shown: list.join(","),
        nodes,
        cluster,
        tls: base == "rediss",
        secrets,
        sentinel: spec,
    })
}

fn percent_decode(s: &str) -> Result<String, ()> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3).ok_or(())?;
            out.push(u8::from_str_radix(h, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

impl Target {
    /// `text` with every form of the password replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(url: &str) -> String {
        match parse(url) {
            Ok(_) => "OK".into(),
            Err(e) => {
                assert!(!e.message().contains("s3cret"), "{}", e.message());
                e.code().name().into()
            }
        }
    }

    #[test]
    fn forms() {
        for ok in [
            "redis://127.0.0.1:6379",
            "redis://:s3cret@127.0.0.1:6379/2",
            "redis://user:s3cret@localhost",
            "rediss://:s3cret@cache.example:6380",
            "redis+cluster://127.0.0.1:7000,127.0.0.1:7001",
            "rediss+cluster://:s3cret@10.0.0.1:7000",
            "redis+sentinel://:s3cret@127.0.0.1:26379,127.0.0.1:26380/mymaster",
            "rediss+sentinel://h:26379/mymaster/3",
        ] {
            assert_eq!(code(ok), "OK", "{ok}");
        }
        for bad in [
            "redis+sentinel://:s3cret@a:1,b:2",
            "redis+sentinel://:s3cret@a:1/",
            "redis+sentinel://:s3cret@a:1/m/x",
            "redis+sentinel://:s3cret@a:1/m/1/2",
            "redis+sentinel://:s3cret@a:1/m?x=1",
            "redis+sentinel://:s3cret@a:1,,b:2/m",
        ] {
            assert_eq!(code(bad), "INVALID_REDIS_URL", "{bad}");
        }
        let t = parse("redis+sentinel://u:s3cret@a:1,b:2/vs/4").unwrap();
        let s = t.sentinel.as_ref().unwrap();
        assert_eq!((s.service.as_str(), s.db, t.nodes.len()), ("vs", 4, 2));
        assert_eq!(t.shown, "a:1,b:2");
        assert_eq!(
            crate::rooms::RedisStore::redacted_url("redis+sentinel://u:s3cret@a:1,b:2/vs/4")
                .as_deref(),
            Some("redis+sentinel://***@a:1,b:2/vs/4")
        );
        assert!(!format!("{s:?}").contains("s3cret"));
        let m = s.master("10.0.0.9", 6380).unwrap();
        assert_eq!(m.redis_settings().db(), 4);
        assert_eq!(m.redis_settings().password(), Some("s3cret"));
        for bad in [
            "",
            "127.0.0.1:6379",
            "http://:s3cret@127.0.0.1",
            "redis://:s3cret@",
            "redis://:s3cret@a:1,b:2",
            "redis+cluster://:s3cret@a:1,,b:2",
            "redis+cluster://:s3cret@a:1/3",
            "redis://:s3cret@127.0.0.1:notaport",
        ] {
            assert_eq!(code(bad), "INVALID_REDIS_URL", "{bad}");
        }
    }

    #[test]
    fn redacted_urls() {
        use crate::rooms::RedisStore;
        let r = |u: &str| RedisStore::redacted_url(u);
        assert_eq!(
            r("redis://:s3cret@h:1/2?x=s3cret").as_deref(),
            Some("redis://***@h:1/2")
        );
        assert_eq!(r("rediss://h").as_deref(), Some("rediss://h"));
        assert_eq!(
            r("redis+cluster://u:s3cret@a:1,b:2").as_deref(),
            Some("redis+cluster://***@a:1,b:2")
        );
        assert_eq!(r("nope://s3cret"), None);
    }

    #[test]
    fn shows_hosts_and_redacts_passwords() {
        let t = parse("redis+cluster://u:p%40ss@10.0.0.1:7000,10.0.0.2:7000").unwrap();
        assert_eq!(t.shown, "10.0.0.1:7000,10.0.0.2:7000");
        assert!(t.cluster && !t.tls && t.nodes.len() == 2);
        assert_eq!(
            t.redact("auth p%40ss or p@ss failed"),
            "auth *** or *** failed"
        );
    }
}
