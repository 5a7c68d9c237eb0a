//! The HTTP server: its routes, the presence sweeper, start and stop.

use crate::args::EmulatorArgs;
use crate::http::{self, Shared, BODY_LIMIT};
use crate::state::World;
use crate::{events, phone_api, truth, wechat_api};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Every route of the emulator.
fn router(sh: Arc<Shared>) -> Router {
    Router::new()
        .route("/sns/jscode2session", get(wechat_api::jscode2session))
        .route("/_phone/login", post(phone_api::login))
        .route("/_phone/joinVoIPChat", post(phone_api::join))
        .route("/_phone/exitVoIPChat", post(phone_api::exit))
        .route("/_phone/events", get(events::poll))
        .route("/_emulator/rooms", get(truth::rooms))
        .route("/_emulator/usage", get(truth::usage))
        .route("/_emulator/faults", post(truth::faults))
        .route("/healthz", get(|| async { http::ok(json!({"ok": true})) }))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(sh)
}

async fn not_found() -> Response {
    http::error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such path")
}

/// Drop silent phones every 200 ms (more often for a short `--drop-after-ms`).
async fn sweeper(sh: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let Some(after) = sh.world().cfg.drop_after else {
        return;
    };
    let every = (after / 4).clamp(Duration::from_millis(10), Duration::from_millis(200));
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let n = sh.world().sweep(Instant::now());
                if n > 0 {
                    eprintln!("voipsign emulator: dropped {n} phone(s) silent for {} ms", after.as_millis());
                }
            }
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// A running emulator: its address; [`Handle::shutdown`] (or dropping it)
/// stops it.
pub struct Handle {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    rt: Option<tokio::runtime::Runtime>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").field("addr", &self.addr).finish()
    }
}

/// Check the options, bind, and serve on a runtime of its own (two worker
/// threads). Err: a bad option or an address that cannot be bound.
pub fn start(args: &EmulatorArgs) -> Result<Handle, String> {
    let cfg = args.config()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("voipsign-emulator")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let std_listener = std::net::TcpListener::bind(cfg.listen)
        .map_err(|e| format!("--listen {}: {e}", cfg.listen))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| format!("--listen {}: {e}", cfg.listen))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| format!("--listen {addr}: {e}"))?;
    let listener = {
        let _in_rt = rt.enter();
        tokio::net::TcpListener::from_std(std_listener)
            .map_err(|e| format!("--listen {addr}: {e}"))?
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let sh = Arc::new(Shared {
        poll_timeout: cfg.poll_timeout,
        world: Mutex::new(World::new(cfg)),
        stop: stop_rx.clone(),
    });
    let app = router(sh.clone());
    let server = rt.spawn(async move {
        let sweep = tokio::spawn(sweeper(sh, stop_rx.clone()));
        let mut until = stop_rx;
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = until.wait_for(|s| *s).await;
            })
            .await;
        if let Err(e) = served {
            eprintln!("voipsign emulator: {e}");
        }
        sweep.abort();
    });
    Ok(Handle {
        addr,
        stop: stop_tx,
        rt: Some(rt),
        server: Some(server),
    })
}

impl Handle {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://IP:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Run `f` on the emulator's runtime and wait for it (e.g. waiting for a
    /// signal).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt
            .as_ref()
            .expect("running until shutdown")
            .block_on(f)
    }

    /// Stop: held polls answer at once, the server finishes the requests in
    /// flight (5 s at most), and the runtime ends.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let _ = self.stop.send(true);
        if let Some(rt) = self.rt.take() {
            if let Some(server) = self.server.take() {
                let _ = rt
                    .block_on(async { tokio::time::timeout(Duration::from_secs(5), server).await });
            }
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop_now();
    }
}
