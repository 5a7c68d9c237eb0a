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

use nix::sys::signal::{pthread_sigmask, SigSet, SigmaskHow, Signal};
use redis::cluster::{ClusterClient, ClusterConnection};
use redis::{
    Client, Connection, ConnectionLike, ErrorKind, FromRedisValue, RedisError, RedisResult,
    ScriptInvocation, ServerErrorKind,
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

/// Async signals blocked on the calling thread for one call, restored after.
///
/// A socket read with a timeout (SO_RCVTIMEO) is never restarted by the kernel
/// after a signal handler ran, whatever SA_RESTART says (socket(7)): it fails
/// with EINTR, and the Redis client fails the call. Measured before this guard
/// (2026-12-02, loopback server): with SIGUSR1 sent every 200 µs to a C program,
/// 1086 of 2000 admissions failed; a Go program failed 2 of 10 race runs with no
/// signal of its own (Go's preemption signal, SIGURG, lands on the calling
/// thread); SIGPROF (profilers), SIGCHLD and the signal handlers of Python, PHP,
/// the JVM and libuv do the same. Deferred, the signals are delivered when the
/// call ends (at most the connect and command timeouts later). Synchronous
/// signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS) and SIGABRT are
/// never blocked; glibc keeps its internal signals out of a full set by itself.
/// Cost: two `rt_sigprocmask` calls, well under a microsecond next to a network
/// round trip. A stopped and continued process (SIGSTOP/SIGCONT, which cannot be
/// blocked) may still see EINTR: that call fails (`LEDGER_UNAVAILABLE`), it is
/// never run twice.
struct Deferred(Option<SigSet>);

impl Deferred {
    fn new() -> Deferred {
        let mut set = SigSet::all();
        for s in [
            Signal::SIGSEGV,
            Signal::SIGBUS,
            Signal::SIGILL,
            Signal::SIGFPE,
            Signal::SIGTRAP,
            Signal::SIGSYS,
            Signal::SIGABRT,
        ] {
            set.remove(s);
        }
        let mut old = SigSet::empty();
        match pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old)) {
            Ok(()) => Deferred(Some(old)),
            Err(_) => Deferred(None),
        }
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        if let Some(old) = self.0.take() {
            let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
        }
    }
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
        }
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
        let _deferred = Deferred::new();
        let reused = self.idle().conns.pop();
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
            Err(e) if (!fresh && closed(&e)) || no_script(&e) => {
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
