//! [`Call`]: one ledger operation as napi-rs's [`Task`], run on libuv's thread
//! pool and settled as a Promise on the JavaScript thread.
//!
//! Why an `AsyncTask` (and not `#[napi] async fn` or a synchronous call):
//! - The API returns Promises now because a shared store (Redis, a later release)
//!   will do I/O, and the API must not change then. `#[napi] async fn` needs
//!   napi-rs's `tokio_rt` feature (tokio and its runtime threads in every
//!   process) for what is, today, well under a microsecond of work; a `Task`
//!   runs on the thread pool Node already has, with no dependency.
//! - Off the JavaScript thread, a store that blocks (a network round trip) never
//!   stalls the event loop.
//! - The price, measured (2-core AMD EPYC shared with other builds, Node 20.20;
//!   wall and CPU time agree, the hops are thread wake-ups, not waiting): an
//!   `admit` + `leave` pair awaited one at a time takes 36–42 µs through this
//!   task (bench.js, "ledger"), i.e. about 18–20 µs a call; with 100 pairs in
//!   flight, 26 µs a pair. The same two core calls made synchronously on the
//!   JavaScript thread through the addon took 3.9 µs (4.5 µs wrapped in an
//!   `async` function, i.e. the same Promise API), of which the core itself is
//!   0.7 µs (`make bench-core`); the rest is napi-rs's glue and building the
//!   result objects. So the thread hop costs about 16 µs a call: acceptable for
//!   a backend that makes one admission per join and one heartbeat per member
//!   every 15 s (10,000 members in calls: about 670 calls/s, 1 % of a core).
//!   Note that libuv's pool (4 threads unless `UV_THREADPOOL_SIZE` says
//!   otherwise) is shared with `fs`, `dns.lookup`, `zlib` and `crypto`'s
//!   asynchronous functions: under such load a ledger call waits its turn.
//!   Running the memory store's calls on the JavaScript thread instead would
//!   keep the Promise API (lib/ledger.js awaits whatever the addon returns):
//!   each method would return its value instead of an `AsyncTask`.
//!
//! A panic in the operation is caught here (`compute` runs in an `extern "C"`
//! callback of libuv, where an unwinding panic would abort the process) and
//! rejects with napi-rs's `GenericFailure`, which lib/errors.js reports as
//! `INTERNAL`, as `#[napi(catch_unwind)]` does for the synchronous functions.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{panic_to_error, JsObjectValue, ToNapiValue, TypeName};
use napi::{Env, JsValue, Status, Task};

/// The operation: runs on a pool thread, owns its (copied) arguments.
type Op<J> = Box<dyn FnOnce() -> Result<J, voipsign::Error> + Send>;

/// One call into the ledger, as an `AsyncTask`: `J` is what the Promise
/// resolves to; a core error rejects it with an `Error` whose `code` is the
/// core's name (`ROOM_FULL`, …) and whose `message` is the core's.
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
        output.map_err(|e| rejection(&env, e))
    }
}

/// The JavaScript error for a core error, made on the JavaScript thread: an
/// `Error` with `code` = the core's name and `message` = the core's message
/// (which never contains a session_key). napi-rs's `Task` rejects only with its
/// own `Status` codes, so the error object is built here and handed back as a
/// retained value, which napi-rs rejects the Promise with as it is.
fn rejection(env: &Env, e: voipsign::Error) -> napi::Error {
    let built = env
        .create_error(napi::Error::new(Status::GenericFailure, e.message()))
        .and_then(|mut error| {
            error.set_named_property("code", e.code().name())?;
            Ok(napi::Error::from(error.to_unknown()))
        });
    // Only if V8 could not allocate the error: a GenericFailure (INTERNAL).
    built.unwrap_or_else(|failed| failed)
}
