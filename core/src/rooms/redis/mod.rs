//! The Redis store: one ledger shared by every backend instance, on one Redis
//! server (≥ 6.2) or a Redis Cluster.
//!
//! Each operation is one server-side Lua script (`lua/*.lua`, run with EVALSHA; a
//! flushed script cache is reloaded transparently), so it is atomic against every
//! other instance. Without an explicit time a script reads the server's `TIME`:
//! every instance counts on one clock, and an admission racing midnight is charged
//! to the day its own time falls in. Every key a script touches is passed in
//! `KEYS` and carries the appId's hash tag (see [`keys`]). Keys expire on their
//! own: a room when its last lease ends (plus [`EXPIRY_MARGIN_MS`]), an appId's
//! day counters, seat index and live-room index two days after the end of the
//! newest day they count (lua/prelude.lua). Admit of a seated member is a
//! renewal, so a retried call never counts twice.
//!
//! The URL may carry a password: it never appears in an error or in `Debug`.

mod apps;
mod keys;
mod pool;
mod sentinel;
mod signals;
mod url;

use std::fmt;
use std::sync::Once;
use std::time::Duration;

use redis::{RedisError, Script, Value};

use super::counters::{DayCounts, Hours, Usage, COUNTERS};
use super::model::{Admission, Room, RoomPage, RoomSummary, Seat};
use super::rules::{Limits, OnUnavailable};
use super::store::Store;
use crate::contract::options::check_timeout;
use crate::contract::Spelling;
use crate::error::{Error, ErrorCode};

pub use keys::PREFIX as KEY_PREFIX;

/// How long a room's key outlives its last lease (ms). An empty room's generation
/// is forgotten that long after its last seat ended (the memory store keeps it
/// for two days).
pub const EXPIRY_MARGIN_MS: i64 = 1_000;
/// The largest explicit time (or day) the Redis store takes, in absolute value:
/// 2^52 ms (about 142,000 years), so that the scripts' numbers stay exact.
pub const MAX_EXPLICIT_TIME_MS: i64 = 1 << 52;
/// The default connect and command timeouts (ms).
pub const DEFAULT_TIMEOUT_MS: i64 = 250;
/// The longest connect or command timeout accepted (ms).
pub const MAX_TIMEOUT_MS: i64 = 60_000;

/// Connection settings of a Redis store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// Opening a connection (TCP, TLS, AUTH), ms: 1–60 000, default 250.
    pub connect_timeout_ms: i64,
    /// Each command (one script run), ms: 1–60 000, default 250.
    pub command_timeout_ms: i64,
    /// The first part of every key (default `voipsign`): ledgers with different
    /// prefixes on one server are independent (staging and production, tests).
    /// 1–64 bytes of printable ASCII without `{` or `}`.
    pub key_prefix: String,
    /// Replicas that must acknowledge each write, 0–16 (default 0: none): after
    /// each write the store sends `WAIT` on the same connection, for at most
    /// half the command timeout, so its answer comes inside the socket's timeout. A write acknowledged by fewer replicas is
    /// reported as `on_unavailable` says: `refuse`, `LEDGER_UNAVAILABLE` (the
    /// write is on the master and may be lost in a failover); `allow`, the answer
    /// (an admission flagged `degraded`).
    pub min_replica_acks: i64,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            connect_timeout_ms: DEFAULT_TIMEOUT_MS,
            command_timeout_ms: DEFAULT_TIMEOUT_MS,
            key_prefix: KEY_PREFIX.to_owned(),
            min_replica_acks: 0,
        }
    }
}

/// `INVALID_RULES` unless `p` is a usable key prefix (named as `sp` spells it).
pub(crate) fn check_key_prefix(p: &str, sp: Spelling) -> Result<(), Error> {
    let why = if p.is_empty() || p.len() > 64 {
        format!("is {} bytes; it must be 1-64", p.len())
    } else if !p.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        "must be printable ASCII (0x21-0x7E)".to_owned()
    } else if p.contains(['{', '}']) {
        "must not contain { or } (they would change the keys' cluster slot)".to_owned()
    } else {
        return Ok(());
    };
    Err(Error::new(
        ErrorCode::InvalidRules,
        format!("{} {why}", sp.spell("key_prefix")),
    ))
}

