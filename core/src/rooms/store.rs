//! The boundary between the ledger and where its state lives.
//!
//! A store runs each operation atomically with respect to every other operation
//! on the same state (from any thread, process or backend instance sharing it).
//! Inputs arrive validated; `now` is the explicit time of the call, or `None` for
//! the store's own clock (the process clock in memory; the server's `TIME` in a
//! shared store, so that every instance counts on one clock). A store that cannot
//! be reached answers `LEDGER_UNAVAILABLE`; the ledger applies `on_unavailable`.

use std::fmt;

use super::counters::{Hours, Usage};
use super::model::{Admission, Room, RoomPage};
use super::rules::Limits;
use crate::error::Error;

/// Where a ledger keeps its seats and day counters. Implemented by the memory
/// store here and by the Redis store (one server-side script per operation).
pub trait Store: Send + Sync + fmt::Debug {
    /// Seat `member` (see `docs/ROOMS.md`, "Exact semantics"): `ROOM_FULL`,
    /// `DAILY_ROOM_LIMIT` when refused.
    fn admit(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<Admission, Error>;
    /// Refresh a live seat's lease; `NOT_ADMITTED` when there is none.
    fn heartbeat(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<i64, Error>;
    /// Remove a live seat; whether there was one.
    fn leave(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        member: &str,
        now: Option<i64>,
    ) -> Result<bool, Error>;
    /// Reconcile with the members a phone reported; the room after.
    fn sync(
        &self,
        l: &Limits,
        app: &str,
        group: &str,
        listed: &[&str],
        now: Option<i64>,
    ) -> Result<Room, Error>;
    /// The room's live seats and generation.
    fn room(&self, l: &Limits, app: &str, group: &str, now: Option<i64>) -> Result<Room, Error>;
    /// The counters of `day` (default: the day of `now`), every ended seat of
    /// the appId counted first; the live rooms and seats when `day` is today.
    fn usage(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Usage, Error>;
    /// One page of the appId's live rooms in groupId byte order, after `after`;
    /// every ended seat of the appId counted first. `limit` is 1–1000.
    fn rooms(
        &self,
        l: &Limits,
        app: &str,
        limit: u32,
        after: Option<&str>,
        now: Option<i64>,
    ) -> Result<RoomPage, Error>;
    /// The openings and refused admissions of `day` (default: the day of `now`)
    /// per hour. Changes nothing (and is not an operation for [`Store::apps`]).
    fn hours(
        &self,
        l: &Limits,
        app: &str,
        day: Option<i64>,
        now: Option<i64>,
    ) -> Result<Hours, Error>;
    /// The appIds whose newest operation fell on the day of `now` (or later:
    /// explicit times), sorted by byte order, each once. Changes nothing.
    fn apps(&self, l: &Limits, now: Option<i64>) -> Result<Vec<String>, Error>;
}
