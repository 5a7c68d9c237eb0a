//! The room ledger (docs/ROOMS.md): `io.voipsign.Native`'s `ledger*` methods,
//! which `io.voipsign.Ledger` calls.
//!
//! Two stores: memory and Redis (whose calls block on the network; a JNI call
//! may, the thread is in native code and holds no JVM lock).
//!
//! A Java `Ledger` holds a handle: the key of its core [`Ledger`] in a
//! process-wide table, never a pointer. `ledgerClose` removes the entry, so a
//! handle used after close (even by a thread racing the close) finds nothing and
//! throws `LEDGER_CLOSED`; a call already running keeps its own `Arc` and
//! finishes on a ledger that is freed when the last such call returns. Handles
//! are never reused. No `unsafe`, no crash on any misuse.
//!
//! Results go back in a `long[]` the Java side allocated (`out`), a room as a
//! `long[]` and a `String[]` of member ids; the Java classes build `Admission`,
//! `Room`, `Usage` from them.
//! Optional times arrive as a flag and a value (`hasNow`, `nowMs`): every `long`
//! is a valid explicit time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use jni::objects::{JClass, JLongArray, JObject, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::{jni_mangle, Env, EnvUnowned};
use voipsign::contract::options::from_json;
use voipsign::rooms::{self, Admission, Ledger, RedisStore, Room};
use voipsign::{ErrorCode, Spelling};

use crate::errors::{Failure, Result, ThrowVoipSign};
use crate::functions::{string_array, ticket_array};
use crate::text::{read, read_all, read_secret};

static LEDGERS: LazyLock<RwLock<HashMap<jlong, Arc<Ledger>>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));
static NEXT_HANDLE: AtomicI64 = AtomicI64::new(1);

/// Keep `ledger`; its handle.
pub fn register(ledger: Ledger) -> jlong {
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    let mut table = LEDGERS.write().unwrap_or_else(PoisonError::into_inner);
    table.insert(handle, Arc::new(ledger));
    handle
}

/// The ledger of `handle`, or `LEDGER_CLOSED`.
fn ledger(handle: jlong) -> Result<Arc<Ledger>> {
    let table = LEDGERS.read().unwrap_or_else(PoisonError::into_inner);
    let closed = || ErrorCode::LedgerClosed;
    let closed = || Failure::Core(voipsign::Error::new(closed(), closed().description()));
    table.get(&handle).cloned().ok_or_else(closed)
}

/// `Some(now_ms)` when given.
fn time(has_now: jboolean, now_ms: jlong) -> Option<i64> {
    has_now.then_some(now_ms)
}

