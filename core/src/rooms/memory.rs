//! The memory store: one process's ledger, thread-safe and bounded.
//!
//! One mutex over a map of apps → rooms and day counters. Every operation on a
//! room first drops its expired seats; every 1024 operations (or as many as the
//! rooms it holds, when more: the sweep's cost per operation stays constant as
//! the day's rooms pile up — `make bench-day` measured the end of a day at 0.36×
//! the start's throughput with a sweep every 1024) a sweep drops the
//! rooms that have had no live seat for [`FORGET_EMPTY_ROOMS_MS`] (their
//! generation is forgotten with them) and the day counters older than
//! yesterday, so memory follows the live rooms, not the history.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use super::counters::{refusal, Counter, DayCounts, Hours, Usage};
use super::model::{Admission, Books, Room, RoomPage, RoomState};
use super::rules::Limits;
use super::store::Store;
use crate::error::Error;

/// How long a room with no live seat and no operation is remembered, with its
/// generation (one minute; forgotten at the next sweep after that). With two
/// days (until issue 26) a store at WeChat's 100,000 openings held the whole
/// day's rooms by the evening: `make bench-day` measured 98 KB per live seat
/// and the end of the day at 0.75× the start's throughput; with one minute
/// 0.90×. The Redis store forgets it 1 s after the last lease ends.
pub const FORGET_EMPTY_ROOMS_MS: i64 = 60_000;
const SWEEP_EVERY: u64 = 1024;

/// The notes of `leave` (lua/leave.lua's LEFT zset): (groupId, member) → when,
/// and the same ordered by time, so that dropping the old ones costs only what
/// is dropped (a leave prunes them every time).
#[derive(Debug, Default)]
struct Left {
    at: HashMap<(String, String), i64>,
    by_time: BTreeSet<(i64, String, String)>,
}

impl Left {
    fn note(&mut self, group: &str, member: &str, t: i64) {
        let key = (group.to_owned(), member.to_owned());
        if let Some(old) = self.at.insert(key.clone(), t) {
            self.by_time.remove(&(old, key.0.clone(), key.1.clone()));
        }
        self.by_time.insert((t, key.0, key.1));
    }

    /// When `member` left `group`, if noted. (The owned key is made only on this
    /// rare path: a listed member without a seat.)
    fn when(&self, group: &str, member: &str) -> Option<i64> {
        self.at.get(&(group.to_owned(), member.to_owned())).copied()
    }

    /// Drop every note older than `floor`.
    fn prune(&mut self, floor: i64) {
        while let Some(first) = self.by_time.first() {
            if first.0 >= floor {
                break;
            }
            let (_, g, m) = self.by_time.pop_first().expect("a first element");
            self.at.remove(&(g, m));
        }
    }
}

/// One day of an appId: its counters, and its openings and refusals per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Day {
    counts: DayCounts,
    openings: [u64; 24],
    refused: [u64; 24],
}

impl Day {
    fn hours(&self, day: i64) -> Hours {
        Hours {
            day,
            openings: self.openings,
            refused: self.refused,
        }
    }
}

/// The day counters of an appId: today's (the newest day counted) apart, so
/// that the common case is no lookup.
#[derive(Debug, Default)]
struct Days {
    today: (i64, Day),
    past: HashMap<i64, Day>,
    /// The times [start, end) of the last day computed, and that day: most
    /// operations fall in it, and a comparison is cheaper than the division.
    span: (i64, i64, i64),
}

impl Days {
    /// The rules' day of `now` (see [`Limits::day`]).
    fn day_at(&mut self, l: &Limits, now: i64) -> i64 {
        let (start, end, day) = self.span;
        if start <= now && now < end {
            return day;
        }
        let day = l.day(now);
        let start = day
            .saturating_mul(86_400_000)
            .saturating_sub(l.day_offset_ms);
        self.span = (start, start.saturating_add(86_400_000), day);
        day
    }

    fn of(&mut self, day: i64) -> &mut Day {
        if day == self.today.0 {
            return &mut self.today.1;
        }
        if day > self.today.0 {
            let old = std::mem::replace(&mut self.today, (day, Day::default()));
            if old.1 != Day::default() {
                self.past.insert(old.0, old.1);
            }
            return &mut self.today.1;
        }
        self.past.entry(day).or_default()
    }

