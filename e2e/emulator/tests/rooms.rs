//! joinVoIPChat, exitVoIPChat, events, presence and the daily limit.

mod common;

use common::{emu, now_s, APP};
use serde_json::json;
use std::time::{Duration, Instant};
use voipsign_phones::wire::{classify_late, join_result, parse_events, parse_rooms, LateCause};

fn cause(b: &serde_json::Value) -> LateCause {
    let (code, msg) = join_result(b);
    assert_ne!(code, 0, "{b}");
    classify_late(code, &msg)
}

#[test]
fn join_with_a_voipsign_signature_and_exit() {
    let e = emu(&[]);
    let (oa, ka) = e.session("a");
    let (ob, kb) = e.session("b");
    let b = e.join("a", "room-1", &ka);
    assert_eq!(
        b,
        json!({"errCode": 0, "errMsg": "joinVoIPChat:ok", "openIdList": [oa]})
    );
    let b = e.join("b", "room-1", &kb);
    assert_eq!(b["openIdList"], json!([oa, ob]));
    assert_eq!(
        e.rooms(),
        vec![("room-1".to_string(), vec![oa.clone(), ob.clone()], 1)]
    );
    let (_, body) = e.get("/_emulator/rooms?appId=wxtest");
    assert_eq!(parse_rooms(&body).unwrap()["room-1"].len(), 2);
    // a heard of b's join; b (who has the list) heard nothing.
    let (ev, next) = parse_events(&e.events("a", 0), 0);
    assert_eq!(next, 1);
    assert!(ev[0].is_members_changed());
    assert_eq!(
        ev[0].open_ids.as_deref(),
        Some(&[oa.clone(), ob.clone()][..])
    );
    assert_eq!(ev[0].group.as_deref(), Some("room-1"));
    // b leaves: a hears it; a leaves: the room is gone.
    assert_eq!(e.exit("b")["groupId"], "room-1");
    let (ev, next) = parse_events(&e.events("a", 1), 1);
    assert_eq!((ev.len(), next), (1, 2));
    assert_eq!(ev[0].open_ids.as_deref(), Some(&[oa.clone()][..]));
    e.exit("a");
    assert!(e.rooms().is_empty());
    // Exit when in no room is still ok.
    assert_eq!(e.exit("a")["errMsg"], "exitVoIPChat:ok");
}

#[test]
fn a_replaced_key_is_an_invalid_signature() {
    let e = emu(&[]);
    let (_, old) = e.session("a");
    e.post(
        "/_emulator/faults",
        json!({"appId": APP, "rotateSessionKey": "a"}),
    );
    let b = e.join("a", "room-1", &old);
    assert_eq!(
        b,
        json!({"errCode": -1000, "errMsg": "joinVoIPChat:fail -10088, -12020, join room failed. errType: 4, errCode: -12020, errMsg: invalid signature"})
    );
    assert_eq!(cause(&b), LateCause::InvalidSignature);
    assert!(e.rooms().is_empty());
    // Logging in again gives the new key, which works.
    let (_, new) = e.session("a");
    assert_eq!(e.join("a", "room-1", &new)["errCode"], 0);
    // A tampered signature and values voipsign refuses fail alike.
    let (_, kb) = e.session("b");
    let (s, b) = e.post(
        "/_phone/joinVoIPChat",
        json!({"appId": APP, "phone": "b", "groupId": "room-1", "nonceStr": "n",
               "timeStamp": now_s(), "signature": "00".repeat(32), "roomType": "voice"}),
    );
    assert_eq!((s, cause(&b)), (200, LateCause::InvalidSignature));
    // A timeStamp in milliseconds (voipsign refuses to sign one).
    let _ = kb;
    let (s, b) = e.post(
        "/_phone/joinVoIPChat",
        json!({"appId": APP, "phone": "b", "groupId": "room-1", "nonceStr": "n",
               "timeStamp": now_s() * 1000, "signature": "ab".repeat(32), "roomType": "voice"}),
    );
    assert_eq!((s, cause(&b)), (200, LateCause::InvalidSignature), "{b}");
}

#[test]
fn never_logged_in_and_already_in_a_room() {
    let e = emu(&[]);
    let b = e.join("ghost", "room-1", "gDyVgzwa0mFz9uUP7M6GQQ==");
    assert_eq!(b["errCode"], -1000);
    assert!(
        b["errMsg"].as_str().unwrap().contains("not logged in"),
        "{b}"
    );
    let (_, k) = e.session("a");
    assert_eq!(e.join("a", "room-1", &k)["errCode"], 0);
    for room in ["room-1", "room-2"] {
        let b = e.join("a", room, &k);
        assert_eq!(b["errCode"], -1, "{b}");
        assert_eq!(cause(&b), LateCause::AlreadyInRoom);
    }
    assert_eq!(e.rooms().len(), 1);
}

#[test]
fn a_room_holds_capacity_members() {
    let e = emu(&["--capacity", "2"]);
    for p in ["a", "b"] {
        let (_, k) = e.session(p);
        assert_eq!(e.join(p, "room-1", &k)["errCode"], 0);
    }
    let (_, k) = e.session("c");
    let b = e.join("c", "room-1", &k);
    assert_eq!(b["errCode"], -1000);
    assert_eq!(cause(&b), LateCause::Full, "{b}");
    assert_eq!(e.rooms()[0].1.len(), 2);
    e.exit("a");
    assert_eq!(e.join("c", "room-1", &k)["errCode"], 0);
}

