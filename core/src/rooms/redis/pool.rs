//! Connections: reused across calls, opened lazily, dropped on any error.
//!
//! One idle list behind a mutex (held only to push or pop, never during I/O), so
//! any number of threads can run scripts at once, each on its own connection.
//! A connection is opened with the connect timeout (which also bounds the
//! handshake: TLS, AUTH, SELECT) and runs every command under the command
//! timeout. A connection that failed in any way is dropped, never reused: after a
//! server restart the next call opens a fresh one, without the caller doing
//! anything. A child process forked from the one that opened the connections
//! never uses (nor closes) them: it opens its own.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use redis::cluster::{ClusterClient, ClusterConnection};
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, Slot, SlotAddr};
use redis::{
    Client, Connection, ConnectionLike, ErrorKind, FromRedisValue, RedisError, RedisResult,
    ScriptInvocation, ServerErrorKind,
};

use super::sentinel::Sentinels;
use super::signals::Deferred;
use super::url::Target;

/// Most idle connections kept (more are closed when returned).
const MAX_IDLE: usize = 64;

pub(crate) enum Clients {
    Single(Client),
    Cluster(ClusterClient),
    /// The master found through Redis Sentinel (sentinel.rs).
    Sentinel(Sentinels),
}

pub(crate) enum Conn {
    Single(Connection),
    /// Boxed: a cluster connection is four times the size of a plain one.
    Cluster(Box<ClusterConnection>),
}

impl Conn {
    pub(crate) fn as_dyn(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Single(c) => c,
            Conn::Cluster(c) => c.as_mut(),
        }
    }
}

/// The idle connections and the process that opened them.
struct Idle {
    pid: u32,
    conns: Vec<Conn>,
}

pub(crate) struct Pool {
    clients: Clients,
    idle: Mutex<Idle>,
    connect_timeout: Duration,
    command_timeout: Duration,
}

impl Pool {
    pub fn new(
        target: &Target,
        connect_timeout: Duration,
        command_timeout: Duration,
    ) -> RedisResult<Pool> {
        let clients = if target.cluster {
            Clients::Cluster(
                ClusterClient::builder(target.nodes.clone())
                    .connection_timeout(connect_timeout)
                    .response_timeout(command_timeout)
                    // MOVED/ASK redirections are followed; a node that does not
                    // answer is not retried past the timeouts.
                    .retries(1)
                    .min_retry_wait(1)
                    .max_retry_wait(10)
                    .build()?,
            )
        } else if let Some(spec) = &target.sentinel {
            // Checked here as the other forms are: each sentinel's URL is valid.
            for n in &target.nodes {
                Client::open(n.clone())?;
            }
            Clients::Sentinel(Sentinels::new(target.nodes.clone(), spec.clone()))
        } else {
            Clients::Single(Client::open(target.nodes[0].clone())?)
        };
        Ok(Pool {
            clients,
            idle: Mutex::new(Idle {
                pid: std::process::id(),
                conns: Vec::new(),
            }),
            connect_timeout,
            command_timeout,
        })
    }