    fn get(&self, day: i64) -> Option<&Day> {
        if day == self.today.0 {
            Some(&self.today.1)
        } else {
            self.past.get(&day)
        }
    }
}

/// The live seats of an appId by lease end: how many seats end at each time,
/// those ended by the last operation's time removed. Their sum is the appId's
/// live seats (exact for the peak) without looking at its rooms.
#[derive(Debug, Default)]
struct Ends {
    at: BTreeMap<i64, u64>,
    live: u64,
}

impl Ends {
    fn add(&mut self, e: i64) {
        *self.at.entry(e).or_insert(0) += 1;
        self.live += 1;
    }

    /// Forget one seat ending at `e` (absent when an operation with a later
    /// explicit time already passed it: nothing to forget).
    fn forget(&mut self, e: i64) {
        if let Some(n) = self.at.get_mut(&e) {
            *n -= 1;
            self.live -= 1;
            if *n == 0 {
                self.at.remove(&e);
            }
        }
    }

    /// Drop the seats ended by `now`; the live seats left.
    fn at(&mut self, now: i64) -> u64 {
        while let Some(entry) = self.at.first_entry() {
            if *entry.key() > now {
                break;
            }
            self.live -= entry.remove();
        }
        self.live
    }
}

#[derive(Debug, Default)]
struct App {
    rooms: HashMap<String, RoomState>,
    days: Days,
    /// Rooms each member opened on a day: member → (day, openings).
    openers: HashMap<String, (i64, u64)>,
    ends: Ends,
    /// The newest day an operation had (what [`Store::apps`] looks at).
    last: Option<i64>,
    /// Who left which room by `leave`, and when (lua/leave.lua's LEFT).
    left: Left,
}

#[derive(Debug, Default)]
struct State {
    apps: HashMap<String, App>,
    ops: u64,
    /// The operation count at which the next sweep runs.
    next_sweep: u64,
}

/// The books of one appId during one operation at `now`.
struct AppBooks<'a> {
    days: &'a mut Days,
    left: &'a mut Left,
    /// The room of the operation ('' for an appId's).
    group: &'a str,
    /// Whether this operation dropped the old notes of `left` already.
    pruned: bool,
    openers: &'a mut HashMap<String, (i64, u64)>,
    ends: &'a mut Ends,
    l: &'a Limits,
    day: i64,
    /// The operation's time (for the hour of an opening or a refusal).
    now: i64,
}

impl Books for AppBooks<'_> {
    fn openings(&mut self) -> u64 {
        self.days.of(self.day).counts.get(Counter::Openings)
    }

    fn member_openings(&mut self, member: &str) -> u64 {
        match self.openers.get(member) {
            Some(&(day, n)) if day == self.day => n,
            _ => 0,
        }
    }

    fn opened_by(&mut self, member: &str) {
        let d = self.days.of(self.day);
        d.counts.bump(Counter::Openings);
        d.openings[self.l.hour(self.now)] += 1;
        if self.l.member_daily_openings == 0 {
            return;
        }
        match self.openers.get_mut(member) {
            Some(e) if e.0 == self.day => e.1 += 1,
            Some(e) => *e = (self.day, 1),
            None => {
                self.openers.insert(member.to_owned(), (self.day, 1));
            }
        }
    }

    fn count(&mut self, c: Counter) {
        let d = self.days.of(self.day);
        d.counts.bump(c);
        if refusal(c) {
            d.refused[self.l.hour(self.now)] += 1;
        }
    }

    fn added(&mut self, expires: i64) {
        self.ends.add(expires);
    }

    fn extended(&mut self, from: i64, to: i64) {
        if from != to {
            self.ends.forget(from);
            self.ends.add(to);
        }
    }

    fn removed(&mut self, expires: i64) {
        self.ends.forget(expires);
    }

    fn ended(&mut self, expires: i64) {
        self.days
            .of(self.l.day(expires))
            .counts
            .bump(Counter::Expired);
    }

    fn left(&mut self, member: &str) {
        let grace = self.l.sync_grace_ms;
        if grace > 0 {
            self.prune_left();
            self.left.note(self.group, member, self.now);
        }
    }

    fn left_recently(&mut self, member: &str) -> bool {
        let grace = self.l.sync_grace_ms;
        if grace <= 0 {
            return false;
        }
        if !self.pruned {
            self.prune_left();
            self.pruned = true;
        }
        self.left
            .when(self.group, member)
            .is_some_and(|t| t <= self.now && self.now - t < grace)
    }
}