#[test]
fn the_daily_limit_counts_openings_and_reopenings() {
    let e = emu(&["--daily-room-limit", "3"]);
    let keys: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|p| e.session(p).1)
        .collect();
    assert_eq!(e.join("a", "room-1", &keys[0])["errCode"], 0);
    assert_eq!(e.join("b", "room-2", &keys[1])["errCode"], 0);
    // Joining a live room opens nothing.
    assert_eq!(e.join("c", "room-1", &keys[2])["errCode"], 0);
    e.exit("a");
    e.exit("c");
    // room-1 emptied: opening it again counts, as a new generation.
    assert_eq!(e.join("a", "room-1", &keys[0])["errCode"], 0);
    let rooms = e.rooms();
    assert_eq!((rooms[0].0.as_str(), rooms[0].2), ("room-1", 2));
    let b = e.join("d", "room-3", &keys[3]);
    assert_eq!(b["errCode"], -1000);
    assert_eq!(cause(&b), LateCause::DailyLimit, "{b}");
    // Still room in live rooms.
    assert_eq!(e.join("d", "room-2", &keys[3])["errCode"], 0);
    let (s, u) = e.get("/_emulator/usage?appId=wxtest");
    assert_eq!(s, 200);
    assert_eq!(u["openingsToday"], 3, "{u}");
    assert_eq!(u["days"].as_array().unwrap().len(), 1);
    assert_eq!(u["days"][0]["day"], u["today"]);
    assert_eq!(u["dailyRoomLimit"], 3);
    assert_eq!(u["dayOffsetMinutes"], 480);
}

#[test]
fn ticket_age_is_checked_only_when_asked() {
    let e = emu(&[]);
    let (_, k) = e.session("a");
    assert_eq!(e.join_at("a", "room-1", &k, now_s() - 86_400)["errCode"], 0);
    let e = emu(&["--ticket-max-age-s", "60"]);
    let (_, k) = e.session("a");
    let b = e.join_at("a", "room-1", &k, now_s() - 3600);
    assert_eq!(b["errCode"], -1000);
    assert!(b["errMsg"].as_str().unwrap().contains("expired"), "{b}");
    assert_eq!(e.join_at("a", "room-1", &k, now_s())["errCode"], 0);
}

#[test]
fn events_long_poll() {
    let e = std::sync::Arc::new(emu(&["--poll-timeout-ms", "400"]));
    let (_, ka) = e.session("a");
    let (_, kb) = e.session("b");
    e.join("a", "room-1", &ka);
    // Nothing yet: held for the timeout, then empty with the same cursor.
    let t = Instant::now();
    let b = e.events("a", 0);
    let held = t.elapsed();
    assert!(
        held >= Duration::from_millis(350) && held < Duration::from_secs(3),
        "{held:?}"
    );
    assert_eq!(b, json!({"events": [], "next": 0}));
    // A held poll answers as soon as someone joins.
    let e2 = e.clone();
    let poll = std::thread::spawn(move || {
        let t = Instant::now();
        (e2.events("a", 0), t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(100));
    e.join("b", "room-1", &kb);
    let (b, took) = poll.join().unwrap();
    assert!(took < Duration::from_millis(350), "{took:?}");
    assert_eq!(b["events"][0]["seq"], 1);
    assert_eq!(b["events"][0]["type"], "onVoIPChatMembersChanged");
    assert_eq!(b["events"][0]["errCode"], 0);
    assert_eq!(b["next"], 1);
    // What is there is answered at once.
    let t = Instant::now();
    assert_eq!(e.events("a", 0)["events"].as_array().unwrap().len(), 1);
    assert!(t.elapsed() < Duration::from_millis(200));
}

#[test]
fn a_silent_phone_is_dropped_and_a_polling_one_stays() {
    let e = std::sync::Arc::new(emu(&[
        "--drop-after-ms",
        "300",
        "--poll-timeout-ms",
        "1500",
    ]));
    let ids: Vec<(String, String)> = ["silent", "poller", "holder"]
        .iter()
        .map(|p| e.session(p))
        .collect();
    for (p, (_, k)) in ["silent", "poller", "holder"].iter().zip(&ids) {
        assert_eq!(e.join(p, "room-1", k)["errCode"], 0);
    }
    // "holder" holds one long poll (1.5 s, longer than 300 ms: after=100
    // waits past what it will hear); "poller" asks again and again (after=0:
    // answered at once); "silent" does nothing.
    let e2 = e.clone();
    let holder = std::thread::spawn(move || e2.events("holder", 100));
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(800) {
        assert!(!e.events("poller", 0)["events"]
            .as_array()
            .unwrap()
            .is_empty());
        std::thread::sleep(Duration::from_millis(50));
    }
    let members = &e.rooms()[0].1;
    assert_eq!(members, &vec![ids[1].0.clone(), ids[2].0.clone()]);
    let (_, r) = e.get("/_emulator/rooms?appId=wxtest");
    assert_eq!(r["dropped"], 1);
    // The others heard of the drop.
    let b = e.events("holder", 0);
    assert_eq!(b["events"][0]["openIdList"], json!([ids[1].0, ids[2].0]));
    assert_eq!(holder.join().unwrap()["events"], json!([]));
    // The dropped phone may join again.
    assert_eq!(e.join("silent", "room-1", &ids[0].1)["errCode"], 0);
}

#[test]
fn shutdown_ends_held_polls() {
    let mut e = emu(&[]);
    let url = format!("{}/_phone/events?appId=wxtest&phone=p&after=0", e.url);
    let poll = std::thread::spawn(move || {
        let t = Instant::now();
        let r = ureq::get(&url)
            .call()
            .map(|mut r| r.body_mut().read_to_string().unwrap());
        (r, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    e.handle.take().unwrap().shutdown();
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let (r, took) = poll.join().unwrap();
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(r.unwrap(), r#"{"events":[],"next":0}"#);
}