    /// The idle list of this process: in a forked child, the parent's
    /// connections are forgotten (never used: the two processes would read each
    /// other's replies; never closed: a TLS close would write on the parent's
    /// stream).
    fn idle(&self) -> MutexGuard<'_, Idle> {
        // The list is valid whatever a panicking holder was doing.
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if idle.pid != pid {
            std::mem::forget(std::mem::take(&mut idle.conns));
            idle.pid = pid;
        }
        idle
    }

    fn open(&self) -> RedisResult<Conn> {
        match &self.clients {
            Clients::Single(client) => {
                let c = client.get_connection_with_timeout(self.connect_timeout)?;
                c.set_read_timeout(Some(self.command_timeout))?;
                c.set_write_timeout(Some(self.command_timeout))?;
                Ok(Conn::Single(c))
            }
            Clients::Cluster(client) => Ok(Conn::Cluster(Box::new(client.get_connection()?))),
            Clients::Sentinel(s) => Ok(Conn::Single(
                s.connect(self.connect_timeout, self.command_timeout)?,
            )),
        }
    }

    /// After a failed call: with Sentinel, the master may have changed, so it is
    /// asked of the sentinels again and the idle connections (to the old one) go.
    fn failed(&self, e: RedisError) -> RedisError {
        if let Clients::Sentinel(s) = &self.clients {
            s.forget();
            self.idle().conns.clear();
        }
        e
    }

    /// Run `script` (EVALSHA; on NOSCRIPT the client loads it and runs it again).
    /// Run again, once, on a fresh connection when a *reused* connection turns out
    /// to be closed (the server restarted since it was opened), or when the
    /// script cache was flushed again between the load and the run. The scripts
    /// are idempotent, so a second run never counts twice (an admission whose
    /// first run did happen answers as a renewal). Timeouts and interrupted reads
    /// are never run again: a call takes at most about the connect timeout plus
    /// the command timeout (two of them when a reused connection was closed).
    pub fn run<T: FromRedisValue>(&self, script: &ScriptInvocation<'_>) -> RedisResult<T> {
        self.run_once(script).map_err(|e| self.failed(e))
    }

    /// [`Pool::run`], then `WAIT acks wait_ms` on the same connection (in a
    /// cluster, on the connection to the master of `key`'s slot): the value and
    /// how many replicas acknowledged the write. `acks` 0: no WAIT, reported as 0.
    pub fn run_acked<T: FromRedisValue>(
        &self,
        script: &ScriptInvocation<'_>,
        acks: i64,
        wait_ms: i64,
        key: &str,
    ) -> RedisResult<(T, i64)> {
        if acks <= 0 {
            return self.run(script).map(|v| (v, 0));
        }
        let mut acked = 0;
        let v = self
            .run_then(script, |conn| {
                let mut wait = redis::cmd("WAIT");
                wait.arg(acks).arg(wait_ms);
                acked = match conn {
                    Conn::Single(c) => wait.query::<i64>(c)?,
                    Conn::Cluster(c) => {
                        let route = Route::with_slot(Slot::for_key(key), SlotAddr::Master);
                        let v = c.route_command(
                            &wait,
                            RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(route)),
                        )?;
                        i64::from_redis_value(v)?
                    }
                };
                Ok(())
            })
            .map_err(|e| self.failed(e))?;
        Ok((v, acked))
    }

    fn run_once<T: FromRedisValue>(&self, script: &ScriptInvocation<'_>) -> RedisResult<T> {
        self.run_then(script, |_| Ok(()))
    }

    /// Run `script` as [`Pool::run`] does, then `after` on the same connection.
    fn run_then<T: FromRedisValue>(
        &self,
        script: &ScriptInvocation<'_>,
        mut after: impl FnMut(&mut Conn) -> RedisResult<()>,
    ) -> RedisResult<T> {
        let _deferred = Deferred::new();
        let reused = self.idle().conns.pop();
        let fresh = reused.is_none();
        let mut conn = match reused {
            Some(c) => c,
            None => self.open()?,
        };
        match script.invoke::<T>(conn.as_dyn()) {
            Ok(v) => {
                after(&mut conn)?;
                self.give_back(conn);
                Ok(v)
            }
            Err(e) if (!fresh && closed(&e)) || no_script(&e) => {
                drop(conn);
                let mut conn = self.open()?;
                let v = script.invoke::<T>(conn.as_dyn())?;
                after(&mut conn)?;
                self.give_back(conn);
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }

    /// Run `f` (plain commands that only read, so running it twice is harmless)
    /// on a connection, with [`Pool::run`]'s policy: once more on a fresh
    /// connection when a reused one turns out to be closed; never after a timeout.
    pub fn with<T>(&self, f: impl FnMut(&mut Conn) -> RedisResult<T>) -> RedisResult<T> {
        self.with_once(f).map_err(|e| self.failed(e))
    }

    fn with_once<T>(&self, mut f: impl FnMut(&mut Conn) -> RedisResult<T>) -> RedisResult<T> {
        let _deferred = Deferred::new();
        let reused = self.idle().conns.pop();
        let fresh = reused.is_none();
        let mut conn = match reused {
            Some(c) => c,
            None => self.open()?,
        };
        match f(&mut conn) {
            Ok(v) => {
                self.give_back(conn);
                Ok(v)
            }
            Err(e) if !fresh && closed(&e) => {
                drop(conn);
                let mut conn = self.open()?;
                let v = f(&mut conn)?;
                self.give_back(conn);
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }

    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle();
        if idle.conns.len() < MAX_IDLE {
            idle.conns.push(conn);
        }
    }
}

/// The server closed the connection (reset, broken pipe, end of stream): not a
/// timeout, not an interrupted read (the script may have run), not an error the
/// server answered.
/// (`is_connection_dropped` does not count EINTR.)
fn closed(e: &RedisError) -> bool {
    !e.is_timeout() && e.is_connection_dropped()
}

/// NOSCRIPT again after the client's own reload: the cache was flushed twice.
fn no_script(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::NoScript)
}
