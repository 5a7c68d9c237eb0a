//! code2Session, wx.login and the session_key, faults, and bad input.

mod common;

use common::{emu, APP, SECRET};
use serde_json::json;
use std::time::Duration;

#[test]
fn code2session_gives_the_key_once() {
    let e = emu(&[]);
    let (code, openid) = e.login_app(APP, "p1");
    assert_eq!(code.len(), 32);
    assert_eq!(openid.len(), 28);
    let b = e.c2s(APP, SECRET, &code);
    assert_eq!(b["openid"], openid.as_str());
    let key = b["session_key"].as_str().unwrap();
    assert_eq!(key.len(), 24);
    assert!(voipsign::SessionKey::new(key).is_ok());
    assert!(
        b.get("unionid").is_none() && b.get("errcode").is_none(),
        "{b}"
    );
    // Single use.
    assert_eq!(
        e.c2s(APP, SECRET, &code),
        json!({"errcode": 40029, "errmsg": "invalid code"})
    );
    assert_eq!(
        e.c2s(APP, SECRET, "nope"),
        json!({"errcode": 40029, "errmsg": "invalid code"})
    );
}

#[test]
fn codes_expire() {
    let e = emu(&["--code-ttl-ms", "150"]);
    let (fresh, _) = e.login_app(APP, "p1");
    assert!(e.c2s(APP, SECRET, &fresh).get("session_key").is_some());
    let (old, _) = e.login_app(APP, "p1");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(e.c2s(APP, SECRET, &old)["errcode"], 40029);
}

#[test]
fn wrong_credentials_get_wechats_codes() {
    let e = emu(&[]);
    let (code, _) = e.login_app(APP, "p1");
    assert_eq!(
        e.c2s("wxnope", SECRET, &code),
        json!({"errcode": 40013, "errmsg": "invalid appid"})
    );
    assert_eq!(
        e.c2s(APP, "wrong", &code),
        json!({"errcode": 40125, "errmsg": "invalid appsecret"})
    );
    // A code of another app.
    assert_eq!(e.c2s("wxother", "secret2", &code)["errcode"], 40029);
    let (s, b) = e.get(&format!(
        "/sns/jscode2session?appid={APP}&secret={SECRET}&js_code={code}&grant_type=client_credential"
    ));
    assert_eq!((s, b["errcode"].as_i64()), (200, Some(40002)));
    let (_, b) = e.get(&format!(
        "/sns/jscode2session?appid={APP}&secret={SECRET}&grant_type=authorization_code"
    ));
    assert_eq!(b["errcode"], 41008);
    let (_, b) = e.get("/sns/jscode2session?secret=x&js_code=y&grant_type=authorization_code");
    assert_eq!(b["errcode"], 41002);
    // None of those used the code up.
    assert!(e.c2s(APP, SECRET, &code).get("session_key").is_some());
}

#[test]
fn fault_switch_fails_the_next_calls() {
    let e = emu(&[]);
    let (code, _) = e.login_app(APP, "p1");
    let (s, b) = e.post("/_emulator/faults", json!({"code2SessionErrors": 2}));
    assert_eq!((s, &b["code2SessionErrors"]), (200, &json!(2)), "{b}");
    for _ in 0..2 {
        assert_eq!(
            e.c2s(APP, SECRET, &code),
            json!({"errcode": -1, "errmsg": "system error"})
        );
    }
    // The third call works, with the same code.
    assert!(e.c2s(APP, SECRET, &code).get("session_key").is_some());
}

#[test]
fn openid_is_stable_and_the_key_stays_by_default() {
    let e = emu(&[]);
    let (o1, k1) = e.session("p1");
    let (o2, k2) = e.session("p1");
    assert_eq!((o1.as_str(), k1.as_str()), (o2.as_str(), k2.as_str()));
    let (other, _) = e.session("p2");
    assert_ne!(o1, other);
    let (_, in_other_app) = e.login_app("wxother", "p1");
    assert_ne!(o1, in_other_app);
}

#[test]
fn rotate_always_gives_a_new_key_at_each_login() {
    let e = emu(&["--rotate-session-key", "always"]);
    let (o1, k1) = e.session("p1");
    let (o2, k2) = e.session("p1");
    assert_eq!(o1, o2);
    assert_ne!(k1, k2);
}

