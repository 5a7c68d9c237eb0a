//! Connections: reused across calls, opened lazily, dropped on any error.
//!
//! One idle list behind a mutex (held only to push or pop, never during I/O), so
//! any number of threads can run scripts at once, each on its own connection.
//! A connection is opened with the connect timeout (which also bounds the
//! handshake: TLS, AUTH, SELECT) and runs every command under the command
//! timeout. A connection that failed in any way is dropped, never reused: after a
//! server restart the next call opens a fresh one, without the caller doing
//! anything.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use redis::cluster::{ClusterClient, ClusterConnection};
use redis::{
    Client, Connection, ConnectionLike, FromRedisValue, RedisError, RedisResult, ScriptInvocation,
};

use super::url::Target;

/// Most idle connections kept (more are closed when returned).
const MAX_IDLE: usize = 64;

pub(crate) enum Clients {
    Single(Client),
    Cluster(ClusterClient),
}

pub(crate) enum Conn {
    Single(Connection),
    /// Boxed: a cluster connection is four times the size of a plain one.
    Cluster(Box<ClusterConnection>),
}

impl Conn {
    fn as_dyn(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Single(c) => c,
            Conn::Cluster(c) => c.as_mut(),
        }
    }
}

pub(crate) struct Pool {
    clients: Clients,
    idle: Mutex<Vec<Conn>>,
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
        } else {
            Clients::Single(Client::open(target.nodes[0].clone())?)
        };
        Ok(Pool {
            clients,
            idle: Mutex::new(Vec::new()),
            connect_timeout,
            command_timeout,
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Conn>> {
        // The list is valid whatever a panicking holder was doing.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
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
        }
    }

    /// Run `script` (EVALSHA; on NOSCRIPT it is loaded and run again). A reused
    /// connection that turns out to be closed (the server restarted since) is
    /// replaced once; the scripts are idempotent, so the retry cannot count twice.
    pub fn run<T: FromRedisValue>(&self, script: &ScriptInvocation<'_>) -> RedisResult<T> {
        let reused = self.idle().pop();
        let fresh = reused.is_none();
        let mut conn = match reused {
            Some(c) => c,
            None => self.open()?,
        };
        match script.invoke::<T>(conn.as_dyn()) {
            Ok(v) => {
                self.give_back(conn);
                Ok(v)
            }
            Err(e) if !fresh && closed(&e) => {
                drop(conn);
                let mut conn = self.open()?;
                let v = script.invoke::<T>(conn.as_dyn())?;
                self.give_back(conn);
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }

    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}

/// The connection was found closed (not a timeout: a timeout is not retried, so a
/// call never takes more than its timeouts).
fn closed(e: &RedisError) -> bool {
    !e.is_timeout() && (e.is_connection_dropped() || e.is_connection_refusal() || e.is_io_error())
}
