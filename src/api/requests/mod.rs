//! Request bodies, search criteria and response envelopes (contract §4, §5).
//!
//! Requests encode strictly: the contract's camelCase names only, unset fields left out, entities
//! referenced by `id`. The same types decode on the simulator side, where the snake_case aliases
//! give the gateway's "both spellings accepted" and serde's duplicate-field check gives its 400 when
//! both spellings of one field are sent.

mod edits;

pub use edits::*;

use crate::api::de::{message, seq};
use crate::api::types::{
    CommentSeq, FrameSeq, FrameState, HardwareState, Host, HostSeq, Job, JobSeq, JobState,
    LayerSeq, LockState, ProcSeq, Show, ShowSeq, UpdatedFrameSeq,
};

/// The URL paths of the calls CueDesk makes: `/<proto package>.<Service>/<Method>`.
pub mod paths {
    #![allow(missing_docs)]
    pub const SHOW_GET_SHOWS: &str = "/show.ShowInterface/GetShows";
    pub const SHOW_GET_ACTIVE_SHOWS: &str = "/show.ShowInterface/GetActiveShows";
    pub const SHOW_FIND_SHOW: &str = "/show.ShowInterface/FindShow";

    pub const JOB_GET_JOBS: &str = "/job.JobInterface/GetJobs";
    pub const JOB_GET_JOB: &str = "/job.JobInterface/GetJob";
    pub const JOB_FIND_JOB: &str = "/job.JobInterface/FindJob";
    pub const JOB_PAUSE: &str = "/job.JobInterface/Pause";
    pub const JOB_RESUME: &str = "/job.JobInterface/Resume";
    pub const JOB_KILL: &str = "/job.JobInterface/Kill";
    pub const JOB_SET_PRIORITY: &str = "/job.JobInterface/SetPriority";
    pub const JOB_SET_MIN_CORES: &str = "/job.JobInterface/SetMinCores";
    pub const JOB_SET_MAX_CORES: &str = "/job.JobInterface/SetMaxCores";
    pub const JOB_RETRY_FRAMES: &str = "/job.JobInterface/RetryFrames";
    pub const JOB_EAT_FRAMES: &str = "/job.JobInterface/EatFrames";
    pub const JOB_KILL_FRAMES: &str = "/job.JobInterface/KillFrames";
    pub const JOB_GET_LAYERS: &str = "/job.JobInterface/GetLayers";
    pub const JOB_GET_FRAMES: &str = "/job.JobInterface/GetFrames";
    pub const JOB_GET_UPDATED_FRAMES: &str = "/job.JobInterface/GetUpdatedFrames";
    pub const JOB_GET_COMMENTS: &str = "/job.JobInterface/GetComments";
    pub const JOB_ADD_COMMENT: &str = "/job.JobInterface/AddComment";
    pub const JOB_SET_MIN_GPUS: &str = "/job.JobInterface/SetMinGpus";
    pub const JOB_SET_MAX_GPUS: &str = "/job.JobInterface/SetMaxGpus";
    pub const JOB_SET_AUTO_EAT: &str = "/job.JobInterface/SetAutoEat";
    pub const JOB_SET_MAX_RETRIES: &str = "/job.JobInterface/SetMaxRetries";
    pub const JOB_MARK_DONE_FRAMES: &str = "/job.JobInterface/MarkDoneFrames";
    pub const JOB_MARK_AS_WAITING: &str = "/job.JobInterface/MarkAsWaiting";
    pub const JOB_REORDER_FRAMES: &str = "/job.JobInterface/ReorderFrames";
    pub const JOB_STAGGER_FRAMES: &str = "/job.JobInterface/StaggerFrames";
    pub const JOB_GET_WHAT_THIS_DEPENDS_ON: &str = "/job.JobInterface/GetWhatThisDependsOn";
    pub const JOB_GET_WHAT_DEPENDS_ON_THIS: &str = "/job.JobInterface/GetWhatDependsOnThis";
    pub const JOB_DROP_DEPENDS: &str = "/job.JobInterface/DropDepends";

