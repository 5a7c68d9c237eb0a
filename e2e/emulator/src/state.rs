//! WeChat's memory: apps, phones, codes, session keys, rooms and day counts.
//! Every operation runs under one lock, so each is atomic.

use crate::args::{Config, Rotation};
use crate::ids;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;
use tokio::sync::watch;

/// Events kept per phone (older ones are forgotten).
pub const EVENTS_KEPT: usize = 256;

/// One `onVoIPChatMembersChanged` for one phone.
#[derive(Debug, Clone)]
pub struct Event {
    /// Its sequence number for this phone (1, 2, …).
    pub seq: u64,
    /// The room.
    pub group: String,
    /// The room's openids after the change.
    pub open_ids: Vec<String>,
}

/// One phone (one user of one app).
#[derive(Debug)]
pub struct Phone {
    /// Its openid in the app.
    pub openid: String,
    /// Its current session_key (`None` before the first login).
    pub session_key: Option<String>,
    /// The room it is in.
    pub room: Option<String>,
    /// Its recent events.
    pub events: VecDeque<Event>,
    /// The last sequence number given; also sent on `notify`.
    pub last_seq: u64,
    /// Wakes the long polls of this phone.
    pub notify: watch::Sender<u64>,
    /// When it was last seen (a join, or an events request starting or ending).
    pub last_seen: Instant,
    /// Events requests in progress (a held poll counts as presence).
    pub polls: u32,
}

impl Phone {
    fn new(app_id: &str, name: &str) -> Phone {
        Phone {
            openid: ids::openid(app_id, name),
            session_key: None,
            room: None,
            events: VecDeque::new(),
            last_seq: 0,
            notify: watch::Sender::new(0),
            last_seen: Instant::now(),
            polls: 0,
        }
    }

    fn push(&mut self, group: &str, open_ids: Vec<String>) {
        self.last_seq += 1;
        self.events.push_back(Event {
            seq: self.last_seq,
            group: group.to_string(),
            open_ids,
        });
        while self.events.len() > EVENTS_KEPT {
            self.events.pop_front();
        }
        self.notify.send_replace(self.last_seq);
    }
}

/// A live room.
#[derive(Debug)]
pub struct Room {
    /// Its members' phone names, in the order they joined.
    pub members: Vec<String>,
    /// Which opening of this groupId it is (1, 2, …).
    pub generation: u64,
    /// The roomType of the join that opened it.
    pub room_type: String,
    /// When it was opened, ms since the epoch.
    pub opened_at_ms: i64,
}

#[derive(Debug)]
struct Code {
    phone: String,
    expires: Instant,
}

/// One app WeChat knows.
pub struct App {
    /// Its secret (never logged, never answered).
    pub(crate) secret: String,
    /// Phones by name.
    pub phones: HashMap<String, Phone>,
    codes: HashMap<String, Code>,
    /// Live rooms by groupId.
    pub rooms: BTreeMap<String, Room>,
    /// Openings so far by groupId (the generation of the next room is one more).
    generations: HashMap<String, u64>,
    /// Openings by day number.
    pub openings: BTreeMap<i64, u64>,
    /// Phones dropped for silence so far.
    pub drops: u64,
}

/// Why code2Session refused: WeChat's errcode and errmsg.
pub type WxError = (i64, &'static str);

/// The answer of a join: the room's openids, or WeChat's errCode and errMsg.
pub type JoinResult = Result<Vec<String>, (i64, String)>;

/// The values of a `/_phone/joinVoIPChat`.
#[derive(Debug)]
pub struct JoinRequest<'a> {
    /// The appId.
    pub app_id: &'a str,
    /// The phone's name.
    pub phone: &'a str,
    /// The room.
    pub group_id: &'a str,
    /// The ticket's nonceStr.
    pub nonce_str: &'a str,
    /// The ticket's timeStamp (seconds).
    pub timestamp: i64,
    /// The ticket's signature.
    pub signature: &'a str,
    /// `voice` or `video`.
    pub room_type: &'a str,
}

/// The errMsg of an invalid signature, as seen in the field (E2E.md §1).
pub const INVALID_SIGNATURE: &str = "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature";

/// Everything the emulator remembers.
pub struct World {
    /// The options.
    pub cfg: Config,
    /// Apps by appId.
    pub apps: HashMap<String, App>,
    /// code2Session calls still to answer with a system error.
    pub code2session_errors: u64,
}

impl World {
    /// A world with the configured apps and nothing else.
    pub fn new(cfg: Config) -> World {
        let apps = cfg
            .apps
            .iter()
            .map(|(id, secret)| {
                let app = App {
                    secret: secret.clone(),
                    phones: HashMap::new(),
                    codes: HashMap::new(),
                    rooms: BTreeMap::new(),
                    generations: HashMap::new(),
                    openings: BTreeMap::new(),
                    drops: 0,
                };
                (id.clone(), app)
            })
            .collect();
        World {
            cfg,
            apps,
            code2session_errors: 0,
        }
    }

