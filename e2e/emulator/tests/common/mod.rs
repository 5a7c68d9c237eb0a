//! An emulator started in-process on 127.0.0.1:0 and a small HTTP client for it.

// Each test binary uses a part of it.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};
use voipsign_emulator::{start, EmulatorArgs, Handle};

/// The app every test knows.
pub const APP: &str = "wxtest";
/// Its secret.
pub const SECRET: &str = "secret";

/// A running emulator.
pub struct Emu {
    /// Its base URL.
    pub url: String,
    /// Stops it when dropped.
    pub handle: Option<Handle>,
    agent: ureq::Agent,
}

/// Start one with `wxtest:secret`, `wxother:secret2` and these options.
pub fn emu(extra: &[&str]) -> Emu {
    let mut v = vec![
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--app",
        "wxtest:secret",
        "--app",
        "wxother:secret2",
    ];
    v.extend_from_slice(extra);
    let args = EmulatorArgs::parse_from(v).unwrap();
    let handle = start(&args).unwrap();
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build();
    Emu {
        url: handle.url(),
        handle: Some(handle),
        agent: ureq::Agent::new_with_config(config),
    }
}

fn read(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    let mut r = r.unwrap();
    let status = r.status().as_u16();
    let body = r.body_mut().read_json::<Value>().unwrap_or(Value::Null);
    (status, body)
}

/// Unix time in seconds.
pub fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Emu {
    /// GET a path: status and JSON.
    pub fn get(&self, path: &str) -> (u16, Value) {
        read(self.agent.get(format!("{}{path}", self.url)).call())
    }

    /// POST JSON to a path: status and JSON.
    pub fn post(&self, path: &str, body: Value) -> (u16, Value) {
        read(
            self.agent
                .post(format!("{}{path}", self.url))
                .send_json(&body),
        )
    }

    /// POST raw bytes as JSON.
    pub fn post_raw(&self, path: &str, body: &str) -> (u16, Value) {
        read(
            self.agent
                .post(format!("{}{path}", self.url))
                .header("content-type", "application/json")
                .send(body),
        )
    }

    /// wx.login: (code, openid).
    pub fn login_app(&self, app: &str, phone: &str) -> (String, String) {
        let (s, b) = self.post("/_phone/login", json!({"appId": app, "phone": phone}));
        assert_eq!(s, 200, "{b}");
        (
            b["code"].as_str().unwrap().to_string(),
            b["openid"].as_str().unwrap().to_string(),
        )
    }

    /// code2Session's answer for these query values.
    pub fn c2s(&self, appid: &str, secret: &str, code: &str) -> Value {
        let (s, b) = self.get(&format!(
            "/sns/jscode2session?appid={appid}&secret={secret}&js_code={code}&grant_type=authorization_code"
        ));
        assert_eq!(s, 200, "{b}");
        b
    }

    /// Login and code2Session in `wxtest`: (openid, session_key).
    pub fn session(&self, phone: &str) -> (String, String) {
        let (code, openid) = self.login_app(APP, phone);
        let b = self.c2s(APP, SECRET, &code);
        assert_eq!(b["openid"], openid.as_str(), "{b}");
        (openid, b["session_key"].as_str().unwrap().to_string())
    }

    /// joinVoIPChat in `wxtest` with a ticket signed by voipsign under `key`.
    pub fn join(&self, phone: &str, group: &str, key: &str) -> Value {
        self.join_at(phone, group, key, now_s())
    }

    /// As [`Emu::join`] with this timeStamp.
    pub fn join_at(&self, phone: &str, group: &str, key: &str, ts: i64) -> Value {
        let k = voipsign::SessionKey::new(key).unwrap();
        let nonce = format!("n{phone}");
        let p = voipsign::Params::new(APP, group, &nonce, ts);
        let sig = voipsign::sign(&p, &k).unwrap();
        let (s, b) = self.post(
            "/_phone/joinVoIPChat",
            json!({"appId": APP, "phone": phone, "groupId": group, "nonceStr": nonce,
                   "timeStamp": ts, "signature": sig.as_str(), "roomType": "voice"}),
        );
        assert_eq!(s, 200, "{b}");
        b
    }

    /// exitVoIPChat in `wxtest`.
    pub fn exit(&self, phone: &str) -> Value {
        let (s, b) = self.post(
            "/_phone/exitVoIPChat",
            json!({"appId": APP, "phone": phone}),
        );
        assert_eq!(s, 200, "{b}");
        b
    }

    /// The live rooms of `wxtest`: groupId → (openids, generation).
    pub fn rooms(&self) -> Vec<(String, Vec<String>, u64)> {
        let (s, b) = self.get("/_emulator/rooms?appId=wxtest");
        assert_eq!(s, 200, "{b}");
        b["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let ids = r["openIdList"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                (
                    r["groupId"].as_str().unwrap().to_string(),
                    ids,
                    r["generation"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// One events request: the body.
    pub fn events(&self, phone: &str, after: u64) -> Value {
        let (s, b) = self.get(&format!(
            "/_phone/events?appId=wxtest&phone={phone}&after={after}"
        ));
        assert_eq!(s, 200, "{b}");
        b
    }
}
