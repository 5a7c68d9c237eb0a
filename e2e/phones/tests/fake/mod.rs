//! A tiny fake of the emulator (E2E.md §1) and a reference backend (§2) in one
//! HTTP/1.1 server on the loopback, with switches that make each side misbehave.
//!
//! Signatures are stand-ins: the backend signs `sig-<openid>-<key version at
//! login>`, the emulator checks it against the phone's current key version, and a
//! `rotateSessionKey` fault bumps that version.

// Each test binary uses a part of it.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Misbehaviours.
#[derive(Default, Clone)]
pub struct Switches {
    /// The emulator refuses every join as full.
    pub emulator_full: bool,
    /// The backend refuses every join with ROOM_FULL.
    pub backend_full: bool,
    /// The emulator's /_emulator/rooms lists this many extra members in room-1.
    pub extra_members: usize,
    /// The backend signs with a wrong key.
    pub bad_signatures: bool,
    /// Real session_keys: `/sns/jscode2session` answers them and a join's
    /// signature is checked by voipsign's algorithm (for a real backend).
    pub wechat_keys: bool,
}

/// The session_key of `phone` at key version `v`: 16 bytes, base64.
fn session_key(phone: &str, v: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ v;
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        for c in phone.bytes().chain([i as u8]) {
            h = (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3);
        }
        *b = (h >> 24) as u8;
    }
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

fn signature_ok(app: &str, b: &Value, key: &str) -> bool {
    let Ok(key) = voipsign::SessionKey::new(key) else {
        return false;
    };
    let ts = b
        .get("timeStamp")
        .and_then(|t| t.as_i64().or_else(|| t.as_str()?.parse().ok()));
    let (g, n, sig) = (s(b, "groupId"), s(b, "nonceStr"), s(b, "signature"));
    let params = voipsign::Params::new(app, &g, &n, ts.unwrap_or(-1));
    voipsign::verify(&params, &key, &sig).unwrap_or(false)
}

#[derive(Default)]
struct World {
    capacity: usize,
    sw: Switches,
    /// phone → key version.
    keys: HashMap<String, u64>,
    /// code → phone.
    codes: HashMap<String, String>,
    next: u64,
    /// token → (openid, key version at login).
    tokens: HashMap<String, (String, u64)>,
    /// Backend seats: groupId → openids.
    seats: BTreeMap<String, BTreeSet<String>>,
    /// Emulator rooms: groupId → openids.
    rooms: BTreeMap<String, Vec<String>>,
    /// Emulator events: phone → member lists (seq = index + 1).
    events: HashMap<String, Vec<Vec<String>>>,
    /// Every path asked, with its count.
    pub hits: BTreeMap<String, u64>,
}

fn openid(phone: &str) -> String {
    format!("o{:0>27}", phone.replace('-', ""))
}

/// The running fake.
pub struct Fake {
    /// Its base URL.
    pub url: String,
    world: Arc<(Mutex<World>, Condvar)>,
    stop: Arc<AtomicBool>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Fake {
    /// Start a fake with this room capacity and these switches.
    pub fn start(capacity: usize, sw: Switches) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let world = Arc::new((
            Mutex::new(World {
                capacity,
                sw,
                ..Default::default()
            }),
            Condvar::new(),
        ));
        let stop = Arc::new(AtomicBool::new(false));
        let (w, s) = (world.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let w = w.clone();
                std::thread::spawn(move || serve(conn, &w));
            }
        });
        Fake { url, world, stop }
    }

    /// How often `path` was asked.
    pub fn hits(&self, path: &str) -> u64 {
        self.world
            .0
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

struct Req {
    method: String,
    path: String,
    query: HashMap<String, String>,
    bearer: Option<String>,
    body: Value,
}

fn read_req(r: &mut BufReader<TcpStream>) -> Option<Req> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut len = 0usize;
    let mut bearer = None;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        let v = v.trim();
        match k.to_ascii_lowercase().as_str() {
            "content-length" => len = v.parse().ok()?,
            "authorization" => bearer = v.strip_prefix("Bearer ").map(str::to_string),
            _ => {}
        }
    }
    let mut buf = vec![0; len];
    r.read_exact(&mut buf).ok()?;
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let query = q
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Some(Req {
        method,
        path: path.to_string(),
        query,
        bearer,
        body: serde_json::from_slice(&buf).unwrap_or(Value::Null),
    })
}