    /// The phone `name` of `app_id`, made on first sight (`None`: unknown app).
    pub fn phone_mut(&mut self, app_id: &str, name: &str) -> Option<&mut Phone> {
        let app = self.apps.get_mut(app_id)?;
        Some(
            app.phones
                .entry(name.to_string())
                .or_insert_with(|| Phone::new(app_id, name)),
        )
    }

    /// wx.login: a new code for the phone, and its openid. The first login makes
    /// the session_key; later ones replace it as `--rotate-session-key` says.
    /// `None`: unknown app.
    pub fn login(&mut self, app_id: &str, name: &str) -> Option<(String, String)> {
        let rotation = self.cfg.rotation;
        let ttl = self.cfg.code_ttl;
        let phone = self.phone_mut(app_id, name)?;
        let rotate = match rotation {
            _ if phone.session_key.is_none() => true,
            Rotation::Never => false,
            Rotation::Always => true,
            Rotation::Probability(p) => ids::unit() < p,
        };
        if rotate {
            phone.session_key = Some(ids::new_session_key());
        }
        let openid = phone.openid.clone();
        let app = self.apps.get_mut(app_id)?;
        let now = Instant::now();
        app.codes.retain(|_, c| c.expires > now);
        let code = ids::new_code();
        app.codes.insert(
            code.clone(),
            Code {
                phone: name.to_string(),
                expires: now + ttl,
            },
        );
        Some((code, openid))
    }

    /// Replace a phone's session_key now (a fault); its openid. `None`: unknown
    /// app, or a phone that never logged in.
    pub fn rotate(&mut self, app_id: &str, name: &str) -> Option<String> {
        let phone = self.apps.get_mut(app_id)?.phones.get_mut(name)?;
        phone.session_key.as_ref()?;
        phone.session_key = Some(ids::new_session_key());
        Some(phone.openid.clone())
    }

    /// code2Session: the code's openid and the phone's current session_key, or
    /// WeChat's error. Checks, in order: the fault switch, appid, secret,
    /// grant_type, the code (single-use, unexpired, of this app).
    pub fn code2session(
        &mut self,
        appid: Option<&str>,
        secret: Option<&str>,
        js_code: Option<&str>,
        grant_type: Option<&str>,
    ) -> Result<(String, String), WxError> {
        if self.code2session_errors > 0 {
            self.code2session_errors -= 1;
            return Err((-1, "system error"));
        }
        let appid = appid
            .filter(|s| !s.is_empty())
            .ok_or((41002, "appid missing"))?;
        let app = self.apps.get_mut(appid).ok_or((40013, "invalid appid"))?;
        let secret = secret
            .filter(|s| !s.is_empty())
            .ok_or((41004, "appsecret missing"))?;
        if !secret_eq(secret.as_bytes(), app.secret.as_bytes()) {
            return Err((40125, "invalid appsecret"));
        }
        if grant_type != Some("authorization_code") {
            return Err((40002, "invalid grant_type"));
        }
        let js_code = js_code
            .filter(|s| !s.is_empty())
            .ok_or((41008, "missing code"))?;
        let code = app.codes.remove(js_code).ok_or((40029, "invalid code"))?;
        if code.expires <= Instant::now() {
            return Err((40029, "invalid code"));
        }
        let phone = app.phones.get(&code.phone).ok_or((40029, "invalid code"))?;
        let key = phone.session_key.clone().ok_or((40029, "invalid code"))?;
        Ok((phone.openid.clone(), key))
    }