struct Scripts {
    admit: Script,
    heartbeat: Script,
    leave: Script,
    sync: Script,
    room: Script,
    usage: Script,
    rooms: Script,
    /// Alone (no prelude): it reads one hash and writes nothing.
    hours: Script,
}

/// A script: `READ` (whether it only reads: then, on an appId without keys, the
/// prelude creates none), the prelude, the script's own body.
macro_rules! script {
    ($name:literal, $read:literal) => {
        Script::new(concat!(
            "local READ = ",
            $read,
            "\n",
            include_str!("lua/prelude.lua"),
            include_str!(concat!("lua/", $name, ".lua"))
        ))
    };
}

impl Scripts {
    fn new() -> Scripts {
        Scripts {
            admit: script!("admit", "false"),
            heartbeat: script!("heartbeat", "false"),
            leave: script!("leave", "false"),
            sync: script!("sync", "false"),
            room: script!("room", "true"),
            usage: script!("usage", "true"),
            rooms: script!("rooms", "true"),
            hours: Script::new(include_str!("lua/hours.lua")),
        }
    }
}

/// The Redis store. `Send + Sync`: one per process, shared by every thread.
pub struct RedisStore {
    target: url::Target,
    pool: pool::Pool,
    scripts: Scripts,
    options: RedisOptions,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("nodes", &self.target.shown)
            .field("cluster", &self.target.cluster)
            .field("tls", &self.target.tls)
            .field(
                "password",
                &if self.target.secrets.is_empty() {
                    "none"
                } else {
                    "<redacted>"
                },
            )
            .field("options", &self.options)
            .finish()
    }
}

static CRYPTO: Once = Once::new();

impl RedisStore {
    /// A store on the server or cluster at `url` (checked first:
    /// `INVALID_REDIS_URL`), then the options (`INVALID_RULES`). Nothing is
    /// connected yet: an unreachable server is found by the first call, which then
    /// follows the ledger's `on_unavailable`.
    pub fn open(url: &str, options: &RedisOptions) -> Result<RedisStore, Error> {
        RedisStore::open_as(url, options, Spelling::Snake)
    }

    /// [`RedisStore::open`], naming the options as `sp` spells them.
    pub fn open_as(url: &str, options: &RedisOptions, sp: Spelling) -> Result<RedisStore, Error> {
        let target = url::parse(url)?;
        let ms = |name, v| check_timeout(name, v, sp).map(|v| Duration::from_millis(v as u64));
        let connect = ms("connect_timeout_ms", options.connect_timeout_ms)?;
        let command = ms("command_timeout_ms", options.command_timeout_ms)?;
        check_key_prefix(&options.key_prefix, sp)?;
        // The option's range as the options parser checks it (the name spelled).
        check_timeout("min_replica_acks", options.min_replica_acks, sp)?;
        if target.tls {
            // rustls needs a process-wide crypto provider; keep one the host
            // program installed.
            CRYPTO.call_once(|| {
                let _ = rustls::crypto::ring::default_provider().install_default();
            });
        }
        let pool = pool::Pool::new(&target, connect, command).map_err(|_| url::invalid_config())?;
        Ok(RedisStore {
            target,
            pool,
            scripts: Scripts::new(),
            options: options.clone(),
        })
    }

    /// `INVALID_REDIS_URL` unless `url` parses (nothing is connected).
    pub fn check_url(url: &str) -> Result<(), Error> {
        url::parse(url).map(|_| ())
    }

    /// Whether `url` carries a password (so that a tool can refuse to take it from
    /// a command line, where every user of the machine can read it). A URL that
    /// does not parse answers `false`; opening it reports why.
    pub fn url_has_password(url: &str) -> bool {
        url::parse(url)
            .map(|t| !t.secrets.is_empty())
            .unwrap_or(false)
    }