fn serve(conn: TcpStream, world: &(Mutex<World>, Condvar)) {
    let _ = conn.set_nodelay(true);
    let mut w = conn.try_clone().unwrap();
    let mut r = BufReader::new(conn);
    while let Some(req) = read_req(&mut r) {
        let (status, body) = handle(&req, world);
        let text = body.to_string();
        let out = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if w.write_all(out.as_bytes()).is_err() {
            return;
        }
    }
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn err(status: u16, code: &str) -> (u16, Value) {
    (status, json!({"error": code, "message": code}))
}

/// Push a members-changed event to every member of `group`.
fn notify(w: &mut World, group: &str) {
    let members = w.rooms.get(group).cloned().unwrap_or_default();
    for m in &members {
        let phone = w.keys.keys().find(|p| openid(p) == *m).cloned();
        if let Some(p) = phone {
            w.events.entry(p).or_default().push(members.clone());
        }
    }
}

fn handle(req: &Req, world: &(Mutex<World>, Condvar)) -> (u16, Value) {
    let (lock, cv) = world;
    let mut w = lock.lock().unwrap();
    *w.hits.entry(req.path.clone()).or_insert(0) += 1;
    let b = &req.body;
    let who = req.bearer.as_ref().and_then(|t| w.tokens.get(t).cloned());
    let cap = w.capacity;
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/healthz") => (200, json!({"ok": true})),
        ("GET", "/sns/jscode2session") => {
            let code = req.query.get("js_code").cloned().unwrap_or_default();
            match w.codes.remove(&code) {
                Some(phone) => {
                    let key = session_key(&phone, w.keys[&phone]);
                    (200, json!({"openid": openid(&phone), "session_key": key}))
                }
                None => (200, json!({"errcode": 40029, "errmsg": "invalid code"})),
            }
        }
        ("POST", "/_phone/login") => {
            let phone = s(b, "phone");
            w.keys.entry(phone.clone()).or_insert(0);
            w.next += 1;
            let code = format!("code{}", w.next);
            w.codes.insert(code.clone(), phone.clone());
            (200, json!({"code": code, "openid": openid(&phone)}))
        }
        ("POST", "/login") => match w.codes.remove(&s(b, "code")) {
            Some(phone) => {
                w.next += 1;
                let token = format!("tok{}", w.next);
                let v = w.keys[&phone];
                w.tokens.insert(token.clone(), (openid(&phone), v));
                (200, json!({"token": token}))
            }
            None => (
                400,
                json!({"error": "WECHAT_LOGIN_FAILED", "errcode": 40029}),
            ),
        },
        ("POST", p) if p.starts_with("/voip/") && who.is_none() => err(401, "UNAUTHENTICATED"),
        ("POST", "/voip/join") => {
            let (oid, v) = who.unwrap();
            let g = s(b, "groupId");
            let seated = w.seats.get(&g).is_some_and(|m| m.contains(&oid));
            let n = w.seats.get(&g).map_or(0, BTreeSet::len);
            if w.sw.backend_full || (!seated && n >= cap) {
                return err(409, "ROOM_FULL");
            }
            w.seats.entry(g.clone()).or_default().insert(oid.clone());
            let v = if w.sw.bad_signatures { v + 100 } else { v };
            let ticket = json!({"groupId": g, "nonceStr": "n", "timeStamp": 1, "signature": format!("sig-{oid}-{v}"), "roomType": "voice"});
            (
                200,
                json!({"ticket": ticket, "admission": {"members": n + 1}}),
            )
        }
        ("POST", "/voip/heartbeat") => {
            let (oid, _) = who.unwrap();
            if w.seats
                .get(&s(b, "groupId"))
                .is_some_and(|m| m.contains(&oid))
            {
                (200, json!({"leaseExpiresAt": 1}))
            } else {
                err(409, "NOT_ADMITTED")
            }
        }
        ("POST", "/voip/members") => {
            let (oid, _) = who.unwrap();
            let g = s(b, "groupId");
            if !w.seats.get(&g).is_some_and(|m| m.contains(&oid)) {
                return err(403, "NOT_ADMITTED");
            }
            let members: Vec<Value> = w.seats[&g]
                .iter()
                .map(|m| json!({"member_id": m}))
                .collect();
            (200, json!({"members": members, "live": true}))
        }
        ("POST", "/voip/leave") => {
            let (oid, _) = who.unwrap();
            let g = s(b, "groupId");
            let removed = w.seats.get_mut(&g).is_some_and(|m| m.remove(&oid));
            (200, json!({"removed": removed}))
        }
        ("POST", "/voip/explain") => {
            let cause = if s(b, "errMsg").contains("invalid signature") {
                "INVALID_SIGNATURE"
            } else {
                "UNKNOWN"
            };
            (200, json!({"cause": cause, "meaning": "m", "action": "a"}))
        }
        ("POST", "/_phone/joinVoIPChat") => {
            let phone = s(b, "phone");
            let oid = openid(&phone);
            let g = s(b, "groupId");
            let v = w.keys.get(&phone).copied().unwrap_or(0);
            let good = if w.sw.wechat_keys {
                signature_ok(&s(b, "appId"), b, &session_key(&phone, v))
            } else {
                s(b, "signature") == format!("sig-{oid}-{v}")
            };
            if !good {
                return (
                    200,
                    json!({"errCode": -1000, "errMsg": "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature"}),
                );
            }
            if w.rooms.values().any(|m| m.contains(&oid)) {
                return (
                    200,
                    json!({"errCode": -1, "errMsg": "joinVoIPChat:fail already in a room"}),
                );
            }
            if w.sw.emulator_full || w.rooms.get(&g).map_or(0, Vec::len) >= cap {
                return (
                    200,
                    json!({"errCode": -1000, "errMsg": "joinVoIPChat:fail room is full (assumed)"}),
                );
            }
            w.rooms.entry(g.clone()).or_default().push(oid);
            notify(&mut w, &g);
            cv.notify_all();
            let list = w.rooms[&g].clone();
            (
                200,
                json!({"errCode": 0, "errMsg": "joinVoIPChat:ok", "openIdList": list}),
            )
        }
        ("POST", "/_phone/exitVoIPChat") => {
            let oid = openid(&s(b, "phone"));
            let g = w
                .rooms
                .iter()
                .find(|(_, m)| m.contains(&oid))
                .map(|(g, _)| g.clone());
            if let Some(g) = g {
                w.rooms.get_mut(&g).unwrap().retain(|m| *m != oid);
                if w.rooms[&g].is_empty() {
                    w.rooms.remove(&g);
                } else {
                    notify(&mut w, &g);
                    cv.notify_all();
                }
            }
            (200, json!({"errMsg": "exitVoIPChat:ok"}))
        }
        ("GET", "/_phone/events") => {
            let phone = req.query.get("phone").cloned().unwrap_or_default();
            let after: usize = req
                .query
                .get("after")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            let deadline = std::time::Instant::now() + Duration::from_millis(300);
            loop {
                let n = w.events.get(&phone).map_or(0, Vec::len);
                if n > after {
                    let list: Vec<Value> = w.events[&phone][after..]
                        .iter()
                        .enumerate()
                        .map(|(i, m)| json!({"seq": after + i + 1, "type": "onVoIPChatMembersChanged", "openIdList": m, "errCode": 0}))
                        .collect();
                    return (200, json!({"events": list}));
                }
                let now = std::time::Instant::now();
                if now >= deadline {
                    return (200, json!({"events": []}));
                }
                w = cv.wait_timeout(w, deadline - now).unwrap().0;
            }
        }
        ("GET", "/_emulator/rooms") => {
            let mut rooms = w.rooms.clone();
            if w.sw.extra_members > 0 {
                let m = rooms.entry("room-1".into()).or_default();
                m.extend((0..w.sw.extra_members).map(|i| format!("extra{i}")));
            }
            let list: Vec<Value> = rooms
                .iter()
                .map(|(g, m)| json!({"groupId": g, "openIdList": m, "generation": 1}))
                .collect();
            (200, json!({"rooms": list}))
        }
        ("POST", "/_emulator/faults") => {
            let phone = s(b, "rotateSessionKey");
            *w.keys.entry(phone).or_insert(0) += 1;
            (200, json!({"ok": true}))
        }
        _ => err(404, "NOT_FOUND"),
    }
}
