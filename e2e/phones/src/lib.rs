//! `voipsign phones` (shared/E2E.md §3; docs/PHONES.md): many simulated mini
//! programs driving a backend (E2E.md §2) and the emulator (§1) through login,
//! ticket, join, heartbeats, member syncs and exit — or vanishing — counting
//! where the backend and "WeChat" disagree. The process exit status says
//! whether an invariant broke.

#![forbid(unsafe_code)]

pub mod args;
pub mod client;
mod phone;
pub mod report;
pub mod state;
pub mod tally;
pub mod wire;

pub use args::PhonesArgs;

use client::REQUEST_TIMEOUT;
use report::Report;
use serde_json::json;
use state::Shared;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Check that the backend (`GET /healthz`) and the emulator (`GET
/// /_emulator/rooms?appId=`) answer; the reason when one does not.
fn check_reachable(sh: &Shared) -> Result<(), String> {
    let h = sh
        .client
        .get(&sh.backend("/healthz"), REQUEST_TIMEOUT)
        .map_err(|e| format!("the backend at {} is unreachable ({e})", sh.cfg.backend))?;
    if h.status != 200 {
        return Err(format!(
            "the backend at {}: GET /healthz answered {}",
            sh.cfg.backend, h.status
        ));
    }
    sh.emulator_rooms()
        .map_err(|e| format!("the emulator at {}: {e}", sh.cfg.wechat))?;
    Ok(())
}

/// Poll `/_emulator/rooms` every second: rooms above capacity, ghosts gone.
fn watch_rooms(sh: &Shared) {
    loop {
        match sh.emulator_rooms() {
            Ok(rooms) => {
                let now = sh.now_s();
                let mut t = sh.tally();
                t.room_polls += 1;
                for (g, m) in &rooms {
                    t.saw_room(g, m.len(), sh.cfg.capacity, now, "/_emulator/rooms");
                }
                drop(t);
                sh.ghosts_seen_at_emulator(&rooms);
            }
            Err(e) => tally::bump(&mut sh.tally().c.unexpected, format!("watcher: {e}")),
        }
        if !sh.sleep(Duration::from_secs(1)) {
            return;
        }
    }
}

/// At `--rotate-at-ms`, replace the first K phones' session_keys at the
/// emulator, behind the backend's back.
fn rotate_keys(sh: &Shared) {
    if !sh.sleep(sh.cfg.rotate_at) {
        return;
    }
    for i in 0..sh.cfg.rotate_phones {
        sh.mark_rotated(i);
        let body = json!({"appId": sh.cfg.app, "rotateSessionKey": sh.cfg.phone_name(i)});
        let ok = matches!(
            sh.client.post(&sh.wechat("/_emulator/faults"), &body, None),
            Ok(a) if (200..300).contains(&a.status)
        );
        let mut t = sh.tally();
        if ok {
            t.rotations_sent += 1;
        } else {
            t.rotations_failed += 1;
            drop(t);
            sh.unmark_rotated(i);
        }
    }
}

fn spawn(
    name: String,
    f: impl FnOnce() + Send + 'static,
) -> Result<std::thread::JoinHandle<()>, String> {
    std::thread::Builder::new()
        .name(name)
        .stack_size(256 * 1024)
        .spawn(f)
        .map_err(|e| format!("could not start a thread: {e}"))
}

/// Run until done (or SIGINT/SIGTERM); the process exit status: 0 when every
/// invariant held, 1 when one broke. `Err` (the command exits 2): a usage
/// error, or the backend or the emulator unreachable at the start.
pub fn run(args: &PhonesArgs) -> Result<i32, String> {
    let cfg = args.check()?;
    let signalled = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // The first signal ends the run cleanly; a second one exits at once (1).
        signal_hook::flag::register_conditional_shutdown(sig, 1, signalled.clone())
            .and_then(|_| signal_hook::flag::register(sig, signalled.clone()))
            .map_err(|e| format!("signal handler: {e}"))?;
    }
    let sh = Arc::new(Shared::new(cfg));
    check_reachable(&sh)?;
    let started = Instant::now();
    let deadline = started + sh.cfg.duration;
    let mut threads = Vec::new();
    {
        let s = sh.clone();
        threads.push(spawn("rooms-watch".into(), move || watch_rooms(&s))?);
    }
    if sh.cfg.rotate_phones > 0 {
        let s = sh.clone();
        threads.push(spawn("rotate".into(), move || rotate_keys(&s))?);
    }
    for i in 0..sh.cfg.phones {
        let s = sh.clone();
        match spawn(sh.cfg.phone_name(i), move || phone::run_phone(s, i)) {
            Ok(h) => threads.push(h),
            Err(e) => {
                sh.stop.store(true, Ordering::Relaxed);
                for h in threads {
                    let _ = h.join();
                }
                return Err(e);
            }
        }
    }
    while Instant::now() < deadline && !signalled.load(Ordering::Relaxed) {
        std::thread::sleep(
            (deadline.saturating_duration_since(Instant::now())).min(Duration::from_millis(50)),
        );
    }
    sh.stop.store(true, Ordering::Relaxed);
    for h in threads {
        let _ = h.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let report = {
        let t = sh.tally();
        Report::build(&sh.cfg, &t, &sh.ghosts(), elapsed, sh.client.requests())
    };
    if !sh.cfg.quiet {
        print!("{}", report.table());
    }
    if let Some(path) = &sh.cfg.json {
        std::fs::write(path, report.to_json() + "\n")
            .map_err(|e| format!("--json {}: {e}", path.display()))?;
    }
    Ok(report.exit_status)
}
