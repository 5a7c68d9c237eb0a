//! Only in an addon built with the cargo feature `test-panic` (off by default,
//! so never in the production addon of `npm run build`).

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::errors::{js_error, Result};
use crate::task::Call;

/// Panics, so that the tests can check the panic becomes `INTERNAL` and the
/// process goes on. Given a session_key, it first has the core check it (errors
/// as for `sign`), so that the tests can check the key appears neither in the
/// `INTERNAL` error nor in what the panic prints.
#[napi(catch_unwind, js_name = "_panicForTesting")]
pub fn panic_for_testing(env: Env, session_key: Option<String>) -> Result<()> {
    if let Some(key) = session_key.map(Zeroizing::new) {
        voipsign::request::session_signature(&key, b"").map_err(|e| js_error(&env, e))?;
        panic!("deliberate panic for testing, after a valid sessionKey")
    }
    panic!("deliberate panic for testing")
}

/// A ledger-style `AsyncTask` (as the Redis ledger's calls run) whose work panics
/// on the pool thread, so that the tests can check it rejects with `INTERNAL`
/// (and does not abort the process).
#[napi(
    catch_unwind,
    js_name = "_panicAsyncForTesting",
    ts_return_type = "Promise<boolean>"
)]
pub fn panic_async_for_testing() -> AsyncTask<Call<bool>> {
    AsyncTask::new(Call::new(
        || -> std::result::Result<bool, voipsign::Error> {
            panic!("deliberate panic for testing, on a pool thread")
        },
    ))
}
