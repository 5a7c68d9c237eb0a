//! `voipsign rooms status`, `rooms usage` and `rooms list`: what a shared
//! (Redis) ledger holds now, for an operator. Member ids (openids) are masked.

use std::fmt::Write as _;

use clap::Args;
use voipsign::rooms::{mask_member_id, Rules, DEFAULT_PAGE};
use voipsign::Error;

use crate::store_args::RedisArgs;

/// `rooms status`: one room's live seats.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The mini program's appId.
    #[arg(long)]
    app_id: String,
    /// The room's groupId.
    #[arg(long)]
    group_id: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: RedisArgs,
}

/// `rooms usage`: the day counters of an appId.
#[derive(Args, Debug)]
pub struct UsageArgs {
    /// The mini program's appId.
    #[arg(long)]
    app_id: String,
    /// The day (days since 1970-01-01 in the day offset; default: today).
    #[arg(long, allow_hyphen_values = true)]
    day: Option<i64>,
    /// The UTC offset of the quota's day, minutes (default +480: Beijing time).
    #[arg(long, default_value_t = 480, allow_hyphen_values = true)]
    day_offset_minutes: i64,
    /// Openings allowed a day (shown beside the count).
    #[arg(long, default_value_t = 100_000)]
    daily_room_limit: i64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: RedisArgs,
}

/// The room, as text or JSON.
pub fn status(a: &StatusArgs) -> Result<String, Error> {
    let ledger = a.store.required(Rules::default())?;
    let mut room = ledger.room(&a.app_id, &a.group_id, None)?;
    for seat in &mut room.members {
        seat.member_id = mask_member_id(&seat.member_id);
    }
    if a.json {
        return Ok(serde_json::to_string(&room).expect("a room serializes"));
    }
    let mut s = format!(
        "room {}: {} (generation {}), {} seat(s)\n",
        a.group_id,
        if room.live { "live" } else { "not live" },
        room.generation,
        room.members.len()
    );
    for seat in &room.members {
        let _ = writeln!(
            s,
            "  {:<32} since {} expires {}",
            seat.member_id, seat.since, seat.expires
        );
    }
    Ok(s)
}

/// The day's usage, as text or JSON.
pub fn usage(a: &UsageArgs) -> Result<String, Error> {
    let rules = Rules {
        day_offset_minutes: a.day_offset_minutes,
        daily_room_limit: a.daily_room_limit,
        ..Rules::default()
    };
    let ledger = a.store.required(rules)?;
    let u = ledger.usage(&a.app_id, a.day, None)?;
    if a.json {
        return Ok(serde_json::to_string(&u).expect("usage serializes"));
    }
    let live = |v: Option<u64>| v.map_or("-".to_owned(), |n| n.to_string());
    let mut s = format!(
        "day {}: {} of {} rooms opened\n",
        u.day, u.openings, u.daily_room_limit
    );
    for (name, n) in [
        ("admissions", u.admissions),
        ("renewals", u.renewals),
        ("refused_room_full", u.refused_room_full),
        ("refused_daily_limit", u.refused_daily_limit),
        ("refused_member_limit", u.refused_member_limit),
        ("heartbeats_refused", u.heartbeats_refused),
        ("leaves", u.leaves),
        ("adopted_by_sync", u.adopted_by_sync),
        ("removed_by_sync", u.removed_by_sync),
        ("expired", u.expired),
        ("peak_seats", u.peak_seats),
    ] {
        let _ = writeln!(s, "  {name:<22}{n}");
    }
    let _ = writeln!(s, "  {:<22}{}", "live_rooms", live(u.live_rooms));
    let _ = write!(s, "  {:<22}{}", "live_seats", live(u.live_seats));
    Ok(s)
}

/// `rooms list`: one page of an appId's live rooms.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// The mini program's appId.
    #[arg(long)]
    app_id: String,
    /// Rooms per page, 1-1000.
    #[arg(long, default_value_t = DEFAULT_PAGE as i64, allow_hyphen_values = true)]
    limit: i64,
    /// Start after this groupId (the `next` of the previous page).
    #[arg(long)]
    after: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: RedisArgs,
}

/// The page, as text (one room a line, then the cursor) or JSON.
pub fn list(a: &ListArgs) -> Result<String, Error> {
    let limit = voipsign::rooms::check_limit(a.limit)?;
    let ledger = a.store.required(Rules::default())?;
    let page = ledger.rooms(&a.app_id, limit, a.after.as_deref(), None)?;
    if a.json {
        return Ok(serde_json::to_string(&page).expect("a page serializes"));
    }
    let mut s = format!("{} live room(s)\n", page.rooms.len());
    for r in &page.rooms {
        let _ = writeln!(
            s,
            "  {:<40} {:>2}/{} seats  generation {}  opened at {}",
            r.group_id, r.seats, r.capacity, r.generation, r.opened_at
        );
    }
    match &page.next {
        Some(n) => {
            let _ = write!(s, "next page: --after {n}");
        }
        None => s.push_str("(last page)"),
    }
    Ok(s)
}
