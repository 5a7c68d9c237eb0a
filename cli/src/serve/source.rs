//! What the server reads: one ledger, the appIds it serves, and the rule that
//! every ledger call runs on the blocking pool, at most [`CALLS`] at once, and
//! answers within the deadline (else `LEDGER_UNAVAILABLE`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use voipsign::rooms::Ledger;
use voipsign::{Error, ErrorCode};

use crate::simulate::Phones;

/// Ledger calls in flight at once: a dead Redis holds at most this many
/// blocking threads, each until its own timeouts end.
pub const CALLS: usize = 8;

/// How long a list of the appIds seen today is reused before asking again
/// (a SCAN of the keyspace on Redis).
const APPS_TTL: Duration = Duration::from_secs(10);

/// Where the ledger lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// A Redis server or cluster.
    Redis,
    /// The embedded memory ledger of `--simulate`.
    Simulated,
}

impl Store {
    /// As `/api/status` names it.
    pub fn name(self) -> &'static str {
        match self {
            Store::Redis => "redis",
            Store::Simulated => "simulated memory",
        }
    }
}

/// The ledger and what the server knows about it.
pub struct Source {
    ledger: Arc<Ledger>,
    /// Where the ledger lives.
    pub store: Store,
    /// The appIds of `--app` (empty: every appId seen today).
    pub fixed_apps: Vec<String>,
    deadline: Duration,
    permits: Arc<Semaphore>,
    /// Member ids are masked (no --show-member-ids).
    pub mask: bool,
    apps_cache: Mutex<Option<(Instant, Vec<String>)>>,
}

impl Source {
    /// A source over `ledger`; each call answers within `deadline`.
    pub fn new(
        ledger: Arc<Ledger>,
        store: Store,
        fixed_apps: Vec<String>,
        deadline: Duration,
        mask: bool,
    ) -> Source {
        Source {
            ledger,
            store,
            fixed_apps,
            deadline,
            permits: Arc::new(Semaphore::new(CALLS)),
            mask,
            apps_cache: Mutex::new(None),
        }
    }

    /// The ledger's rules in force.
    pub fn limits(&self) -> voipsign::rooms::Limits {
        *self.ledger.limits()
    }

    /// Run `f` on the ledger on the blocking pool, within the deadline.
    pub async fn call<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Ledger) -> Result<T, Error> + Send + 'static,
    {
        let ledger = self.ledger.clone();
        let permits = self.permits.clone();
        let work = async move {
            let permit = permits
                .acquire_owned()
                .await
                .map_err(|_| Error::new(ErrorCode::LedgerUnavailable, "the server is stopping"))?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                f(&ledger)
            })
            .await
            .map_err(|_| Error::new(ErrorCode::Internal, "a ledger call failed unexpectedly"))?
        };
        match tokio::time::timeout(self.deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorCode::LedgerUnavailable,
                format!(
                    "the store did not answer within {} ms",
                    self.deadline.as_millis()
                ),
            )),
        }
    }

    /// The appIds served: those of `--app`, else the ledger's appIds seen today
    /// (asked at most every 10 s).
    pub async fn apps(&self) -> Result<Vec<String>, Error> {
        self.apps_within(APPS_TTL).await
    }

    /// [`Source::apps`], asked again when the list is older than `max_age`.
    pub async fn apps_within(&self, max_age: Duration) -> Result<Vec<String>, Error> {
        if !self.fixed_apps.is_empty() {
            return Ok(self.fixed_apps.clone());
        }
        if let Some((at, apps)) = &*self.apps_cache.lock().unwrap_or_else(|e| e.into_inner()) {
            if at.elapsed() < max_age {
                return Ok(apps.clone());
            }
        }
        let apps = self.call(|l| l.apps(None)).await?;
        *self.apps_cache.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), apps.clone()));
        Ok(apps)
    }
}

/// The simulation of `--simulate`: a thread ticking the phones once a second on
/// the wall clock until stopped.
pub struct Simulation {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Simulation {
    /// Stop the phones and wait for the thread.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Start `phones` simulated phones over `rooms` groupIds on the source's ledger.
pub fn simulate(source: Arc<Source>, phones: usize, rooms: usize, seed: u64) -> Simulation {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let ledger = source.ledger.clone();
    let thread = std::thread::spawn(move || {
        let mut sim = Phones::new(phones, rooms, seed, now_ms());
        while !flag.load(Ordering::Relaxed) {
            let started = Instant::now();
            if let Err(e) = sim.tick(&ledger, now_ms()) {
                eprintln!("voipsign rooms serve: the simulation stopped: {e}");
                return;
            }
            let rest = Duration::from_secs(1).saturating_sub(started.elapsed());
            // Sleep in short steps so that a stop is seen quickly.
            let until = Instant::now() + rest;
            while !flag.load(Ordering::Relaxed) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    });
    Simulation {
        stop,
        thread: Some(thread),
    }
}