impl AppBooks<'_> {
    /// Drop the notes older than `sync_grace_ms` (as lua/leave.lua and sync.lua).
    fn prune_left(&mut self) {
        self.left
            .prune(self.now.saturating_sub(self.l.sync_grace_ms));
    }
}

impl App {
    /// Split into the rooms and the books of an operation at `now`, the live
    /// seats before it (those ended by `now` dropped from the count).
    fn books<'a>(
        &'a mut self,
        l: &'a Limits,
        group: &'a str,
        now: i64,
    ) -> (&'a mut HashMap<String, RoomState>, AppBooks<'a>, u64) {
        let live = self.ends.at(now);
        let day = self.days.day_at(l, now);
        self.last = self.last.max(Some(day));
        let b = AppBooks {
            days: &mut self.days,
            left: &mut self.left,
            group,
            pruned: false,
            openers: &mut self.openers,
            ends: &mut self.ends,
            l,
            day,
            now,
        };
        (&mut self.rooms, b, live)
    }

    /// Drop every ended seat of every room (counted), and forget the empty
    /// rooms without generation; the live rooms and seats.
    fn expire_all(&mut self, l: &Limits, now: i64) -> (u64, u64) {
        let (rooms, mut b, live) = self.books(l, "", now);
        let mut live_rooms = 0;
        rooms.retain(|_, room| {
            room.expire(now, &mut b);
            live_rooms += u64::from(!room.seats.is_empty());
            !room.seats.is_empty() || room.generation > 0
        });
        b.days.of(b.day).counts.peak(live);
        (live_rooms, live)
    }
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

    /// Run `f` on the room (created empty when missing) with the appId's books,
    /// raising the day's peak to the live seats before and after; sweeping now
    /// and then.
    fn with_room<T>(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        now: Option<i64>,
        f: impl FnOnce(&mut RoomState, &mut AppBooks<'_>, i64) -> T,
    ) -> T {
        let now = now.unwrap_or_else(clock_ms);
        let mut state = self.lock();
        state.ops += 1;
        if state.ops >= state.next_sweep.max(SWEEP_EVERY) {
            sweep(&mut state, l, now);
        }
        // Look up by &str first: a String is only made for a new app or room.
        if !state.apps.contains_key(app) {
            state.apps.insert(app.to_owned(), App::default());
        }
        let app = state.apps.get_mut(app).expect("inserted above");
        let (rooms, mut b, before) = app.books(l, group, now);
        if !rooms.contains_key(group) {
            rooms.insert(group.to_owned(), RoomState::default());
        }
        let room = rooms.get_mut(group).expect("inserted above");
        let out = f(room, &mut b, now);
        let after = b.ends.live;
        b.days.of(b.day).counts.peak(before.max(after));
        if room.seats.is_empty() && room.generation == 0 {
            rooms.remove(group);
        }
        out
    }

    /// Run `f` on the appId's state (created when missing: an operation of the
    /// appId, as on Redis) after every ended seat was dropped; `f` gets the live
    /// rooms and seats.
    fn with_app<T>(
        &self,
        l: &Limits,
        app: &str,
        now: i64,
        f: impl FnOnce(&App, u64, u64) -> T,
    ) -> T {
        let mut state = self.lock();
        // A read of an appId never seen creates nothing (as on Redis).
        let Some(a) = state.apps.get_mut(app) else {
            return f(&App::default(), 0, 0);
        };
        let (rooms, seats) = a.expire_all(l, now);
        f(a, rooms, seats)
    }
}

