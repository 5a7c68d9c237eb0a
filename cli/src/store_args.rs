//! Where `voipsign rooms …` finds its ledger: the memory store (simulate only) or
//! a Redis server / cluster, given by `--redis URL` (no password: argv is
//! visible to every user of the machine) or `--redis-env NAME` (the URL, password
//! included, in an environment variable).

use clap::Args;
use voipsign::rooms::{Ledger, RedisOptions, RedisStore, Rules, DEFAULT_TIMEOUT_MS, KEY_PREFIX};
use voipsign::{Error, ErrorCode};

/// The Redis store options of `rooms` commands.
#[derive(Args, Debug)]
pub struct RedisArgs {
    /// The Redis URL: redis://host:port[/db], rediss:// (TLS), redis+cluster://h1:p1,h2:p2,
    /// redis+sentinel://s1:p1,s2:p2/MASTER[/db].
    /// A URL with a password is refused here (use --redis-env).
    #[arg(long, conflicts_with = "redis_env")]
    pub redis: Option<String>,
    /// The name of an environment variable holding the Redis URL (may carry a password).
    #[arg(long, value_name = "NAME")]
    pub redis_env: Option<String>,
    /// The first part of every key the ledger writes.
    #[arg(long, default_value = KEY_PREFIX)]
    pub key_prefix: String,
    /// Connect timeout, ms.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS)]
    pub connect_timeout_ms: i64,
    /// Command timeout, ms.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS)]
    pub command_timeout_ms: i64,
}

impl RedisArgs {
    /// The URL from --redis or --redis-env, if one was given.
    pub fn url(&self) -> Result<Option<String>, Error> {
        if let Some(url) = &self.redis {
            if RedisStore::url_has_password(url) {
                return Err(Error::new(
                    ErrorCode::InvalidRedisUrl,
                    "--redis: the URL carries a password, which every user of this machine can read on a command line; put the URL in an environment variable and pass --redis-env NAME",
                ));
            }
            return Ok(Some(url.clone()));
        }
        match &self.redis_env {
            None => Ok(None),
            Some(name) => match std::env::var(name) {
                Ok(url) if !url.is_empty() => Ok(Some(url)),
                _ => Err(Error::new(
                    ErrorCode::InvalidRedisUrl,
                    format!("--redis-env: the environment variable {name} is unset or empty"),
                )),
            },
        }
    }

    /// A ledger on the Redis store with `rules` and `prefix` (default: --key-prefix).
    pub fn ledger(&self, url: &str, rules: Rules, prefix: Option<&str>) -> Result<Ledger, Error> {
        Ledger::redis(
            url,
            rules,
            RedisOptions {
                connect_timeout_ms: self.connect_timeout_ms,
                command_timeout_ms: self.command_timeout_ms,
                key_prefix: prefix.unwrap_or(&self.key_prefix).to_owned(),
                // The command only reads: no write to have acknowledged.
                ..RedisOptions::default()
            },
        )
    }

    /// The ledger of `status` / `usage`: a Redis URL is required.
    pub fn required(&self, rules: Rules) -> Result<Ledger, Error> {
        match self.url()? {
            Some(url) => self.ledger(&url, rules, None),
            None => Err(Error::new(
                ErrorCode::InvalidRedisUrl,
                "this command reads a shared ledger: pass --redis URL or --redis-env NAME",
            )),
        }
    }
}