    pub const LAYER_GET_FRAMES: &str = "/job.LayerInterface/GetFrames";
    pub const LAYER_RETRY_FRAMES: &str = "/job.LayerInterface/RetryFrames";
    pub const LAYER_EAT_FRAMES: &str = "/job.LayerInterface/EatFrames";
    pub const LAYER_KILL_FRAMES: &str = "/job.LayerInterface/KillFrames";
    /// Note the lower-case "d": LayerInterface's name differs from JobInterface's.
    pub const LAYER_MARKDONE_FRAMES: &str = "/job.LayerInterface/MarkdoneFrames";
    pub const LAYER_REORDER_FRAMES: &str = "/job.LayerInterface/ReorderFrames";
    pub const LAYER_STAGGER_FRAMES: &str = "/job.LayerInterface/StaggerFrames";
    pub const LAYER_GET_OUTPUT_PATHS: &str = "/job.LayerInterface/GetOutputPaths";
    pub const LAYER_SET_MIN_CORES: &str = "/job.LayerInterface/SetMinCores";
    pub const LAYER_SET_MAX_CORES: &str = "/job.LayerInterface/SetMaxCores";
    pub const LAYER_SET_MIN_MEMORY: &str = "/job.LayerInterface/SetMinMemory";
    pub const LAYER_SET_MIN_GPU_MEMORY: &str = "/job.LayerInterface/SetMinGpuMemory";
    pub const LAYER_SET_THREADABLE: &str = "/job.LayerInterface/SetThreadable";
    pub const LAYER_SET_TAGS: &str = "/job.LayerInterface/SetTags";
    pub const LAYER_SET_TIMEOUT: &str = "/job.LayerInterface/SetTimeout";
    pub const LAYER_SET_TIMEOUT_LLU: &str = "/job.LayerInterface/SetTimeoutLLU";

    pub const FRAME_GET_FRAME: &str = "/job.FrameInterface/GetFrame";
    pub const FRAME_RETRY: &str = "/job.FrameInterface/Retry";
    pub const FRAME_EAT: &str = "/job.FrameInterface/Eat";
    pub const FRAME_KILL: &str = "/job.FrameInterface/Kill";
    pub const FRAME_MARK_AS_WAITING: &str = "/job.FrameInterface/MarkAsWaiting";
    pub const FRAME_DROP_DEPENDS: &str = "/job.FrameInterface/DropDepends";

    pub const DEPEND_SATISFY: &str = "/depend.DependInterface/Satisfy";

    pub const HOST_GET_HOSTS: &str = "/host.HostInterface/GetHosts";
    pub const HOST_FIND_HOST: &str = "/host.HostInterface/FindHost";
    pub const HOST_GET_HOST: &str = "/host.HostInterface/GetHost";
    pub const HOST_LOCK: &str = "/host.HostInterface/Lock";
    pub const HOST_UNLOCK: &str = "/host.HostInterface/Unlock";
    pub const HOST_REBOOT_WHEN_IDLE: &str = "/host.HostInterface/RebootWhenIdle";
    pub const HOST_GET_PROCS: &str = "/host.HostInterface/GetProcs";
    pub const HOST_GET_COMMENTS: &str = "/host.HostInterface/GetComments";
    pub const HOST_ADD_COMMENT: &str = "/host.HostInterface/AddComment";
    pub const HOST_ADD_TAGS: &str = "/host.HostInterface/AddTags";
    pub const HOST_REMOVE_TAGS: &str = "/host.HostInterface/RemoveTags";
    pub const HOST_SET_ALLOCATION: &str = "/host.HostInterface/SetAllocation";
    pub const HOST_SET_HARDWARE_STATE: &str = "/host.HostInterface/SetHardwareState";
    pub const HOST_REBOOT: &str = "/host.HostInterface/Reboot";

    pub const PROC_KILL: &str = "/host.ProcInterface/Kill";
    pub const PROC_UNBOOK: &str = "/host.ProcInterface/Unbook";
    pub const PROC_REDIRECT_TO_JOB: &str = "/host.ProcInterface/RedirectToJob";