/// Forget empty rooms idle for a minute (their ended seats counted first), day
/// counters and members' openings older than yesterday.
fn sweep(state: &mut State, l: &Limits, now: i64) {
    let yesterday = l.day(now) - 1;
    let mut kept = 0u64;
    state.apps.retain(|_, app| {
        let (rooms, mut b, _) = app.books(l, "", now);
        rooms.retain(|_, room| {
            room.expire(now, &mut b);
            !room.seats.is_empty() || now.saturating_sub(room.touched) < FORGET_EMPTY_ROOMS_MS
        });
        app.days.past.retain(|&day, _| day >= yesterday);
        app.openers.retain(|_, o| o.0 >= yesterday);
        kept += app.rooms.len() as u64;
        !app.rooms.is_empty() || !app.days.past.is_empty() || app.days.today.0 >= yesterday
    });
    // The next sweep after as many operations as rooms are left (at least
    // SWEEP_EVERY): each operation pays for about one room of a sweep.
    state.next_sweep = state.ops.saturating_add(kept.max(SWEEP_EVERY));
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
        self.with_room(l, app, group, now, |room, b, now| {
            room.admit(l, b, member, now)
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
        self.with_room(l, app, group, now, |room, b, now| {
            room.heartbeat(l, b, member, now)
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
        Ok(self.with_room(l, app, group, now, |room, b, now| {
            room.leave(b, member, now)
        }))
    }

    fn sync(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        listed: &[&str],
        now: Option<i64>,
    ) -> Result<Room, Error> {
        Ok(self.with_room(l, app, group, now, |room, b, now| {
            room.sync(l, b, listed, now);
            room.snapshot(now)
        }))
    }

    fn room(&self, l: &Limits, app: &str, group: &str, now: Option<i64>) -> Result<Room, Error> {
        // A read of an appId never seen creates nothing (as on Redis).
        if !self.lock().apps.contains_key(app) {
            return Ok(Room::default());
        }
        Ok(self.with_room(l, app, group, now, |room, b, now| {
            room.expire(now, b);
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
        let today = l.day(now);
        let day = day.unwrap_or(today);
        Ok(self.with_app(l, app, now, |a, rooms, seats| {
            let counts = a.days.get(day).map(|d| d.counts).unwrap_or_default();
            counts.usage(
                day,
                l.daily_room_limit,
                (day == today).then_some((rooms, seats)),
            )
        }))
    }

    fn rooms(
        &self,
        l: &Limits,
        app: &str,
        limit: u32,
        after: Option<&str>,
        now: Option<i64>,
    ) -> Result<RoomPage, Error> {
        let now = now.unwrap_or_else(clock_ms);
        Ok(self.with_app(l, app, now, |a, _, _| {
            let mut live: Vec<(&String, &RoomState)> = a
                .rooms
                .iter()
                .filter(|(g, r)| !r.seats.is_empty() && after.is_none_or(|x| g.as_str() > x))
                .collect();
            let more = live.len() > limit as usize;
            if more {
                live.select_nth_unstable_by(limit as usize, |x, y| x.0.cmp(y.0));
                live.truncate(limit as usize);
            }
            live.sort_unstable_by(|x, y| x.0.cmp(y.0));
            let rooms: Vec<_> = live.iter().map(|(g, r)| r.summary(g, l)).collect();
            RoomPage::new(rooms, more)
        }))
    }

    fn hours(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Hours, Error> {
        let day = day.unwrap_or_else(|| l.day(now.unwrap_or_else(clock_ms)));
        let state = self.lock();
        let d = state.apps.get(app).and_then(|a| a.days.get(day));
        Ok(d.map_or_else(|| Hours::empty(day), |d| d.hours(day)))
    }

    fn apps(&self, l: &Limits, now: Option<i64>) -> Result<Vec<String>, Error> {
        let today = l.day(now.unwrap_or_else(clock_ms));
        let state = self.lock();
        let mut apps: Vec<String> = state
            .apps
            .iter()
            .filter(|(_, a)| a.last >= Some(today))
            .map(|(id, _)| id.clone())
            .collect();
        apps.sort_unstable();
        Ok(apps)
    }
}
