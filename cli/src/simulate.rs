//! `voipsign rooms simulate`: many simulated phones against a memory ledger with a
//! fast clock, so that a person can watch the room rules work without writing
//! code. The phones join, heartbeat every 15 s, leave, vanish without leaving
//! (their seats become ghosts until the lease expires or a sync removes them) and
//! report the member list now and then (`sync`, as `wx.onVoIPChatMembersChanged`
//! would). Only the ledger decides anything; this file only plays the phones.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::Args;
use voipsign::rooms::{Ledger, Rules};
use voipsign::{Error, ErrorCode};

use crate::store_args::RedisArgs;

/// What to simulate.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Number of phones (users).
    #[arg(long, default_value_t = 200)]
    phones: usize,
    /// Number of distinct groupIds the phones choose from.
    #[arg(long, default_value_t = 20)]
    rooms: usize,
    /// Simulated seconds (the clock is fast: nothing sleeps).
    #[arg(long, default_value_t = 600)]
    seconds: i64,
    /// Seats per room (1-10).
    #[arg(long, default_value_t = 10)]
    capacity: i64,
    /// Openings per day.
    #[arg(long, default_value_t = 100_000)]
    daily_room_limit: i64,
    /// Seed of the pseudo-random choices (the same seed, the same run).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Run against a Redis store (--redis / --redis-env) instead of memory; the
    /// keys get a prefix of their own for this run (expiring with their leases).
    #[command(flatten)]
    store: RedisArgs,
}

/// The appId of every simulation.
pub const APP: &str = "wx20afc706a711eefc";
const HEARTBEAT_EVERY_MS: i64 = 15_000;
const SYNC_EVERY_MS: i64 = 30_000;

#[derive(Clone, Copy, PartialEq)]
enum Phone {
    Idle,
    /// In room `r`, next heartbeat due at `due`.
    InRoom {
        r: usize,
        due: i64,
    },
    /// Gone without leaving: its seat is a ghost until `expires`.
    Vanished {
        r: usize,
        expires: i64,
    },
}

#[derive(Default)]
struct Tally {
    admitted: u64,
    opened: u64,
    renewed: u64,
    full: u64,
    daily_limit: u64,
    member_limit: u64,
    heartbeats: u64,
    not_admitted: u64,
    leaves: u64,
    vanished: u64,
    ghosts_expired: u64,
    ghosts_synced: u64,
    syncs: u64,
    max_seated: usize,
}

/// xorshift64*: reproducible choices without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The simulated phones: call [`Phones::tick`] once a simulated second. Used by
/// `rooms simulate` (a fast clock) and `rooms serve --simulate` (the real one).
pub struct Phones {
    rng: Rng,
    phones: Vec<Phone>,
    rooms: usize,
    next_sync: i64,
    /// What happened so far.
    tally: Tally,
}

/// A pseudo-openid for phone `p`: 28 characters in the openid alphabet, so that
/// masked ids look as they would in the field.
pub fn member_id(p: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (p as u64 + 1));
    let mut id = String::from("o");
    for _ in 0..27 {
        id.push(ALPHABET[(rng.next() % 64) as usize] as char);
    }
    id
}

/// The groupId of room `r`.
pub fn group_id(r: usize) -> String {
    format!("room-{r}")
}

impl Phones {
    /// `phones` idle phones choosing among `rooms` groupIds, the first sync 30 s
    /// after `start_ms`.
    pub fn new(phones: usize, rooms: usize, seed: u64, start_ms: i64) -> Phones {
        Phones {
            rng: Rng(seed.max(1)),
            phones: vec![Phone::Idle; phones],
            rooms,
            next_sync: start_ms + SYNC_EVERY_MS,
            tally: Tally::default(),
        }
    }