    /// `url` as it may be shown (a `repr`, a log line): scheme, hosts and
    /// database, the credentials as `***`, nothing after the path; `None` when
    /// it does not parse.
    pub fn redacted_url(url: &str) -> Option<String> {
        let t = url::parse(url).ok()?;
        let (scheme, rest) = url.split_once("://")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let path = rest[end..].split(['?', '#']).next().unwrap_or("");
        let path = if path.len() > 1 { path } else { "" }; // a bare "/" says nothing
        let auth = if rest[..end].contains('@') {
            "***@"
        } else {
            ""
        };
        Some(format!("{scheme}://{auth}{}{path}", t.shown))
    }

    /// `LEDGER_UNAVAILABLE` for a failed call: what happened, where, never the
    /// password.
    fn unavailable(&self, e: &RedisError) -> Error {
        let what = if e.is_timeout() {
            format!(
                "did not answer within {} ms",
                self.options
                    .command_timeout_ms
                    .max(self.options.connect_timeout_ms)
            )
        } else if e.is_connection_refusal() {
            "refused the connection".to_owned()
        } else if e.is_io_error() || e.is_connection_dropped() {
            "could not be reached".to_owned()
        } else {
            "answered with an error".to_owned()
        };
        let detail = self.target.redact(&e.to_string());
        Error::new(
            ErrorCode::LedgerUnavailable,
            format!("the Redis store at {} {what}: {detail}", self.target.shown),
        )
    }

    fn call(&self, inv: &redis::ScriptInvocation<'_>) -> Result<Vec<Value>, Error> {
        self.pool
            .run::<Vec<Value>>(inv)
            .map_err(|e| self.unavailable(&e))
    }

    /// How long a `WAIT` may take: half the command timeout, so that its answer
    /// comes within the socket's timeout (a server answers a timed-out WAIT up to
    /// its event loop's tick late: 100 ms at the default `hz 10`).
    fn wait_ms(&self) -> i64 {
        (self.options.command_timeout_ms / 2).max(1)
    }

    /// A script that writes, with `min_replica_acks` waited for (RedisOptions):
    /// its reply, and whether the write was acknowledged by too few replicas
    /// (only with `on_unavailable = allow`; with `refuse` that is
    /// `LEDGER_UNAVAILABLE`).
    fn write<T: redis::FromRedisValue>(
        &self,
        inv: &redis::ScriptInvocation<'_>,
        l: &Limits,
        app: &str,
    ) -> Result<(T, bool), Error> {
        let need = self.options.min_replica_acks;
        if need <= 0 {
            let v = self.pool.run::<T>(inv).map_err(|e| self.unavailable(&e))?;
            return Ok((v, false));
        }
        let key = keys::days(&self.options.key_prefix, app);
        let (v, acked) = self
            .pool
            .run_acked::<T>(inv, need, self.wait_ms(), &key)
            .map_err(|e| self.unavailable(&e))?;
        if acked >= need {
            return Ok((v, false));
        }
        match l.on_unavailable {
            OnUnavailable::Allow => Ok((v, true)),
            OnUnavailable::Refuse => Err(Error::new(
                ErrorCode::LedgerUnavailable,
                format!(
                    "the Redis store at {} acknowledged the write on {acked} of the {need} replicas required within {} ms: it may be lost in a failover",
                    self.target.shown,
                    self.wait_ms()
                ),
            )),
        }
    }
}

/// The explicit time as a script argument ('' = the server's clock).
fn time_arg(now: Option<i64>, what: &str) -> Result<String, Error> {
    match now {
        None => Ok(String::new()),
        Some(t) if t.abs() <= MAX_EXPLICIT_TIME_MS => Ok(t.to_string()),
        Some(t) => Err(Error::new(
            ErrorCode::InvalidTimestamp,
            format!(
                "{what} is {t}; the Redis store takes explicit times within ±{MAX_EXPLICIT_TIME_MS} (2^52 ms)"
            ),
        )),
    }
}

