//! `voipsign rooms serve`: a read-only HTTP server over a room ledger — the
//! dashboard at `/`, the JSON API under `/api/`, Prometheus metrics at
//! `/metrics` (docs/DASHBOARD.md). Ledger calls are synchronous: they run on
//! tokio's blocking pool, a few at a time, each under a deadline, so a slow or
//! dead Redis makes a response say so instead of hanging it.

mod access;
mod api;
mod assets;
mod metrics;
mod source;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use voipsign::rooms::{Ledger, Rules};
use voipsign::Error;

use crate::store_args::RedisArgs;
use access::Access;
use source::{Source, Store};

/// `rooms serve`: what to serve and to whom.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to bind, IP:port. A non-loopback address needs --token-env.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Serve the embedded simulation (simulated phones on a memory ledger, in
    /// real time) instead of a Redis ledger.
    #[arg(long, conflicts_with_all = ["redis", "redis_env"])]
    simulate: bool,
    #[command(flatten)]
    store: RedisArgs,
    /// An appId to serve (repeatable). Default: every appId the ledger saw today.
    #[arg(long = "app", value_name = "APPID")]
    apps: Vec<String>,
    /// The name of an environment variable holding the bearer token (16
    /// characters or more) every request must then carry.
    #[arg(long, value_name = "NAME")]
    token_env: Option<String>,
    /// Show member ids (openids, personal data) in full instead of masked.
    #[arg(long)]
    show_member_ids: bool,
    /// Seats per room of the ledger's rules (shown as each room's capacity).
    #[arg(long, default_value_t = 10)]
    capacity: i64,
    /// Openings a day of the ledger's rules.
    #[arg(long, default_value_t = 100_000)]
    daily_room_limit: i64,
    /// Openings from which the quota warns (default: 90 % of the limit).
    #[arg(long)]
    daily_room_warning: Option<i64>,
    /// The UTC offset of the quota's day, minutes (default +480: Beijing time).
    #[arg(long, default_value_t = 480, allow_hyphen_values = true)]
    day_offset_minutes: i64,
    /// Simulated phones (--simulate).
    #[arg(long, default_value_t = 200)]
    phones: usize,
    /// Simulated groupIds (--simulate).
    #[arg(long, default_value_t = 20)]
    rooms: usize,
    /// Seed of the simulation's choices (--simulate).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Requests handled at once; more are answered 503 SERVER_BUSY.
    #[arg(long, default_value_t = 256)]
    max_requests: usize,
}

/// Why `rooms serve` could not start or stopped.
#[derive(Debug)]
pub enum Failure {
    /// The ledger refused its rules or URL (a core error).
    Ledger(Error),
    /// A wrong invocation or an address that cannot be bound.
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Ledger(e)
    }
}

/// Serve until SIGINT or SIGTERM.
pub fn run(args: &ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        Failure::Usage(format!(
            "--listen {:?} is not IP:port (e.g. 127.0.0.1:8080)",
            args.listen
        ))
    })?;
    let access = Access::from_env(args.token_env.as_deref(), addr).map_err(Failure::Usage)?;
    for app in &args.apps {
        voipsign::validate_app_id(app)?;
    }
    let rules = Rules {
        capacity: args.capacity,
        daily_room_limit: args.daily_room_limit,
        daily_room_warning: args.daily_room_warning,
        day_offset_minutes: args.day_offset_minutes,
        ..Rules::default()
    };
    let (ledger, store, deadline) = if args.simulate {
        if args.phones == 0 || args.rooms == 0 {
            return Err(Failure::Usage(
                "--simulate needs --phones and --rooms above 0".into(),
            ));
        }
        (
            Ledger::memory(rules)?,
            Store::Simulated,
            Duration::from_secs(2),
        )
    } else {
        let Some(url) = args.store.url()? else {
            return Err(Failure::Usage(
                "pass --simulate, --redis URL or --redis-env NAME".into(),
            ));
        };
        let timeouts = (args.store.connect_timeout_ms + args.store.command_timeout_ms).max(0);
        let deadline = Duration::from_millis(timeouts as u64 + 250);
        (
            args.store.ledger(&url, rules, None)?,
            Store::Redis,
            deadline,
        )
    };
    let apps = if args.simulate && args.apps.is_empty() {
        vec![crate::simulate::APP.to_owned()]
    } else {
        args.apps.clone()
    };
    let source = Arc::new(Source::new(
        Arc::new(ledger),
        store,
        apps,
        deadline,
        !args.show_member_ids,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Failure::Usage(format!("cannot listen on {addr}: {e}")))?;
        let sim = args
            .simulate
            .then(|| source::simulate(source.clone(), args.phones, args.rooms, args.seed));
        let app = api::router(source.clone(), Arc::new(access), args.max_requests);
        eprintln!(
            "voipsign rooms serve: http://{} (store: {}{}; member ids {})",
            listener.local_addr().unwrap_or(addr),
            store.name(),
            if args.apps.is_empty() {
                String::new()
            } else {
                format!(", {} appId(s)", args.apps.len())
            },
            if args.show_member_ids { "shown" } else { "masked" },
        );
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .into_future();
        // Connections still open 5 s after the signal are dropped.
        let result = tokio::select! {
            r = served => r.map_err(|e| Failure::Usage(format!("the server failed: {e}"))),
            _ = async { shutdown_signal().await; tokio::time::sleep(Duration::from_secs(5)).await } => Ok(()),
        };
        if let Some(sim) = sim {
            sim.stop();
        }
        eprintln!("voipsign rooms serve: stopped");
        result
    })
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