/// `Native.ledgerOpen(url, options)`: the handle of a new ledger, over memory
/// (`url` null) or Redis (nothing is connected yet). `options` is the JSON object
/// of `Rules` and `RedisOptions`, camelCase names as the user set them: the core
/// checks the url, then every option in its one order, and words its messages in
/// camelCase.
#[jni_mangle("io.voipsign.Native")]
pub fn ledger_open<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    url: JString<'local>,
    options: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<_> {
        // The URL may hold a password: read (and zeroed) as a secret.
        let url = match url.is_null() {
            true => None,
            false => Some(read_secret(env, &url, "url")?),
        };
        let entries = from_json(read(env, &options, "options")?.as_str())?;
        let url = url.as_ref().map(|u| u.as_str());
        Ok(register(Ledger::open(url, &entries, Spelling::Camel)?))
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.redactedUrl(url)`: the url as `Ledger.toString` shows it (the core's
/// redaction), `?` when it does not parse.
#[jni_mangle("io.voipsign.Native")]
pub fn redacted_url<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    url: JString<'local>,
) -> JString<'local> {
    env.with_env(|env| -> Result<_> {
        let url = read_secret(env, &url, "url")?;
        let shown = RedisStore::redacted_url(url.as_str());
        Ok(env.new_string(shown.as_deref().unwrap_or("?"))?)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerClose(handle)`: forget the ledger (idempotent).
#[jni_mangle("io.voipsign.Native")]
pub fn ledger_close<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, handle: jlong) {
    env.with_env(|_env| -> Result<_> {
        let removed = {
            let mut table = LEDGERS.write().unwrap_or_else(PoisonError::into_inner);
            table.remove(&handle)
        };
        // Dropped outside the lock (a Redis ledger closes its connections).
        drop(removed);
        Ok(())
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerRules(handle)`: the rules in force, every default filled in,
/// as name, value, name, value, … in the core's option order (camelCase names,
/// numbers in decimal).
#[jni_mangle("io.voipsign.Native")]
pub fn ledger_rules<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let l = ledger.limits();
        let mut pairs = Vec::new();
        for (name, v) in l.values() {
            let value = match v {
                voipsign::contract::Value::Int(n) => n.to_string(),
                voipsign::contract::Value::Str(s) => s,
                _ => continue,
            };
            pairs.extend([Spelling::Camel.spell(name).into_owned(), value]);
        }
        let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
        string_array(env, &pairs)
    })
    .resolve::<ThrowVoipSign>()
}

/// A count of the core as a Java `long` (saturated; never reached).
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An admission into `out`: opened, renewed, members, generation, roomsToday,
/// dailyRoomLimit, quotaWarning, leaseExpiresAt, degraded (booleans as 0/1).
fn write_admission(env: &Env<'_>, out: &JLongArray<'_>, a: &Admission) -> Result<()> {
    let values = [
        i64::from(a.opened),
        i64::from(a.renewed),
        i64::from(a.members),
        count(a.generation),
        count(a.rooms_today),
        count(a.daily_room_limit),
        i64::from(a.quota_warning),
        a.lease_expires_at,
        i64::from(a.degraded),
    ];
    Ok(out.set_region(env, 0, &values)?)
}

/// `Native.ledgerAdmit(handle, appId, groupId, memberId, hasNow, nowMs, out)`.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_admit<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    member_id: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
    out: JLongArray<'local>,
) {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let member = read(env, &member_id, "memberId")?;
        let now = time(has_now, now_ms);
        let a = ledger.admit(app.as_str(), group.as_str(), member.as_str(), now)?;
        write_admission(env, &out, &a)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerAdmitAndIssue(handle, appId, groupId, memberId, sessionKey,
/// roomType, hasNow, nowMs, out)`: the admission into `out`, the ticket as
/// `Native.issue` returns it.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_admit_and_issue<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    member_id: JString<'local>,
    session_key: JString<'local>,
    room_type: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
    out: JLongArray<'local>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let member = read(env, &member_id, "memberId")?;
        let key = read_secret(env, &session_key, "sessionKey")?;
        let room = match room_type.is_null() {
            true => None,
            false => Some(read(env, &room_type, "roomType")?),
        };
        let (a, g, m, k) = (app.as_str(), group.as_str(), member.as_str(), key.as_str());
        let room = room.as_ref().map(|r| r.as_str());
        let now = time(has_now, now_ms);
        let (admission, ticket) = ledger.admit_and_issue(a, g, m, k, room, now)?;
        write_admission(env, &out, &admission)?;
        ticket_array(env, &ticket)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerHeartbeat(handle, appId, groupId, memberId, hasNow, nowMs)`:
/// the new lease expiry.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_heartbeat<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    member_id: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
) -> jlong {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let member = read(env, &member_id, "memberId")?;
        let now = time(has_now, now_ms);
        Ok(ledger.heartbeat(app.as_str(), group.as_str(), member.as_str(), now)?)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerLeave(handle, appId, groupId, memberId, hasNow, nowMs)`:
/// whether a seat was removed.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_leave<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    member_id: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
) -> jboolean {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let member = read(env, &member_id, "memberId")?;
        let now = time(has_now, now_ms);
        Ok(ledger.leave(app.as_str(), group.as_str(), member.as_str(), now)?)
    })
    .resolve::<ThrowVoipSign>()
}

/// A room as `Object[] {long[] numbers, String[] memberIds}`: numbers are the
/// generation, live (0/1), then since and expires of each seat.
fn room_result<'local>(
    env: &mut Env<'local>,
    room: &Room,
) -> Result<JObjectArray<'local, JObject<'local>>> {
    let mut values = Vec::with_capacity(2 + 2 * room.members.len());
    values.extend([count(room.generation), i64::from(room.live)]);
    for seat in &room.members {
        values.extend([seat.since, seat.expires]);
    }
    let numbers = JLongArray::new(env, values.len())?;
    numbers.set_region(env, 0, &values)?;
    let ids: Vec<&str> = room.members.iter().map(|s| s.member_id.as_str()).collect();
    let ids = string_array(env, &ids)?;
    let result = JObjectArray::<JObject>::new(env, 2, JObject::null())?;
    result.set_element(env, 0, JObject::from(numbers))?;
    result.set_element(env, 1, JObject::from(ids))?;
    Ok(result)
}