fn int(v: Option<&Value>) -> Result<i64, Error> {
    match v {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(bad_reply()),
    }
}

fn text(v: Option<&Value>) -> Result<String, Error> {
    match v {
        Some(Value::BulkString(b)) => String::from_utf8(b.clone()).map_err(|_| bad_reply()),
        Some(Value::SimpleString(s)) => Ok(s.clone()),
        _ => Err(bad_reply()),
    }
}

fn bad_reply() -> Error {
    Error::new(
        ErrorCode::LedgerUnavailable,
        "the Redis store answered a ledger script with an unexpected reply (a key of the ledger was changed by something else?)",
    )
}

/// `{generation, member, since, expires, ...}` as a room, seats sorted.
fn room_reply(v: &[Value]) -> Result<Room, Error> {
    let generation = int(v.first())? as u64;
    let mut members = Vec::with_capacity(v.len() / 3);
    for s in v[1..].chunks(3) {
        members.push(Seat {
            member_id: text(s.first())?,
            since: int(s.get(1))?,
            expires: int(s.get(2))?,
        });
    }
    members.sort_by(|a, b| a.member_id.as_bytes().cmp(b.member_id.as_bytes()));
    Ok(Room {
        live: !members.is_empty(),
        members,
        generation,
    })
}

impl RedisStore {
    /// A script run with the appId's keys (and the room's, for a room
    /// operation) and the arguments every script takes (lua/prelude.lua).
    fn invocation<'a>(
        &self,
        script: &'a Script,
        l: &Limits,
        app: &str,
        group: Option<&str>,
        now: Option<i64>,
    ) -> Result<redis::ScriptInvocation<'a>, Error> {
        let now = time_arg(now, "nowMs")?;
        let p = &self.options.key_prefix;
        let mut inv = script.key(keys::days(p, app));
        inv.key(keys::app_key(p, app, "seats"))
            .key(keys::app_key(p, app, "live"))
            .key(keys::app_key(p, app, "index"));
        if let Some(g) = group {
            inv.key(keys::room(p, app, g));
        }
        inv.arg(now)
            .arg(l.day_offset_ms)
            .arg(EXPIRY_MARGIN_MS)
            .arg(group.map(keys::hex).unwrap_or_default());
        Ok(inv)
    }
}

