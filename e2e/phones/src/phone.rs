//! One simulated phone: login, ticket, join, stay (heartbeats, events, member
//! syncs), exit or vanish, again until the run ends (docs/PHONES.md, "The flow").

use crate::client::{query_escape, Answer, POLL_TIMEOUT};
use crate::state::Shared;
use crate::tally::bump;
use crate::wire::{self, LateCause};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a stay ended.
enum Stay {
    /// Exited and left: pause, then go again.
    Left,
    /// Refused (by the backend or the emulator): retry after a short pause.
    Refused,
    /// Vanished: this phone is done for the run.
    Vanished,
    /// The run ended.
    Stopped,
}

/// What `/voip/join` gave.
enum Admit {
    /// A ticket (the seat is held; `pending` counted).
    Ticket(Value),
    /// Refused, counted.
    Refused,
    /// 401: log in again.
    Unauthenticated,
}

struct Phone {
    sh: Arc<Shared>,
    i: usize,
    name: String,
    rng: fastrand::Rng,
    token: Option<String>,
    openid: String,
    /// The events cursor (`after`), kept across stays.
    cursor: Arc<AtomicU64>,
}

/// Run phone `i` until the run ends or it vanishes.
pub fn run_phone(sh: Arc<Shared>, i: usize) {
    let seed = sh.cfg.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let name = sh.cfg.phone_name(i);
    let mut p = Phone {
        sh,
        i,
        name,
        rng: fastrand::Rng::with_seed(seed),
        token: None,
        openid: String::new(),
        cursor: Arc::new(AtomicU64::new(0)),
    };
    let n = p.sh.cfg.phones.max(1) as u128;
    let ramp = Duration::from_nanos((p.sh.cfg.ramp.as_nanos() * i as u128 / n) as u64);
    if !p.sh.sleep(ramp) {
        return;
    }
    p.main_loop();
}

impl Phone {
    fn main_loop(&mut self) {
        while !self.sh.stopping() {
            if self.token.is_none() && !self.login() {
                let d = self.sh.cfg.retry.draw(&mut self.rng);
                self.sh.sleep(d);
                continue;
            }
            let k = self.rng.usize(0..self.sh.cfg.rooms);
            let group = self.sh.cfg.group_id(k);
            match self.stay(&group) {
                Stay::Left => {
                    let d = self.sh.cfg.pause.draw(&mut self.rng);
                    self.sh.sleep(d);
                }
                Stay::Refused => {
                    let d = self.sh.cfg.retry.draw(&mut self.rng);
                    self.sh.sleep(d);
                }
                Stay::Vanished | Stay::Stopped => return,
            }
        }
    }

    fn post_backend(&self, path: &str, body: Value) -> Result<Answer, String> {
        self.sh
            .client
            .post(&self.sh.backend(path), &body, self.token.as_deref())
    }

    fn post_wechat(&self, path: &str, body: Value) -> Result<Answer, String> {
        self.sh.client.post(&self.sh.wechat(path), &body, None)
    }

    fn transport_error(&self, path: &str) {
        bump(&mut self.sh.tally().c.transport_errors, path.to_string());
    }

    fn unexpected(&self, what: String) {
        bump(&mut self.sh.tally().c.unexpected, what);
    }

    /// wx.login at the emulator, then the backend's /login; whether it worked.
    fn login(&mut self) -> bool {
        self.token = None;
        let started = Instant::now();
        let a = match self.post_wechat(
            "/_phone/login",
            json!({"appId": self.sh.cfg.app, "phone": self.name}),
        ) {
            Ok(a) => a,
            Err(_) => {
                self.transport_error("/_phone/login");
                return false;
            }
        };
        let code = a.body.get("code").and_then(Value::as_str);
        let (200, Some(code)) = (a.status, code) else {
            bump(
                &mut self.sh.tally().c.login_failures,
                format!("emulator {}", a.status),
            );
            return false;
        };
        if let Some(o) = a.body.get("openid").and_then(Value::as_str) {
            self.openid = o.to_string();
        }
        let b = match self.post_backend("/login", json!({"code": code})) {
            Ok(b) => b,
            Err(_) => {
                self.transport_error("/login");
                return false;
            }
        };
        match (b.status, b.body.get("token").and_then(Value::as_str)) {
            (200, Some(t)) if !t.is_empty() => {
                self.token = Some(t.to_string());
                self.sh.tally().c.logins += 1;
                self.sh.logged_in(self.i, started);
                true
            }
            _ => {
                bump(&mut self.sh.tally().c.login_failures, b.error_code());
                false
            }
        }
    }