/// `Native.ledgerSync(handle, appId, groupId, openIds, hasNow, nowMs)`:
/// the room after (see [`room_result`]).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_sync<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    open_ids: JObjectArray<'local, JString<'local>>,
    has_now: jboolean,
    now_ms: jlong,
) -> JObjectArray<'local, JObject<'local>> {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let ids = read_all(env, &open_ids, voipsign::rooms::OPEN_IDS_FIELD, false)?;
        let now = time(has_now, now_ms);
        let room = ledger.sync(app.as_str(), group.as_str(), &ids, now)?;
        room_result(env, &room)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerRoom(handle, appId, groupId, hasNow, nowMs)`: the room
/// (see [`room_result`]).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_room<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    group_id: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
) -> JObjectArray<'local, JObject<'local>> {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let now = time(has_now, now_ms);
        let room = ledger.room(app.as_str(), group.as_str(), now)?;
        room_result(env, &room)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerUsage(handle, appId, hasDay, day, hasNow, nowMs, out)`: the
/// fields of `Usage` in its order into `out` (16 longs; a live count that is
/// not known, -1).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_usage<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    has_day: jboolean,
    day: jlong,
    has_now: jboolean,
    now_ms: jlong,
    out: JLongArray<'local>,
) {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let u = ledger.usage(app.as_str(), time(has_day, day), time(has_now, now_ms))?;
        let live = |v: Option<u64>| v.map_or(-1, count);
        let values = [
            u.day,
            count(u.openings),
            count(u.admissions),
            count(u.renewals),
            count(u.refused_room_full),
            count(u.refused_daily_limit),
            count(u.refused_member_limit),
            count(u.heartbeats_refused),
            count(u.leaves),
            count(u.adopted_by_sync),
            count(u.removed_by_sync),
            count(u.expired),
            count(u.peak_seats),
            live(u.live_rooms),
            live(u.live_seats),
            count(u.daily_room_limit),
        ];
        Ok(out.set_region(env, 0, &values)?)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.ledgerRooms(handle, appId, limit, hasAfter, after, hasNow, nowMs)`:
/// one page of live rooms as {long[] {hasNext, seats, capacity, generation,
/// openedAt, …}, String[] {groupId, …, next when hasNext}}. A limit out of
/// 1–1000 (a negative one too) is `INVALID_LIMIT` naming it (core's
/// `check_limit`, after the appId and before `after`).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn ledger_rooms<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    app_id: JString<'local>,
    limit: jint,
    has_after: jboolean,
    after: JString<'local>,
    has_now: jboolean,
    now_ms: jlong,
) -> JObjectArray<'local, JObject<'local>> {
    env.with_env(|env| -> Result<_> {
        let ledger = ledger(handle)?;
        let app = read(env, &app_id, "appId")?;
        let after = if has_after {
            Some(read(env, &after, "after")?)
        } else {
            None
        };
        // Core's order: appId, then the limit (a Java `int` may be negative:
        // `check_limit` names it as given, never a wrapped `u32`), then `after`
        // (`rooms` checks it).
        voipsign::validate_app_id(app.as_str())?;
        let limit = rooms::check_limit(i64::from(limit))?;
        let page = ledger.rooms(
            app.as_str(),
            limit,
            after.as_ref().map(|a| a.as_str()),
            time(has_now, now_ms),
        )?;
        let mut values = Vec::with_capacity(1 + 4 * page.rooms.len());
        values.push(i64::from(page.next.is_some()));
        let mut ids: Vec<&str> = Vec::with_capacity(page.rooms.len() + 1);
        for r in &page.rooms {
            values.extend([
                i64::from(r.seats),
                i64::from(r.capacity),
                count(r.generation),
                r.opened_at,
            ]);
            ids.push(r.group_id.as_str());
        }
        if let Some(n) = &page.next {
            ids.push(n.as_str());
        }
        let numbers = JLongArray::new(env, values.len())?;
        numbers.set_region(env, 0, &values)?;
        let ids = string_array(env, &ids)?;
        let result = JObjectArray::<JObject>::new(env, 2, JObject::null())?;
        result.set_element(env, 0, JObject::from(numbers))?;
        result.set_element(env, 1, JObject::from(ids))?;
        Ok(result)
    })
    .resolve::<ThrowVoipSign>()
}
