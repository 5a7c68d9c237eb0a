//! What the phone threads, the room watcher and the rotation share.

use crate::args::Config;
use crate::client::{query_escape, Client, REQUEST_TIMEOUT};
use crate::tally::{Ghost, Tally};
use crate::wire;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The state of one run.
pub struct Shared {
    /// The checked options.
    pub cfg: Config,
    /// The HTTP client.
    pub client: Client,
    /// When the run started.
    pub start: Instant,
    /// Set when the run ends (its time is up, or SIGINT/SIGTERM).
    pub stop: AtomicBool,
    tally: Mutex<Tally>,
    /// groupId → this run's phones holding a backend seat there that the
    /// emulator does not (yet, or any more) list: between /voip/join and a
    /// joined answer, and between exitVoIPChat and /voip/leave; and how many
    /// seats there this run's phones have given back (leaves answered).
    pending: Mutex<HashMap<String, Seats>>,
    /// Phone index → when its session_key was replaced, while it has not
    /// started a login since.
    rotated: Mutex<HashMap<usize, Instant>>,
    ghosts: Mutex<Vec<Ghost>>,
}

/// One groupId's seats in flight (see `Shared::pending`).
#[derive(Debug, Default, Clone, Copy)]
struct Seats {
    pending: i64,
    released: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// A new run's state, started now.
    pub fn new(cfg: Config) -> Self {
        Shared {
            cfg,
            client: Client::new(),
            start: Instant::now(),
            stop: AtomicBool::new(false),
            tally: Mutex::new(Tally::default()),
            pending: Mutex::new(HashMap::new()),
            rotated: Mutex::new(HashMap::new()),
            ghosts: Mutex::new(Vec::new()),
        }
    }

    /// Whether the run is ending.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Seconds since the start.
    pub fn now_s(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// The counts, locked.
    pub fn tally(&self) -> MutexGuard<'_, Tally> {
        lock(&self.tally)
    }

