//! A simulated OpenCue REST Gateway and farm, loopback by default.
//!
//! It answers like the real gateway (contract: paths, JWT texts, protojson bodies, gRPC error
//! JSON, Cuebot's traps), so the client, the app's `--demo` mode and the tests run without
//! OpenCue. Free of egui.

// The simulator is a server: it spawns its connections and its farm clock; it has no UI.
#![allow(clippy::disallowed_methods)]

pub mod farm;
pub mod faults;
pub mod gateway;
pub mod journal;
pub mod jwt;
pub mod logs;
pub mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use farm::{Farm, FarmSpec, FrameAction, FrameLogFacts, LogEventKind, SimError};
pub use faults::{Fault, Faults, RandomFaults};
pub use gateway::{LoggedRequest, RequestLog};
pub use logs::LogWriter;
pub use tls::{CertFlaw, ServerIdentity, TestPki};

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
    /// Where frame logs are written.
    pub logs: SimLogs,
    /// Serve HTTPS with this certificate instead of plain HTTP.
    pub tls: Option<ServerIdentity>,
    /// Write one JSON line per request to this file (`--log`).
    pub journal: Option<PathBuf>,
}

/// Where the simulator writes its frames' `.rqlog` files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SimLogs {
    /// No logs (big farms: a million frames would be a million files).
    #[default]
    Off,
    /// A temporary directory, removed when the simulator stops.
    Temporary,
    /// This directory.
    Dir(PathBuf),
}

/// The prefix under which the farm reports its log directories (as a studio's share).
pub const LOG_PREFIX: &str = "/shots";

/// Writes the frame logs the farm has events for (file work off the async workers).
pub(crate) async fn flush_logs(farm: &Arc<Mutex<Farm>>, writer: &LogWriter) {
    let events = farm
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take_log_events();
    if events.is_empty() {
        return;
    }
    let writer = writer.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || writer.write(&events)).await {
        tracing::warn!("writing simulated logs failed: {e}");
    }
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
            logs: SimLogs::Off,
            tls: None,
            journal: None,
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
    https: bool,
    secret: String,
    farm: Arc<Mutex<Farm>>,
    clock: SimClock,
    faults: Faults,
    log: RequestLog,
    logs: Option<LogWriter>,
    /// Removes a temporary log directory when the simulator stops.
    _log_dir: Option<tempfile::TempDir>,
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
        let (log_dir, log_root) = match &config.logs {
            SimLogs::Off => (None, None),
            SimLogs::Temporary => {
                let dir = tempfile::Builder::new().prefix("cuedesk-logs-").tempdir()?;
                let root = dir.path().to_owned();
                (Some(dir), Some(root))
            }
            SimLogs::Dir(d) => {
                std::fs::create_dir_all(d)?;
                (None, Some(d.clone()))
            }
        };
        let logs = log_root.map(|root| LogWriter::new(root, LOG_PREFIX));
        let keep_logs = logs.is_some();
        let farm = tokio::task::spawn_blocking(move || {
            let mut farm = Farm::generate(&spec, now);
            if keep_logs {
                farm.enable_log_events();
            }
            farm
        })
        .await
        .map_err(std::io::Error::other)?;
        let farm = Arc::new(Mutex::new(farm));
        if let Some(writer) = &logs {
            // The logs of every frame that has run so far, before the first request.
            flush_logs(&farm, writer).await;
        }
        let faults = Faults::default();
        let log = RequestLog::default();
        let journal = config
            .journal
            .as_deref()
            .map(journal::Journal::create)
            .transpose()?;
        let shared = Arc::new(gateway::Shared {
            farm: farm.clone(),
            secret: config.secret.clone().into_bytes(),
            clock: clock.clone(),
            faults: faults.clone(),
            log: log.clone(),
            logs: logs.clone(),
            journal,
        });
        let app = axum::Router::new()
            .fallback(gateway::handle)
            .with_state(shared);
        let https = config.tls.is_some();
        let acceptor = config.tls.as_ref().map(tls::acceptor).transpose()?;
        let mut tasks = vec![tokio::spawn(serve(listener, app, acceptor))];
        if config.live {
            let farm = farm.clone();
            let clock = clock.clone();
            let tick = config.tick;
            let writer = logs.clone();
            tasks.push(tokio::spawn(async move {
                let mut interval = tokio::time::interval(tick);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                loop {
                    interval.tick().await;
                    farm.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .step(clock.now());
                    if let Some(w) = &writer {
                        flush_logs(&farm, w).await;
                    }
                }
            }));
        }
        tracing::info!(%addr, "simulated gateway listening");
        Ok(Self {
            addr,
            https,
            secret: config.secret,
            farm,
            clock,
            faults,
            log,
            logs,
            _log_dir: log_dir,
            tasks,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (`https://localhost:…` when serving TLS:
    /// the name its certificate is issued for).
    pub fn url(&self) -> String {
        if self.https {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
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

    /// Moves time forward by `secs` and advances the farm to then (frames finish and start);
    /// their logs are written before this returns.
    pub fn advance(&self, secs: i64) {
        self.clock.shift(secs);
        let events = self.with_farm(|f| {
            f.step(self.clock.now());
            f.take_log_events()
        });
        if let Some(w) = &self.logs {
            w.write(&events);
        }
    }

    /// Where frame logs are written, and the prefix the farm reports them under.
    pub fn log_root(&self) -> Option<(&Path, &str)> {
        self.logs.as_ref().map(|w| (w.root(), w.prefix()))
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

/// In every request's extensions: closes the connection the request came on with a TCP reset
/// (an injected [`Fault::Reset`]).
#[derive(Clone)]
pub(crate) struct ConnectionKill(Arc<tokio::sync::Notify>);

impl ConnectionKill {
    /// Resets the connection instead of answering.
    pub(crate) fn reset(&self) {
        self.0.notify_one();
    }
}

/// Accepts connections and serves `app` on each, over TLS when `tls` is set. Each connection
/// carries a [`ConnectionKill`], so a fault can reset it as a crashed gateway or proxy would.
async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait, then go on accepting.
                tracing::warn!("simulated gateway: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            // A second handle on the socket, to set SO_LINGER 0 (a reset) when it is killed.
            let Ok(socket) = tcp.into_std().and_then(|s| Ok((s.try_clone()?, s))) else {
                return;
            };
            let (handle, std_stream) = socket;
            let Ok(tcp) = tokio::net::TcpStream::from_std(std_stream) else {
                return;
            };
            let kill = Arc::new(tokio::sync::Notify::new());
            let service = hyper_util::service::TowerToHyperService::new(
                app.layer(axum::Extension(ConnectionKill(kill.clone()))),
            );
            let killed = match tls {
                Some(acceptor) => match acceptor.accept(tcp).await {
                    Ok(stream) => serve_connection(stream, service, &kill).await,
                    Err(e) => {
                        tracing::debug!("simulated gateway: TLS handshake failed: {e}");
                        false
                    }
                },
                None => serve_connection(tcp, service, &kill).await,
            };
            if killed {
                let _ = socket2::SockRef::from(&handle).set_linger(Some(Duration::ZERO));
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection until it ends; `true` if it was killed.
async fn serve_connection<I, S>(io: I, service: S, kill: &tokio::sync::Notify) -> bool
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Send,
    S::Future: Send + 'static,
{
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(io), service);
    tokio::select! {
        r = conn => {
            if let Err(e) = r {
                tracing::debug!("simulated gateway: connection ended: {e}");
            }
            false
        }
        () = kill.notified() => true,
    }
}