    /// Ask the backend for a ticket to `group`.
    fn admit(&mut self, group: &str) -> Admit {
        let released = self.sh.released(group);
        self.sh.pending_add(group, 1);
        let r = self.post_backend(
            "/voip/join",
            json!({"groupId": group, "roomType": self.sh.cfg.room_type}),
        );
        let a = match r {
            Ok(a) => a,
            Err(_) => {
                self.sh.pending_add(group, -1);
                self.transport_error("/voip/join");
                return Admit::Refused;
            }
        };
        self.sh
            .tally()
            .join_latency_us
            .push(a.elapsed.as_micros() as u64);
        if a.status == 200 {
            if let Some(t) = a.body.get("ticket").filter(|t| t.is_object()) {
                self.sh.tally().c.tickets += 1;
                return Admit::Ticket(t.clone());
            }
            self.sh.pending_add(group, -1);
            self.unexpected("/voip/join 200 without a ticket".into());
            return Admit::Refused;
        }
        self.sh.pending_add(group, -1);
        if a.status == 401 {
            bump(&mut self.sh.tally().c.refused, a.error_code());
            return Admit::Unauthenticated;
        }
        let code = a.error_code();
        bump(&mut self.sh.tally().c.refused, code.clone());
        if code == "ROOM_FULL" {
            self.check_false_refusal(group, released);
        }
        Admit::Refused
    }

    /// The backend said ROOM_FULL: read the emulator's room at once.
    /// `released_before`: the seats of `group` this run had given back when the
    /// join was sent; one given back since then (a phone that left between the
    /// refusal and the check) leaves the check unsettled, never false.
    fn check_false_refusal(&self, group: &str, released_before: u64) {
        let before = self.sh.pending(group);
        let rooms = match self.sh.emulator_rooms() {
            Ok(r) => r,
            Err(e) => {
                self.unexpected(format!("false-refusal check: {e}"));
                return;
            }
        };
        let after = self.sh.pending(group);
        let settled = self.sh.released(group) == released_before;
        let members = rooms.get(group).map_or(0, Vec::len);
        let seats_here = before.max(after).max(0) as usize;
        let cap = self.sh.cfg.capacity;
        let mut t = self.sh.tally();
        t.c.room_full_checked += 1;
        if members < cap {
            t.c.false_refusals_raw += 1;
        }
        if members + seats_here < cap {
            if settled {
                t.c.false_refusals += 1;
            } else {
                t.c.room_full_unsettled += 1;
            }
        }
    }

    /// joinVoIPChat at the emulator with the ticket's values.
    fn join_emulator(&self, group: &str, ticket: &Value) -> Option<(i64, String, Value)> {
        let v = |k: &str| ticket.get(k).cloned().unwrap_or(Value::Null);
        let room_type = ticket
            .get("roomType")
            .cloned()
            .unwrap_or_else(|| Value::String(self.sh.cfg.room_type.clone()));
        let body = json!({
            "appId": self.sh.cfg.app, "phone": self.name,
            "groupId": ticket.get("groupId").cloned().unwrap_or_else(|| Value::String(group.into())),
            "nonceStr": v("nonceStr"), "timeStamp": v("timeStamp"), "signature": v("signature"),
            "roomType": room_type,
        });
        match self.post_wechat("/_phone/joinVoIPChat", body) {
            Ok(a) => {
                let (code, msg) = wire::join_result(&a.body);
                Some((code, msg, a.body))
            }
            Err(_) => {
                self.transport_error("/_phone/joinVoIPChat");
                None
            }
        }
    }

    /// Give back a seat the backend admitted (after a late refusal).
    fn leave_after_refusal(&mut self, group: &str) {
        match self.post_backend("/voip/leave", json!({"groupId": group})) {
            Ok(a) if a.status == 200 => self.sh.tally().c.leaves_after_refusal += 1,
            Ok(a) => self.unexpected(format!("/voip/leave {}", a.error_code())),
            Err(_) => self.transport_error("/voip/leave"),
        }
        self.sh.release(group);
    }

    /// Count an invalid signature: a phone whose key this run replaced (and
    /// that has not started a login since), or any other (an invariant broken).
    fn count_invalid_signature(&self) {
        let rotated = self.sh.is_rotated(self.i);
        let mut t = self.sh.tally();
        if rotated {
            t.invalid_sig_rotated += 1;
            t.rotated_hit.insert(self.i);
        } else {
            t.invalid_sig_others += 1;
            t.invalid_sig_other_phones.insert(self.name.clone());
        }
    }