    /// Sleep `d`, waking early when the run ends; whether the run goes on.
    pub fn sleep(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        loop {
            if self.stopping() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(50)));
        }
    }

    /// A backend URL.
    pub fn backend(&self, path: &str) -> String {
        format!("{}{}", self.cfg.backend, path)
    }

    /// An emulator URL.
    pub fn wechat(&self, path: &str) -> String {
        format!("{}{}", self.cfg.wechat, path)
    }

    /// Add `d` to the pending seats of `group`.
    pub fn pending_add(&self, group: &str, d: i64) {
        lock(&self.pending)
            .entry(group.to_string())
            .or_default()
            .pending += d;
    }

    /// A pending seat of `group` given back (its /voip/leave answered).
    pub fn release(&self, group: &str) {
        let mut p = lock(&self.pending);
        let e = p.entry(group.to_string()).or_default();
        e.pending -= 1;
        e.released += 1;
    }

    /// The pending seats of `group`.
    pub fn pending(&self, group: &str) -> i64 {
        lock(&self.pending).get(group).map_or(0, |s| s.pending)
    }

    /// How many seats of `group` this run's phones have given back so far.
    pub fn released(&self, group: &str) -> u64 {
        lock(&self.pending).get(group).map_or(0, |s| s.released)
    }

    /// The emulator's live rooms (groupId → openids), or why not.
    pub fn emulator_rooms(&self) -> Result<BTreeMap<String, Vec<String>>, String> {
        let url = self.wechat(&format!(
            "/_emulator/rooms?appId={}",
            query_escape(&self.cfg.app)
        ));
        let a = self.client.get(&url, REQUEST_TIMEOUT)?;
        if a.status != 200 {
            return Err(format!("GET /_emulator/rooms answered {}", a.status));
        }
        wire::parse_rooms(&a.body)
            .ok_or_else(|| "GET /_emulator/rooms: an answer not understood".to_string())
    }

    /// Mark phone `i`'s key as replaced now.
    pub fn mark_rotated(&self, i: usize) {
        lock(&self.rotated).insert(i, Instant::now());
    }

    /// Forget a mark (the fault was not applied).
    pub fn unmark_rotated(&self, i: usize) {
        lock(&self.rotated).remove(&i);
    }

    /// Whether phone `i` holds a replaced key the backend does not know.
    pub fn is_rotated(&self, i: usize) -> bool {
        lock(&self.rotated).contains_key(&i)
    }

    /// Phone `i` finished a login it started at `started`: a login started
    /// after the key was replaced gives the backend the new key.
    pub fn logged_in(&self, i: usize, started: Instant) {
        let mut r = lock(&self.rotated);
        if r.get(&i).is_some_and(|at| started > *at) {
            r.remove(&i);
        }
    }

    /// Phone `openid` vanished from `group` now.
    pub fn add_ghost(&self, openid: &str, group: &str) {
        lock(&self.ghosts).push(Ghost {
            openid: openid.to_string(),
            group: group.to_string(),
            at: self.now_s(),
            gone_emulator: None,
            gone_backend: None,
        });
    }

    /// The emulator's rooms were read: ghosts no longer listed are gone there.
    pub fn ghosts_seen_at_emulator(&self, rooms: &BTreeMap<String, Vec<String>>) {
        let now = self.now_s();
        for g in lock(&self.ghosts)
            .iter_mut()
            .filter(|g| g.gone_emulator.is_none())
        {
            let there = rooms.get(&g.group).is_some_and(|m| m.contains(&g.openid));
            if !there {
                g.gone_emulator = Some(now);
            }
        }
    }

    /// The backend answered `/voip/members` for `group` with these members:
    /// ghosts of that room no longer listed are gone there.
    pub fn ghosts_seen_at_backend(&self, group: &str, members: &[String]) {
        let now = self.now_s();
        for g in lock(&self.ghosts)
            .iter_mut()
            .filter(|g| g.gone_backend.is_none() && g.group == group)
        {
            if !members.contains(&g.openid) {
                g.gone_backend = Some(now);
            }
        }
    }

    /// The ghosts so far.
    pub fn ghosts(&self) -> Vec<Ghost> {
        lock(&self.ghosts).clone()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::args::MsRange;

    pub(crate) fn config() -> Config {
        let r = MsRange { min: 1, max: 2 };
        Config {
            backend: "http://127.0.0.1:1".into(),
            wechat: "http://127.0.0.1:1".into(),
            app: "wx".into(),
            phones: 2,
            rooms: 1,
            duration: Duration::from_secs(1),
            vanish_rate: 0.0,
            heartbeat: Duration::from_secs(1),
            seed: 1,
            json: None,
            capacity: 10,
            stay: r,
            retry: r,
            pause: r,
            ramp: Duration::ZERO,
            rotate_phones: 0,
            rotate_at: Duration::ZERO,
            room_type: "voice".into(),
            quiet: true,
        }
    }

    #[test]
    fn pending_counts() {
        let s = Shared::new(config());
        s.pending_add("room-1", 1);
        s.pending_add("room-1", 1);
        assert_eq!(s.pending("room-1"), 2);
        s.pending_add("room-1", -1);
        s.release("room-1");
        assert_eq!(s.pending("room-1"), 0);
        assert_eq!(s.released("room-1"), 1);
        assert_eq!(s.pending("room-2"), 0);
    }

    #[test]
    fn rotation_marks() {
        let s = Shared::new(config());
        let before = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        s.mark_rotated(0);
        s.logged_in(0, before);
        assert!(
            s.is_rotated(0),
            "a login started before the fault keeps the old key"
        );
        std::thread::sleep(Duration::from_millis(2));
        s.logged_in(0, Instant::now());
        assert!(!s.is_rotated(0));
    }

    #[test]
    fn ghost_tracking() {
        let s = Shared::new(config());
        s.add_ghost("o1", "room-1");
        let mut rooms = BTreeMap::new();
        rooms.insert("room-1".to_string(), vec!["o1".to_string()]);
        s.ghosts_seen_at_emulator(&rooms);
        assert!(s.ghosts()[0].gone_emulator.is_none());
        s.ghosts_seen_at_backend("room-2", &[]);
        assert!(s.ghosts()[0].gone_backend.is_none());
        s.ghosts_seen_at_backend("room-1", &["o2".to_string()]);
        assert!(s.ghosts()[0].gone_backend.is_some());
        rooms.clear();
        s.ghosts_seen_at_emulator(&rooms);
        assert!(s.ghosts()[0].gone_emulator.is_some());
    }
}
