//! The gateway's messages, field for field as protojson writes them (contract §5).
//!
//! Units as Cuebot sends them: memory in KB, times in epoch seconds (0 = not set),
//! cores as float cores. Field docs name the unit where it is not obvious.

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
    /// Hardware state of a host.
    pub enum HardwareState {
        Up = 0 => "UP",
        Down = 1 => "DOWN",
        Rebooting = 2 => "REBOOTING",
        RebootWhenIdle = 3 => "REBOOT_WHEN_IDLE",
        Repair = 4 => "REPAIR",
    }
}

wire_enum! {
    /// Lock state of a host.
    pub enum LockState {
        Open = 0 => "OPEN",
        Locked = 1 => "LOCKED",
        NimbyLocked = 2 => "NIMBY_LOCKED",
    }
}

wire_enum! {
    /// Thread mode of a host.
    pub enum ThreadMode {
        Auto = 0 => "AUTO",
        All = 1 => "ALL",
        Variable = 2 => "VARIABLE",
    }
}

message! { emit_all;
    /// Counters of a show.
    pub struct ShowStats {
        #[serde(alias = "running_frames")]
        pub running_frames: i32,
        #[serde(alias = "dead_frames")]
        pub dead_frames: i32,
        #[serde(alias = "pending_frames")]
        pub pending_frames: i32,
        #[serde(alias = "pending_jobs")]
        pub pending_jobs: i32,
        #[serde(alias = "created_job_count")]
        pub created_job_count: i64,
        #[serde(alias = "created_frame_count")]
        pub created_frame_count: i64,
        #[serde(alias = "rendered_frame_count")]
        pub rendered_frame_count: i64,
        #[serde(alias = "failed_frame_count")]
        pub failed_frame_count: i64,
        #[serde(alias = "reserved_cores")]
        pub reserved_cores: f32,
        #[serde(alias = "reserved_gpus")]
        pub reserved_gpus: f32,
    }
}