    pub const ALLOCATION_GET_ALL: &str = "/facility.AllocationInterface/GetAll";
}

seq! {
    /// `FrameStateSeq`: `{"frameStates":[…]}`.
    pub struct FrameStateSeq { "frameStates" => pub frame_states: Vec<FrameState> }
}
seq! {
    /// `HardwareStateSeq`: `{"state":[…]}` (singular key).
    pub struct HardwareStateSeq { "state" => pub state: Vec<HardwareState> }
}
seq! {
    /// `LockStateSeq`: `{"state":[…]}` (singular key).
    pub struct LockStateSeq { "state" => pub state: Vec<LockState> }
}

message! { skip_unset;
    /// `JobSearchCriteria`. Empty lists are not filters; `include_finished = false` means
    /// pending jobs only; all empty means every pending job on the farm.
    pub struct JobSearchCriteria {
        pub ids: Vec<String>,
        /// Exact job names.
        pub jobs: Vec<String>,
        pub regex: Vec<String>,
        pub substr: Vec<String>,
        pub users: Vec<String>,
        pub shots: Vec<String>,
        pub shows: Vec<String>,
        #[serde(alias = "include_finished")]
        pub include_finished: bool,
    }
}

message! { skip_unset;
    /// `FrameSearchCriteria`. Frame lists come back empty unless `page` and `limit` are set;
    /// `include_finished`, `max_results` and `offset` are ignored by Cuebot.
    pub struct FrameSearchCriteria {
        pub ids: Vec<String>,
        /// Frame names, e.g. `0001-comp`.
        pub frames: Vec<String>,
        /// Layer names.
        pub layers: Vec<String>,
        pub states: FrameStateSeq,
        /// `"1-10"`, `"5"`, or a frame spec.
        #[serde(alias = "frame_range")]
        pub frame_range: String,
        /// GB: `"2-4"`, or `"2"` meaning at least 2.
        #[serde(alias = "memory_range")]
        pub memory_range: String,
        /// Hours.
        #[serde(alias = "duration_range")]
        pub duration_range: String,
        /// 1-based page.
        pub page: i32,
        pub limit: i32,
        #[serde(alias = "change_date")]
        pub change_date: i32,
        #[serde(alias = "max_results")]
        pub max_results: i32,
        pub offset: i32,
        #[serde(alias = "include_finished")]
        pub include_finished: bool,
    }
}

impl FrameSearchCriteria {
    /// The first `limit` frames of a job in `state` (page 1).
    pub fn first_in(state: crate::api::types::FrameState, limit: i32) -> Self {
        Self {
            states: FrameStateSeq {
                frame_states: vec![state],
            },
            page: 1,
            limit,
            ..Self::default()
        }
    }
}

message! { skip_unset;
    /// `HostSearchCriteria`.
    pub struct HostSearchCriteria {
        pub hosts: Vec<String>,
        pub regex: Vec<String>,
        pub substr: Vec<String>,
        pub ids: Vec<String>,
        pub allocs: Vec<String>,
        pub states: HardwareStateSeq,
        #[serde(alias = "lock_states")]
        pub lock_states: LockStateSeq,
    }
}

message! { skip_unset;
    /// A range of int64 values (`{min, max}`), KB for memory.
    pub struct I64Range {
        pub min: i64,
        pub max: i64,
    }
}

message! { skip_unset;
    /// A range of int32 values (`{min, max}`), seconds for durations.
    pub struct I32Range {
        pub min: i32,
        pub max: i32,
    }
}

message! { skip_unset;
    /// A single int64 bound (`{value}`).
    pub struct I64Value {
        pub value: i64,
    }
}

