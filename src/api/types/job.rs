//! `job.proto`: jobs, layers and frames, their states and counters.

use crate::api::de::{message, seq, wire_enum};

wire_enum! {
    /// State of a job. "Paused" is not a state: it is `Pending` with `is_paused`.
    pub enum JobState {
        Pending = 0 => "PENDING",
        Finished = 1 => "FINISHED",
        Startup = 2 => "STARTUP",
        Shutdown = 3 => "SHUTDOWN",
        Posted = 4 => "POSTED",
    }
}

wire_enum! {
    /// State of a frame.
    pub enum FrameState {
        Waiting = 0 => "WAITING",
        Setup = 1 => "SETUP",
        Running = 2 => "RUNNING",
        Succeeded = 3 => "SUCCEEDED",
        Depend = 4 => "DEPEND",
        Dead = 5 => "DEAD",
        Eaten = 6 => "EATEN",
        Checkpoint = 7 => "CHECKPOINT",
    }
}

wire_enum! {
    /// Kind of layer.
    pub enum LayerType {
        Pre = 0 => "PRE",
        Post = 1 => "POST",
        Render = 2 => "RENDER",
        Util = 3 => "UTIL",
    }
}

wire_enum! {
    /// Checkpoint state of a frame.
    pub enum CheckpointState {
        Disabled = 0 => "DISABLED",
        Enabled = 1 => "ENABLED",
        Copying = 2 => "COPYING",
        Complete = 3 => "COMPLETE",
    }
}

wire_enum! {
    /// Where ReorderFrames moves frames in the dispatch order.
    pub enum Order {
        First = 0 => "FIRST",
        Last = 1 => "LAST",
        Reverse = 2 => "REVERSE",
    }
}

message! { emit_all;
    /// Counters of a job. `pending_frames` = waiting + depend; `avg_frame_sec` is never filled
    /// by Cuebot's job mapper.
    pub struct JobStats {
        #[serde(alias = "total_layers")]
        pub total_layers: i32,
        #[serde(alias = "total_frames")]
        pub total_frames: i32,
        #[serde(alias = "waiting_frames")]
        pub waiting_frames: i32,
        #[serde(alias = "running_frames")]
        pub running_frames: i32,
        #[serde(alias = "dead_frames")]
        pub dead_frames: i32,
        #[serde(alias = "eaten_frames")]
        pub eaten_frames: i32,
        #[serde(alias = "depend_frames")]
        pub depend_frames: i32,
        #[serde(alias = "succeeded_frames")]
        pub succeeded_frames: i32,
        #[serde(alias = "pending_frames")]
        pub pending_frames: i32,
        #[serde(alias = "avg_frame_sec")]
        pub avg_frame_sec: i32,
        #[serde(alias = "high_frame_sec")]
        pub high_frame_sec: i32,
        #[serde(alias = "avg_core_sec")]
        pub avg_core_sec: i32,
        #[serde(alias = "rendered_frame_count")]
        pub rendered_frame_count: i64,
        #[serde(alias = "failed_frame_count")]
        pub failed_frame_count: i64,
        #[serde(alias = "remaining_core_sec")]
        pub remaining_core_sec: i64,
        #[serde(alias = "total_core_sec")]
        pub total_core_sec: i64,
        #[serde(alias = "rendered_core_sec")]
        pub rendered_core_sec: i64,
        #[serde(alias = "failed_core_sec")]
        pub failed_core_sec: i64,
        /// KB.
        #[serde(alias = "max_rss")]
        pub max_rss: i64,
        #[serde(alias = "reserved_cores")]
        pub reserved_cores: f32,
        #[serde(alias = "total_gpu_sec")]
        pub total_gpu_sec: i64,
        #[serde(alias = "rendered_gpu_sec")]
        pub rendered_gpu_sec: i64,
        #[serde(alias = "failed_gpu_sec")]
        pub failed_gpu_sec: i64,
        #[serde(alias = "reserved_gpus")]
        pub reserved_gpus: f32,
        /// KB.
        #[serde(alias = "max_gpu_memory")]
        pub max_gpu_memory: i64,
        /// KB.
        #[serde(alias = "max_pss")]
        pub max_pss: i64,
    }
}

