//! The simulated farm: shows, jobs, layers, frames, hosts and procs, generated from a seed.
//!
//! State is kept compact (a 100,000-frame job is a `Vec` of small structs) and wire messages are
//! built on demand. Every frame state change goes through [`Farm::set_frame_state`], which keeps
//! the job and layer counters, the host's procs and the change times that GetUpdatedFrames reads.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use regex::Regex;

use crate::api::framespec::FrameSet;
use crate::api::requests::{
    FrameSearchCriteria, HostSearchCriteria, JobSearchCriteria, NewComment,
};
use crate::api::types::{
    CheckpointState, Comment, Frame, FrameState, HardwareState, Host, Job, JobState, JobStats,
    Layer, LayerStats, LayerType, LockState, Proc, Show, ShowStats, ThreadMode, UpdatedFrame,
};

/// A gRPC-style failure: HTTP status, gRPC code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    /// HTTP status the gateway would map the code to.
    pub status: u16,
    /// gRPC code.
    pub code: i32,
    /// Message.
    pub message: String,
}

impl SimError {
    fn new(status: u16, code: i32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404/5 with Spring's "no row" text (GetJob, FindJob, FindHost, GetFrame…).
    pub fn no_row() -> Self {
        Self::new(404, 5, "Incorrect result size: expected 1, actual 0")
    }

    /// 404/5 for an unknown job id on a JobInterface call.
    pub fn job_not_found() -> Self {
        Self::new(404, 5, "Job not found")
    }

    /// 500/13 for an uncaught Cuebot exception (unknown host or frame id on an action).
    pub fn uncaught(what: &str) -> Self {
        let msg = format!("Incorrect result size: expected 1, actual 0 ({what})");
        Self::new(
            500,
            13,
            format!("EmptyResultDataAccessException: {msg}\n{msg}"),
        )
    }

    /// 400/9 when changing a finished job with `frame.finished_jobs_readonly` on.
    pub fn finished_readonly() -> Self {
        Self::new(400, 9, "Finished jobs are readonly")
    }

    /// 400/3 for a request Cuebot rejects.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, 3, message)
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct FarmSpec {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of shows.
    pub shows: usize,
    /// Number of jobs, spread over the shows.
    pub jobs: usize,
    /// Frames of each job, spread over its layers.
    pub frames_per_job: usize,
    /// Number of render hosts.
    pub hosts: usize,
    /// If non-zero, one more job with this many frames (for paging and scale tests).
    pub big_job_frames: usize,
}

impl Default for FarmSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            shows: 3,
            jobs: 40,
            frames_per_job: 100,
            hosts: 60,
            big_job_frames: 0,
        }
    }
}

const SHOW_NAMES: &[&str] = &[
    "demo_show",
    "aurora",
    "bluefin",
    "cobalt",
    "driftwood",
    "emberfall",
    "foxglove",
    "granite",
];
const USERS: &[&str] = &[
    "jdoe", "asmith", "mchen", "rpatel", "lgarcia", "tkim", "owilson", "nnovak",
];
/// A layer template: name, service, type.
type LayerDef = (&'static str, &'static str, LayerType);
const DEPTS: &[(&str, &[LayerDef])] = &[
    ("comp", &[("comp", "nuke", LayerType::Render)]),
    (
        "lighting",
        &[
            ("beauty", "arnold", LayerType::Render),
            ("shadow", "arnold", LayerType::Render),
        ],
    ),
    (
        "fx_sim",
        &[
            ("sim", "houdini", LayerType::Util),
            ("render", "karma", LayerType::Render),
        ],
    ),
    (
        "anim_playblast",
        &[("playblast", "maya", LayerType::Render)],
    ),
    (
        "lookdev_turntable",
        &[
            ("turntable", "arnold", LayerType::Render),
            ("slapcomp", "nuke", LayerType::Post),
        ],
    ),
];
const ALLOCS: &[&str] = &[
    "local.general",
    "local.general",
    "local.general",
    "local.desktop",
    "local.gpu",
];

/// Frames that finish within this many seconds of simulated time when started.
const FRAME_SECS: (i32, i32) = (40, 400);

/// Per-state counters.
#[derive(Debug, Clone, Copy, Default)]
struct Counts([i32; 8]);

impl Counts {
    fn slot(state: &FrameState) -> Option<usize> {
        state
            .number()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n < 8)
    }
    fn add(&mut self, state: &FrameState, delta: i32) {
        if let Some(i) = Self::slot(state) {
            self.0[i] += delta;
        }
    }
    fn get(&self, state: &FrameState) -> i32 {
        Self::slot(state).map_or(0, |i| self.0[i])
    }
    fn total(&self) -> i32 {
        self.0.iter().sum()
    }
}

/// Accumulated run statistics.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    rendered_frames: i64,
    failed_frames: i64,
    rendered_core_sec: i64,
    failed_core_sec: i64,
    max_rss: i64,
    high_frame_sec: i32,
    low_frame_sec: i32,
    total_frame_sec: i64,
}

impl Acc {
    fn record(&mut self, ok: bool, secs: i32, core_sec: i64, rss: i64) {
        if ok {
            self.rendered_frames += 1;
            self.rendered_core_sec += core_sec;
            self.total_frame_sec += i64::from(secs);
            self.high_frame_sec = self.high_frame_sec.max(secs);
            self.low_frame_sec = if self.low_frame_sec == 0 {
                secs
            } else {
                self.low_frame_sec.min(secs)
            };
        } else {
            self.failed_frames += 1;
            self.failed_core_sec += core_sec;
        }
        self.max_rss = self.max_rss.max(rss);
    }
}

#[derive(Debug, Clone)]
struct SimShow {
    id: String,
    name: String,
    active: bool,
    default_max_cores: f32,
}

#[derive(Debug, Clone)]
struct SimLayer {
    id: String,
    name: String,
    layer_type: LayerType,
    service: &'static str,
    min_cores: f32,
    /// KB.
    min_memory: i64,
    first: u32,
    len: u32,
    first_number: i32,
    dispatch_order: i32,
    /// Layer whose frame of the same number must succeed first.
    depends_on: Option<u16>,
    /// Typical frame duration, seconds.
    frame_secs: i32,
    counts: Counts,
    acc: Acc,
}

#[derive(Debug, Clone)]
struct SimFrame {
    number: i32,
    layer: u16,
    state: FrameState,
    retry: i32,
    exit: i32,
    start: i32,
    stop: i32,
    /// When a running frame finishes.
    due: i32,
    max_rss: i64,
    used_mem: i64,
    last_host: Option<u32>,
    cores: f32,
    llu: i32,
    changed: i32,
    dispatch_order: i32,
}

#[derive(Debug, Clone)]
struct SimJob {
    id: String,
    name: String,
    show: usize,
    shot: String,
    user: String,
    uid: Option<i32>,
    priority: i32,
    min_cores: f32,
    max_cores: f32,
    log_dir: String,
    paused: bool,
    auto_eat: bool,
    start_time: i32,
    stop_time: i32,
    state: JobState,
    layers: Vec<SimLayer>,
    frames: Vec<SimFrame>,
    /// Frame indices in Cuebot's order: frame dispatch order, then layer dispatch order.
    order: Vec<u32>,
    comments: Vec<Comment>,
    counts: Counts,
    acc: Acc,
    /// Frames to dispatch next (may hold stale entries; checked on pop).
    waiting: VecDeque<u32>,
}

#[derive(Debug, Clone)]
struct SimHost {
    id: String,
    name: String,
    alloc: &'static str,
    cores: f32,
    /// KB.
    memory: i64,
    gpus: f32,
    state: HardwareState,
    lock: LockState,
    nimby: bool,
    tags: Vec<String>,
    boot_time: i32,
    ping_lag: i32,
    comments: Vec<Comment>,
    procs: Vec<(u32, u32)>,
    reboot_at: Option<i32>,
}

impl SimHost {
    fn used(&self, jobs: &[SimJob]) -> (f32, i64) {
        self.procs.iter().fold((0.0, 0), |(c, m), &(j, f)| {
            let job = &jobs[j as usize];
            let fr = &job.frames[f as usize];
            (c + fr.cores, m + job.layers[fr.layer as usize].min_memory)
        })
    }

    fn dispatchable(&self) -> bool {
        self.state == HardwareState::Up && self.lock == LockState::Open
    }
}