message! { skip_unset;
    /// `ProcSearchCriteria`.
    pub struct ProcSearchCriteria {
        pub hosts: Vec<String>,
        pub jobs: Vec<String>,
        pub layers: Vec<String>,
        pub shows: Vec<String>,
        pub allocs: Vec<String>,
        #[serde(alias = "memory_range")]
        pub memory_range: Vec<I64Range>,
        #[serde(alias = "memory_greater_than")]
        pub memory_greater_than: Vec<I64Value>,
        #[serde(alias = "memory_less_than")]
        pub memory_less_than: Vec<I64Value>,
        #[serde(alias = "duration_range")]
        pub duration_range: Vec<I32Range>,
        /// Only the first element is used.
        #[serde(alias = "max_results")]
        pub max_results: Vec<i32>,
        #[serde(alias = "first_result")]
        pub first_result: i32,
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies.

message! { skip_unset;
    /// An empty request: `{}`.
    pub struct Empty {}
}

message! { skip_unset;
    /// `{"id": …}`: a reference to an entity. Cuebot resolves entities by id only.
    pub struct IdRef {
        pub id: String,
    }
}

impl IdRef {
    /// A reference to the entity with this id.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }
}

message! { skip_unset;
    /// `{"name": …}` (FindShow, FindJob, FindHost).
    pub struct NameRequest {
        pub name: String,
    }
}

message! { skip_unset;
    /// `{"id": …}` (GetJob, GetFrame, GetHost).
    pub struct IdRequest {
        pub id: String,
    }
}

message! { skip_unset;
    /// `{"r": JobSearchCriteria}` (GetJobs).
    pub struct JobSearchRequest {
        pub r: JobSearchCriteria,
    }
}

message! { skip_unset;
    /// `{"job": {"id"}}` (Pause, Resume, GetLayers, GetComments).
    pub struct JobRequest {
        pub job: IdRef,
    }
}

message! { skip_unset;
    /// `{"job", "username", "pid", "hostKill", "reason"}` (Kill).
    pub struct JobKillRequest {
        pub job: IdRef,
        pub username: String,
        pub pid: String,
        #[serde(alias = "host_kill")]
        pub host_kill: String,
        pub reason: String,
    }
}

message! { skip_unset;
    /// `{"job", "val": int32}` (SetPriority).
    pub struct JobIntRequest {
        pub job: IdRef,
        pub val: i32,
    }
}

message! { skip_unset;
    /// `{"job", "val": float}` (SetMinCores, SetMaxCores).
    pub struct JobFloatRequest {
        pub job: IdRef,
        pub val: f32,
    }
}

message! { skip_unset;
    /// `{"job", "req": FrameSearchCriteria}` (GetFrames, RetryFrames, EatFrames). An empty `req` on
    /// RetryFrames or EatFrames means every frame of the job.
    pub struct JobFramesRequest {
        pub job: IdRef,
        pub req: FrameSearchCriteria,
    }
}

message! { skip_unset;
    /// `{"job", "req", "username", "pid", "hostKill", "reason"}` (KillFrames).
    pub struct JobKillFramesRequest {
        pub job: IdRef,
        pub req: FrameSearchCriteria,
        pub username: String,
        pub pid: String,
        #[serde(alias = "host_kill")]
        pub host_kill: String,
        pub reason: String,
    }
}

seq! {
    /// `{"layers":[{"id"}]}`: the layer filter of GetUpdatedFrames.
    pub struct LayerRefSeq { "layers" => pub layers: Vec<IdRef> }
}

message! { skip_unset;
    /// `{"job", "lastCheck", "layerFilter"}` (GetUpdatedFrames).
    pub struct UpdatedFramesRequest {
        pub job: IdRef,
        /// Epoch s; must be within 60 s of Cuebot's clock or the call hangs.
        #[serde(alias = "last_check")]
        pub last_check: i32,
        #[serde(alias = "layer_filter")]
        pub layer_filter: LayerRefSeq,
    }
}

message! { skip_unset;
    /// The `newComment` of AddComment: Cuebot sets its id and time.
    pub struct NewComment {
        pub user: String,
        pub subject: String,
        pub message: String,
    }
}

message! { skip_unset;
    /// `{"job", "newComment"}` (JobInterface AddComment).
    pub struct JobAddCommentRequest {
        pub job: IdRef,
        #[serde(alias = "new_comment")]
        pub new_comment: NewComment,
    }
}

message! { skip_unset;
    /// `{"layer": {"id"}}` (LayerInterface RetryFrames, EatFrames).
    pub struct LayerRequest {
        pub layer: IdRef,
    }
}

message! { skip_unset;
    /// `{"layer", "s": FrameSearchCriteria}` (LayerInterface GetFrames): the field is `s`.
    pub struct LayerFramesRequest {
        pub layer: IdRef,
        pub s: FrameSearchCriteria,
    }
}

message! { skip_unset;
    /// `{"layer", "username", "pid", "hostKill", "reason"}` (LayerInterface KillFrames).
    pub struct LayerKillFramesRequest {
        pub layer: IdRef,
        pub username: String,
        pub pid: String,
        #[serde(alias = "host_kill")]
        pub host_kill: String,
        pub reason: String,
    }
}

message! { skip_unset;
    /// `{"frame": {"id"}}` (FrameInterface Retry, Eat).
    pub struct FrameRequest {
        pub frame: IdRef,
    }
}

message! { skip_unset;
    /// `{"frame", "username", "pid", "hostKill", "reason"}` (FrameInterface Kill).
    pub struct FrameKillRequest {
        pub frame: IdRef,
        pub username: String,
        pub pid: String,
        #[serde(alias = "host_kill")]
        pub host_kill: String,
        pub reason: String,
    }
}

message! { skip_unset;
    /// `{"r": HostSearchCriteria}` (GetHosts).
    pub struct HostSearchRequest {
        pub r: HostSearchCriteria,
    }
}

message! { skip_unset;
    /// `{"host": {"id"}}` (Lock, Unlock, RebootWhenIdle, GetProcs, GetComments).
    pub struct HostRequest {
        pub host: IdRef,
    }
}

message! { skip_unset;
    /// `{"host", "newComment"}` (HostInterface AddComment).
    pub struct HostAddCommentRequest {
        pub host: IdRef,
        #[serde(alias = "new_comment")]
        pub new_comment: NewComment,
    }
}

// ---------------------------------------------------------------------------------------------
// Response envelopes: lists double-wrapped, single objects wrapped once.

message! { emit_all;
    /// `{"shows":{"shows":[…]}}`.
    pub struct ShowsResponse {
        pub shows: ShowSeq,
    }
}

message! { emit_all;
    /// `{"show": Show}`.
    pub struct ShowResponse {
        pub show: Show,
    }
}

message! { emit_all;
    /// `{"jobs":{"jobs":[…]}}`.
    pub struct JobsResponse {
        pub jobs: JobSeq,
    }
}

message! { emit_all;
    /// `{"job": Job}`.
    pub struct JobResponse {
        pub job: Job,
    }
}

message! { emit_all;
    /// `{"layers":{"layers":[…]}}`.
    pub struct LayersResponse {
        pub layers: LayerSeq,
    }
}

message! { emit_all;
    /// `{"frames":{"frames":[…]}}`.
    pub struct FramesResponse {
        pub frames: FrameSeq,
    }
}

message! { emit_all;
    /// `{"frame": Frame}`.
    pub struct FrameResponse {
        pub frame: crate::api::types::Frame,
    }
}

message! { emit_all;
    /// `{"state", "serverTime", "updatedFrames":{"updatedFrames":[…]}}`.
    pub struct UpdatedFramesResponse {
        pub state: JobState,
        #[serde(alias = "server_time")]
        pub server_time: i32,
        #[serde(alias = "updated_frames")]
        pub updated_frames: UpdatedFrameSeq,
    }
}

message! { emit_all;
    /// `{"comments":{"comments":[…]}}`.
    pub struct CommentsResponse {
        pub comments: CommentSeq,
    }
}

message! { emit_all;
    /// `{"hosts":{"hosts":[…]}}`.
    pub struct HostsResponse {
        pub hosts: HostSeq,
    }
}

message! { emit_all;
    /// `{"host": Host}`.
    pub struct HostResponse {
        pub host: Host,
    }
}

message! { emit_all;
    /// `{"procs":{"procs":[…]}}`.
    pub struct ProcsResponse {
        pub procs: ProcSeq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn requests_use_exactly_the_contract_names() {
        assert_eq!(json(&Empty {}), "{}");
        assert_eq!(
            json(&JobSearchRequest {
                r: JobSearchCriteria {
                    shows: vec!["demo_show".into()],
                    include_finished: true,
                    ..Default::default()
                }
            }),
            r#"{"r":{"shows":["demo_show"],"includeFinished":true}}"#
        );
        assert_eq!(
            json(&JobFramesRequest {
                job: IdRef::new("j1"),
                req: FrameSearchCriteria {
                    states: vec![FrameState::Dead, FrameState::Running].into(),
                    page: 1,
                    limit: 500,
                    ..Default::default()
                }
            }),
            r#"{"job":{"id":"j1"},"req":{"states":{"frameStates":["DEAD","RUNNING"]},"page":1,"limit":500}}"#
        );
        assert_eq!(
            json(&LayerFramesRequest {
                layer: IdRef::new("l1"),
                s: FrameSearchCriteria {
                    page: 2,
                    limit: 10,
                    ..Default::default()
                }
            }),
            r#"{"layer":{"id":"l1"},"s":{"page":2,"limit":10}}"#
        );
        assert_eq!(
            json(&HostSearchRequest {
                r: HostSearchCriteria {
                    states: vec![HardwareState::Up].into(),
                    lock_states: vec![LockState::Locked].into(),
                    ..Default::default()
                }
            }),
            r#"{"r":{"states":{"state":["UP"]},"lockStates":{"state":["LOCKED"]}}}"#
        );
        assert_eq!(
            json(&UpdatedFramesRequest {
                job: IdRef::new("j1"),
                last_check: 1_767_229_780,
                layer_filter: LayerRefSeq {
                    layers: vec![IdRef::new("l1")]
                }
            }),
            r#"{"job":{"id":"j1"},"lastCheck":1767229780,"layerFilter":{"layers":[{"id":"l1"}]}}"#
        );
        assert_eq!(
            json(&JobKillRequest {
                job: IdRef::new("j1"),
                username: "jdoe".into(),
                pid: "42".into(),
                host_kill: "ws1".into(),
                reason: "wrong camera".into()
            }),
            r#"{"job":{"id":"j1"},"username":"jdoe","pid":"42","hostKill":"ws1","reason":"wrong camera"}"#
        );
        assert_eq!(
            json(&JobIntRequest {
                job: IdRef::new("j1"),
                val: 75
            }),
            r#"{"job":{"id":"j1"},"val":75}"#
        );
        assert_eq!(
            json(&JobFloatRequest {
                job: IdRef::new("j1"),
                val: 12.0
            }),
            r#"{"job":{"id":"j1"},"val":12}"#
        );
        assert_eq!(
            json(&JobAddCommentRequest {
                job: IdRef::new("j1"),
                new_comment: NewComment {
                    user: "jdoe".into(),
                    subject: "s".into(),
                    message: "m".into()
                }
            }),
            r#"{"job":{"id":"j1"},"newComment":{"user":"jdoe","subject":"s","message":"m"}}"#
        );
        assert_eq!(
            json(&NameRequest {
                name: "render01".into()
            }),
            r#"{"name":"render01"}"#
        );
    }

    #[test]
    fn paths_use_the_proto_packages() {
        for p in [paths::FRAME_RETRY, paths::LAYER_GET_FRAMES] {
            assert!(p.starts_with("/job."), "{p}");
        }
        assert_eq!(paths::HOST_GET_PROCS, "/host.HostInterface/GetProcs");
        assert_eq!(paths::SHOW_GET_SHOWS, "/show.ShowInterface/GetShows");
    }
}
