//! The simulated day of one driver thread: phones opening rooms, friends
//! joining them, heartbeats every ~15 s, leaves (or a lost phone whose lease
//! runs out), all in simulated-time order through a priority queue. Pure: no
//! ledger here; [`Day::next_before`] yields the operations one at a time.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// One simulated day, 24 hours in ms.
pub const DAY_MS: i64 = 86_400_000;
/// Heartbeat period of a phone in a call (docs/ROOMS.md, "The flow").
const BEAT_MS: i64 = 15_000;
/// The rules' default leases (`Rules::default()`).
const RESERVE_MS: i64 = 60_000;
const LEASE_MS: i64 = 45_000;
/// No room opens in the last minutes of the day: every session ends before midnight.
const LAST_OPENING_MS: i64 = DAY_MS - 10 * 60_000;

/// Relative traffic per hour of the Beijing day (quiet at night, busy evening).
const HOUR_WEIGHT: [f64; 24] = [
    5.0, 3.0, 2.0, 1.5, 1.0, 1.0, 1.5, 3.0, 5.0, 6.0, 7.0, 7.0, 8.0, 7.0, 7.0, 7.0, 7.0, 8.0, 9.0,
    11.0, 13.0, 14.0, 12.0, 8.0,
];

/// A small deterministic generator (splitmix64): the same day on every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
}

/// What a phone asks of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `admit` (a new seat: an opening for the room's first phone).
    Admit,
    /// `heartbeat` of a seated phone.
    Heartbeat,
    /// `leave` of a seated phone.
    Leave,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 3] = [Kind::Admit, Kind::Heartbeat, Kind::Leave];

    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Admit => "admit",
            Kind::Heartbeat => "heartbeat",
            Kind::Leave => "leave",
        }
    }

    /// Index into [`Kind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One operation to run: at simulated time `t`, `kind` for phone `member` in room
/// `room` (indices to resolve with [`Day::group`] and [`Day::member`]);
/// `opens` says whether an admit is expected to open the room.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Explicit time, unix ms.
    pub t: i64,
    /// The operation.
    pub kind: Kind,
    /// Room slot.
    pub room: u32,
    /// Phone index.
    pub member: u32,
    /// For an admit: the model expects it to open the room.
    pub opens: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Admit(u32),
    Beat(u32),
    Leave(u32),
    Expire(u32),
}

#[derive(Debug, Clone, Copy)]
struct Sess {
    room: u32,
    member: u32,
    beats: u8,
    leaves: bool,
    opener: bool,
    expires: i64,
}

/// The day of one thread: its own phones and rooms (disjoint from every other
/// thread's), its openings' times, and the queue of pending events.
#[derive(Debug)]
pub struct Day {
    tag: usize,
    rng: Rng,
    arrivals: Vec<i64>,
    next_arrival: usize,
    queue: BinaryHeap<Reverse<(i64, u64, Ev)>>,
    seq: u64,
    sessions: Vec<Sess>,
    free_sessions: Vec<u32>,
    groups: Vec<String>,
    seats: Vec<u8>,
    free_rooms: Vec<u32>,
    members: Vec<String>,
    free_phones: VecDeque<u32>,
    opened: u64,
    /// Live seats of the model at the last step (ghosts until their lease ends).
    pub live: u64,
    /// The most live seats of this thread's model.
    pub peak: u64,
}

