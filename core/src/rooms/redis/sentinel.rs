//! The master of a `redis+sentinel://` URL: asked of the sentinels, kept while
//! it answers as the master, asked again after any failed call.
//!
//! The `redis` crate's own synchronous `Sentinel` connects to the sentinels and
//! to the master without a timeout (redis 1.8.1, `sentinel.rs`: `reconnect`
//! calls `Client::get_connection`), so a sentinel or a master that does not
//! answer (a dead host, a paused process) would hold a call for the operating
//! system's TCP timeout. Here every step uses the crate's connections with the
//! ledger's connect and command timeouts: `SENTINEL get-master-addr-by-name`
//! on each sentinel in turn (the first that names a master wins), then the
//! master, checked with `ROLE` (a demoted master answers `slave`).

use std::sync::Mutex;
use std::time::Duration;

use redis::{Client, Connection, ConnectionInfo, ErrorKind, RedisError, RedisResult};

use super::url::SentinelSpec;

/// The sentinels, the master's name, and the master last found.
pub(crate) struct Sentinels {
    sentinels: Vec<ConnectionInfo>,
    spec: SentinelSpec,
    /// The master's client while calls through it work; `None` after a failure.
    master: Mutex<Option<Client>>,
}

fn failed(what: &'static str, detail: String) -> RedisError {
    RedisError::from((ErrorKind::Io, what, detail))
}

fn timeouts(c: &Connection, t: Duration) -> RedisResult<()> {
    c.set_read_timeout(Some(t))?;
    c.set_write_timeout(Some(t))
}

impl Sentinels {
    /// The sentinels of `nodes` for the master `spec` names (nothing connected).
    pub fn new(nodes: Vec<ConnectionInfo>, spec: SentinelSpec) -> Sentinels {
        Sentinels {
            sentinels: nodes,
            spec,
            master: Mutex::new(None),
        }
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Option<Client>> {
        self.master.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forget the master: the next connection asks the sentinels again.
    pub fn forget(&self) {
        *self.cached() = None;
    }

    /// A connection to the master, with the command timeout set on it.
    pub fn connect(&self, connect: Duration, command: Duration) -> RedisResult<Connection> {
        let known = self.cached().clone();
        if let Some(client) = known {
            match self.open_master(&client, connect, command) {
                Ok(c) => return Ok(c),
                Err(_) => self.forget(),
            }
        }
        let client = self.ask(connect, command)?;
        let c = self.open_master(&client, connect, command)?;
        *self.cached() = Some(client);
        Ok(c)
    }

    /// Connect to `client` and check that it is the master.
    fn open_master(
        &self,
        client: &Client,
        connect: Duration,
        command: Duration,
    ) -> RedisResult<Connection> {
        let mut c = client.get_connection_with_timeout(connect)?;
        timeouts(&c, command)?;
        let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut c)?;
        match role.first() {
            Some(redis::Value::BulkString(r)) if r.as_slice() == b"master" => Ok(c),
            Some(redis::Value::SimpleString(r)) if r == "master" => Ok(c),
            _ => Err(failed(
                "not the master",
                "the server the sentinels named is not a master (a failover is under way)".into(),
            )),
        }
    }

    /// The master's client, as the first sentinel that answers names it.
    fn ask(&self, connect: Duration, command: Duration) -> RedisResult<Client> {
        let mut last = failed("no sentinel answered", "every sentinel failed".into());
        for s in &self.sentinels {
            let named = Client::open(s.clone())
                .and_then(|cl| cl.get_connection_with_timeout(connect))
                .and_then(|mut c| {
                    timeouts(&c, command)?;
                    redis::cmd("SENTINEL")
                        .arg("get-master-addr-by-name")
                        .arg(&self.spec.service)
                        .query::<Option<(String, u16)>>(&mut c)
                });
            match named {
                Ok(Some((host, port))) => return Client::open(self.spec.master(&host, port)?),
                Ok(None) => {
                    last = failed(
                        "unknown master",
                        format!("the sentinels know no master named {:?}", self.spec.service),
                    )
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}