    /// joinVoIPChat. Checks, in order: the app, a login, roomType, the signature
    /// (the four values by voipsign's rules, under the phone's current key), the
    /// ticket's age (when `--ticket-max-age-s`), already in a room, then the room
    /// full or, when it opens a room, the app's daily limit.
    pub fn join(&mut self, r: &JoinRequest) -> JoinResult {
        let fail = |code: i64, msg: String| Err((code, msg));
        let (capacity, limit) = (self.cfg.capacity, self.cfg.daily_room_limit);
        let (max_age, offset) = (self.cfg.ticket_max_age_s, self.cfg.day_offset_minutes);
        let Some(app) = self.apps.get_mut(r.app_id) else {
            return fail(
                -1000,
                "joinVoIPChat:fail invalid appId: not an app of this emulator".into(),
            );
        };
        let key = app.phones.get(r.phone).and_then(|p| p.session_key.clone());
        let Some(key) = key else {
            return fail(
                -1000,
                "joinVoIPChat:fail not logged in: call wx.login first (assumed)".into(),
            );
        };
        if r.room_type != "voice" && r.room_type != "video" {
            return fail(
                -1000,
                "joinVoIPChat:fail parameter error: roomType must be voice or video".into(),
            );
        }
        let params = voipsign::Params::new(r.app_id, r.group_id, r.nonce_str, r.timestamp);
        let good = voipsign::SessionKey::new(&key)
            .and_then(|k| voipsign::verify(&params, &k, r.signature))
            .unwrap_or(false);
        if !good {
            return fail(-1000, INVALID_SIGNATURE.into());
        }
        let now_ms = ids::now_ms();
        if let Some(max) = max_age {
            let age = (now_ms / 1000 - r.timestamp).unsigned_abs();
            if age > max {
                return fail(
                    -1000,
                    format!("joinVoIPChat:fail ticket expired: timeStamp is {age} s away from now (assumed)"),
                );
            }
        }
        if app.phones.get(r.phone).is_some_and(|p| p.room.is_some()) {
            return fail(
                -1,
                "joinVoIPChat:fail 当前已在房间内 (already in a room)".into(),
            );
        }
        if let Some(room) = app.rooms.get(r.group_id) {
            if room.members.len() >= capacity {
                return fail(
                    -1000,
                    format!("joinVoIPChat:fail room is full (capacity {capacity}, assumed)"),
                );
            }
        } else {
            let day = ids::day_of(now_ms, offset);
            let today = app.openings.get(&day).copied().unwrap_or(0);
            if today >= limit {
                return fail(
                    -1000,
                    format!("joinVoIPChat:fail daily room limit reached ({today} rooms opened today, assumed)"),
                );
            }
            *app.openings.entry(day).or_insert(0) += 1;
            let generation = app.generations.entry(r.group_id.to_string()).or_insert(0);
            *generation += 1;
            app.rooms.insert(
                r.group_id.to_string(),
                Room {
                    members: Vec::new(),
                    generation: *generation,
                    room_type: r.room_type.to_string(),
                    opened_at_ms: now_ms,
                },
            );
        }
        let App { phones, rooms, .. } = app;
        let room = rooms
            .get_mut(r.group_id)
            .expect("the room was just found or made");
        room.members.push(r.phone.to_string());
        if let Some(p) = phones.get_mut(r.phone) {
            p.room = Some(r.group_id.to_string());
            p.last_seen = Instant::now();
        }
        let list = open_ids(phones, &room.members);
        notify(phones, &room.members, r.group_id, &list, Some(r.phone));
        Ok(list)
    }

    /// exitVoIPChat: the room the phone left (`Ok(None)`: it was in none).
    /// `Err(())`: unknown app.
    pub fn exit(&mut self, app_id: &str, name: &str) -> Result<Option<String>, ()> {
        let app = self.apps.get_mut(app_id).ok_or(())?;
        Ok(leave(app, name))
    }

    /// Drop every phone in a room that has not been seen for `--drop-after-ms`
    /// and holds no poll; how many were dropped.
    pub fn sweep(&mut self, now: Instant) -> usize {
        let Some(after) = self.cfg.drop_after else {
            return 0;
        };
        let mut n = 0;
        for app in self.apps.values_mut() {
            let silent: Vec<String> = app
                .phones
                .iter()
                .filter(|(_, p)| {
                    p.room.is_some()
                        && p.polls == 0
                        && now.saturating_duration_since(p.last_seen) >= after
                })
                .map(|(name, _)| name.clone())
                .collect();
            for name in silent {
                if leave(app, &name).is_some() {
                    app.drops += 1;
                    n += 1;
                }
            }
        }
        n
    }
}

/// Take `name` out of its room: the last one out closes it; the others get an event.
fn leave(app: &mut App, name: &str) -> Option<String> {
    let group = app.phones.get_mut(name)?.room.take()?;
    let App { phones, rooms, .. } = app;
    let room = rooms.get_mut(&group)?;
    room.members.retain(|m| m != name);
    if room.members.is_empty() {
        rooms.remove(&group);
    } else {
        let list = open_ids(phones, &room.members);
        notify(phones, &room.members, &group, &list, None);
    }
    Some(group)
}

/// The openids of these phones.
fn open_ids(phones: &HashMap<String, Phone>, members: &[String]) -> Vec<String> {
    members
        .iter()
        .filter_map(|m| phones.get(m).map(|p| p.openid.clone()))
        .collect()
}

/// A members-changed event to every member but `except`.
fn notify(
    phones: &mut HashMap<String, Phone>,
    members: &[String],
    group: &str,
    list: &[String],
    except: Option<&str>,
) {
    for m in members.iter().filter(|m| Some(m.as_str()) != except) {
        if let Some(p) = phones.get_mut(m) {
            p.push(group, list.to_vec());
        }
    }
}

/// Whether two secrets are equal, without an early exit.
fn secret_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}