#[test]
fn rotation_faults_replace_one_key() {
    let e = emu(&[]);
    let (_, k1) = e.session("p1");
    let (_, other) = e.session("p2");
    // The body voipsign phones sends.
    let (s, b) = e.post(
        "/_emulator/faults",
        json!({"appId": APP, "rotateSessionKey": "p1"}),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["rotated"]["phone"], "p1");
    let (_, k2) = e.session("p1");
    assert_ne!(k1, k2);
    assert_eq!(e.session("p2").1, other);
    // The object form.
    let (s, _) = e.post(
        "/_emulator/faults",
        json!({"rotateSessionKey": {"appId": APP, "phone": "p2"}}),
    );
    assert_eq!(s, 200);
    assert_ne!(e.session("p2").1, other);
    let (s, b) = e.post(
        "/_emulator/faults",
        json!({"appId": APP, "rotateSessionKey": "never-seen"}),
    );
    assert_eq!((s, b["error"].as_str()), (404, Some("UNKNOWN_PHONE")));
    let (s, b) = e.post(
        "/_emulator/faults",
        json!({"appId": "wxnope", "rotateSessionKey": "p1"}),
    );
    assert_eq!((s, b["error"].as_str()), (404, Some("UNKNOWN_APP")));
    let (s, _) = e.post("/_emulator/faults", json!({}));
    assert_eq!(s, 400);
}

#[test]
fn bad_input_is_400_naming_the_field() {
    let e = emu(&[]);
    let (s, b) = e.post_raw("/_phone/login", "{not json");
    assert_eq!((s, b["error"].as_str()), (400, Some("BAD_REQUEST")), "{b}");
    let (s, b) = e.post_raw("/_phone/joinVoIPChat", "[1, 2]");
    assert_eq!(s, 400, "{b}");
    let (s, b) = e.post("/_phone/login", json!({"appId": APP}));
    assert_eq!(s, 400);
    assert!(b["message"].as_str().unwrap().contains("phone"), "{b}");
    let (s, b) = e.post("/_phone/login", json!({"appId": 5, "phone": "p"}));
    assert_eq!(s, 400);
    assert!(b["message"].as_str().unwrap().contains("appId"), "{b}");
    let (s, b) = e.post(
        "/_phone/joinVoIPChat",
        json!({"appId": APP, "phone": "p", "groupId": "g", "nonceStr": "n", "timeStamp": "soon", "signature": "s"}),
    );
    assert_eq!(s, 400);
    assert!(b["message"].as_str().unwrap().contains("timeStamp"), "{b}");
    let (s, b) = e.post(
        "/_phone/joinVoIPChat",
        json!({"appId": APP, "phone": "p", "groupId": "g", "timeStamp": 1, "signature": "s"}),
    );
    assert_eq!(s, 400);
    assert!(b["message"].as_str().unwrap().contains("nonceStr"), "{b}");
    let big = format!(
        "{{\"appId\": \"{}\", \"phone\": \"p\"}}",
        "x".repeat(17 * 1024)
    );
    let (s, b) = e.post_raw("/_phone/login", &big);
    assert_eq!(
        (s, b["error"].as_str()),
        (413, Some("BODY_TOO_LARGE")),
        "{b}"
    );
    let (s, b) = e.get("/_phone/events?appId=wxtest");
    assert_eq!(s, 400);
    assert!(b["message"].as_str().unwrap().contains("phone"), "{b}");
    let (s, _) = e.get("/_phone/events?appId=wxtest&phone=p&after=abc");
    assert_eq!(s, 400);
    let (s, _) = e.get("/_emulator/rooms");
    assert_eq!(s, 400);
    let (s, b) = e.get("/_emulator/rooms?appId=wxnope");
    assert_eq!((s, b["error"].as_str()), (404, Some("UNKNOWN_APP")));
    let (s, _) = e.get("/nowhere");
    assert_eq!(s, 404);
    // An unknown app, WeChat-shaped.
    let (s, b) = e.post("/_phone/login", json!({"appId": "wxnope", "phone": "p"}));
    assert_eq!(s, 200);
    assert!(
        b["errMsg"].as_str().unwrap().starts_with("login:fail"),
        "{b}"
    );
    assert!(b.get("code").is_none());
    let (s, b) = e.post("/_emulator/faults", json!({"code2SessionErrors": -3}));
    assert_eq!(s, 400, "{b}");
    // Still serving.
    assert_eq!(e.get("/healthz").0, 200);
}
