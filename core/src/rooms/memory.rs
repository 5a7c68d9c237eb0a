//! The memory store: one process's ledger, thread-safe and bounded.
//!
//! One mutex over a map of apps → rooms and day counters. Every operation on a
//! room first drops its expired seats; every 1024 operations a sweep drops the
//! rooms that have had no live seat for [`FORGET_EMPTY_ROOMS_MS`] (their
//! generation is forgotten with them) and the day counters older than
//! yesterday, so memory follows the live rooms, not the history.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use super::model::{Admission, Room, RoomState, Usage};
use super::rules::Limits;
use super::store::Store;
use crate::error::Error;

/// How long an empty room's generation is remembered (two days).
pub const FORGET_EMPTY_ROOMS_MS: i64 = 2 * 86_400_000;
const SWEEP_EVERY: u64 = 1024;

#[derive(Debug, Default)]
struct App {
    rooms: HashMap<String, RoomState>,
    /// Openings per day.
    days: HashMap<i64, u64>,
}

#[derive(Debug, Default)]
struct State {
    apps: HashMap<String, App>,
    ops: u64,
}

/// The in-process store. Cheap to create; share one per process (a `Ledger` is
/// `Send + Sync`).
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

/// The process clock in unix ms.
pub(crate) fn clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every operation
        // mutates one room in place), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run `f` on the room (created empty when missing), sweeping now and then.
    fn with_room<T>(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        now: Option<i64>,
        f: impl FnOnce(&mut RoomState, &mut HashMap<i64, u64>, i64) -> T,
    ) -> T {
        let now = now.unwrap_or_else(clock_ms);
        let mut state = self.lock();
        state.ops += 1;
        if state.ops.is_multiple_of(SWEEP_EVERY) {
            sweep(&mut state, l, now);
        }
        // Look up by &str first: a String is only made for a new app or room.
        if !state.apps.contains_key(app) {
            state.apps.insert(app.to_owned(), App::default());
        }
        let app = state.apps.get_mut(app).expect("inserted above");
        if !app.rooms.contains_key(group) {
            app.rooms.insert(group.to_owned(), RoomState::default());
        }
        let room = app.rooms.get_mut(group).expect("inserted above");
        let out = f(room, &mut app.days, now);
        if room.seats.is_empty() && room.generation == 0 {
            app.rooms.remove(group);
        }
        out
    }
}

/// Forget empty rooms idle for two days and day counters older than yesterday.
fn sweep(state: &mut State, l: &Limits, now: i64) {
    let yesterday = l.day(now) - 1;
    state.apps.retain(|_, app| {
        app.rooms.retain(|_, room| {
            room.expire(now);
            !room.seats.is_empty() || now.saturating_sub(room.touched) < FORGET_EMPTY_ROOMS_MS
        });
        app.days.retain(|&day, _| day >= yesterday);
        !app.rooms.is_empty() || !app.days.is_empty()
    });
}

impl Store for MemoryStore {
    fn admit(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<Admission, Error> {
        self.with_room(l, app, group, now, |room, days, now| {
            let today = days.entry(l.day(now)).or_insert(0);
            room.admit(l, today, member, now)
        })
    }

    fn heartbeat(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<i64, Error> {
        self.with_room(l, app, group, now, |room, _, now| {
            room.heartbeat(l, member, now)
        })
    }

    fn leave(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<bool, Error> {
        Ok(self.with_room(l, app, group, now, |room, _, now| room.leave(member, now)))
    }

    fn sync(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        listed: &[&str],
        now: Option<i64>,
    ) -> Result<Room, Error> {
        Ok(self.with_room(l, app, group, now, |room, _, now| {
            room.sync(l, listed, now);
            room.snapshot(now)
        }))
    }

    fn room(&self, l: &Limits, app: &str, group: &str, now: Option<i64>) -> Result<Room, Error> {
        Ok(self.with_room(l, app, group, now, |room, _, now| {
            room.expire(now);
            room.snapshot(now)
        }))
    }

    fn usage(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Usage, Error> {
        let now = now.unwrap_or_else(clock_ms);
        let day = day.unwrap_or_else(|| l.day(now));
        let state = self.lock();
        let rooms = state
            .apps
            .get(app)
            .and_then(|a| a.days.get(&day))
            .copied()
            .unwrap_or(0);
        Ok(Usage {
            day,
            rooms,
            daily_room_limit: l.daily_room_limit,
        })
    }
}