impl Day {
    /// Thread `tag`'s day starting at `start` (00:00 Beijing time): `openings`
    /// rooms opened over the day, `phones` phones of its own.
    pub fn new(tag: usize, start: i64, openings: u64, phones: u32, seed: u64) -> Day {
        let mut rng = Rng::new(seed ^ (tag as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let total: f64 = HOUR_WEIGHT.iter().sum();
        let mut arrivals: Vec<i64> = (0..openings)
            .map(|_| loop {
                let mut u = rng.unit() * total;
                let mut hour = 0;
                while hour < 23 && u >= HOUR_WEIGHT[hour] {
                    u -= HOUR_WEIGHT[hour];
                    hour += 1;
                }
                let t = hour as i64 * 3_600_000 + rng.range(0, 3_599_999);
                if t < LAST_OPENING_MS {
                    break start + t;
                }
            })
            .collect();
        arrivals.sort_unstable();
        // openid-like ids: 28 printable characters.
        let members = (0..phones)
            .map(|i| format!("oBdy{tag:02}{i:06}-wXk3FvXq9wPq"))
            .collect();
        Day {
            tag,
            rng,
            arrivals,
            next_arrival: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            sessions: Vec::new(),
            free_sessions: Vec::new(),
            groups: Vec::new(),
            seats: Vec::new(),
            free_rooms: Vec::new(),
            members,
            free_phones: (0..phones).collect(),
            opened: 0,
            live: 0,
            peak: 0,
        }
    }

    /// The groupId of room slot `room` (valid while the room is live).
    pub fn group(&self, room: u32) -> &str {
        &self.groups[room as usize]
    }

    /// The openid of phone `member`.
    pub fn member(&self, member: u32) -> &str {
        &self.members[member as usize]
    }

    fn push(&mut self, t: i64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((t, self.seq, ev)));
    }

    fn session(&mut self, room: u32, opener: bool) -> u32 {
        let member = self
            .free_phones
            .pop_front()
            .expect("phone pool exhausted: raise the phones");
        let s = Sess {
            room,
            member,
            beats: self.rng.range(1, 5) as u8,
            leaves: self.rng.unit() >= 0.05,
            opener,
            expires: 0,
        };
        match self.free_sessions.pop() {
            Some(i) => {
                self.sessions[i as usize] = s;
                i
            }
            None => {
                self.sessions.push(s);
                (self.sessions.len() - 1) as u32
            }
        }
    }

    fn open_room(&mut self) -> u32 {
        let name = format!("day-{}-{}", self.tag, self.opened);
        self.opened += 1;
        match self.free_rooms.pop() {
            Some(r) => {
                self.groups[r as usize] = name;
                self.seats[r as usize] = 0;
                r
            }
            None => {
                self.groups.push(name);
                self.seats.push(0);
                (self.groups.len() - 1) as u32
            }
        }
    }

    /// Joiners of a new room: none for about half, a few friends for the rest.
    fn joiners(&mut self) -> u32 {
        let u = self.rng.unit();
        if u < 0.45 {
            0
        } else if u < 0.80 {
            1
        } else if u < 0.92 {
            2
        } else {
            self.rng.range(3, 9) as u32
        }
    }

    fn seat_gone(&mut self, s: u32) {
        let Sess { room, member, .. } = self.sessions[s as usize];
        self.seats[room as usize] -= 1;
        if self.seats[room as usize] == 0 {
            self.free_rooms.push(room);
        }
        self.free_phones.push_back(member);
        self.free_sessions.push(s);
        self.live -= 1;
    }

    /// The next operation strictly before `limit` (unix ms), or `None` when
    /// every event before it is done.
    pub fn next_before(&mut self, limit: i64) -> Option<Step> {
        loop {
            let queued = self.queue.peek().map(|Reverse((t, _, _))| *t);
            let arrival = self.arrivals.get(self.next_arrival).copied();
            let take_arrival = match (arrival, queued) {
                (Some(a), Some(q)) => a < q,
                (Some(_), None) => true,
                _ => false,
            };
            if take_arrival {
                let t = arrival.expect("arrival");
                if t >= limit {
                    return None;
                }
                self.next_arrival += 1;
                let room = self.open_room();
                let s = self.session(room, true);
                self.push(t, Ev::Admit(s));
                for _ in 0..self.joiners() {
                    let j = self.session(room, false);
                    let at = t + self.rng.range(1_000, 14_000);
                    self.push(at, Ev::Admit(j));
                }
                continue;
            }
            let Reverse((t, _, _)) = self.queue.peek().copied()?;
            if t >= limit {
                return None;
            }
            let Reverse((t, _, ev)) = self.queue.pop().expect("event");
            let (s, kind) = match ev {
                Ev::Admit(s) => {
                    let sess = &mut self.sessions[s as usize];
                    sess.expires = t + RESERVE_MS;
                    let room = sess.room as usize;
                    let opener = sess.opener;
                    self.seats[room] += 1;
                    assert_eq!(opener, self.seats[room] == 1, "model: a joiner opened");
                    self.live += 1;
                    self.peak = self.peak.max(self.live);
                    let at = t + BEAT_MS + self.rng.range(-1_000, 1_000);
                    self.push(at, Ev::Beat(s));
                    (s, Kind::Admit)
                }
                Ev::Beat(s) => {
                    let sess = &mut self.sessions[s as usize];
                    sess.expires = sess.expires.max(t + LEASE_MS);
                    sess.beats -= 1;
                    let (beats, leaves, expires) = (sess.beats, sess.leaves, sess.expires);
                    if beats > 0 {
                        let at = t + BEAT_MS + self.rng.range(-1_000, 1_000);
                        self.push(at, Ev::Beat(s));
                    } else if leaves {
                        let at = t + self.rng.range(1_000, 10_000);
                        self.push(at, Ev::Leave(s));
                    } else {
                        self.push(expires, Ev::Expire(s));
                    }
                    (s, Kind::Heartbeat)
                }
                Ev::Leave(s) => (s, Kind::Leave),
                Ev::Expire(s) => {
                    self.seat_gone(s);
                    continue;
                }
            };
            let sess = self.sessions[s as usize];
            let step = Step {
                t,
                kind,
                room: sess.room,
                member: sess.member,
                opens: sess.opener,
            };
            if kind == Kind::Leave {
                // The room slot stays valid until the caller resolves the step:
                // it is only reused by a later opening.
                self.seat_gone(s);
            }
            return Some(step);
        }
    }
}

/// Operations of a whole day of thread `tag` (a dry run without a ledger), and
/// the model's own peak of live seats.
pub fn count_ops(tag: usize, start: i64, openings: u64, phones: u32, seed: u64) -> (u64, u64) {
    let mut d = Day::new(tag, start, openings, phones, seed);
    let mut n = 0;
    while d.next_before(start + DAY_MS).is_some() {
        n += 1;
    }
    assert_eq!(d.live, 0, "every seat ends before midnight");
    (n, d.peak)
}
