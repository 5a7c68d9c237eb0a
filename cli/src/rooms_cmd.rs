//! `voipsign rooms status` and `voipsign rooms usage`: what a shared (Redis)
//! ledger holds now, for an operator.

use std::fmt::Write as _;

use clap::Args;
use voipsign::rooms::Rules;
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

/// `rooms usage`: openings charged to an appId on a day.
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
    let room = ledger.room(&a.app_id, &a.group_id, None)?;
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
    Ok(format!(
        "day {}: {} of {} rooms opened",
        u.day, u.rooms, u.daily_room_limit
    ))
}