message! { emit_all;
    /// A job.
    pub struct Job {
        pub id: String,
        pub state: JobState,
        pub name: String,
        pub shot: String,
        pub show: String,
        pub user: String,
        pub group: String,
        pub facility: String,
        pub os: String,
        /// A proto oneof: absent from the JSON when Cuebot has no uid.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub uid: Option<i32>,
        pub priority: i32,
        #[serde(alias = "min_cores")]
        pub min_cores: f32,
        #[serde(alias = "max_cores")]
        pub max_cores: f32,
        #[serde(alias = "log_dir")]
        pub log_dir: String,
        #[serde(alias = "is_paused")]
        pub is_paused: bool,
        #[serde(alias = "has_comment")]
        pub has_comment: bool,
        #[serde(alias = "auto_eat")]
        pub auto_eat: bool,
        /// Epoch s; in fact the submission time.
        #[serde(alias = "start_time")]
        pub start_time: i32,
        /// Epoch s, 0 while the job runs.
        #[serde(alias = "stop_time")]
        pub stop_time: i32,
        #[serde(alias = "job_stats")]
        pub job_stats: JobStats,
        #[serde(alias = "min_gpus")]
        pub min_gpus: f32,
        #[serde(alias = "max_gpus")]
        pub max_gpus: f32,
        #[serde(alias = "loki_url")]
        pub loki_url: String,
        #[serde(alias = "eligible_time")]
        pub eligible_time: i32,
    }
}

message! { emit_all;
    /// Counters of a layer.
    pub struct LayerStats {
        #[serde(alias = "total_frames")]
        pub total_frames: i32,
        #[serde(alias = "waiting_frames")]
        pub waiting_frames: i32,
        #[serde(alias = "running_frames")]
        pub running_frames: i32,
        #[serde(alias = "dead_frames")]
        pub dead_frames: i32,
        #[serde(alias = "eaten_frames")]
        pub eaten_frames: i32,
        #[serde(alias = "depend_frames")]
        pub depend_frames: i32,
        #[serde(alias = "succeeded_frames")]
        pub succeeded_frames: i32,
        #[serde(alias = "pending_frames")]
        pub pending_frames: i32,
        #[serde(alias = "avg_frame_sec")]
        pub avg_frame_sec: i32,
        #[serde(alias = "low_frame_sec")]
        pub low_frame_sec: i32,
        #[serde(alias = "high_frame_sec")]
        pub high_frame_sec: i32,
        #[serde(alias = "avg_core_sec")]
        pub avg_core_sec: i32,
        #[serde(alias = "rendered_frame_count")]
        pub rendered_frame_count: i64,
        #[serde(alias = "failed_frame_count")]
        pub failed_frame_count: i64,
        #[serde(alias = "remaining_core_sec")]
        pub remaining_core_sec: i64,
        #[serde(alias = "total_core_sec")]
        pub total_core_sec: i64,
        #[serde(alias = "rendered_core_sec")]
        pub rendered_core_sec: i64,
        #[serde(alias = "failed_core_sec")]
        pub failed_core_sec: i64,
        /// KB.
        #[serde(alias = "max_rss")]
        pub max_rss: i64,
        #[serde(alias = "reserved_cores")]
        pub reserved_cores: f32,
        #[serde(alias = "total_gpu_sec")]
        pub total_gpu_sec: i64,
        #[serde(alias = "rendered_gpu_sec")]
        pub rendered_gpu_sec: i64,
        #[serde(alias = "failed_gpu_sec")]
        pub failed_gpu_sec: i64,
        #[serde(alias = "reserved_gpus")]
        pub reserved_gpus: f32,
        /// KB.
        #[serde(alias = "max_gpu_memory")]
        pub max_gpu_memory: i64,
        /// KB.
        #[serde(alias = "max_pss")]
        pub max_pss: i64,
    }
}

message! { emit_all;
    /// A layer of a job.
    pub struct Layer {
        pub id: String,
        pub name: String,
        /// Frame spec, e.g. `1-100`.
        pub range: String,
        pub tags: Vec<String>,
        #[serde(alias = "min_cores")]
        pub min_cores: f32,
        #[serde(alias = "max_cores")]
        pub max_cores: f32,
        #[serde(alias = "is_threadable")]
        pub is_threadable: bool,
        /// KB.
        #[serde(alias = "min_memory")]
        pub min_memory: i64,
        /// KB.
        #[serde(alias = "min_gpu_memory")]
        pub min_gpu_memory: i64,
        #[serde(alias = "chunk_size")]
        pub chunk_size: i32,
        #[serde(alias = "dispatch_order")]
        pub dispatch_order: i32,
        #[serde(rename = "type")]
        pub layer_type: LayerType,
        pub services: Vec<String>,
        #[serde(alias = "memory_optimizer_enabled")]
        pub memory_optimizer_enabled: bool,
        #[serde(alias = "layer_stats")]
        pub layer_stats: LayerStats,
        /// The job's id.
        #[serde(alias = "parent_id")]
        pub parent_id: String,
        pub limits: Vec<String>,
        /// Minutes.
        pub timeout: i32,
        /// Minutes.
        #[serde(alias = "timeout_llu")]
        pub timeout_llu: i32,
        #[serde(alias = "min_gpus")]
        pub min_gpus: f32,
        #[serde(alias = "max_gpus")]
        pub max_gpus: f32,
        pub command: String,
        #[serde(alias = "eligible_time")]
        pub eligible_time: i32,
        #[serde(alias = "start_time")]
        pub start_time: i32,
        #[serde(alias = "stop_time")]
        pub stop_time: i32,
        /// Epoch s, 0 = none.
        #[serde(alias = "start_after")]
        pub start_after: i64,
        #[serde(alias = "start_after_reason")]
        pub start_after_reason: String,
    }
}

