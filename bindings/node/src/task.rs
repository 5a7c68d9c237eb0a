//! [`Call`]: one ledger operation as napi-rs's [`Task`], run on libuv's thread
//! pool and settled as a Promise on the JavaScript thread. A ledger over Redis
//! ([`crate::ledger`]) runs every call this way: its calls wait on the network.
//!
//! Why an `AsyncTask` (and not `#[napi] async fn`, nor a synchronous call):
//! - A call to the Redis store blocks its thread for a round trip, and for up to
//!   its timeouts when the server is slow or gone (250 ms each by default). On
//!   the JavaScript thread that would stall every request of the process; on a
//!   pool thread the event loop goes on (__test__/redis.test.js checks that a
//!   `setInterval` keeps ticking while a call waits on a stopped server).
//! - The core's Redis store is synchronous (pooled blocking connections with
//!   socket timeouts). `#[napi] async fn` would need napi-rs's `tokio_rt` feature
//!   (tokio and its runtime threads in every process) only to block in
//!   `spawn_blocking` in the end; a `Task` runs on the thread pool Node already
//!   has, with no dependency.
//! - The price is a thread hop (measured in commit 2c8955d for the memory store:
//!   about 16 µs a call on the 2-core project machine), small beside a Redis round
//!   trip; the memory store, whose calls take under a microsecond, stays on the
//!   JavaScript thread ([`crate::ledger`]).
//! - libuv's pool (4 threads unless `UV_THREADPOOL_SIZE` says otherwise) is shared
//!   with `fs`, `dns.lookup`, `zlib` and `crypto`'s asynchronous functions: at most
//!   that many Redis calls run at once, the others wait their turn, and while the
//!   server does not answer each waiting call holds a pool thread for up to its
//!   timeouts (README.md, Rooms, says so).
//!
//! A panic in the operation is caught here (`compute` runs in an `extern "C"`
//! callback of libuv, where an unwinding panic would abort the process) and
//! rejects with napi-rs's `GenericFailure`, which lib/api.js reports as
//! `INTERNAL`, as `#[napi(catch_unwind)]` does for the synchronous functions.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{panic_to_error, ToNapiValue, TypeName};
use napi::{Env, Status, Task};

use crate::errors::js_error;

/// The operation: runs on a pool thread, owns its (copied) arguments.
type Op<J> = Box<dyn FnOnce() -> Result<J, voipsign::Error> + Send>;

/// One call into the ledger, as an `AsyncTask`: `J` is what the Promise
/// resolves to; a core error rejects it with the error of [`js_error`].
pub struct Call<J> {
    op: Option<Op<J>>,
}

impl<J> Call<J> {
    /// The task that runs `op` once.
    pub fn new(op: impl FnOnce() -> Result<J, voipsign::Error> + Send + 'static) -> Call<J> {
        Call {
            op: Some(Box::new(op)),
        }
    }
}

impl<J: ToNapiValue + TypeName + Send + 'static> Task for Call<J> {
    type Output = Result<J, voipsign::Error>;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let op = self
            .op
            .take()
            .ok_or_else(|| napi::Error::new(Status::GenericFailure, "a ledger call ran twice"))?;
        catch_unwind(AssertUnwindSafe(op)).map_err(panic_to_error)
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<J> {
        output.map_err(|e| js_error(&env, e))
    }
}