    /// One second of every phone at `now` (ms), then the syncs when due.
    pub fn tick(&mut self, ledger: &Ledger, now: i64) -> Result<(), Error> {
        let (rng, t) = (&mut self.rng, &mut self.tally);
        let rooms = self.rooms;
        let group = group_id;
        let member = member_id;
        for (p, phone) in self.phones.iter_mut().enumerate() {
            *phone = match *phone {
                Phone::Idle if rng.chance(30) => {
                    let r = rng.below(rooms);
                    match ledger.admit(APP, &group(r), &member(p), Some(now)) {
                        Ok(a) => {
                            t.admitted += 1;
                            t.opened += u64::from(a.opened);
                            t.renewed += u64::from(a.renewed);
                            t.max_seated = t.max_seated.max(a.members as usize);
                            Phone::InRoom {
                                r,
                                due: now + HEARTBEAT_EVERY_MS,
                            }
                        }
                        Err(e) if e.code() == ErrorCode::RoomFull => {
                            t.full += 1;
                            Phone::Idle
                        }
                        Err(e) if e.code() == ErrorCode::DailyRoomLimit => {
                            t.daily_limit += 1;
                            Phone::Idle
                        }
                        Err(e) if e.code() == ErrorCode::MemberDailyLimit => {
                            t.member_limit += 1;
                            Phone::Idle
                        }
                        Err(e) => return Err(e),
                    }
                }
                Phone::InRoom { r, .. } if rng.chance(3) => {
                    t.vanished += 1;
                    let room = ledger.room(APP, &group(r), Some(now))?;
                    let seat = room.members.iter().find(|s| s.member_id == member(p));
                    Phone::Vanished {
                        r,
                        expires: seat.map_or(now, |s| s.expires),
                    }
                }
                Phone::InRoom { r, .. } if rng.chance(8) => {
                    t.leaves += u64::from(ledger.leave(APP, &group(r), &member(p), Some(now))?);
                    Phone::Idle
                }
                Phone::InRoom { r, due } if now >= due => {
                    match ledger.heartbeat(APP, &group(r), &member(p), Some(now)) {
                        Ok(_) => {
                            t.heartbeats += 1;
                            Phone::InRoom {
                                r,
                                due: now + HEARTBEAT_EVERY_MS,
                            }
                        }
                        Err(e) if e.code() == ErrorCode::NotAdmitted => {
                            // Removed by a sync while it looked gone: rejoin later.
                            t.not_admitted += 1;
                            Phone::Idle
                        }
                        Err(e) => return Err(e),
                    }
                }
                Phone::Vanished { r, expires } => {
                    let room = ledger.room(APP, &group(r), Some(now))?;
                    if room.members.iter().any(|s| s.member_id == member(p)) {
                        Phone::Vanished { r, expires }
                    } else {
                        if now >= expires {
                            t.ghosts_expired += 1;
                        } else {
                            t.ghosts_synced += 1;
                        }
                        Phone::Idle
                    }
                }
                same => same,
            };
        }
        if now >= self.next_sync {
            // One phone of each live room reports who WeChat says is in the call.
            for r in 0..rooms {
                let present: Vec<String> = (0..self.phones.len())
                    .filter(|&p| matches!(self.phones[p], Phone::InRoom { r: pr, .. } if pr == r))
                    .map(member)
                    .collect();
                if !present.is_empty() {
                    let room = ledger.sync(APP, &group(r), &present, Some(now))?;
                    t.syncs += 1;
                    t.max_seated = t.max_seated.max(room.members.len());
                }
            }
            self.next_sync = now + SYNC_EVERY_MS;
        }
        Ok(())
    }
}

/// Run the simulation and return the report.
pub fn run(args: &SimulateArgs, start_ms: i64) -> Result<String, Error> {
    let rules = Rules {
        capacity: args.capacity,
        daily_room_limit: args.daily_room_limit,
        ..Rules::default()
    };
    let (ledger, store) = match args.store.url()? {
        None => (Ledger::memory(rules)?, "memory".to_owned()),
        Some(url) => {
            // A prefix of this run's own: a simulation never mixes with real rooms
            // or an earlier run (its keys expire with the simulated leases).
            let prefix = format!(
                "{}-simulate-{}-{start_ms}",
                args.store.key_prefix,
                std::process::id()
            );
            let ledger = args.store.ledger(&url, rules, Some(&prefix))?;
            (ledger, format!("redis, key prefix {prefix}"))
        }
    };
    if args.phones == 0 || args.rooms == 0 || args.seconds <= 0 {
        return Err(Error::new(
            ErrorCode::InvalidRules,
            "simulate needs --phones, --rooms and --seconds above 0",
        ));
    }
    let limits = *ledger.limits();
    let mut sim = Phones::new(args.phones, args.rooms, args.seed, start_ms);
    let end = start_ms + args.seconds * 1000;
    let mut now = start_ms;
    while now < end {
        sim.tick(&ledger, now)?;
        now += 1000;
    }
    let t = &sim.tally;
    let mut days = BTreeMap::new();
    for day in limits.day(start_ms)..=limits.day(end) {
        days.insert(day, ledger.usage(APP, Some(day), Some(end))?.openings);
    }
    Ok(report(args, t, &days, limits.capacity, &store))
}

fn report(
    args: &SimulateArgs,
    t: &Tally,
    days: &BTreeMap<i64, u64>,
    capacity: u32,
    store: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "voipsign rooms simulate: {} phones, {} rooms, {} s simulated (capacity {capacity}, {} openings a day; store: {store})",
        args.phones, args.rooms, args.seconds, args.daily_room_limit
    );
    let rows: [(&str, u64); 12] = [
        ("admitted", t.admitted),
        ("  of which opened a room", t.opened),
        ("refused: room full", t.full),
        ("refused: daily room limit", t.daily_limit),
        ("refused: member daily limit", t.member_limit),
        ("heartbeats", t.heartbeats),
        ("heartbeats refused (NOT_ADMITTED)", t.not_admitted),
        ("left (wx.exitVoIPChat)", t.leaves),
        ("vanished without leaving", t.vanished),
        ("  ghost seats expired (lease)", t.ghosts_expired),
        ("  ghost seats removed by sync", t.ghosts_synced),
        ("syncs (onVoIPChatMembersChanged)", t.syncs),
    ];
    for (what, n) in rows {
        let _ = writeln!(s, "  {what:<36} {n:>8}");
    }
    let _ = writeln!(
        s,
        "  {:<36} {:>8}",
        "most seats seen in one room", t.max_seated
    );
    let _ = writeln!(s, "openings per day (UTC+8 days since 1970-01-01):");
    for (day, rooms) in days {
        let _ = writeln!(s, "  day {day}: {rooms}");
    }
    s
}