message! { emit_all;
    /// RGB colour of a frame state display override.
    pub struct DisplayColor {
        pub red: i32,
        pub green: i32,
        pub blue: i32,
    }
}

message! { emit_all;
    /// How a frame's state is shown instead of its real state.
    pub struct FrameStateDisplayOverride {
        pub state: FrameState,
        pub text: String,
        pub color: DisplayColor,
    }
}

message! { emit_all;
    /// A frame of a job.
    pub struct Frame {
        pub id: String,
        /// `"<number, at least 4 digits>-<layer>"`, e.g. `0001-comp`.
        pub name: String,
        #[serde(alias = "layer_name")]
        pub layer_name: String,
        pub number: i32,
        pub state: FrameState,
        #[serde(alias = "retry_count")]
        pub retry_count: i32,
        /// -1 before a run.
        #[serde(alias = "exit_status")]
        pub exit_status: i32,
        #[serde(alias = "dispatch_order")]
        pub dispatch_order: i32,
        #[serde(alias = "start_time")]
        pub start_time: i32,
        #[serde(alias = "stop_time")]
        pub stop_time: i32,
        /// KB.
        #[serde(alias = "max_rss")]
        pub max_rss: i64,
        /// KB.
        #[serde(alias = "used_memory")]
        pub used_memory: i64,
        /// KB.
        #[serde(alias = "reserved_memory")]
        pub reserved_memory: i64,
        /// KB.
        #[serde(alias = "reserved_gpu_memory")]
        pub reserved_gpu_memory: i64,
        /// `"<host>/<cores>/<gpus>"`, e.g. `render01/4.00/0`; empty if never dispatched.
        #[serde(alias = "last_resource")]
        pub last_resource: String,
        #[serde(alias = "checkpoint_state")]
        pub checkpoint_state: CheckpointState,
        #[serde(alias = "checkpoint_count")]
        pub checkpoint_count: i32,
        /// Core-seconds.
        #[serde(alias = "total_core_time")]
        pub total_core_time: i32,
        /// Epoch s of the last log update.
        #[serde(alias = "llu_time")]
        pub llu_time: i32,
        #[serde(alias = "total_gpu_time")]
        pub total_gpu_time: i32,
        /// KB.
        #[serde(alias = "max_gpu_memory")]
        pub max_gpu_memory: i64,
        /// KB.
        #[serde(alias = "used_gpu_memory")]
        pub used_gpu_memory: i64,
        #[serde(alias = "frame_state_display_override")]
        pub frame_state_display_override: Option<FrameStateDisplayOverride>,
        /// KB.
        #[serde(alias = "max_pss")]
        pub max_pss: i64,
        /// KB.
        #[serde(alias = "used_pss")]
        pub used_pss: i64,
        #[serde(alias = "eligible_time")]
        pub eligible_time: i32,
        #[serde(alias = "submission_time")]
        pub submission_time: i32,
    }
}

message! { emit_all;
    /// What changed in a frame, from GetUpdatedFrames.
    pub struct UpdatedFrame {
        pub id: String,
        pub state: FrameState,
        #[serde(alias = "retry_count")]
        pub retry_count: i32,
        #[serde(alias = "exit_status")]
        pub exit_status: i32,
        #[serde(alias = "start_time")]
        pub start_time: i32,
        #[serde(alias = "stop_time")]
        pub stop_time: i32,
        /// KB.
        #[serde(alias = "max_rss")]
        pub max_rss: i64,
        /// KB.
        #[serde(alias = "used_memory")]
        pub used_memory: i64,
        #[serde(alias = "last_resource")]
        pub last_resource: String,
        #[serde(alias = "llu_time")]
        pub llu_time: i32,
        /// KB.
        #[serde(alias = "max_gpu_memory")]
        pub max_gpu_memory: i64,
        /// KB.
        #[serde(alias = "used_gpu_memory")]
        pub used_gpu_memory: i64,
        #[serde(alias = "frame_state_display_override")]
        pub frame_state_display_override: Option<FrameStateDisplayOverride>,
        /// KB.
        #[serde(alias = "max_pss")]
        pub max_pss: i64,
    }
}