    /// An invalid signature: count it, ask /voip/explain, log in again.
    fn invalid_signature(&mut self, group: &str, code: i64, msg: &str) -> bool {
        self.count_invalid_signature();
        match self.post_backend(
            "/voip/explain",
            json!({"errCode": code, "errMsg": msg, "groupId": group}),
        ) {
            Ok(a) if a.status == 200 => bump(
                &mut self.sh.tally().c.explain_causes,
                wire::explain_cause(&a.body),
            ),
            Ok(a) => bump(
                &mut self.sh.tally().c.explain_causes,
                format!("(refused: {})", a.error_code()),
            ),
            Err(_) => self.transport_error("/voip/explain"),
        }
        // The old token's seat is given back; the new login seats the same openid.
        self.leave_after_refusal(group);
        let ok = self.login();
        if ok {
            self.sh.tally().c.relogins += 1;
        }
        ok
    }

    /// One try at a room: ticket, join (and one retry after an invalid
    /// signature), then the stay.
    fn stay(&mut self, group: &str) -> Stay {
        let mut retried = false;
        loop {
            let ticket = match self.admit(group) {
                Admit::Ticket(t) => t,
                Admit::Refused => return Stay::Refused,
                Admit::Unauthenticated => {
                    self.token = None;
                    return Stay::Refused;
                }
            };
            let Some((code, msg, body)) = self.join_emulator(group, &ticket) else {
                self.leave_after_refusal(group);
                return Stay::Refused;
            };
            if code == 0 {
                self.sh.pending_add(group, -1);
                return self.in_room(group, &body, retried);
            }
            let cause = wire::classify_late(code, &msg);
            bump(&mut self.sh.tally().late, cause);
            if cause == LateCause::InvalidSignature && !retried {
                retried = true;
                if self.invalid_signature(group, code, &msg) && !self.sh.stopping() {
                    continue;
                }
                return Stay::Refused;
            }
            if cause == LateCause::InvalidSignature {
                // The retry after a fresh login failed too.
                self.count_invalid_signature();
            }
            self.leave_after_refusal(group);
            return Stay::Refused;
        }
    }

    fn in_room(&mut self, group: &str, joined: &Value, retried: bool) -> Stay {
        let now = self.sh.now_s();
        let list = joined
            .get("openIdList")
            .cloned()
            .unwrap_or_else(|| json!([]));
        {
            let mut t = self.sh.tally();
            t.c.joined += 1;
            if retried {
                t.c.retries_joined += 1;
            }
            if t.rotated_hit.contains(&self.i) {
                t.rotated_rejoined.insert(self.i);
            }
            let n = list.as_array().map_or(0, Vec::len);
            t.saw_room(
                group,
                n,
                self.sh.cfg.capacity,
                now,
                "joinVoIPChat openIdList",
            );
        }
        let token = self.token.clone().unwrap_or_default();
        sync(&self.sh, &token, group, list);
        let stop = Arc::new(AtomicBool::new(false));
        let poller = Poller {
            sh: self.sh.clone(),
            phone: self.name.clone(),
            group: group.to_string(),
            token,
            cursor: self.cursor.clone(),
            stop: stop.clone(),
        };
        // Detached: a long poll may outlive the stay by ≤ 25 s; once `stop` is
        // set the poller sends nothing more.
        let spawned = std::thread::Builder::new()
            .name(format!("{}-events", self.name))
            .stack_size(256 * 1024)
            .spawn(move || poller.run());
        if spawned.is_err() {
            self.unexpected("could not start an events thread".into());
        }
        let stay_end = Instant::now() + self.sh.cfg.stay.draw(&mut self.rng);
        let vanish = self.sh.cfg.vanish_rate > 0.0 && self.rng.f64() < self.sh.cfg.vanish_rate;
        let mut next_hb = Instant::now() + self.sh.cfg.heartbeat;
        loop {
            if self.sh.stopping() {
                self.exit(group, &stop);
                return Stay::Stopped;
            }
            let now = Instant::now();
            if now >= stay_end {
                if vanish {
                    stop.store(true, Ordering::Relaxed);
                    self.sh.tally().c.vanished += 1;
                    self.sh.add_ghost(&self.openid, group);
                    return Stay::Vanished;
                }
                self.exit(group, &stop);
                return Stay::Left;
            }
            if now >= next_hb {
                self.heartbeat(group);
                next_hb = Instant::now() + self.sh.cfg.heartbeat;
            }
            let wake = stay_end.min(next_hb);
            std::thread::sleep(
                wake.saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(50)),
            );
        }
    }

    fn heartbeat(&mut self, group: &str) {
        let a = match self.post_backend("/voip/heartbeat", json!({"groupId": group})) {
            Ok(a) => a,
            Err(_) => return self.transport_error("/voip/heartbeat"),
        };
        if a.status == 200 {
            self.sh.tally().c.heartbeats += 1;
            return;
        }
        let code = a.error_code();
        bump(&mut self.sh.tally().c.heartbeats_refused, code.clone());
        if code == "NOT_ADMITTED" {
            // The seat expired: admit again (the phone is still in the room).
            self.sh.tally().c.readmits += 1;
            let _ = self.post_backend(
                "/voip/join",
                json!({"groupId": group, "roomType": self.sh.cfg.room_type}),
            );
        }
    }

    /// exitVoIPChat at the emulator, then /voip/leave.
    fn exit(&mut self, group: &str, stop: &AtomicBool) {
        stop.store(true, Ordering::Relaxed);
        self.sh.pending_add(group, 1);
        match self.post_wechat(
            "/_phone/exitVoIPChat",
            json!({"appId": self.sh.cfg.app, "phone": self.name}),
        ) {
            Ok(a) if a.status == 200 => self.sh.tally().c.exits += 1,
            Ok(a) => self.unexpected(format!("/_phone/exitVoIPChat HTTP {}", a.status)),
            Err(_) => self.transport_error("/_phone/exitVoIPChat"),
        }
        match self.post_backend("/voip/leave", json!({"groupId": group})) {
            Ok(a) if a.status == 200 => {
                let mut t = self.sh.tally();
                t.c.leaves += 1;
                if a.body.get("removed") == Some(&Value::Bool(false)) {
                    t.c.leaves_not_removed += 1;
                }
            }
            Ok(a) => self.unexpected(format!("/voip/leave {}", a.error_code())),
            Err(_) => self.transport_error("/voip/leave"),
        }
        self.sh.release(group);
    }
}

