//! The simulated farm: shows, jobs, layers, frames, hosts and procs, generated from a seed.
//!
//! State is kept compact (a 100,000-frame job is a `Vec` of small structs) and wire messages are
//! built on demand. Every frame state change goes through [`Farm::set_frame_state`], which keeps
//! the job and layer counters, the host's procs and the change times that GetUpdatedFrames reads.

mod api;
mod generate;
mod logs;
mod tick;
mod wire;
mod wrangle;

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
/// The allocations of the one facility: name, tag.
const ALLOCS: &[(&str, &str)] = &[
    ("local.general", "general"),
    ("local.desktop", "desktop"),
    ("local.gpu", "gpu"),
    ("local.unassigned", "unassigned"),
];
/// The one OS of the farm: hosts report it, and jobs are submitted for it.
const FARM_OS: &str = "rocky9";
/// Where generated hosts go, by index into [`ALLOCS`]: mostly general.
const ALLOC_SHARES: &[usize] = &[0, 0, 0, 1, 2];

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
    /// What a wrangler can change (LayerInterface setters).
    props: LayerProps,
    /// Typical frame duration, seconds.
    frame_secs: i32,
    counts: Counts,
    acc: Acc,
}

/// A layer's settings that only a wrangler changes.
#[derive(Debug, Clone)]
struct LayerProps {
    max_cores: f32,
    threadable: bool,
    /// KB.
    min_gpu_memory: i64,
    tags: Vec<String>,
    /// Minutes, 0 = none.
    timeout: i32,
    /// Minutes, 0 = none.
    timeout_llu: i32,
    /// License limits, by name.
    limits: Vec<String>,
    /// Its dependency was satisfied or dropped: it holds nothing back any more.
    depend_satisfied: bool,
}

impl LayerProps {
    fn new(service: &str, min_cores: f32) -> Self {
        Self {
            max_cores: 0.0,
            threadable: min_cores > 1.0,
            min_gpu_memory: 0,
            tags: vec!["general".into()],
            timeout: 0,
            timeout_llu: 0,
            // Licensed renderers are limited farm-wide; a playblast is not.
            limits: if service == "maya" {
                Vec::new()
            } else {
                vec![service.to_owned()]
            },
            depend_satisfied: false,
        }
    }
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
    /// Attempts before a failing frame is dead.
    max_retries: i32,
    min_gpus: f32,
    max_gpus: f32,
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
    /// Index into [`ALLOCS`].
    alloc: usize,
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
const KIND_DEPEND: u64 = 3;
const KIND_ALLOC: u64 = 4;

fn clamp_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

pub use api::FrameAction;
pub use wrangle::Reorder;

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