message! { emit_all;
    /// A show (project).
    pub struct Show {
        pub id: String,
        pub name: String,
        #[serde(alias = "default_min_cores")]
        pub default_min_cores: f32,
        #[serde(alias = "default_max_cores")]
        pub default_max_cores: f32,
        #[serde(alias = "comment_email")]
        pub comment_email: String,
        #[serde(alias = "booking_enabled")]
        pub booking_enabled: bool,
        #[serde(alias = "dispatch_enabled")]
        pub dispatch_enabled: bool,
        pub active: bool,
        #[serde(alias = "show_stats")]
        pub show_stats: ShowStats,
        #[serde(alias = "default_min_gpus")]
        pub default_min_gpus: f32,
        #[serde(alias = "default_max_gpus")]
        pub default_max_gpus: f32,
        #[serde(alias = "scheduler_managed")]
        pub scheduler_managed: bool,
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

impl Frame {
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

message! { emit_all;
    /// A render host. Its "stats" are the idle/free fields.
    pub struct Host {
        pub id: String,
        pub name: String,
        /// `"facility.alloc"`.
        #[serde(alias = "alloc_name")]
        pub alloc_name: String,
        #[serde(alias = "nimby_enabled")]
        pub nimby_enabled: bool,
        #[serde(alias = "has_comment")]
        pub has_comment: bool,
        pub cores: f32,
        #[serde(alias = "idle_cores")]
        pub idle_cores: f32,
        /// KB.
        pub memory: i64,
        /// KB.
        #[serde(alias = "idle_memory")]
        pub idle_memory: i64,
        /// KB.
        #[serde(alias = "gpu_memory")]
        pub gpu_memory: i64,
        /// KB.
        #[serde(alias = "idle_gpu_memory")]
        pub idle_gpu_memory: i64,
        /// KB.
        #[serde(alias = "total_swap")]
        pub total_swap: i64,
        /// KB.
        #[serde(alias = "total_memory")]
        pub total_memory: i64,
        /// KB.
        #[serde(alias = "total_gpu_memory")]
        pub total_gpu_memory: i64,
        /// KB.
        #[serde(alias = "total_mcp")]
        pub total_mcp: i64,
        /// KB.
        #[serde(alias = "free_swap")]
        pub free_swap: i64,
        /// KB.
        #[serde(alias = "free_memory")]
        pub free_memory: i64,
        /// KB.
        #[serde(alias = "free_mcp")]
        pub free_mcp: i64,
        /// KB.
        #[serde(alias = "free_gpu_memory")]
        pub free_gpu_memory: i64,
        /// Load average × 100.
        pub load: i32,
        #[serde(alias = "boot_time")]
        pub boot_time: i32,
        #[serde(alias = "ping_time")]
        pub ping_time: i32,
        pub os: String,
        pub tags: Vec<String>,
        pub state: HardwareState,
        #[serde(alias = "lock_state")]
        pub lock_state: LockState,
        #[serde(alias = "thread_mode")]
        pub thread_mode: ThreadMode,
        pub gpus: f32,
        #[serde(alias = "idle_gpus")]
        pub idle_gpus: f32,
    }
}

message! { emit_all;
    /// A frame running on a host.
    pub struct Proc {
        pub id: String,
        /// `"<host>/<cores>/<gpus>"`.
        pub name: String,
        #[serde(alias = "show_name")]
        pub show_name: String,
        #[serde(alias = "job_name")]
        pub job_name: String,
        #[serde(alias = "frame_name")]
        pub frame_name: String,
        #[serde(alias = "group_name")]
        pub group_name: String,
        #[serde(alias = "ping_time")]
        pub ping_time: i32,
        /// The proto name is already camelCase.
        #[serde(alias = "booked_time")]
        pub booked_time: i32,
        #[serde(alias = "dispatch_time")]
        pub dispatch_time: i32,
        /// KB.
        #[serde(alias = "reserved_memory")]
        pub reserved_memory: i64,
        /// KB.
        #[serde(alias = "reserved_gpu_memory")]
        pub reserved_gpu_memory: i64,
        /// KB.
        #[serde(alias = "used_memory")]
        pub used_memory: i64,
        #[serde(alias = "reserved_cores")]
        pub reserved_cores: f32,
        pub unbooked: bool,
        /// Absolute path of the frame's `.rqlog`.
        #[serde(alias = "log_path")]
        pub log_path: String,
        #[serde(alias = "redirect_target")]
        pub redirect_target: String,
        pub services: Vec<String>,
        /// KB.
        #[serde(alias = "used_gpu_memory")]
        pub used_gpu_memory: i64,
        #[serde(alias = "reserved_gpus")]
        pub reserved_gpus: f32,
        /// Bytes, base64 on the wire.
        #[serde(alias = "child_processes")]
        pub child_processes: String,
    }
}

message! { emit_all;
    /// A comment on a job or a host.
    pub struct Comment {
        pub id: String,
        /// Epoch s.
        pub timestamp: i32,
        pub user: String,
        pub subject: String,
        pub message: String,
    }
}

seq! {
    /// `ShowSeq`.
    pub struct ShowSeq { "shows" => pub shows: Vec<Show> }
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
seq! {
    /// `HostSeq`.
    pub struct HostSeq { "hosts" => pub hosts: Vec<Host> }
}
seq! {
    /// `ProcSeq`.
    pub struct ProcSeq { "procs" => pub procs: Vec<Proc> }
}
seq! {
    /// `CommentSeq`.
    pub struct CommentSeq { "comments" => pub comments: Vec<Comment> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::requests::{FramesResponse, JobsResponse, ShowsResponse};

    // The contract's §8 bodies, verbatim.
    const SHOWS: &str = r#"{"shows":{"shows":[{"id":"00000000-0000-0000-0000-000000000000","name":"demo_show","defaultMinCores":1,"defaultMaxCores":200,"commentEmail":"","bookingEnabled":true,"dispatchEnabled":true,"active":true,"showStats":{"runningFrames":12,"deadFrames":3,"pendingFrames":40,"pendingJobs":2,"createdJobCount":"57","createdFrameCount":"6210","renderedFrameCount":"5890","failedFrameCount":"121","reservedCores":48,"reservedGpus":0},"defaultMinGpus":0,"defaultMaxGpus":100000,"schedulerManaged":false}]}}"#;
    const JOBS: &str = r#"{"jobs":{"jobs":[{"id":"9f1c2d3e-0000-4000-8000-000000000001","state":"PENDING","name":"demo_show-sh010-jdoe_comp_v003","shot":"sh010","show":"demo_show","user":"jdoe","group":"demo_show","facility":"local","os":"linux","uid":1001,"priority":100,"minCores":1,"maxCores":50.5,"logDir":"/shots/demo_show/sh010/logs/demo_show-sh010-jdoe_comp_v003--9f1c2d3e","isPaused":false,"hasComment":false,"autoEat":false,"startTime":1767225600,"stopTime":0,"jobStats":{"totalLayers":2,"totalFrames":100,"waitingFrames":30,"runningFrames":4,"deadFrames":1,"eatenFrames":0,"dependFrames":10,"succeededFrames":55,"pendingFrames":40,"avgFrameSec":0,"highFrameSec":812,"avgCoreSec":1450,"renderedFrameCount":"55","failedFrameCount":"3","remainingCoreSec":"58000","totalCoreSec":"84100","renderedCoreSec":"79750","failedCoreSec":"4350","maxRss":"8388608","reservedCores":16,"totalGpuSec":"0","renderedGpuSec":"0","failedGpuSec":"0","reservedGpus":0,"maxGpuMemory":"0","maxPss":"7340032"},"minGpus":0,"maxGpus":0,"lokiUrl":"","eligibleTime":1767225600}]}}"#;
    const FRAMES: &str = r#"{"frames":{"frames":[{"id":"5b6c7d8e-0000-4000-8000-000000000101","name":"0001-comp","layerName":"comp","number":1,"state":"RUNNING","retryCount":0,"exitStatus":-1,"dispatchOrder":0,"startTime":1767229200,"stopTime":0,"maxRss":"3145728","usedMemory":"2097152","reservedMemory":"4194304","reservedGpuMemory":"0","lastResource":"render01/4.00/0","checkpointState":"DISABLED","checkpointCount":0,"totalCoreTime":2400,"lluTime":1767229780,"totalGpuTime":0,"maxGpuMemory":"0","usedGpuMemory":"0","frameStateDisplayOverride":null,"maxPss":"2936012","usedPss":"1990000","eligibleTime":1767225600,"submissionTime":1767225600},{"id":"5b6c7d8e-0000-4000-8000-000000000102","name":"0002-comp","layerName":"comp","number":2,"state":"WAITING","retryCount":0,"exitStatus":-1,"dispatchOrder":1,"startTime":0,"stopTime":0,"maxRss":"0","usedMemory":"0","reservedMemory":"0","reservedGpuMemory":"0","lastResource":"","checkpointState":"DISABLED","checkpointCount":0,"totalCoreTime":0,"lluTime":0,"totalGpuTime":0,"maxGpuMemory":"0","usedGpuMemory":"0","frameStateDisplayOverride":null,"maxPss":"0","usedPss":"0","eligibleTime":1767225600,"submissionTime":1767225600}]}}"#;

    #[test]
    fn decodes_the_contract_examples() {
        let shows: ShowsResponse = serde_json::from_str(SHOWS).unwrap();
        let s = &shows.shows.shows[0];
        assert_eq!(s.name, "demo_show");
        assert_eq!(s.show_stats.created_frame_count, 6210);
        assert_eq!(s.default_max_gpus, 100_000.0);

        let jobs: JobsResponse = serde_json::from_str(JOBS).unwrap();
        let j = &jobs.jobs.jobs[0];
        assert_eq!(j.state, JobState::Pending);
        assert_eq!(j.uid, Some(1001));
        assert_eq!(j.max_cores, 50.5);
        assert_eq!(j.job_stats.max_rss, 8_388_608);
        assert_eq!(j.job_stats.remaining_core_sec, 58_000);

        let frames: FramesResponse = serde_json::from_str(FRAMES).unwrap();
        let f = &frames.frames.frames;
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].state, FrameState::Running);
        assert_eq!(f[0].last_resource, "render01/4.00/0");
        assert_eq!(f[0].frame_state_display_override, None);
        assert_eq!(f[1].state, FrameState::Waiting);
        assert_eq!(f[1].exit_status, -1);
    }

    #[test]
    fn our_encoding_round_trips_to_the_same_json_value() {
        // What the simulator writes for these messages is what the gateway writes.
        for body in [SHOWS, JOBS, FRAMES] {
            let want: serde_json::Value = serde_json::from_str(body).unwrap();
            let got = match want
                .as_object()
                .and_then(|o| o.keys().next())
                .map(String::as_str)
            {
                Some("shows") => {
                    serde_json::to_value(serde_json::from_str::<ShowsResponse>(body).unwrap())
                }
                Some("jobs") => {
                    serde_json::to_value(serde_json::from_str::<JobsResponse>(body).unwrap())
                }
                _ => serde_json::to_value(serde_json::from_str::<FramesResponse>(body).unwrap()),
            }
            .unwrap();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn missing_uid_stays_absent() {
        let mut v: serde_json::Value = serde_json::from_str(JOBS).unwrap();
        v["jobs"]["jobs"][0].as_object_mut().unwrap().remove("uid");
        let jobs: JobsResponse = serde_json::from_value(v).unwrap();
        assert_eq!(jobs.jobs.jobs[0].uid, None);
        let back = serde_json::to_value(&jobs).unwrap();
        assert!(back["jobs"]["jobs"][0].get("uid").is_none());
    }

    #[test]
    fn tolerant_variants_decode() {
        // snake_case keys, numbers where strings are expected, NaN strings, unknown enums and
        // fields, null sub-messages and lists, flat lists, missing fields.
        let body = r#"{"jobs":[{"id":"j1","state":"ARCHIVED","name":"x","is_paused":true,
            "max_cores":"Infinity","min_cores":"NaN","job_stats":{"max_rss":8388608,"dead_frames":"2"},
            "brandNewField":{"a":[1,2]},"priority":7}]}"#;
        let jobs: JobsResponse = serde_json::from_str(body).unwrap();
        let j = &jobs.jobs.jobs[0];
        assert!(j.is_paused);
        assert_eq!(j.state, JobState::Other("ARCHIVED".into()));
        assert!(j.max_cores.is_infinite() && j.min_cores.is_nan());
        assert_eq!(j.job_stats.max_rss, 8_388_608);
        assert_eq!(j.job_stats.dead_frames, 2);
        assert_eq!(j.priority, 7);
        assert_eq!(j.user, "");

        let frames: FramesResponse = serde_json::from_str(
            r#"{"frames":{"frames":[{"state":5,"checkpointState":42,"layer_name":"comp"}]}}"#,
        )
        .unwrap();
        let f = &frames.frames.frames[0];
        assert_eq!(f.state, FrameState::Dead);
        assert_eq!(f.checkpoint_state, CheckpointState::Other("42".into()));
        assert_eq!(f.layer_name, "comp");

        for empty in [
            r#"{"jobs":null}"#,
            r#"{"jobs":{"jobs":null}}"#,
            r#"{"jobs":{"jobs":[]}}"#,
            "{}",
        ] {
            let jobs: JobsResponse = serde_json::from_str(empty).unwrap();
            assert!(jobs.jobs.jobs.is_empty(), "{empty}");
        }
        let job: Job = serde_json::from_str(r#"{"jobStats":null}"#).unwrap();
        assert_eq!(job.job_stats, JobStats::default());
    }

    #[test]
    fn unknown_enum_numbers_encode_as_numbers() {
        let f = Frame {
            state: FrameState::from_number(9),
            ..Frame::default()
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["state"], serde_json::json!(9));
        assert_eq!(v["checkpointState"], serde_json::json!("DISABLED"));
        assert_eq!(HardwareState::RebootWhenIdle.as_str(), "REBOOT_WHEN_IDLE");
        assert_eq!(LockState::from_name("NIMBY_LOCKED"), LockState::NimbyLocked);
    }
}