/// POST /voip/members {groupId, openIdList}, counted; ghosts checked.
fn sync(sh: &Shared, token: &str, group: &str, list: Value) {
    let body = json!({"groupId": group, "openIdList": list});
    match sh
        .client
        .post(&sh.backend("/voip/members"), &body, Some(token))
    {
        Ok(a) if a.status == 200 => {
            sh.tally().c.syncs += 1;
            if let Some(m) = wire::backend_room_members(&a.body) {
                sh.ghosts_seen_at_backend(group, &m);
            }
        }
        Ok(a) => bump(&mut sh.tally().c.syncs_refused, a.error_code()),
        Err(_) => bump(&mut sh.tally().c.transport_errors, "/voip/members".into()),
    }
}

/// The events long poll of one stay: its presence in the room.
struct Poller {
    sh: Arc<Shared>,
    phone: String,
    group: String,
    token: String,
    cursor: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Poller {
    fn done(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.sh.stopping()
    }

    fn run(self) {
        let base = format!(
            "/_phone/events?appId={}&phone={}&after=",
            query_escape(&self.sh.cfg.app),
            query_escape(&self.phone)
        );
        while !self.done() {
            let after = self.cursor.load(Ordering::Relaxed);
            let r = self
                .sh
                .client
                .get(&self.sh.wechat(&format!("{base}{after}")), POLL_TIMEOUT);
            if self.done() {
                return;
            }
            let a = match r {
                Ok(a) if a.status == 200 => a,
                Ok(a) => {
                    bump(
                        &mut self.sh.tally().c.unexpected,
                        format!("/_phone/events HTTP {}", a.status),
                    );
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
                Err(_) => {
                    bump(
                        &mut self.sh.tally().c.transport_errors,
                        "/_phone/events".into(),
                    );
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
            };
            let (events, next) = wire::parse_events(&a.body, after);
            self.cursor.store(next, Ordering::Relaxed);
            if events.is_empty() && a.elapsed < Duration::from_millis(50) {
                // Not held as a long poll: do not spin.
                std::thread::sleep(Duration::from_millis(100));
            }
            for e in events.into_iter().filter(wire::Event::is_members_changed) {
                if e.group.as_deref().is_some_and(|g| g != self.group) {
                    continue;
                }
                if self.done() {
                    return;
                }
                self.sh.tally().c.events += 1;
                let ids = e.open_ids.unwrap_or_default();
                let now = self.sh.now_s();
                self.sh.tally().saw_room(
                    &self.group,
                    ids.len(),
                    self.sh.cfg.capacity,
                    now,
                    "onVoIPChatMembersChanged",
                );
                sync(&self.sh, &self.token, &self.group, json!(ids));
            }
        }
    }
}
