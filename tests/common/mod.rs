//! Test harness: a gateway to test against, and ids discovered from it.
//!
//! By default each test starts the simulator in-process on a free loopback port, with a seeded
//! farm. With `CUEDESK_TEST_GATEWAY_URL` and `CUEDESK_TEST_JWT_SECRET` set at build time, the
//! same tests run against that gateway instead. Tests that need the simulator (its faults, its
//! farm's state) or change the farm are then ignored, so the runner counts and lists them:
//! - `#[cfg_attr(real_gateway, ignore = "simulator-only: …")]`;
//! - `#[cfg_attr(all(real_gateway, not(real_gateway_mutations)), ignore = "changes the farm")]`,
//!   which runs with `CUEDESK_TEST_ALLOW_MUTATIONS=1`.
//!
//! Nothing assumes the simulator's names; shows, jobs, frames and hosts are discovered.

#![allow(dead_code, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use cuedesk::api::auth::{mint_token, now_epoch};
use cuedesk::api::requests::{FrameSearchCriteria, HostSearchCriteria, JobSearchCriteria};
use cuedesk::api::types::{Frame, FrameState, Host, Job, JobState};
use cuedesk::api::{ApiClient, ClientConfig, Credentials};
use cuedesk::app::CueDeskApp;
use cuedesk::sim::{FarmSpec, SimConfig, SimLogs, SimServer};
use egui_kittest::Harness;
use egui_kittest::kittest::NodeT as _;
use secrecy::SecretString;

/// The pending jobs of `user`, across every show.
pub async fn jobs_of(t: &Target, user: &str) -> Vec<Job> {
    t.client()
        .get_jobs(&JobSearchCriteria {
            users: vec![user.into()],
            ..Default::default()
        })
        .await
        .unwrap()
}

/// Waits on the test's runtime, at most 30 s, until `done` holds (checked every 5 ms); the
/// failure names `what`.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The farm the simulator-backed tests use.
pub fn test_farm() -> FarmSpec {
    FarmSpec {
        seed: 42,
        shows: 3,
        jobs: 30,
        frames_per_job: 60,
        hosts: 40,
        big_job_frames: 0,
    }
}

/// A gateway under test.
pub struct Target {
    /// The in-process simulator, when not testing a real gateway.
    pub sim: Option<SimServer>,
    /// Base URL.
    pub url: String,
    /// The gateway's JWT secret.
    pub secret: String,
}

impl Target {
    /// The simulator, or a real gateway from the environment.
    pub async fn new() -> Self {
        Self::with_farm(test_farm()).await
    }

    /// Like [`Target::new`], with a specific simulated farm.
    pub async fn with_farm(farm: FarmSpec) -> Self {
        Self::with_config(SimConfig::new("test-secret-0123456789", farm)).await
    }

    /// The test farm with its frame logs written to a temporary directory.
    pub async fn with_logs() -> Self {
        let mut config = SimConfig::new("test-secret-0123456789", test_farm());
        config.logs = SimLogs::Temporary;
        Self::with_config(config).await
    }

    /// Like [`Target::new`], with a specific simulator configuration.
    pub async fn with_config(config: SimConfig) -> Self {
        if let (Ok(url), Ok(secret)) = (
            std::env::var("CUEDESK_TEST_GATEWAY_URL"),
            std::env::var("CUEDESK_TEST_JWT_SECRET"),
        ) {
            return Self {
                sim: None,
                url,
                secret,
            };
        }
        let sim = SimServer::start(config).await.unwrap();
        Self {
            url: sim.url(),
            secret: sim.secret().to_owned(),
            sim: Some(sim),
        }
    }

    /// A client authenticated with the gateway's secret.
    pub fn client(&self) -> ApiClient {
        self.client_with(Credentials::secret("cuedesk-test", self.secret.clone()))
    }

    /// A client with other credentials.
    pub fn client_with(&self, credentials: Credentials) -> ApiClient {
        let mut config = ClientConfig::new(self.url.clone(), credentials);
        config.request_timeout = Duration::from_secs(20);
        ApiClient::new(config).unwrap()
    }

    /// A valid token for raw HTTP tests.
    pub fn token(&self) -> String {
        mint_token(
            "cuedesk-test",
            &SecretString::from(self.secret.clone()),
            now_epoch(),
            Duration::from_secs(600),
        )
        .unwrap()
    }

