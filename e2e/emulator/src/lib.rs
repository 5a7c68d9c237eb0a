//! `voipsign emulator` (../shared/E2E.md §1, docs/EMULATOR.md): one process, in
//! memory, real clock, simulating WeChat's code2Session API and WeChat's VoIP
//! room service as phones meet it. Signatures are checked by the core crate
//! (`voipsign::verify`); rooms are the emulator's own.

mod args;
mod events;
mod http;
mod ids;
mod phone_api;
mod server;
mod state;
mod truth;
mod wechat_api;

pub use args::{Config, EmulatorArgs, Rotation};
pub use server::{start, Handle};

use std::io::Write;

/// Run until SIGINT or SIGTERM; the process exit status (0). Err: a start
/// failure (a bad option, an address in use). Prints
/// `voipsign emulator listening on http://IP:PORT` on standard output when
/// ready.
pub fn run(args: &EmulatorArgs) -> Result<i32, String> {
    let h = start(args)?;
    // Handlers first, so a signal sent right after the line is ours.
    let signals = h.block_on(async { signals::Signals::new() })?;
    let apps: Vec<&str> = args
        .apps
        .iter()
        .map(|a| a.split_once(':').map_or(a.as_str(), |(id, _)| id))
        .collect();
    eprintln!(
        "voipsign emulator: apps {} (secrets not shown), capacity {}, daily room limit {}",
        apps.join(", "),
        args.capacity,
        args.daily_room_limit
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "voipsign emulator listening on {}", h.url())
        .and_then(|()| out.flush())
        .map_err(|e| format!("standard output: {e}"))?;
    drop(out);
    h.block_on(signals.wait());
    eprintln!("voipsign emulator: stopping");
    h.shutdown();
    Ok(0)
}

mod signals {
    //! SIGINT and SIGTERM, registered before the ready line is printed.

    /// The registered handlers.
    pub struct Signals {
        #[cfg(unix)]
        int: tokio::signal::unix::Signal,
        #[cfg(unix)]
        term: tokio::signal::unix::Signal,
    }

    impl Signals {
        /// Register (inside the runtime).
        pub fn new() -> Result<Signals, String> {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                let e = |e: std::io::Error| format!("cannot handle signals: {e}");
                Ok(Signals {
                    int: signal(SignalKind::interrupt()).map_err(e)?,
                    term: signal(SignalKind::terminate()).map_err(e)?,
                })
            }
            #[cfg(not(unix))]
            Ok(Signals {})
        }

        /// Wait for the first of them.
        pub async fn wait(mut self) {
            #[cfg(unix)]
            tokio::select! {
                _ = self.int.recv() => {}
                _ = self.term.recv() => {}
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
