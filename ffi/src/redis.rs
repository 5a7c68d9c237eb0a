//! The room ledger over a Redis store (docs/ROOMS.md, "Stores") through the C
//! ABI: `voipsign_redis_options` and `voipsign_ledger_new_redis`. The ledger it
//! returns is the same `voipsign_ledger` as a memory ledger's: every
//! `voipsign_ledger_*` function takes it unchanged.

use std::ffi::c_char;

use voipsign::rooms::{Ledger, RedisOptions, Rules, DEFAULT_TIMEOUT_MS};
use voipsign::{Error, ErrorCode};

use crate::args::{guard, require, str_arg};
use crate::ledger::{VoipsignLedger, VoipsignRules};
use crate::status::{VoipsignError, VoipsignStatus};

/// How a Redis ledger connects. Start from `voipsign_redis_options_default()` and
/// change what you need; out of range: `VOIPSIGN_INVALID_RULES` when the ledger is
/// created.
///
/// `key_prefix` is borrowed for the call to `voipsign_ledger_new_redis` only (the
/// ledger keeps a copy).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VoipsignRedisOptions {
    /// Opening a connection (TCP, TLS, AUTH), ms, 1–60000 (default 250).
    pub connect_timeout_ms: i64,
    /// Each command (one script run), ms, 1–60000 (default 250).
    pub command_timeout_ms: i64,
    /// The first part of every key, as (pointer, length): 1–64 bytes of printable
    /// ASCII without `{` or `}`. Length 0 (the pointer is then ignored) is the
    /// default, `"voipsign"`. Ledgers with different prefixes on one server are
    /// independent (staging and production, tests).
    pub key_prefix: *const c_char,
    /// Length of `key_prefix` in bytes (0: the default prefix).
    pub key_prefix_len: usize,
}

/// The default Redis options: connect and command timeouts of 250 ms, the key
/// prefix `"voipsign"` (`key_prefix` NULL, `key_prefix_len` 0). Thread safety:
/// reentrant.
#[no_mangle]
pub extern "C" fn voipsign_redis_options_default() -> VoipsignRedisOptions {
    VoipsignRedisOptions {
        connect_timeout_ms: DEFAULT_TIMEOUT_MS,
        command_timeout_ms: DEFAULT_TIMEOUT_MS,
        key_prefix: std::ptr::null(),
        key_prefix_len: 0,
    }
}

impl VoipsignRedisOptions {
    /// The core's options (the prefix copied).
    ///
    /// # Safety
    /// `key_prefix` NULL or `key_prefix_len` readable bytes (when the length is not 0).
    unsafe fn to_options(self) -> Result<RedisOptions, Error> {
        let d = RedisOptions::default();
        let key_prefix = if self.key_prefix_len == 0 {
            d.key_prefix
        } else {
            // SAFETY: forwarded contract.
            unsafe { str_arg(self.key_prefix, self.key_prefix_len, "key_prefix")? }.to_owned()
        };
        // min_replica_acks is not a field of this struct (its layout is the ABI):
        // it is given through voipsign_ledger_open's options JSON.
        Ok(RedisOptions {
            connect_timeout_ms: self.connect_timeout_ms,
            command_timeout_ms: self.command_timeout_ms,
            key_prefix,
            ..d
        })
    }
}

/// Create a ledger over a Redis store: one Redis server or a Redis Cluster shared
/// by every backend instance that uses the same URL and key prefix (each operation
/// is one server-side script, atomic against every other instance).
///
/// `url` (UTF-8, not NUL-terminated): `redis://[user:password@]host[:port][/db]`,
/// `rediss://…` (TLS), `redis+cluster://[user:password@]host:port[,host:port…]`
/// or `rediss+cluster://…` (a Redis Cluster, by one or more seed nodes). `options`
/// NULL is `voipsign_redis_options_default()`.
///
/// Checks, in order: NULL and UTF-8 of the arguments; the URL
/// (`VOIPSIGN_INVALID_REDIS_URL`); the rules, then the options
/// (`VOIPSIGN_INVALID_RULES`). Nothing is connected here: an unreachable server is
/// not an error of this function; each later call then follows the rules'
/// `on_unavailable` (admit flagged degraded, or `VOIPSIGN_LEDGER_UNAVAILABLE`).
/// The URL may carry a password: it never appears in a `voipsign_error` message
/// of this or any later call.
///
/// On success `*out` receives a ledger the caller owns and must release with
/// `voipsign_ledger_free`; on failure `*out` is untouched. Every
/// `voipsign_ledger_*` function works on it as on a memory ledger, but may block
/// on network I/O: usually one round trip, at most about `connect_timeout_ms` plus
/// two `command_timeout_ms` when the server is slow or gone. Thread safety: one
/// ledger may be shared by any number of threads at once (each call uses its own
/// pooled connection); create it once per process and reuse it. A ledger survives
/// a restart of the server: the next call reconnects.
///
/// # Safety
/// `(url, url_len)` `(NULL, 0)` or readable; `rules` NULL or a readable
/// `voipsign_rules`; `options` NULL or a readable `voipsign_redis_options` whose
/// `key_prefix` is readable for `key_prefix_len` bytes; `out` NULL or writable;
/// `err` NULL or a writable `voipsign_error`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_ledger_new_redis(
    url: *const c_char,
    url_len: usize,
    rules: *const VoipsignRules,
    options: *const VoipsignRedisOptions,
    out: *mut *mut VoipsignLedger,
    err: *mut VoipsignError,
) -> VoipsignStatus {
    guard(err, || {
        // SAFETY: the caller upholds this function's contract for every pointer.
        unsafe {
            let url = str_arg(url, url_len, "url")?;
            require(rules, "rules")?;
            let options = if options.is_null() {
                voipsign_redis_options_default()
            } else {
                *options
            }
            .to_options()?;
            require(out, "out")?;
            let rules = match (*rules).to_rules() {
                Ok(r) => r,
                // An on_unavailable with no meaning: still, the URL is checked first
                // (as Ledger::redis orders its checks).
                Err(e) => {
                    return Err(
                        match Ledger::redis(url, Rules::default(), RedisOptions::default()) {
                            Err(u) if u.code() == ErrorCode::InvalidRedisUrl => u,
                            _ => e,
                        },
                    )
                }
            };
            let ledger = Ledger::redis(url, rules, options)?;
            *out = Box::into_raw(Box::new(VoipsignLedger(ledger)));
        }
        Ok(())
    })
}
