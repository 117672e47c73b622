//! A simulated OpenCue REST Gateway and farm, loopback by default.
//!
//! It answers like the real gateway (contract: paths, JWT texts, protojson bodies, gRPC error
//! JSON, Cuebot's traps), so the client, the app's `--demo` mode and the tests run without
//! OpenCue. Free of egui.

pub mod farm;
pub mod faults;
pub mod gateway;
pub mod jwt;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use farm::{Farm, FarmSpec, FrameAction, SimError};
pub use faults::{Fault, Faults, RandomFaults};
pub use gateway::{LoggedRequest, RequestLog};

use crate::api::auth::now_epoch;

/// The simulator's clock: this machine's time plus an offset that tests move forward.
#[derive(Debug, Clone, Default)]
pub struct SimClock(Arc<AtomicI64>);

impl SimClock {
    /// Epoch seconds as the simulated Cuebot sees them.
    pub fn now(&self) -> i64 {
        now_epoch() + self.0.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (or back) by `secs`.
    pub fn shift(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::Relaxed);
    }
}

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free one.
    pub bind: SocketAddr,
    /// The gateway's `JWT_SECRET`.
    pub secret: String,
    /// What farm to generate.
    pub farm: FarmSpec,
    /// Advance the farm in real time (frames start, finish, die).
    pub live: bool,
    /// How often a live farm advances.
    pub tick: Duration,
}

impl SimConfig {
    /// Loopback on a free port with the given secret and farm, not live.
    pub fn new(secret: impl Into<String>, farm: FarmSpec) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            secret: secret.into(),
            farm,
            live: false,
            tick: Duration::from_secs(1),
        }
    }
}

/// A random secret for a demo gateway (48 hex characters).
pub fn random_secret() -> String {
    use rand::Rng as _;
    let bytes: [u8; 24] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running simulator. Dropping it stops the server.
pub struct SimServer {
    addr: SocketAddr,
    secret: String,
    farm: Arc<Mutex<Farm>>,
    clock: SimClock,
    faults: Faults,
    log: RequestLog,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for SimServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimServer {
    /// Generates the farm (off the async workers: a big farm takes a moment) and starts serving.
    pub async fn start(config: SimConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let clock = SimClock::default();
        let spec = config.farm.clone();
        let now = clock.now();
        let farm = tokio::task::spawn_blocking(move || Farm::generate(&spec, now))
            .await
            .map_err(std::io::Error::other)?;
        let farm = Arc::new(Mutex::new(farm));
        let faults = Faults::default();
        let log = RequestLog::default();
        let shared = Arc::new(gateway::Shared {
            farm: farm.clone(),
            secret: config.secret.clone().into_bytes(),
            clock: clock.clone(),
            faults: faults.clone(),
            log: log.clone(),
        });
        let app = axum::Router::new()
            .fallback(gateway::handle)
            .with_state(shared);
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("simulated gateway stopped: {e}");
            }
        })];
        if config.live {
            let farm = farm.clone();
            let clock = clock.clone();
            let tick = config.tick;
            tasks.push(tokio::spawn(async move {
                let mut interval = tokio::time::interval(tick);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                loop {
                    interval.tick().await;
                    farm.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .step(clock.now());
                }
            }));
        }
        tracing::info!(%addr, "simulated gateway listening");
        Ok(Self {
            addr,
            secret: config.secret,
            farm,
            clock,
            faults,
            log,
            tasks,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The gateway's `JWT_SECRET`.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Cuebot's clock (epoch s).
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Moves time forward by `secs` and advances the farm to then (frames finish and start).
    pub fn advance(&self, secs: i64) {
        self.clock.shift(secs);
        self.with_farm(|f| f.step(self.clock.now()));
    }

    /// Moves Cuebot's clock without advancing the farm (e.g. to age tokens or `lastCheck`).
    pub fn shift_clock(&self, secs: i64) {
        self.clock.shift(secs);
    }

    /// Runs `f` on the farm (for tests: inspect or arrange state).
    pub fn with_farm<R>(&self, f: impl FnOnce(&mut Farm) -> R) -> R {
        f(&mut self.farm.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The fault switchboard.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.log.clear();
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