impl Job {
    /// "Paused" for a paused pending job, else the state's name.
    pub fn state_text(&self) -> &str {
        match (&self.state, self.is_paused) {
            (JobState::Pending, true) => "Paused",
            (JobState::Pending, false) => "Pending",
            (JobState::Finished, _) => "Finished",
            (other, _) => other.as_str(),
        }
    }
}

impl Frame {
    /// Seconds it ran (still running: until `now`, epoch s); 0 when it never started.
    pub fn run_secs(&self, now: i64) -> i64 {
        match (self.start_time, self.stop_time, &self.state) {
            (0, _, _) => 0,
            (start, _, FrameState::Running) => now - i64::from(start),
            (start, stop, _) if stop >= start => i64::from(stop - start),
            _ => 0,
        }
    }

    /// Seconds since a running frame last wrote its log, at `now` (epoch s).
    pub fn llu_secs(&self, now: i64) -> Option<i64> {
        (self.state == FrameState::Running && self.llu_time > 0)
            .then(|| now - i64::from(self.llu_time))
    }

    /// A running frame whose log (LLU) has not been written for `limit_secs` or more at `now`
    /// (epoch s): a hung render, as CueWeb's Stuck Frames page finds them.
    pub fn is_stuck(&self, limit_secs: i64, now: i64) -> bool {
        self.state == FrameState::Running
            && self.llu_time > 0
            && now - i64::from(self.llu_time) >= limit_secs
    }

    /// Applies a GetUpdatedFrames delta to this frame.
    pub fn apply_update(&mut self, u: &UpdatedFrame) {
        self.state = u.state.clone();
        self.retry_count = u.retry_count;
        self.exit_status = u.exit_status;
        self.start_time = u.start_time;
        self.stop_time = u.stop_time;
        self.max_rss = u.max_rss;
        self.used_memory = u.used_memory;
        self.last_resource.clone_from(&u.last_resource);
        self.llu_time = u.llu_time;
        self.max_gpu_memory = u.max_gpu_memory;
        self.used_gpu_memory = u.used_gpu_memory;
        self.frame_state_display_override
            .clone_from(&u.frame_state_display_override);
        self.max_pss = u.max_pss;
    }
}

seq! {
    /// `JobSeq`.
    pub struct JobSeq { "jobs" => pub jobs: Vec<Job> }
}

seq! {
    /// `LayerSeq`.
    pub struct LayerSeq { "layers" => pub layers: Vec<Layer> }
}

seq! {
    /// `FrameSeq`.
    pub struct FrameSeq { "frames" => pub frames: Vec<Frame> }
}

seq! {
    /// `UpdatedFrameSeq`.
    pub struct UpdatedFrameSeq { "updatedFrames" => pub updated_frames: Vec<UpdatedFrame> }
}

/// What jobs and layers both count of their frames.
macro_rules! frame_counters {
    ($($stats:ty),*) => {$(
        impl $stats {
            /// The share of frames done (succeeded or eaten), from 0 to 1.
            pub fn done_fraction(&self) -> f64 {
                if self.total_frames <= 0 {
                    return 0.0;
                }
                f64::from(self.succeeded_frames + self.eaten_frames) / f64::from(self.total_frames)
            }

            /// Stats counting `total` frames, `count(state)` in each state (pending is waiting
            /// plus depend, as Cuebot counts it); every other figure 0.
            pub fn with_frame_counts(total: i32, count: impl Fn(FrameState) -> i32) -> Self {
                let (waiting, depend) = (count(FrameState::Waiting), count(FrameState::Depend));
                Self {
                    total_frames: total,
                    waiting_frames: waiting,
                    depend_frames: depend,
                    pending_frames: waiting + depend,
                    running_frames: count(FrameState::Running),
                    dead_frames: count(FrameState::Dead),
                    eaten_frames: count(FrameState::Eaten),
                    succeeded_frames: count(FrameState::Succeeded),
                    ..Self::default()
                }
            }

            /// Frames per state, in the order a progress bar draws them.
            pub fn state_counts(&self) -> [(FrameState, i32); 6] {
                [
                    (FrameState::Succeeded, self.succeeded_frames),
                    (FrameState::Running, self.running_frames),
                    (FrameState::Waiting, self.waiting_frames),
                    (FrameState::Depend, self.depend_frames),
                    (FrameState::Dead, self.dead_frames),
                    (FrameState::Eaten, self.eaten_frames),
                ]
            }
        }
    )*};
}

frame_counters!(JobStats, LayerStats);