    /// The simulator, for a test that arranges its state or injects faults. Such a test is
    /// marked `#[cfg_attr(real_gateway, ignore = "simulator-only: …")]`, so it never gets here
    /// against a real gateway.
    pub fn sim(&self) -> &SimServer {
        self.sim.as_ref().expect(
            "a simulator-only test ran against a real gateway: mark it #[cfg_attr(real_gateway, ignore = \"simulator-only: why\")]",
        )
    }
}

/// Things found on the gateway.
pub struct Found {
    pub show: String,
    pub job: Job,
    pub frame: Frame,
    pub host: Host,
}

/// Finds a show with pending jobs, its largest job, a frame of it, and a host.
pub async fn discover(client: &ApiClient) -> Found {
    let shows = client.get_shows().await.unwrap();
    let mut best: Option<(String, Job)> = None;
    for show in &shows {
        let jobs = client
            .get_jobs(&JobSearchCriteria {
                shows: vec![show.name.clone()],
                ..Default::default()
            })
            .await
            .unwrap();
        if let Some(job) = jobs.into_iter().max_by_key(|j| j.job_stats.total_frames)
            && best
                .as_ref()
                .is_none_or(|(_, b)| job.job_stats.total_frames > b.job_stats.total_frames)
        {
            best = Some((show.name.clone(), job));
        }
    }
    let (show, job) = best.expect("the gateway has no pending job to test with");
    let frame = client
        .get_frames(
            &job.id,
            &FrameSearchCriteria {
                page: 1,
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the job has no frame");
    let host = client
        .get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("no host");
    Found {
        show,
        job,
        frame,
        host,
    }
}

/// A pending job with at least one frame in `state` (on the simulator's farm there always is one).
pub async fn job_with(client: &ApiClient, state: FrameState) -> Option<Job> {
    let jobs = client
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap();
    let count = |j: &Job| match state {
        FrameState::Dead => j.job_stats.dead_frames,
        FrameState::Running => j.job_stats.running_frames,
        FrameState::Waiting => j.job_stats.waiting_frames,
        FrameState::Succeeded => j.job_stats.succeeded_frames,
        _ => 0,
    };
    jobs.into_iter()
        .filter(|j| j.state == JobState::Pending)
        .find(|j| count(j) > 0)
}

/// The window as every UI test drives it: 1600×1000 points, the app built on the test's
/// runtime by `app`. `frame_secs` is the time between frames (kittest's default, a quarter
/// second, unless double-clicks need a real frame rate).
pub fn harness(
    frame_secs: Option<f32>,
    app: impl FnOnce(tokio::runtime::Handle) -> CueDeskApp + 'static,
) -> Harness<'static, CueDeskApp> {
    let rt = tokio::runtime::Handle::current();
    let mut builder = Harness::builder().with_size(egui::vec2(1600.0, 1000.0));
    if let Some(dt) = frame_secs {
        builder = builder.with_step_dt(dt);
    }
    builder.build_eframe(move |_cc| app(rt))
}

/// Steps a UI harness until `done` holds. The app's requests run on the runtime's worker
/// threads, so this polls the UI until their answers are shown (a deadline, not a fixed sleep,
/// decides failure). On timeout the failure shows what was on screen: every widget's role,
/// label and value.
pub fn step_until<S>(
    h: &mut egui_kittest::Harness<'_, S>,
    what: &str,
    done: impl Fn(&egui_kittest::Harness<'_, S>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.step();
        if done(h) {
            h.step();
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; on screen:\n{}",
            screen_text(h)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What the window shows, one widget a line: role, label and value (hidden widgets left out).
pub fn screen_text<S>(h: &egui_kittest::Harness<'_, S>) -> String {
    let mut out = String::new();
    for node in h.root().children_recursive() {
        let n = node.accesskit_node();
        if n.is_hidden() {
            continue;
        }
        let label = n.label().unwrap_or_default();
        let value = n.value().unwrap_or_default();
        if label.is_empty() && value.is_empty() {
            continue;
        }
        out.push_str(&format!("  {:?} {label:?}", n.role()));
        if !value.is_empty() {
            out.push_str(&format!(" = {value:?}"));
        }
        out.push('\n');
    }
    out
}