impl Store for RedisStore {
    fn admit(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<Admission, Error> {
        let mut inv = self.invocation(&self.scripts.admit, l, app, Some(group), now)?;
        let p = &self.options.key_prefix;
        inv.key(keys::app_key(p, app, "openers:0"))
            .key(keys::app_key(p, app, "openers:1"))
            .arg(member)
            .arg(l.capacity)
            .arg(l.daily_room_limit)
            .arg(l.reserve_ttl_ms)
            .arg(l.member_daily_openings);
        let (r, unacked) = self.write::<Vec<Value>>(&inv, l, app)?;
        match int(r.first())? {
            0 => {
                let rooms_today = int(r.get(5))? as u64;
                Ok(Admission {
                    opened: int(r.get(1))? == 1,
                    renewed: int(r.get(2))? == 1,
                    members: int(r.get(3))? as u32,
                    generation: int(r.get(4))? as u64,
                    rooms_today,
                    daily_room_limit: l.daily_room_limit,
                    quota_warning: rooms_today >= l.daily_room_warning,
                    lease_expires_at: int(r.get(6))?,
                    degraded: unacked,
                })
            }
            1 => Err(super::model::room_full(int(r.get(1))? as usize, l)),
            2 => Err(super::model::daily_limit(int(r.get(1))? as u64, l)),
            4 => Err(super::model::member_limit(int(r.get(1))? as u64, l)),
            _ => Err(bad_reply()),
        }
    }

    fn heartbeat(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<i64, Error> {
        let mut inv = self.invocation(&self.scripts.heartbeat, l, app, Some(group), now)?;
        inv.arg(member).arg(l.lease_ttl_ms);
        let (r, _) = self.write::<Vec<Value>>(&inv, l, app)?;
        match int(r.first())? {
            0 => int(r.get(1)),
            3 => Err(super::model::not_admitted()),
            _ => Err(bad_reply()),
        }
    }

    fn leave(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<bool, Error> {
        let mut inv = self.invocation(&self.scripts.leave, l, app, Some(group), now)?;
        inv.key(keys::app_key(&self.options.key_prefix, app, "left"))
            .arg(member)
            .arg(l.sync_grace_ms);
        let (removed, _) = self.write::<i64>(&inv, l, app)?;
        Ok(removed == 1)
    }

    fn sync(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        listed: &[&str],
        now: Option<i64>,
    ) -> Result<Room, Error> {
        let mut inv = self.invocation(&self.scripts.sync, l, app, Some(group), now)?;
        inv.key(keys::app_key(&self.options.key_prefix, app, "left"))
            .arg(l.lease_ttl_ms)
            .arg(l.sync_grace_ms);
        for m in listed {
            inv.arg(*m);
        }
        room_reply(&self.write::<Vec<Value>>(&inv, l, app)?.0)
    }

    fn room(&self, l: &Limits, app: &str, group: &str, now: Option<i64>) -> Result<Room, Error> {
        let inv = self.invocation(&self.scripts.room, l, app, Some(group), now)?;
        room_reply(&self.call(&inv)?)
    }

    fn usage(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Usage, Error> {
        let day_arg = time_arg(day, "day")?;
        let mut inv = self.invocation(&self.scripts.usage, l, app, None, now)?;
        inv.arg(day_arg);
        for c in COUNTERS {
            inv.arg(c.name());
        }
        inv.arg("peak_seats");
        let r = self.call(&inv)?;
        let day = int(r.first())?;
        let today = int(r.get(1))?;
        let live = (int(r.get(2))? as u64, int(r.get(3))? as u64);
        let mut counts = DayCounts::default();
        for (i, n) in counts.counts.iter_mut().enumerate() {
            *n = int(r.get(4 + i))? as u64;
        }
        counts.peak_seats = int(r.get(4 + COUNTERS.len()))? as u64;
        Ok(counts.usage(day, l.daily_room_limit, (day == today).then_some(live)))
    }

    fn rooms(
        &self,
        l: &Limits,
        app: &str,
        limit: u32,
        after: Option<&str>,
        now: Option<i64>,
    ) -> Result<RoomPage, Error> {
        let mut inv = self.invocation(&self.scripts.rooms, l, app, None, now)?;
        inv.arg(limit).arg(after.map(keys::hex).unwrap_or_default());
        let r = self.call(&inv)?;
        let more = int(r.first())? == 1;
        let mut rooms = Vec::with_capacity(r.len() / 4);
        for x in r[1..].chunks(4) {
            rooms.push(RoomSummary {
                group_id: keys::unhex(&text(x.first())?).ok_or_else(bad_reply)?,
                seats: int(x.get(1))? as u32,
                capacity: l.capacity,
                generation: int(x.get(2))? as u64,
                opened_at: int(x.get(3))?,
            });
        }
        Ok(RoomPage::new(rooms, more))
    }

    fn hours(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Hours, Error> {
        let now = time_arg(now, "nowMs")?;
        let day = time_arg(day, "day")?;
        let mut inv = self
            .scripts
            .hours
            .key(keys::days(&self.options.key_prefix, app));
        inv.arg(now).arg(l.day_offset_ms).arg(day);
        let r = self.call(&inv)?;
        let mut h = Hours::empty(int(r.first())?);
        for i in 0..24 {
            h.openings[i] = int(r.get(1 + 2 * i))? as u64;
            h.refused[i] = int(r.get(2 + 2 * i))? as u64;
        }
        Ok(h)
    }

    fn apps(&self, l: &Limits, now: Option<i64>) -> Result<Vec<String>, Error> {
        time_arg(now, "nowMs")?;
        let prefix = &self.options.key_prefix;
        self.pool
            .with(|conn| apps::apps(conn, l, prefix, now))
            .map_err(|e| self.unavailable(&e))
    }
}
