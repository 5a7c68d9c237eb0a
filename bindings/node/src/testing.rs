//! Only in an addon built with the cargo feature `test-panic` (off by default,
//! so never in the production addon of `npm run build`).

use napi_derive::napi;
use zeroize::Zeroizing;

use crate::errors::{js_error, Result};

/// Panics, so that the tests can check the panic becomes `INTERNAL` and the
/// process goes on. Given a session_key, it first has the core check it (errors
/// as for `sign`), so that the tests can check the key appears neither in the
/// `INTERNAL` error nor in what the panic prints.
#[napi(catch_unwind, js_name = "_panicForTesting")]
pub fn panic_for_testing(session_key: Option<String>) -> Result<()> {
    if let Some(key) = session_key.map(Zeroizing::new) {
        voipsign::request::session_signature(&key, b"").map_err(js_error)?;
        panic!("deliberate panic for testing, after a valid sessionKey")
    }
    panic!("deliberate panic for testing")
}