/// The simulated farm.
#[derive(Debug)]
pub struct Farm {
    shows: Vec<SimShow>,
    jobs: Vec<SimJob>,
    job_by_id: HashMap<String, usize>,
    /// Lower-cased job name → index (FindJob lower-cases names, as Cuebot does).
    job_by_name: HashMap<String, usize>,
    /// Job indices sorted by name (GetJobs answers in name order).
    jobs_by_name: Vec<usize>,
    hosts: Vec<SimHost>,
    host_by_id: HashMap<String, usize>,
    host_by_name: HashMap<String, usize>,
    /// Running frames by due time: (due, job, frame).
    running: BTreeSet<(i32, u32, u32)>,
    rng: StdRng,
    salt: u64,
    next_comment: u64,
    generated_at: i32,
    /// Frame log events since the last [`Farm::take_log_events`] (`None`: not recorded).
    log_events: Option<Vec<FrameLogFacts>>,
}

/// What happened to a frame's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEventKind {
    /// An attempt started: a new log (the previous one, if any, becomes an earlier attempt).
    Started,
    /// The running frame wrote more output.
    Progress,
    /// The attempt ended (finished, failed, killed, retried or eaten while running).
    Ended,
}

/// What a frame's log says about it, taken when the event is collected.
#[derive(Debug, Clone)]
pub struct FrameLogFacts {
    /// What happened.
    pub kind: LogEventKind,
    /// The log file as Cuebot reports it: `<logDir>/<job>.<frame>.rqlog`.
    pub log_path: String,
    /// Job id.
    pub job_id: String,
    /// Job name.
    pub job_name: String,
    /// Frame id.
    pub frame_id: String,
    /// Frame name, e.g. `0001-comp`.
    pub frame_name: String,
    /// Frame number.
    pub number: i32,
    /// Layer service, e.g. `arnold`.
    pub service: &'static str,
    /// Owner.
    pub user: String,
    /// Render host name.
    pub host: String,
    /// Earlier attempts of this frame.
    pub retries: i32,
    /// Attempt start and (when ended) stop, epoch s.
    pub start: i32,
    /// 0 while running.
    pub stop: i32,
    /// When it is expected to finish.
    pub due: i32,
    /// Exit status (-1 while running).
    pub exit: i32,
    /// Peak memory, KB.
    pub max_rss: i64,
    /// Now, by the farm's clock.
    pub now: i32,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn uuid_from(rng: &mut StdRng) -> String {
    let a: u128 = rng.random();
    let a = (a & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let h = format!("{a:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Ids of frames, layers and procs encode their indices (`job`-…-`index`), with a keyed hash in
/// the middle so that a made-up id is not found.
fn derived_id(salt: u64, kind: u64, job: u32, index: u32) -> String {
    let h = splitmix(salt ^ (kind << 60) ^ (u64::from(job) << 32) ^ u64::from(index));
    format!(
        "{job:08x}-{:04x}-4{:03x}-{:x}{:03x}-{index:012x}",
        h & 0xFFFF,
        (h >> 16) & 0xFFF,
        8 + kind,
        (h >> 28) & 0xFFF
    )
}

fn parse_derived_id(salt: u64, kind: u64, id: &str) -> Option<(u32, u32)> {
    let mut parts = id.split('-');
    let job = u32::from_str_radix(parts.next()?, 16).ok()?;
    let index = u32::from_str_radix(parts.nth(3)?, 16).ok()?;
    (derived_id(salt, kind, job, index) == id).then_some((job, index))
}

const KIND_FRAME: u64 = 0;
const KIND_LAYER: u64 = 1;
const KIND_PROC: u64 = 2;

fn clamp_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

impl Farm {
    /// Generates a farm from `spec`, as it would look at `now` (epoch s).
    pub fn generate(spec: &FarmSpec, now: i64) -> Self {
        let now = clamp_i32(now);
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let salt: u64 = rng.random();
        let show_count = spec.shows.clamp(1, SHOW_NAMES.len() * 4);
        let shows: Vec<SimShow> = (0..show_count)
            .map(|i| SimShow {
                id: uuid_from(&mut rng),
                name: if i < SHOW_NAMES.len() {
                    SHOW_NAMES[i].to_owned()
                } else {
                    format!(
                        "{}{}",
                        SHOW_NAMES[i % SHOW_NAMES.len()],
                        i / SHOW_NAMES.len() + 1
                    )
                },
                // The last of several shows is archived, so active and all shows differ.
                active: show_count == 1 || i + 1 < show_count,
                default_max_cores: 200.0,
            })
            .collect();

        let mut farm = Self {
            shows,
            jobs: Vec::with_capacity(spec.jobs + 1),
            job_by_id: HashMap::new(),
            job_by_name: HashMap::new(),
            jobs_by_name: Vec::new(),
            hosts: Vec::new(),
            host_by_id: HashMap::new(),
            host_by_name: HashMap::new(),
            running: BTreeSet::new(),
            rng,
            salt,
            next_comment: 1,
            generated_at: now,
            log_events: None,
        };
        farm.generate_hosts(spec.hosts, now);
        for j in 0..spec.jobs {
            farm.generate_job(j, spec.frames_per_job.max(1), None, now);
        }
        if spec.big_job_frames > 0 {
            farm.generate_job(
                spec.jobs,
                spec.big_job_frames,
                Some("wrangler_stress_test"),
                now,
            );
        }
        let mut by_name: Vec<usize> = (0..farm.jobs.len()).collect();
        by_name.sort_by(|&a, &b| farm.jobs[a].name.cmp(&farm.jobs[b].name));
        farm.jobs_by_name = by_name;
        // Fill the farm: frames already running when the farm is first seen.
        farm.dispatch(now, true);
        farm
    }

    fn generate_hosts(&mut self, count: usize, now: i32) {
        for i in 0..count {
            let rng = &mut self.rng;
            let cores = [8.0, 16.0, 16.0, 32.0, 32.0, 64.0][rng.random_range(0..6)];
            let alloc = ALLOCS[rng.random_range(0..ALLOCS.len())];
            let roll: f64 = rng.random();
            let state = if roll < 0.04 {
                HardwareState::Down
            } else if roll < 0.06 {
                HardwareState::Repair
            } else {
                HardwareState::Up
            };
            let lock_roll: f64 = rng.random();
            let desktop = alloc == "local.desktop";
            let lock = if desktop && lock_roll < 0.3 {
                LockState::NimbyLocked
            } else if lock_roll < 0.08 {
                LockState::Locked
            } else {
                LockState::Open
            };
            let gpus = if alloc == "local.gpu" { 2.0 } else { 0.0 };
            let mut tags = vec![
                alloc.trim_start_matches("local.").to_owned(),
                "linux".to_owned(),
            ];
            if gpus > 0.0 {
                tags.push("gpu".into());
            }
            let host = SimHost {
                id: uuid_from(rng),
                name: if desktop {
                    format!("ws{:04}", i + 1)
                } else {
                    format!("render{:04}", i + 1)
                },
                alloc,
                cores,
                memory: (cores as i64) * 4 * 1_048_576,
                gpus,
                state: state.clone(),
                lock,
                nimby: desktop,
                tags,
                boot_time: now - rng.random_range(3_600..3_000_000),
                ping_lag: if state == HardwareState::Up {
                    rng.random_range(0..30)
                } else {
                    rng.random_range(900..90_000)
                },
                comments: Vec::new(),
                procs: Vec::new(),
                reboot_at: None,
            };
            self.host_by_id.insert(host.id.clone(), i);
            self.host_by_name.insert(host.name.clone(), i);
            self.hosts.push(host);
        }
    }

    #[allow(clippy::too_many_lines)]
    fn generate_job(&mut self, j: usize, frame_count: usize, big: Option<&str>, now: i32) {
        let ji = u32::try_from(j).unwrap_or(u32::MAX);
        let rng = &mut self.rng;
        let show = j % self.shows.len();
        let (dept, layer_defs) = if big.is_some() {
            DEPTS[0]
        } else {
            DEPTS[rng.random_range(0..DEPTS.len())]
        };
        let user = if big.is_some() {
            "wrangler"
        } else {
            USERS[rng.random_range(0..USERS.len())]
        };
        let shot = if big.is_some() {
            "sh999".to_owned()
        } else {
            format!("sh{:03}0", rng.random_range(1..60))
        };
        let desc = big.map_or_else(
            || format!("{dept}_v{:03}", rng.random_range(1..40)),
            str::to_owned,
        );
        // `show-shot-user_desc`, unique thanks to the index suffix on collisions.
        let base = format!("{}-{shot}-{user}_{desc}", self.shows[show].name);
        let name = if self.job_by_name.contains_key(&base.to_lowercase()) {
            format!("{base}_{j}")
        } else {
            base
        };
        let id = uuid_from(rng);
        let submitted = now - rng.random_range(600..200_000);
        let finished = big.is_none() && rng.random_bool(0.12);
        let progress: f64 = if finished {
            1.0
        } else {
            rng.random::<f64>() * 0.9
        };
        let paused = !finished && rng.random_bool(0.1);
        let log_dir = format!(
            "/shots/{}/{shot}/logs/{name}--{}",
            self.shows[show].name,
            &id[..8]
        );

        let per_layer = (frame_count / layer_defs.len()).max(1);
        let mut layers = Vec::new();
        let mut frames = Vec::with_capacity(per_layer * layer_defs.len());
        let first_number = if rng.random_bool(0.3) { 1001 } else { 1 };
        for (li, (lname, service, ltype)) in layer_defs.iter().enumerate() {
            let (lname, service, ltype) = (*lname, *service, ltype.clone());
            let len = if li == 0 {
                frame_count - per_layer * (layer_defs.len() - 1)
            } else {
                per_layer
            };
            let len = len.max(1);
            let li16 = u16::try_from(li).unwrap_or(u16::MAX);
            let frame_secs = rng.random_range(FRAME_SECS.0..FRAME_SECS.1);
            let layer = SimLayer {
                id: derived_id(self.salt, KIND_LAYER, ji, u32::from(li16)),
                name: lname.to_owned(),
                layer_type: ltype.clone(),
                service,
                min_cores: if service == "houdini" {
                    8.0
                } else if service == "nuke" {
                    2.0
                } else {
                    4.0
                },
                min_memory: [4, 8, 16][rng.random_range(0..3)] * 1_048_576,
                first: u32::try_from(frames.len()).unwrap_or(u32::MAX),
                len: u32::try_from(len).unwrap_or(u32::MAX),
                first_number,
                dispatch_order: i32::from(li16),
                depends_on: (li > 0 && (ltype != LayerType::Render || dept == "fx_sim"))
                    .then_some(0),
                frame_secs,
                counts: Counts::default(),
                acc: Acc::default(),
            };
            for k in 0..len {
                let number = first_number + i32::try_from(k).unwrap_or(i32::MAX);
                frames.push(SimFrame {
                    number,
                    layer: li16,
                    state: FrameState::Waiting,
                    retry: 0,
                    exit: -1,
                    start: 0,
                    stop: 0,
                    due: 0,
                    max_rss: 0,
                    used_mem: 0,
                    last_host: None,
                    cores: 0.0,
                    llu: 0,
                    changed: now - 3600,
                    dispatch_order: i32::try_from(k).unwrap_or(i32::MAX),
                });
            }
            layers.push(layer);
        }
        // History: the first `progress` of each layer already rendered, a few of them died.
        let host_names = self.hosts.len().max(1);
        for layer in &layers {
            let done = (f64::from(layer.len) * progress) as u32;
            for k in 0..layer.len {
                let f = &mut frames[(layer.first + k) as usize];
                let depends_unmet = layer.depends_on.is_some() && k >= done;
                if k < done {
                    let secs = (layer.frame_secs as f64 * (0.6 + rng.random::<f64>() * 0.8)) as i32;
                    let dead = !finished && rng.random_bool(0.03);
                    f.state = if dead {
                        FrameState::Dead
                    } else {
                        FrameState::Succeeded
                    };
                    f.exit = if dead {
                        [1, 137, 255][rng.random_range(0..3)]
                    } else {
                        0
                    };
                    f.retry = if dead {
                        2
                    } else {
                        i32::from(rng.random_bool(0.05))
                    };
                    f.stop = now - rng.random_range(60..5000);
                    f.start = f.stop - secs;
                    f.max_rss = layer.min_memory / 2 + rng.random_range(0..layer.min_memory);
                    f.last_host = Some(rng.random_range(0..host_names) as u32);
                    f.cores = layer.min_cores;
                    f.llu = f.stop;
                } else if depends_unmet {
                    f.state = FrameState::Depend;
                }
            }
        }
        let mut order: Vec<u32> = (0..u32::try_from(frames.len()).unwrap_or(u32::MAX)).collect();
        order.sort_by_key(|&i| {
            let f = &frames[i as usize];
            (f.dispatch_order, layers[f.layer as usize].dispatch_order)
        });
        let mut job = SimJob {
            id: id.clone(),
            name,
            show,
            shot,
            user: user.to_owned(),
            uid: rng
                .random_bool(0.9)
                .then(|| 1000 + rng.random_range(0..USERS.len() as i32)),
            priority: [50, 100, 100, 100, 200][rng.random_range(0..5)],
            min_cores: 1.0,
            max_cores: [50.0, 100.0, 200.0][rng.random_range(0..3)],
            log_dir,
            paused,
            auto_eat: rng.random_bool(0.05),
            start_time: submitted,
            stop_time: 0,
            state: JobState::Pending,
            layers,
            frames,
            order,
            comments: Vec::new(),
            counts: Counts::default(),
            acc: Acc::default(),
            waiting: VecDeque::new(),
        };
        for &fi in &job.order {
            let f = &job.frames[fi as usize];
            let layer = &mut job.layers[f.layer as usize];
            job.counts.add(&f.state, 1);
            layer.counts.add(&f.state, 1);
            if matches!(f.state, FrameState::Succeeded | FrameState::Dead) {
                let secs = f.stop - f.start;
                let core_sec = (f64::from(secs) * f64::from(f.cores)) as i64;
                let ok = f.state == FrameState::Succeeded;
                job.acc.record(ok, secs, core_sec, f.max_rss);
                layer.acc.record(ok, secs, core_sec, f.max_rss);
            }
            if f.state == FrameState::Waiting {
                job.waiting.push_back(fi);
            }
        }
        if finished {
            job.state = JobState::Finished;
            job.stop_time = now - rng.random_range(60..3000);
        }
        if rng.random_bool(0.15) {
            self.next_comment += 1;
            job.comments.push(Comment {
                id: format!("c{:011x}", self.next_comment),
                timestamp: submitted + 120,
                user: "wrangler".into(),
                subject: "Priority".into(),
                message: "Bumped for dailies".into(),
            });
        }
        self.job_by_id.insert(id, j);
        self.job_by_name.insert(job.name.to_lowercase(), j);
        self.jobs.push(job);
    }

    // -----------------------------------------------------------------------------------------
    // Time.

    /// Advances the farm to `now`: finishes due frames, starts waiting ones on free hosts,
    /// updates running frames' memory and log times, and cycles rebooting hosts.
    pub fn step(&mut self, now: i64) {
        let now = clamp_i32(now);
        while let Some(&(due, j, f)) = self.running.first() {
            if due > now {
                break;
            }
            self.finish_frame(j as usize, f as usize, due);
        }
        for (j, f) in self
            .running
            .iter()
            .map(|&(_, j, f)| (j, f))
            .collect::<Vec<_>>()
        {
            let job = &mut self.jobs[j as usize];
            let min_memory = job.layers[job.frames[f as usize].layer as usize].min_memory;
            let fr = &mut job.frames[f as usize];
            if now - fr.llu >= 30 {
                let elapsed = f64::from(now - fr.start);
                fr.used_mem = (min_memory as f64 * (0.3 + (elapsed / 600.0).min(0.6))) as i64;
                fr.max_rss = fr.max_rss.max(fr.used_mem);
                fr.llu = now;
                fr.changed = now;
                self.log_event(LogEventKind::Progress, j as usize, f as usize, now);
            }
        }
        for h in 0..self.hosts.len() {
            let host = &mut self.hosts[h];
            match (&host.state, host.reboot_at) {
                (HardwareState::RebootWhenIdle, _) if host.procs.is_empty() => {
                    host.state = HardwareState::Rebooting;
                    host.reboot_at = Some(now + 120);
                }
                (HardwareState::Rebooting, Some(at)) if now >= at => {
                    host.state = HardwareState::Up;
                    host.boot_time = now;
                    host.reboot_at = None;
                }
                _ => {}
            }
        }
        self.dispatch(now, false);
    }

    fn finish_frame(&mut self, j: usize, f: usize, at: i32) {
        let roll: f64 = self.rng.random();
        let (retry, start, cores, layer_idx, min_memory) = {
            let fr = &self.jobs[j].frames[f];
            let layer = &self.jobs[j].layers[fr.layer as usize];
            (fr.retry, fr.start, fr.cores, fr.layer, layer.min_memory)
        };
        let ok = roll >= 0.06;
        let secs = at - start;
        let core_sec = (f64::from(secs) * f64::from(cores)) as i64;
        let rss = min_memory / 2 + (min_memory as f64 * roll * 0.7) as i64;
        {
            let job = &mut self.jobs[j];
            job.acc.record(ok, secs, core_sec, rss);
            job.layers[layer_idx as usize]
                .acc
                .record(ok, secs, core_sec, rss);
            let fr = &mut job.frames[f];
            fr.exit = if ok {
                0
            } else if roll < 0.02 {
                137
            } else {
                1
            };
            fr.max_rss = fr.max_rss.max(rss);
            fr.stop = at;
            fr.llu = at;
        }
        let next = if ok {
            FrameState::Succeeded
        } else if retry < 2 {
            FrameState::Waiting
        } else if self.jobs[j].auto_eat {
            FrameState::Eaten
        } else {
            FrameState::Dead
        };
        self.set_frame_state(j, f, next.clone(), at);
        if next == FrameState::Waiting {
            self.jobs[j].frames[f].retry += 1;
        }
        if ok {
            self.release_dependents(j, f, at);
        }
        self.update_job_state(j, at);
    }

    fn release_dependents(&mut self, j: usize, f: usize, now: i32) {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let offset = f as u32 - job.layers[fr.layer as usize].first;
        let dependents: Vec<usize> = job
            .layers
            .iter()
            .filter(|l| l.depends_on == Some(fr.layer) && offset < l.len)
            .map(|l| (l.first + offset) as usize)
            .filter(|&d| job.frames[d].state == FrameState::Depend)
            .collect();
        for d in dependents {
            self.set_frame_state(j, d, FrameState::Waiting, now);
        }
    }

    fn update_job_state(&mut self, j: usize, now: i32) {
        let job = &mut self.jobs[j];
        if job.state != JobState::Pending {
            return;
        }
        let c = &job.counts;
        let open = c.get(&FrameState::Waiting)
            + c.get(&FrameState::Running)
            + c.get(&FrameState::Depend)
            + c.get(&FrameState::Setup)
            + c.get(&FrameState::Dead)
            + c.get(&FrameState::Checkpoint);
        if open == 0 {
            job.state = JobState::Finished;
            job.stop_time = now;
        }
    }

    /// Starts waiting frames on hosts with free cores: highest priority first, at most one new
    /// frame per host per step (`fill` at generation time fills the hosts).
    fn dispatch(&mut self, now: i32, fill: bool) {
        let mut candidates: Vec<usize> = (0..self.jobs.len())
            .filter(|&j| {
                let job = &self.jobs[j];
                job.state == JobState::Pending
                    && !job.paused
                    && job.counts.get(&FrameState::Waiting) > 0
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        candidates.sort_by_key(|&j| std::cmp::Reverse(self.jobs[j].priority));
        let mut cursor = 0usize;
        for h in 0..self.hosts.len() {
            if !self.hosts[h].dispatchable() {
                continue;
            }
            let rounds = if fill { 16 } else { 1 };
            for _ in 0..rounds {
                let (used_cores, used_mem) = self.hosts[h].used(&self.jobs);
                let host = &self.hosts[h];
                let free_cores = host.cores - used_cores;
                let free_mem = host.memory - used_mem;
                let mut started = false;
                for attempt in 0..candidates.len().min(8) {
                    let j = candidates[(cursor + attempt) % candidates.len()];
                    if let Some(f) = self.next_waiting(j, free_cores, free_mem) {
                        self.start_frame(j, f, h, now, fill);
                        cursor = (cursor + attempt + 1) % candidates.len();
                        started = true;
                        break;
                    }
                }
                if !started {
                    break;
                }
            }
        }
    }

    fn next_waiting(&mut self, j: usize, free_cores: f32, free_mem: i64) -> Option<usize> {
        let job = &mut self.jobs[j];
        let reserved: f32 = job.counts.get(&FrameState::Running) as f32;
        while let Some(&f) = job.waiting.front() {
            let fr = &job.frames[f as usize];
            if fr.state != FrameState::Waiting {
                job.waiting.pop_front();
                continue;
            }
            let layer = &job.layers[fr.layer as usize];
            if layer.min_cores > free_cores || layer.min_memory > free_mem {
                return None;
            }
            if (reserved + 1.0) * layer.min_cores > job.max_cores {
                return None;
            }
            job.waiting.pop_front();
            return Some(f as usize);
        }
        None
    }

    fn start_frame(&mut self, j: usize, f: usize, h: usize, now: i32, already_running: bool) {
        let jobs_len_ok = j < self.jobs.len();
        if !jobs_len_ok {
            return;
        }
        let (secs, cores, min_memory) = {
            let job = &self.jobs[j];
            let layer = &job.layers[job.frames[f].layer as usize];
            let jitter = 0.6 + self.rng.random::<f64>() * 0.8;
            (
                (f64::from(layer.frame_secs) * jitter) as i32,
                layer.min_cores,
                layer.min_memory,
            )
        };
        let elapsed = if already_running {
            self.rng.random_range(0..secs.max(1))
        } else {
            0
        };
        {
            let fr = &mut self.jobs[j].frames[f];
            fr.start = now - elapsed;
            fr.stop = 0;
            fr.due = fr.start + secs.max(1);
            fr.cores = cores;
            fr.exit = -1;
            fr.last_host = Some(u32::try_from(h).unwrap_or(u32::MAX));
            fr.used_mem = min_memory / 3;
            fr.llu = now;
        }
        self.set_frame_state(j, f, FrameState::Running, now);
        let (ju, fu) = (j as u32, f as u32);
        self.hosts[h].procs.push((ju, fu));
        let due = self.jobs[j].frames[f].due;
        self.running.insert((due, ju, fu));
        self.log_event(LogEventKind::Started, j, f, now);
    }

    /// The one place a frame's state changes: counters, procs, queues and change times follow.
    fn set_frame_state(&mut self, j: usize, f: usize, new: FrameState, now: i32) {
        let job = &mut self.jobs[j];
        let fr = &mut job.frames[f];
        let old = std::mem::replace(&mut fr.state, new.clone());
        fr.changed = now;
        if old == FrameState::Running {
            self.running.remove(&(fr.due, j as u32, f as u32));
            if let Some(host) = fr.last_host.and_then(|h| self.hosts.get_mut(h as usize)) {
                host.procs.retain(|&p| p != (j as u32, f as u32));
            }
            if new != FrameState::Succeeded && new != FrameState::Dead {
                fr.stop = now;
            }
        }
        if new == FrameState::Waiting {
            job.waiting.push_back(f as u32);
        }
        let layer = &mut job.layers[fr.layer as usize];
        job.counts.add(&old, -1);
        job.counts.add(&new, 1);
        layer.counts.add(&old, -1);
        layer.counts.add(&new, 1);
        if old == FrameState::Running {
            self.log_event(LogEventKind::Ended, j, f, now);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Frame logs (the simulator writes them; see `sim::logs`).

    /// Starts recording frame log events, beginning with the logs every frame that has run so
    /// far would have written.
    pub fn enable_log_events(&mut self) {
        let mut events = Vec::new();
        for (j, job) in self.jobs.iter().enumerate() {
            for (f, fr) in job.frames.iter().enumerate() {
                if fr.start <= 0 {
                    continue;
                }
                // Output up to now for a running frame, the whole run for a finished one.
                let until = if fr.state == FrameState::Running {
                    self.generated_at
                } else {
                    fr.stop.max(fr.start)
                };
                events.push(self.log_facts(LogEventKind::Started, j, f, until));
                if fr.state != FrameState::Running {
                    events.push(self.log_facts(LogEventKind::Ended, j, f, fr.stop.max(fr.start)));
                }
            }
        }
        self.log_events = Some(events);
    }

    /// The frame log events since the last call (empty unless enabled).
    pub fn take_log_events(&mut self) -> Vec<FrameLogFacts> {
        self.log_events
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn log_event(&mut self, kind: LogEventKind, j: usize, f: usize, now: i32) {
        if self.log_events.is_none() {
            return;
        }
        // Facts are taken now: the frame may start again before the events are collected.
        let facts = self.log_facts(kind, j, f, now);
        if let Some(events) = self.log_events.as_mut() {
            events.push(facts);
        }
    }

    fn log_facts(&self, kind: LogEventKind, j: usize, f: usize, now: i32) -> FrameLogFacts {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let layer = &job.layers[fr.layer as usize];
        let frame_name = format!("{:04}-{}", fr.number, layer.name);
        FrameLogFacts {
            kind,
            log_path: format!("{}/{}.{frame_name}.rqlog", job.log_dir, job.name),
            job_id: job.id.clone(),
            job_name: job.name.clone(),
            frame_id: derived_id(self.salt, KIND_FRAME, j as u32, f as u32),
            frame_name,
            number: fr.number,
            service: layer.service,
            user: job.user.clone(),
            host: fr
                .last_host
                .and_then(|h| self.hosts.get(h as usize))
                .map_or_else(String::new, |h| h.name.clone()),
            retries: fr.retry,
            start: fr.start,
            stop: if kind == LogEventKind::Ended {
                fr.stop.max(now)
            } else {
                0
            },
            // Frames generated as done have no due time: their run ended at `stop`.
            due: if fr.due > fr.start {
                fr.due
            } else {
                fr.stop.max(fr.start + 300)
            },
            // A running frame stopped by a user has no exit status yet: RQD reports a kill.
            exit: match kind {
                LogEventKind::Ended if fr.exit < 0 => 286,
                LogEventKind::Ended => fr.exit,
                _ => -1,
            },
            max_rss: fr.max_rss,
            now,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Lookups.

    fn job_index(&self, id: &str) -> Result<usize, SimError> {
        self.job_by_id
            .get(id)
            .copied()
            .ok_or_else(SimError::job_not_found)
    }

    fn host_index(&self, id: &str) -> Option<usize> {
        self.host_by_id.get(id).copied()
    }

    fn frame_index(&self, id: &str) -> Option<(usize, usize)> {
        let (j, f) = parse_derived_id(self.salt, KIND_FRAME, id)?;
        let job = self.jobs.get(j as usize)?;
        ((f as usize) < job.frames.len()).then_some((j as usize, f as usize))
    }

    fn layer_index(&self, id: &str) -> Option<(usize, usize)> {
        let (j, l) = parse_derived_id(self.salt, KIND_LAYER, id)?;
        let job = self.jobs.get(j as usize)?;
        ((l as usize) < job.layers.len()).then_some((j as usize, l as usize))
    }

    // -----------------------------------------------------------------------------------------
    // Wire messages.

    fn show_wire(&self, s: usize) -> Show {
        let show = &self.shows[s];
        let mut stats = ShowStats::default();
        for job in self.jobs.iter().filter(|j| j.show == s) {
            stats.created_job_count += 1;
            stats.created_frame_count += i64::from(job.counts.total());
            stats.rendered_frame_count += job.acc.rendered_frames;
            stats.failed_frame_count += job.acc.failed_frames;
            if job.state == JobState::Pending {
                stats.pending_jobs += 1;
                stats.running_frames += job.counts.get(&FrameState::Running);
                stats.dead_frames += job.counts.get(&FrameState::Dead);
                stats.pending_frames +=
                    job.counts.get(&FrameState::Waiting) + job.counts.get(&FrameState::Depend);
                stats.reserved_cores += self.reserved_cores(job);
            }
        }
        Show {
            id: show.id.clone(),
            name: show.name.clone(),
            default_min_cores: 1.0,
            default_max_cores: show.default_max_cores,
            comment_email: String::new(),
            booking_enabled: true,
            dispatch_enabled: true,
            active: show.active,
            show_stats: stats,
            default_min_gpus: 0.0,
            default_max_gpus: 100_000.0,
            scheduler_managed: false,
        }
    }

    fn reserved_cores(&self, job: &SimJob) -> f32 {
        job.layers
            .iter()
            .map(|l| l.min_cores * l.counts.get(&FrameState::Running) as f32)
            .sum()
    }

    fn job_wire(&self, j: usize) -> Job {
        let job = &self.jobs[j];
        let c = &job.counts;
        let a = &job.acc;
        let remaining: i64 = job
            .layers
            .iter()
            .map(|l| {
                let left = l.counts.get(&FrameState::Waiting)
                    + l.counts.get(&FrameState::Depend)
                    + l.counts.get(&FrameState::Running);
                i64::from(left) * i64::from(l.frame_secs) * l.min_cores as i64
            })
            .sum();
        let rendered = a.rendered_frames.max(1);
        Job {
            id: job.id.clone(),
            state: job.state.clone(),
            name: job.name.clone(),
            shot: job.shot.clone(),
            show: self.shows[job.show].name.clone(),
            user: job.user.clone(),
            group: self.shows[job.show].name.clone(),
            facility: "local".into(),
            os: "linux".into(),
            uid: job.uid,
            priority: job.priority,
            min_cores: job.min_cores,
            max_cores: job.max_cores,
            log_dir: job.log_dir.clone(),
            is_paused: job.paused,
            has_comment: !job.comments.is_empty(),
            auto_eat: job.auto_eat,
            start_time: job.start_time,
            stop_time: job.stop_time,
            job_stats: JobStats {
                total_layers: i32::try_from(job.layers.len()).unwrap_or(i32::MAX),
                total_frames: c.total(),
                waiting_frames: c.get(&FrameState::Waiting),
                running_frames: c.get(&FrameState::Running),
                dead_frames: c.get(&FrameState::Dead),
                eaten_frames: c.get(&FrameState::Eaten),
                depend_frames: c.get(&FrameState::Depend),
                succeeded_frames: c.get(&FrameState::Succeeded),
                pending_frames: c.get(&FrameState::Waiting) + c.get(&FrameState::Depend),
                avg_frame_sec: 0,
                high_frame_sec: a.high_frame_sec,
                avg_core_sec: clamp_i32(a.rendered_core_sec / rendered),
                rendered_frame_count: a.rendered_frames,
                failed_frame_count: a.failed_frames,
                remaining_core_sec: remaining,
                total_core_sec: a.rendered_core_sec + a.failed_core_sec,
                rendered_core_sec: a.rendered_core_sec,
                failed_core_sec: a.failed_core_sec,
                max_rss: a.max_rss,
                reserved_cores: self.reserved_cores(job),
                total_gpu_sec: 0,
                rendered_gpu_sec: 0,
                failed_gpu_sec: 0,
                reserved_gpus: 0.0,
                max_gpu_memory: 0,
                max_pss: a.max_rss * 7 / 8,
            },
            min_gpus: 0.0,
            max_gpus: 0.0,
            loki_url: String::new(),
            eligible_time: job.start_time,
        }
    }

    fn layer_wire(&self, j: usize, l: usize) -> Layer {
        let job = &self.jobs[j];
        let layer = &job.layers[l];
        let c = &layer.counts;
        let a = &layer.acc;
        let last = layer.first_number + i32::try_from(layer.len).unwrap_or(i32::MAX) - 1;
        Layer {
            id: layer.id.clone(),
            name: layer.name.clone(),
            range: format!("{}-{last}", layer.first_number),
            tags: vec!["general".into()],
            min_cores: layer.min_cores,
            max_cores: 0.0,
            is_threadable: layer.min_cores > 1.0,
            min_memory: layer.min_memory,
            min_gpu_memory: 0,
            chunk_size: 1,
            dispatch_order: layer.dispatch_order,
            layer_type: layer.layer_type.clone(),
            services: vec![layer.service.to_owned()],
            memory_optimizer_enabled: false,
            layer_stats: LayerStats {
                total_frames: c.total(),
                waiting_frames: c.get(&FrameState::Waiting),
                running_frames: c.get(&FrameState::Running),
                dead_frames: c.get(&FrameState::Dead),
                eaten_frames: c.get(&FrameState::Eaten),
                depend_frames: c.get(&FrameState::Depend),
                succeeded_frames: c.get(&FrameState::Succeeded),
                pending_frames: c.get(&FrameState::Waiting) + c.get(&FrameState::Depend),
                avg_frame_sec: clamp_i32(a.total_frame_sec / a.rendered_frames.max(1)),
                low_frame_sec: a.low_frame_sec,
                high_frame_sec: a.high_frame_sec,
                avg_core_sec: clamp_i32(a.rendered_core_sec / a.rendered_frames.max(1)),
                rendered_frame_count: a.rendered_frames,
                failed_frame_count: a.failed_frames,
                remaining_core_sec: i64::from(
                    c.get(&FrameState::Waiting) + c.get(&FrameState::Depend),
                ) * i64::from(layer.frame_secs),
                total_core_sec: a.rendered_core_sec + a.failed_core_sec,
                rendered_core_sec: a.rendered_core_sec,
                failed_core_sec: a.failed_core_sec,
                max_rss: a.max_rss,
                reserved_cores: layer.min_cores * c.get(&FrameState::Running) as f32,
                total_gpu_sec: 0,
                rendered_gpu_sec: 0,
                failed_gpu_sec: 0,
                reserved_gpus: 0.0,
                max_gpu_memory: 0,
                max_pss: a.max_rss * 7 / 8,
            },
            parent_id: job.id.clone(),
            limits: Vec::new(),
            timeout: 0,
            timeout_llu: 0,
            min_gpus: 0.0,
            max_gpus: 0.0,
            command: format!(
                "/usr/bin/render --service {} --frame #IFRAME#",
                layer.service
            ),
            eligible_time: job.start_time,
            start_time: job.start_time,
            stop_time: if layer.counts.get(&FrameState::Succeeded)
                + layer.counts.get(&FrameState::Eaten)
                == c.total()
            {
                job.stop_time
            } else {
                0
            },
            start_after: 0,
            start_after_reason: String::new(),
        }
    }

    fn frame_wire(&self, j: usize, f: usize) -> Frame {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let layer = &job.layers[fr.layer as usize];
        let running = fr.state == FrameState::Running;
        Frame {
            id: derived_id(self.salt, KIND_FRAME, j as u32, f as u32),
            name: format!("{:04}-{}", fr.number, layer.name),
            layer_name: layer.name.clone(),
            number: fr.number,
            state: fr.state.clone(),
            retry_count: fr.retry,
            exit_status: fr.exit,
            dispatch_order: fr.dispatch_order,
            start_time: fr.start,
            stop_time: fr.stop,
            max_rss: fr.max_rss,
            used_memory: if running { fr.used_mem } else { 0 },
            reserved_memory: if running { layer.min_memory } else { 0 },
            reserved_gpu_memory: 0,
            last_resource: self.last_resource(fr),
            checkpoint_state: CheckpointState::Disabled,
            checkpoint_count: 0,
            total_core_time: if fr.start > 0 {
                let end = if fr.stop > 0 {
                    fr.stop
                } else {
                    fr.llu.max(fr.start)
                };
                clamp_i32((f64::from(end - fr.start) * f64::from(fr.cores)) as i64)
            } else {
                0
            },
            llu_time: fr.llu,
            total_gpu_time: 0,
            max_gpu_memory: 0,
            used_gpu_memory: 0,
            frame_state_display_override: None,
            max_pss: fr.max_rss * 7 / 8,
            used_pss: if running { fr.used_mem * 7 / 8 } else { 0 },
            eligible_time: job.start_time,
            submission_time: job.start_time,
        }
    }

    fn last_resource(&self, fr: &SimFrame) -> String {
        fr.last_host
            .and_then(|h| self.hosts.get(h as usize))
            .map(|h| format!("{}/{:.2}/0", h.name, fr.cores))
            .unwrap_or_default()
    }

    fn updated_frame_wire(&self, j: usize, f: usize) -> UpdatedFrame {
        let full = self.frame_wire(j, f);
        UpdatedFrame {
            id: full.id,
            state: full.state,
            retry_count: full.retry_count,
            exit_status: full.exit_status,
            start_time: full.start_time,
            stop_time: full.stop_time,
            max_rss: full.max_rss,
            used_memory: full.used_memory,
            last_resource: full.last_resource,
            llu_time: full.llu_time,
            max_gpu_memory: 0,
            used_gpu_memory: 0,
            frame_state_display_override: None,
            max_pss: full.max_pss,
        }
    }

    fn host_wire(&self, h: usize, now: i32) -> Host {
        let host = &self.hosts[h];
        let (used_cores, used_mem) = host.used(&self.jobs);
        let load = if host.state == HardwareState::Up {
            (used_cores * 100.0 * 0.9) as i32 + 5
        } else {
            0
        };
        Host {
            id: host.id.clone(),
            name: host.name.clone(),
            alloc_name: host.alloc.to_owned(),
            nimby_enabled: host.nimby,
            has_comment: !host.comments.is_empty(),
            cores: host.cores,
            idle_cores: host.cores - used_cores,
            memory: host.memory,
            idle_memory: host.memory - used_mem,
            gpu_memory: if host.gpus > 0.0 { 16 * 1_048_576 } else { 0 },
            idle_gpu_memory: if host.gpus > 0.0 { 16 * 1_048_576 } else { 0 },
            total_swap: 8 * 1_048_576,
            total_memory: host.memory,
            total_gpu_memory: if host.gpus > 0.0 { 16 * 1_048_576 } else { 0 },
            total_mcp: 100 * 1_048_576,
            free_swap: 7 * 1_048_576,
            free_memory: host.memory - used_mem * 9 / 10,
            free_mcp: 80 * 1_048_576,
            free_gpu_memory: if host.gpus > 0.0 { 16 * 1_048_576 } else { 0 },
            load,
            boot_time: host.boot_time,
            ping_time: now - host.ping_lag,
            os: "rocky9".into(),
            tags: host.tags.clone(),
            state: host.state.clone(),
            lock_state: host.lock.clone(),
            thread_mode: ThreadMode::Auto,
            gpus: host.gpus,
            idle_gpus: host.gpus,
        }
    }

    fn proc_wire(&self, h: usize, j: u32, f: u32, now: i32) -> Proc {
        let host = &self.hosts[h];
        let job = &self.jobs[j as usize];
        let fr = &job.frames[f as usize];
        let layer = &job.layers[fr.layer as usize];
        let frame_name = format!("{:04}-{}", fr.number, layer.name);
        Proc {
            id: derived_id(self.salt, KIND_PROC, j, f),
            name: format!("{}/{:.2}/0", host.name, fr.cores),
            show_name: self.shows[job.show].name.clone(),
            job_name: job.name.clone(),
            frame_name: frame_name.clone(),
            group_name: self.shows[job.show].name.clone(),
            ping_time: now - host.ping_lag.min(30),
            booked_time: fr.start,
            dispatch_time: fr.start,
            reserved_memory: layer.min_memory,
            reserved_gpu_memory: 0,
            used_memory: fr.used_mem,
            reserved_cores: fr.cores,
            unbooked: false,
            log_path: format!("{}/{}.{frame_name}.rqlog", job.log_dir, job.name),
            redirect_target: String::new(),
            services: vec![layer.service.to_owned()],
            used_gpu_memory: 0,
            reserved_gpus: 0.0,
            child_processes: String::new(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // ShowInterface.

    /// GetShows / GetActiveShows.
    pub fn shows(&self, active_only: bool) -> Vec<Show> {
        (0..self.shows.len())
            .filter(|&s| !active_only || self.shows[s].active)
            .map(|s| self.show_wire(s))
            .collect()
    }

    /// FindShow.
    pub fn find_show(&self, name: &str) -> Result<Show, SimError> {
        self.shows
            .iter()
            .position(|s| s.name == name)
            .map(|s| self.show_wire(s))
            .ok_or_else(SimError::no_row)
    }

    // -----------------------------------------------------------------------------------------
    // JobInterface.

    /// GetJobs: filters as Cuebot's JobSearch; pending only unless `include_finished`.
    pub fn get_jobs(&self, r: &JobSearchCriteria) -> Result<Vec<Job>, SimError> {
        let regexes = r
            .regex
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| SimError::invalid(format!("invalid regex {p:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self
            .jobs_by_name
            .iter()
            .copied()
            .filter(|&j| {
                let job = &self.jobs[j];
                (r.include_finished || job.state == JobState::Pending)
                    && (r.ids.is_empty() || r.ids.contains(&job.id))
                    && (r.jobs.is_empty() || r.jobs.contains(&job.name))
                    && (r.users.is_empty() || r.users.contains(&job.user))
                    && (r.shots.is_empty() || r.shots.contains(&job.shot))
                    && (r.shows.is_empty() || r.shows.contains(&self.shows[job.show].name))
                    && (r.substr.is_empty()
                        || r.substr.iter().any(|s| job.name.contains(s.as_str())))
                    && (regexes.is_empty() || regexes.iter().any(|re| re.is_match(&job.name)))
            })
            .map(|j| self.job_wire(j))
            .collect())
    }

    /// GetJob: any state.
    pub fn get_job(&self, id: &str) -> Result<Job, SimError> {
        self.job_by_id
            .get(id)
            .map(|&j| self.job_wire(j))
            .ok_or_else(SimError::no_row)
    }

    /// FindJob: pending jobs only, name lower-cased as Cuebot does.
    pub fn find_job(&self, name: &str) -> Result<Job, SimError> {
        self.job_by_name
            .get(&name.to_lowercase())
            .copied()
            .filter(|&j| self.jobs[j].state == JobState::Pending)
            .map(|j| self.job_wire(j))
            .ok_or_else(SimError::no_row)
    }

    /// Pause or Resume.
    pub fn set_paused(&mut self, job_id: &str, paused: bool) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        self.jobs[j].paused = paused;
        Ok(())
    }

    /// Kill: the job finishes; its running frames are stopped.
    pub fn kill_job(&mut self, job_id: &str, now: i64) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        let now = clamp_i32(now);
        let running: Vec<usize> = (0..self.jobs[j].frames.len())
            .filter(|&f| self.jobs[j].frames[f].state == FrameState::Running)
            .collect();
        for f in running {
            self.set_frame_state(j, f, FrameState::Waiting, now);
        }
        let job = &mut self.jobs[j];
        if job.state == JobState::Pending {
            job.state = JobState::Finished;
            job.stop_time = now;
        }
        Ok(())
    }

    fn pending_job(&self, job_id: &str) -> Result<usize, SimError> {
        let j = self.job_index(job_id)?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        Ok(j)
    }

    /// SetPriority.
    pub fn set_priority(&mut self, job_id: &str, priority: i32) -> Result<(), SimError> {
        let j = self.pending_job(job_id)?;
        self.jobs[j].priority = priority;
        Ok(())
    }

    /// SetMinCores / SetMaxCores (rounded to whole cores, as Cuebot stores core units).
    pub fn set_cores(&mut self, job_id: &str, cores: f32, max: bool) -> Result<(), SimError> {
        let j = self.pending_job(job_id)?;
        let cores = cores.round().max(0.0);
        if max {
            self.jobs[j].max_cores = cores;
        } else {
            self.jobs[j].min_cores = cores;
        }
        Ok(())
    }

    fn matching_frames(&self, j: usize, r: &FrameSearchCriteria) -> Result<Vec<usize>, SimError> {
        let job = &self.jobs[j];
        let range = if r.frame_range.trim().is_empty() {
            None
        } else {
            Some(FrameSet::parse(&r.frame_range).map_err(SimError::invalid)?)
        };
        let memory = parse_range_f64(&r.memory_range).map_err(SimError::invalid)?;
        let duration = parse_range_f64(&r.duration_range).map_err(SimError::invalid)?;
        let ids: std::collections::HashSet<usize> = r
            .ids
            .iter()
            .filter_map(|id| self.frame_index(id))
            .filter(|&(jj, _)| jj == j)
            .map(|(_, f)| f)
            .collect();
        Ok(job
            .order
            .iter()
            .map(|&f| f as usize)
            .filter(|&f| {
                let fr = &job.frames[f];
                let layer = &job.layers[fr.layer as usize];
                (r.ids.is_empty() || ids.contains(&f))
                    && (r.layers.is_empty() || r.layers.contains(&layer.name))
                    && (r.frames.is_empty()
                        || r.frames
                            .contains(&format!("{:04}-{}", fr.number, layer.name)))
                    && (r.states.frame_states.is_empty()
                        || r.states.frame_states.contains(&fr.state))
                    && range.as_ref().is_none_or(|s| s.contains(fr.number))
                    && memory.is_none_or(|(lo, hi)| {
                        let gb = fr.max_rss as f64 / 1_048_576.0;
                        gb >= lo && hi.is_none_or(|hi| gb <= hi)
                    })
                    && duration.is_none_or(|(lo, hi)| {
                        let end = if fr.stop > 0 { fr.stop } else { fr.llu };
                        let hours = if fr.start > 0 {
                            f64::from(end - fr.start) / 3600.0
                        } else {
                            0.0
                        };
                        hours >= lo && hi.is_none_or(|hi| hours <= hi)
                    })
            })
            .collect())
    }

    /// GetFrames: one page in Cuebot's order. `limit` 0 gives nothing; `page` ≤ 0 is page 1.
    pub fn get_frames(
        &self,
        job_id: &str,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, SimError> {
        let j = self.job_index(job_id)?;
        self.page_of_frames(j, r)
    }

    fn page_of_frames(&self, j: usize, r: &FrameSearchCriteria) -> Result<Vec<Frame>, SimError> {
        if r.limit <= 0 {
            return Ok(Vec::new());
        }
        let limit = r.limit as usize;
        let page = r.page.max(1) as usize;
        let skip = (page - 1).saturating_mul(limit);
        Ok(self
            .matching_frames(j, r)?
            .into_iter()
            .skip(skip)
            .take(limit)
            .map(|f| self.frame_wire(j, f))
            .collect())
    }

    /// RetryFrames, EatFrames or KillFrames of a job: the frames matching `r` (empty criteria:
    /// **every** frame, Cuebot's unpaged query). Returns how many frames changed.
    pub fn frames_action(
        &mut self,
        job_id: &str,
        r: &FrameSearchCriteria,
        action: FrameAction,
        now: i64,
    ) -> Result<usize, SimError> {
        let j = self.pending_job(job_id)?;
        let frames = self.matching_frames(j, r)?;
        Ok(self.apply(j, &frames, action, now))
    }

    /// GetLayers.
    pub fn get_layers(&self, job_id: &str) -> Result<Vec<Layer>, SimError> {
        let j = self.job_index(job_id)?;
        Ok((0..self.jobs[j].layers.len())
            .map(|l| self.layer_wire(j, l))
            .collect())
    }

    /// GetUpdatedFrames: frames changed at or after `last_check`, at most 100, in Cuebot's order.
    pub fn updated_frames(
        &self,
        job_id: &str,
        last_check: i32,
        layer_ids: &[String],
    ) -> Result<(JobState, Vec<UpdatedFrame>), SimError> {
        let j = self.job_index(job_id)?;
        let job = &self.jobs[j];
        let layers: Vec<u16> = layer_ids
            .iter()
            .filter_map(|id| self.layer_index(id))
            .filter(|&(jj, _)| jj == j)
            .map(|(_, l)| u16::try_from(l).unwrap_or(u16::MAX))
            .collect();
        let frames = job
            .order
            .iter()
            .map(|&f| f as usize)
            .filter(|&f| {
                let fr = &job.frames[f];
                fr.changed >= last_check && (layers.is_empty() || layers.contains(&fr.layer))
            })
            .take(100)
            .map(|f| self.updated_frame_wire(j, f))
            .collect();
        Ok((job.state.clone(), frames))
    }

    /// GetComments of a job.
    pub fn job_comments(&self, job_id: &str) -> Result<Vec<Comment>, SimError> {
        let j = self.job_index(job_id)?;
        Ok(self.jobs[j].comments.clone())
    }

    fn make_comment(&mut self, c: &NewComment, now: i64) -> Comment {
        self.next_comment += 1;
        Comment {
            id: format!(
                "c{:011x}-{:x}",
                self.next_comment,
                splitmix(self.salt ^ self.next_comment) & 0xFFFF_FFFF
            ),
            timestamp: clamp_i32(now),
            user: c.user.clone(),
            subject: c.subject.clone(),
            message: c.message.clone(),
        }
    }

    /// AddComment on a job.
    pub fn add_job_comment(
        &mut self,
        job_id: &str,
        c: &NewComment,
        now: i64,
    ) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        let comment = self.make_comment(c, now);
        self.jobs[j].comments.push(comment);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // LayerInterface.

    fn layer_frames(&self, layer_id: &str) -> Result<(usize, Vec<usize>), SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        let layer = &self.jobs[j].layers[l];
        Ok((
            j,
            (layer.first as usize..(layer.first + layer.len) as usize).collect(),
        ))
    }

    /// LayerInterface GetFrames (criteria restricted to the layer).
    pub fn get_layer_frames(
        &self,
        layer_id: &str,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        let mut r = r.clone();
        r.layers = vec![self.jobs[j].layers[l].name.clone()];
        self.page_of_frames(j, &r)
    }

    /// LayerInterface RetryFrames / EatFrames / KillFrames: every frame of the layer.
    pub fn layer_action(
        &mut self,
        layer_id: &str,
        action: FrameAction,
        now: i64,
    ) -> Result<usize, SimError> {
        let (j, frames) = self.layer_frames(layer_id)?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        Ok(self.apply(j, &frames, action, now))
    }

    /// Applies a frame action: retry sends finished or running frames back to WAITING, eat
    /// turns unfinished frames EATEN, kill stops running frames (they go back to WAITING).
    fn apply(&mut self, j: usize, frames: &[usize], action: FrameAction, now: i64) -> usize {
        let now = clamp_i32(now);
        let mut changed = 0;
        for &f in frames {
            let state = &self.jobs[j].frames[f].state;
            let target = match action {
                FrameAction::Retry
                    if !matches!(state, FrameState::Depend | FrameState::Waiting) =>
                {
                    FrameState::Waiting
                }
                FrameAction::Eat if !matches!(state, FrameState::Succeeded | FrameState::Eaten) => {
                    FrameState::Eaten
                }
                FrameAction::Kill if *state == FrameState::Running => FrameState::Waiting,
                _ => continue,
            };
            self.set_frame_state(j, f, target, now);
            let fr = &mut self.jobs[j].frames[f];
            match action {
                FrameAction::Retry => fr.exit = -1,
                // Killed by a user: SKIP_RETRY's exit status, and the attempt counts.
                FrameAction::Kill => {
                    fr.exit = 286;
                    fr.retry += 1;
                }
                FrameAction::Eat => {}
            }
            changed += 1;
        }
        self.update_job_state(j, now);
        changed
    }

    // -----------------------------------------------------------------------------------------
    // FrameInterface.

    /// GetFrame.
    pub fn get_frame(&self, frame_id: &str) -> Result<Frame, SimError> {
        self.frame_index(frame_id)
            .map(|(j, f)| self.frame_wire(j, f))
            .ok_or_else(SimError::no_row)
    }

    /// FrameInterface Retry / Eat / Kill. An unknown id is an uncaught exception in Cuebot (500).
    pub fn frame_action(
        &mut self,
        frame_id: &str,
        action: FrameAction,
        now: i64,
    ) -> Result<(), SimError> {
        let (j, f) = self
            .frame_index(frame_id)
            .ok_or_else(|| SimError::uncaught("frame"))?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        self.apply(j, &[f], action, now);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // HostInterface.

    /// GetHosts.
    pub fn get_hosts(&self, r: &HostSearchCriteria, now: i64) -> Result<Vec<Host>, SimError> {
        let regexes = r
            .regex
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| SimError::invalid(format!("invalid regex {p:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let now = clamp_i32(now);
        Ok((0..self.hosts.len())
            .filter(|&h| {
                let host = &self.hosts[h];
                (r.hosts.is_empty() || r.hosts.contains(&host.name))
                    && (r.ids.is_empty() || r.ids.contains(&host.id))
                    && (r.allocs.is_empty() || r.allocs.iter().any(|a| a == host.alloc))
                    && (r.substr.is_empty()
                        || r.substr.iter().any(|s| host.name.contains(s.as_str())))
                    && (regexes.is_empty() || regexes.iter().any(|re| re.is_match(&host.name)))
                    && (r.states.state.is_empty() || r.states.state.contains(&host.state))
                    && (r.lock_states.state.is_empty() || r.lock_states.state.contains(&host.lock))
            })
            .map(|h| self.host_wire(h, now))
            .collect())
    }

    /// FindHost.
    pub fn find_host(&self, name: &str, now: i64) -> Result<Host, SimError> {
        self.host_by_name
            .get(name)
            .map(|&h| self.host_wire(h, clamp_i32(now)))
            .ok_or_else(SimError::no_row)
    }

    /// GetHost (by id only).
    pub fn get_host(&self, id: &str, now: i64) -> Result<Host, SimError> {
        self.host_index(id)
            .map(|h| self.host_wire(h, clamp_i32(now)))
            .ok_or_else(SimError::no_row)
    }

    /// Lock / Unlock (Unlock leaves a NIMBY lock alone). Unknown id: 500, as in Cuebot.
    pub fn set_locked(&mut self, id: &str, locked: bool) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let host = &mut self.hosts[h];
        match (locked, &host.lock) {
            (true, _) => host.lock = LockState::Locked,
            (false, LockState::Locked) => host.lock = LockState::Open,
            (false, _) => {}
        }
        Ok(())
    }

    /// RebootWhenIdle.
    pub fn reboot_when_idle(&mut self, id: &str) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let host = &mut self.hosts[h];
        if host.state == HardwareState::Up {
            host.state = HardwareState::RebootWhenIdle;
        }
        Ok(())
    }

    /// GetProcs of a host.
    pub fn host_procs(&self, id: &str, now: i64) -> Result<Vec<Proc>, SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let now = clamp_i32(now);
        Ok(self.hosts[h]
            .procs
            .iter()
            .map(|&(j, f)| self.proc_wire(h, j, f, now))
            .collect())
    }

    /// GetComments of a host.
    pub fn host_comments(&self, id: &str) -> Result<Vec<Comment>, SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        Ok(self.hosts[h].comments.clone())
    }

    /// AddComment on a host.
    pub fn add_host_comment(&mut self, id: &str, c: &NewComment, now: i64) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let comment = self.make_comment(c, now);
        self.hosts[h].comments.push(comment);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Introspection for tests and the demo.

    /// Number of jobs (all states).
    pub fn job_count(&self) -> usize {
        self.jobs.len()
    }

    /// Number of frames over all jobs.
    pub fn frame_count(&self) -> usize {
        self.jobs.iter().map(|j| j.frames.len()).sum()
    }

    /// Frames running now.
    pub fn running_count(&self) -> usize {
        self.running.len()
    }

    /// When the farm was generated (epoch s).
    pub fn generated_at(&self) -> i32 {
        self.generated_at
    }
}

/// What a frame action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameAction {
    /// Back to WAITING.
    Retry,
    /// To EATEN.
    Eat,
    /// Stop a running frame.
    Kill,
}

/// `"2-4"` → (2, Some(4)); `"2"` → (2, None) meaning "at least"; `""` → no filter.
fn parse_range_f64(s: &str) -> Result<Option<(f64, Option<f64>)>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{s:?} is not a range like 2-4 or 2");
    match s.split_once('-') {
        Some((lo, hi)) => Ok(Some((
            lo.trim().parse().map_err(|_| bad())?,
            Some(hi.trim().parse().map_err(|_| bad())?),
        ))),
        None => Ok(Some((s.parse().map_err(|_| bad())?, None))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn farm() -> Farm {
        Farm::generate(
            &FarmSpec {
                seed: 7,
                shows: 2,
                jobs: 12,
                frames_per_job: 50,
                hosts: 20,
                big_job_frames: 0,
            },
            1_800_000_000,
        )
    }

    #[test]
    fn same_seed_same_farm() {
        let a = farm();
        let b = farm();
        let ja = a
            .get_jobs(&JobSearchCriteria {
                include_finished: true,
                ..Default::default()
            })
            .unwrap();
        let jb = b
            .get_jobs(&JobSearchCriteria {
                include_finished: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ja, jb);
        assert_eq!(ja.len(), 12);
        assert!(
            ja.windows(2).all(|w| w[0].name <= w[1].name),
            "sorted by name"
        );
    }

    #[test]
    fn derived_ids_round_trip_and_reject_forgeries() {
        let f = farm();
        let id = derived_id(f.salt, KIND_FRAME, 3, 17);
        assert_eq!(parse_derived_id(f.salt, KIND_FRAME, &id), Some((3, 17)));
        assert_eq!(parse_derived_id(f.salt, KIND_LAYER, &id), None);
        let forged = id.replacen(&id[9..13], "0000", 1);
        assert_eq!(parse_derived_id(f.salt, KIND_FRAME, &forged), None);
    }

    #[test]
    fn counters_match_frames_after_steps_and_actions() {
        let mut f = farm();
        let t0 = i64::from(f.generated_at());
        for i in 1..=50 {
            f.step(t0 + i * 20);
        }
        let job_id = f.jobs[0].id.clone();
        f.frames_action(
            &job_id,
            &FrameSearchCriteria::default(),
            FrameAction::Retry,
            t0 + 1001,
        )
        .ok();
        for (j, job) in f.jobs.iter().enumerate() {
            for state in FrameState::ALL {
                let n = job.frames.iter().filter(|fr| &fr.state == state).count() as i32;
                assert_eq!(job.counts.get(state), n, "job {j} {state}");
            }
            let running = job
                .frames
                .iter()
                .filter(|fr| fr.state == FrameState::Running)
                .count();
            let procs: usize = f
                .hosts
                .iter()
                .map(|h| h.procs.iter().filter(|p| p.0 as usize == j).count())
                .sum();
            assert_eq!(running, procs, "every running frame has a proc");
        }
    }

    #[test]
    fn frame_pages_cover_every_frame_once() {
        let f = farm();
        let job_id = f.jobs[1].id.clone();
        let mut seen = std::collections::HashSet::new();
        for page in 1.. {
            let r = FrameSearchCriteria {
                page,
                limit: 7,
                ..Default::default()
            };
            let frames = f.get_frames(&job_id, &r).unwrap();
            for fr in &frames {
                assert!(seen.insert(fr.id.clone()));
            }
            if frames.len() < 7 {
                break;
            }
        }
        assert_eq!(seen.len(), f.jobs[1].frames.len());
        assert!(
            f.get_frames(&job_id, &FrameSearchCriteria::default())
                .unwrap()
                .is_empty()
        );
    }
}
