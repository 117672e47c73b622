//! One method per gateway RPC: the request it sends and the part of the answer it returns.
//! Calls that send one request and take one part of the answer are a line or two each in
//! [`rpc_calls!`]; the rest (paging, the delta guard, kills with their reason) are written out.

use crate::api::ApiError;
use crate::api::client::{
    ApiClient, DEFAULT_FRAME_PAGE_SIZE, KillReason, UPDATED_FRAMES_SAFE_AGE_SECS,
};
use crate::api::requests::LayerSetting;
use crate::api::requests::{
    AllocationsResponse, BoolValueResponse, DependRequest, DependsResponse,
    FrameDropDependsRequest, HostAllocationRequest, HostHardwareStateRequest, HostTagsRequest,
    JobBoolRequest, JobDropDependsRequest, JobMaxRetriesRequest, JobReorderRequest,
    JobStaggerRequest, LayerCoresRequest, LayerGpuMemoryRequest, LayerMemoryRequest,
    LayerReorderRequest, LayerStaggerRequest, LayerTagsRequest, LayerThreadableRequest,
    LayerTimeoutLluRequest, LayerTimeoutRequest, OutputPathsResponse, ProcRedirectRequest,
    ProcRequest, ProcUnbookRequest,
};
use crate::api::requests::{
    CommentsResponse, FrameResponse, FramesResponse, HostResponse, HostsResponse, JobResponse,
    JobsResponse, LayersResponse, ProcsResponse, ShowResponse, ShowsResponse,
    UpdatedFramesResponse,
};
use crate::api::requests::{
    Empty, FrameKillRequest, FrameRequest, FrameSearchCriteria, HostAddCommentRequest, HostRequest,
    HostSearchCriteria, HostSearchRequest, IdRef, IdRequest, JobAddCommentRequest, JobFloatRequest,
    JobFramesRequest, JobIntRequest, JobKillFramesRequest, JobKillRequest, JobRequest,
    JobSearchCriteria, JobSearchRequest, LayerFramesRequest, LayerKillFramesRequest, LayerRefSeq,
    LayerRequest, NameRequest, NewComment, UpdatedFramesRequest, paths,
};
use crate::api::types::{
    Allocation, Comment, Depend, DependTarget, Frame, HardwareState, Host, Job, Layer, Order, Proc,
    Show,
};

/// Methods that send one request and return nothing, or one part of the answer: the name and
/// arguments, the RPC path, the request body, and what of the response to return.
macro_rules! rpc_calls {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $path:ident($req:expr)
            $(=> |$r:ident: $resp:ty| $pick:expr)?;
    )*) => {
        impl ApiClient {
            $(
                $(#[$doc])*
                pub async fn $name(&self, $($arg: $ty),*) -> Result<$out, ApiError> {
                    rpc_calls!(@answer self, paths::$path, &$req $(, |$r: $resp| $pick)?)
                }
            )*
        }
    };
    (@answer $client:ident, $path:expr, $req:expr) => {
        $client.call_empty($path, $req).await
    };
    (@answer $client:ident, $path:expr, $req:expr, |$r:ident: $resp:ty| $pick:expr) => {{
        let $r: $resp = $client.call($path, $req).await?;
        Ok($pick)
    }};
}

rpc_calls! {
    /// Every show.
    fn get_shows() -> Vec<Show> = SHOW_GET_SHOWS(Empty {})
        => |r: ShowsResponse| r.shows.shows;

    /// Active shows only (also the cheapest "is the gateway there" probe, as CueWeb uses it).
    fn get_active_shows() -> Vec<Show> = SHOW_GET_ACTIVE_SHOWS(Empty {})
        => |r: ShowsResponse| r.shows.shows;

    /// A show by name (404 when absent).
    fn find_show(name: &str) -> Show = SHOW_FIND_SHOW(NameRequest { name: name.into() })
        => |r: ShowResponse| r.show;

    /// Jobs matching the criteria, sorted by name. Empty criteria mean every pending job.
    fn get_jobs(criteria: &JobSearchCriteria) -> Vec<Job> = JOB_GET_JOBS(JobSearchRequest { r: criteria.clone() })
        => |r: JobsResponse| r.jobs.jobs;

    /// A job by id, in any state.
    fn get_job(id: &str) -> Job = JOB_GET_JOB(IdRequest { id: id.into() })
        => |r: JobResponse| r.job;

    /// A pending job by name (finished jobs are not found).
    fn find_job(name: &str) -> Job = JOB_FIND_JOB(NameRequest { name: name.into() })
        => |r: JobResponse| r.job;

    /// Sets a job's priority.
    fn set_job_priority(job_id: &str, priority: i32) -> () = JOB_SET_PRIORITY(JobIntRequest { job: IdRef::new(job_id), val: priority });

    /// Sets a job's minimum cores (Cuebot rounds to whole cores).
    fn set_job_min_cores(job_id: &str, cores: f32) -> () = JOB_SET_MIN_CORES(JobFloatRequest { job: IdRef::new(job_id), val: cores });

    /// Sets a job's maximum cores (Cuebot rounds to whole cores).
    fn set_job_max_cores(job_id: &str, cores: f32) -> () = JOB_SET_MAX_CORES(JobFloatRequest { job: IdRef::new(job_id), val: cores });

    /// Retries the job's frames matching `criteria`. Empty criteria retry **every** frame.
    fn retry_job_frames(job_id: &str, criteria: &FrameSearchCriteria) -> () = JOB_RETRY_FRAMES(JobFramesRequest { job: IdRef::new(job_id), req: without_paging(criteria) });

    /// Eats the job's frames matching `criteria`. Empty criteria eat **every** frame.
    fn eat_job_frames(job_id: &str, criteria: &FrameSearchCriteria) -> () = JOB_EAT_FRAMES(JobFramesRequest { job: IdRef::new(job_id), req: without_paging(criteria) });

    /// The layers of a job.
    fn get_layers(job_id: &str) -> Vec<Layer> = JOB_GET_LAYERS(JobRequest { job: IdRef::new(job_id) })
        => |r: LayersResponse| r.layers.layers;

    /// The comments of a job.
    fn get_job_comments(job_id: &str) -> Vec<Comment> = JOB_GET_COMMENTS(JobRequest { job: IdRef::new(job_id) })
        => |r: CommentsResponse| r.comments.comments;

    /// Adds a comment to a job (Cuebot sets its id and time).
    fn add_job_comment(job_id: &str, user: &str, subject: &str, message: &str) -> () = JOB_ADD_COMMENT(JobAddCommentRequest { job: IdRef::new(job_id), new_comment: new_comment(user, subject, message) });

    /// A frame by id.
    fn get_frame(frame_id: &str) -> Frame = FRAME_GET_FRAME(IdRequest { id: frame_id.into() })
        => |r: FrameResponse| r.frame;

    /// Hosts matching the criteria (empty: all hosts).
    fn get_hosts(criteria: &HostSearchCriteria) -> Vec<Host> = HOST_GET_HOSTS(HostSearchRequest { r: criteria.clone() })
        => |r: HostsResponse| r.hosts.hosts;

    /// A host by name.
    fn find_host(name: &str) -> Host = HOST_FIND_HOST(NameRequest { name: name.into() })
        => |r: HostResponse| r.host;

    /// A host by id (GetHost has no name lookup: use [`Self::find_host`]).
    fn get_host(host_id: &str) -> Host = HOST_GET_HOST(IdRequest { id: host_id.into() })
        => |r: HostResponse| r.host;

    /// The frames running on a host.
    fn get_host_procs(host_id: &str) -> Vec<Proc> = HOST_GET_PROCS(HostRequest { host: IdRef::new(host_id) })
        => |r: ProcsResponse| r.procs.procs;

    /// The comments of a host.
    fn get_host_comments(host_id: &str) -> Vec<Comment> = HOST_GET_COMMENTS(HostRequest { host: IdRef::new(host_id) })
        => |r: CommentsResponse| r.comments.comments;

    /// Adds a comment to a host.
    fn add_host_comment(host_id: &str, user: &str, subject: &str, message: &str) -> () = HOST_ADD_COMMENT(HostAddCommentRequest { host: IdRef::new(host_id), new_comment: new_comment(user, subject, message) });

    /// Pauses a job.
    fn pause_job(job_id: &str) -> () = JOB_PAUSE(JobRequest { job: IdRef::new(job_id) });

    /// Resumes a paused job.
    fn resume_job(job_id: &str) -> () = JOB_RESUME(JobRequest { job: IdRef::new(job_id) });

    /// Retries every frame of a layer.
    fn retry_layer_frames(layer_id: &str) -> () = LAYER_RETRY_FRAMES(LayerRequest { layer: IdRef::new(layer_id) });

    /// Eats every frame of a layer.
    fn eat_layer_frames(layer_id: &str) -> () = LAYER_EAT_FRAMES(LayerRequest { layer: IdRef::new(layer_id) });

    /// Retries one frame.
    fn retry_frame(frame_id: &str) -> () = FRAME_RETRY(FrameRequest { frame: IdRef::new(frame_id) });

    /// Eats one frame.
    fn eat_frame(frame_id: &str) -> () = FRAME_EAT(FrameRequest { frame: IdRef::new(frame_id) });

    /// Locks a host: it takes no new frames.
    fn lock_host(host_id: &str) -> () = HOST_LOCK(HostRequest { host: IdRef::new(host_id) });

    /// Unlocks a host (a NIMBY lock stays).
    fn unlock_host(host_id: &str) -> () = HOST_UNLOCK(HostRequest { host: IdRef::new(host_id) });

    /// Reboots a host once its running frames are done.
    fn reboot_host_when_idle(host_id: &str) -> () = HOST_REBOOT_WHEN_IDLE(HostRequest { host: IdRef::new(host_id) });

    /// Reboots a host now: its running frames are killed and go back to waiting.
    fn reboot_host(host_id: &str) -> () = HOST_REBOOT(HostRequest { host: IdRef::new(host_id) });

    /// Adds tags to a host (it takes the layers that ask for them).
    fn add_host_tags(host_id: &str, tags: &[String]) -> () = HOST_ADD_TAGS(HostTagsRequest { host: IdRef::new(host_id), tags: tags.to_vec() });

    /// Removes tags from a host.
    fn remove_host_tags(host_id: &str, tags: &[String]) -> () = HOST_REMOVE_TAGS(HostTagsRequest { host: IdRef::new(host_id), tags: tags.to_vec() });

    /// Moves a host to another allocation (by the allocation's id).
    fn set_host_allocation(host_id: &str, allocation_id: &str) -> () = HOST_SET_ALLOCATION(HostAllocationRequest { host: IdRef::new(host_id), allocation_id: allocation_id.into() });

    /// Sets a host's hardware state (repair takes it out of the farm; up puts it back).
    fn set_host_hardware_state(host_id: &str, state: HardwareState) -> () = HOST_SET_HARDWARE_STATE(HostHardwareStateRequest { host: IdRef::new(host_id), state });

    /// Every allocation of every facility.
    fn get_allocations() -> Vec<Allocation> = ALLOCATION_GET_ALL(Empty {})
        => |r: AllocationsResponse| r.allocations.allocations;

    /// Kills the frame running on a proc and frees the proc.
    fn kill_proc(proc_id: &str) -> () = PROC_KILL(ProcRequest { proc: IdRef::new(proc_id) });

    /// Unbooks a proc: it takes no new frame of its job; with `kill`, its frame is killed now.
    fn unbook_proc(proc_id: &str, kill: bool) -> () = PROC_UNBOOK(ProcUnbookRequest { proc: IdRef::new(proc_id), kill });

    /// Sends a proc to another job once its frame ends (or at once with `kill`). Returns whether
    /// Cuebot accepted the redirect.
    fn redirect_proc(proc_id: &str, job_id: &str, kill: bool) -> bool = PROC_REDIRECT_TO_JOB(ProcRedirectRequest { proc: IdRef::new(proc_id), job_id: job_id.into(), kill })
        => |r: BoolValueResponse| r.value;

    /// Sets a job's minimum GPUs.
    fn set_job_min_gpus(job_id: &str, gpus: i32) -> () = JOB_SET_MIN_GPUS(JobIntRequest { job: IdRef::new(job_id), val: gpus });

    /// Sets a job's maximum GPUs.
    fn set_job_max_gpus(job_id: &str, gpus: i32) -> () = JOB_SET_MAX_GPUS(JobIntRequest { job: IdRef::new(job_id), val: gpus });

    /// Turns auto-eat on or off: dead frames are eaten at once instead of waiting.
    fn set_job_auto_eat(job_id: &str, on: bool) -> () = JOB_SET_AUTO_EAT(JobBoolRequest { job: IdRef::new(job_id), value: on });

    /// Sets how many times a failing frame is tried before it is dead.
    fn set_job_max_retries(job_id: &str, retries: i32) -> () = JOB_SET_MAX_RETRIES(JobMaxRetriesRequest { job: IdRef::new(job_id), max_retries: retries });

    /// Marks the job's frames matching `criteria` done (succeeded without rendering), which
    /// releases what waits on them. Empty criteria mark **every** frame.
    fn mark_done_job_frames(job_id: &str, criteria: &FrameSearchCriteria) -> () = JOB_MARK_DONE_FRAMES(JobFramesRequest { job: IdRef::new(job_id), req: without_paging(criteria) });

    /// Sends the job's frames matching `criteria` back to waiting, ignoring their dependencies.
    fn mark_job_frames_waiting(job_id: &str, criteria: &FrameSearchCriteria) -> () = JOB_MARK_AS_WAITING(JobFramesRequest { job: IdRef::new(job_id), req: without_paging(criteria) });

    /// Moves the frames of `range` first or last in the dispatch order, or reverses them.
    fn reorder_job_frames(job_id: &str, range: &str, order: Order) -> () = JOB_REORDER_FRAMES(JobReorderRequest { job: IdRef::new(job_id), range: range.into(), order });

    /// Staggers the frames of `range` by `increment`: every increment-th frame first.
    fn stagger_job_frames(job_id: &str, range: &str, increment: i32) -> () = JOB_STAGGER_FRAMES(JobStaggerRequest { job: IdRef::new(job_id), range: range.into(), stagger: increment });

    /// Moves the frames of `range` in one layer first or last, or reverses them.
    fn reorder_layer_frames(layer_id: &str, range: &str, order: Order) -> () = LAYER_REORDER_FRAMES(LayerReorderRequest { layer: IdRef::new(layer_id), range: range.into(), order });

    /// Staggers the frames of `range` in one layer by `increment`.
    fn stagger_layer_frames(layer_id: &str, range: &str, increment: i32) -> () = LAYER_STAGGER_FRAMES(LayerStaggerRequest { layer: IdRef::new(layer_id), range: range.into(), stagger: increment });

    /// What the job waits on.
    fn get_what_job_depends_on(job_id: &str) -> Vec<Depend> = JOB_GET_WHAT_THIS_DEPENDS_ON(JobRequest { job: IdRef::new(job_id) })
        => |r: DependsResponse| r.depends.depends;

    /// What waits on the job.
    fn get_what_depends_on_job(job_id: &str) -> Vec<Depend> = JOB_GET_WHAT_DEPENDS_ON_THIS(JobRequest { job: IdRef::new(job_id) })
        => |r: DependsResponse| r.depends.depends;

    /// Drops the job's dependencies of `target` (internal, external or any).
    fn drop_job_depends(job_id: &str, target: DependTarget) -> () = JOB_DROP_DEPENDS(JobDropDependsRequest { job: IdRef::new(job_id), target });

    /// Satisfies one dependency: what waits on it goes ahead.
    fn satisfy_depend(depend_id: &str) -> () = DEPEND_SATISFY(DependRequest { depend: IdRef::new(depend_id) });

    /// Sends one frame back to waiting, ignoring its dependencies.
    fn mark_frame_waiting(frame_id: &str) -> () = FRAME_MARK_AS_WAITING(FrameRequest { frame: IdRef::new(frame_id) });

    /// Drops one frame's dependencies of `target`.
    fn drop_frame_depends(frame_id: &str, target: DependTarget) -> () = FRAME_DROP_DEPENDS(FrameDropDependsRequest { frame: IdRef::new(frame_id), target });

    /// Marks every frame of a layer done.
    fn mark_done_layer_frames(layer_id: &str) -> () = LAYER_MARKDONE_FRAMES(LayerRequest { layer: IdRef::new(layer_id) });

    /// Where a layer writes its renders (not its logs).
    fn get_layer_output_paths(layer_id: &str) -> Vec<String> = LAYER_GET_OUTPUT_PATHS(LayerRequest { layer: IdRef::new(layer_id) })
        => |r: OutputPathsResponse| r.output_paths;

    /// Sets the cores a frame of the layer is booked with.
    fn set_layer_min_cores(layer_id: &str, cores: f32) -> () = LAYER_SET_MIN_CORES(LayerCoresRequest { layer: IdRef::new(layer_id), cores });

    /// Sets the most cores a frame of the layer may use.
    fn set_layer_max_cores(layer_id: &str, cores: f32) -> () = LAYER_SET_MAX_CORES(LayerCoresRequest { layer: IdRef::new(layer_id), cores });

    /// Sets the memory a frame of the layer is booked with, in KB.
    fn set_layer_min_memory(layer_id: &str, kb: i64) -> () = LAYER_SET_MIN_MEMORY(LayerMemoryRequest { layer: IdRef::new(layer_id), memory: kb });

    /// Sets the GPU memory a frame of the layer is booked with, in KB.
    fn set_layer_min_gpu_memory(layer_id: &str, kb: i64) -> () = LAYER_SET_MIN_GPU_MEMORY(LayerGpuMemoryRequest { layer: IdRef::new(layer_id), gpu_memory: kb });

    /// Whether a frame of the layer may use more cores than booked.
    fn set_layer_threadable(layer_id: &str, on: bool) -> () = LAYER_SET_THREADABLE(LayerThreadableRequest { layer: IdRef::new(layer_id), threadable: on });

    /// Replaces the layer's tags (the hosts it may run on).
    fn set_layer_tags(layer_id: &str, tags: &[String]) -> () = LAYER_SET_TAGS(LayerTagsRequest { layer: IdRef::new(layer_id), tags: tags.to_vec() });

    /// Minutes a frame of the layer may run before it is killed (0: no limit).
    fn set_layer_timeout(layer_id: &str, minutes: i32) -> () = LAYER_SET_TIMEOUT(LayerTimeoutRequest { layer: IdRef::new(layer_id), timeout: minutes });

    /// Minutes a frame's log may stay unwritten before the frame is killed (0: no limit).
    fn set_layer_timeout_llu(layer_id: &str, minutes: i32) -> () = LAYER_SET_TIMEOUT_LLU(LayerTimeoutLluRequest { layer: IdRef::new(layer_id), timeout_llu: minutes });
}

impl ApiClient {
    /// Sends one layer setter.
    pub async fn set_layer(&self, layer_id: &str, setting: &LayerSetting) -> Result<(), ApiError> {
        match setting {
            LayerSetting::MinCores(c) => self.set_layer_min_cores(layer_id, *c).await,
            LayerSetting::MaxCores(c) => self.set_layer_max_cores(layer_id, *c).await,
            LayerSetting::MinMemory(kb) => self.set_layer_min_memory(layer_id, *kb).await,
            LayerSetting::MinGpuMemory(kb) => self.set_layer_min_gpu_memory(layer_id, *kb).await,
            LayerSetting::Threadable(on) => self.set_layer_threadable(layer_id, *on).await,
            LayerSetting::Tags(tags) => self.set_layer_tags(layer_id, tags).await,
            LayerSetting::Timeout(m) => self.set_layer_timeout(layer_id, *m).await,
            LayerSetting::TimeoutLlu(m) => self.set_layer_timeout_llu(layer_id, *m).await,
        }
    }

    /// The stuck frames of a show, as CueWeb's Stuck Frames page finds them: running frames
    /// whose log has not been written for `limit_secs` or more (LLU). One GetJobs for the show,
    /// then one GetFrames (running frames, a page of 500) per job that has running frames, a
    /// few at a time. Returns each stuck frame with its job's name, and how many jobs were
    /// looked at.
    pub async fn find_stuck_frames(
        &self,
        show: &str,
        limit_secs: i64,
    ) -> Result<(Vec<(String, Frame)>, usize), ApiError> {
        use futures_util::StreamExt as _;
        let jobs = self
            .get_jobs(&JobSearchCriteria {
                shows: vec![show.to_owned()],
                ..JobSearchCriteria::default()
            })
            .await?;
        let running: Vec<Job> = jobs
            .into_iter()
            .filter(|j| j.job_stats.running_frames > 0)
            .collect();
        let looked = running.len();
        let now = self.estimated_server_now();
        let pages: Vec<Result<(String, Vec<Frame>), ApiError>> =
            futures_util::stream::iter(running)
                .map(|job| async move {
                    let criteria = FrameSearchCriteria::first_in(
                        crate::api::types::FrameState::Running,
                        DEFAULT_FRAME_PAGE_SIZE,
                    );
                    let frames = self.get_frames(&job.id, &criteria).await?;
                    Ok((job.name, frames))
                })
                .buffered(4)
                .collect()
                .await;
        let mut stuck = Vec::new();
        for page in pages {
            let (job, frames) = page?;
            stuck.extend(
                frames
                    .into_iter()
                    .filter(|f| f.is_stuck(limit_secs, now))
                    .map(|f| (job.clone(), f)),
            );
        }
        Ok((stuck, looked))
    }

    /// Kills a job, recording who and why.
    pub async fn kill_job(&self, job_id: &str, why: &KillReason) -> Result<(), ApiError> {
        let req = JobKillRequest {
            job: IdRef::new(job_id),
            username: why.username.clone(),
            pid: std::process::id().to_string(),
            host_kill: String::new(),
            reason: why.reason.clone(),
        };
        self.call_empty(paths::JOB_KILL, &req).await
    }

    /// Kills the job's running frames matching `criteria`.
    pub async fn kill_job_frames(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
        why: &KillReason,
    ) -> Result<(), ApiError> {
        let req = JobKillFramesRequest {
            job: IdRef::new(job_id),
            req: without_paging(criteria),
            username: why.username.clone(),
            pid: std::process::id().to_string(),
            host_kill: String::new(),
            reason: why.reason.clone(),
        };
        self.call_empty(paths::JOB_KILL_FRAMES, &req).await
    }

    /// One page of a job's frames. `page` and `limit` are always sent (Cuebot returns nothing
    /// without them): unset ones become page 1 and [`DEFAULT_FRAME_PAGE_SIZE`].
    pub async fn get_frames(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, ApiError> {
        let req = JobFramesRequest {
            job: IdRef::new(job_id),
            req: with_paging(criteria),
        };
        let r: FramesResponse = self.call(paths::JOB_GET_FRAMES, &req).await?;
        Ok(r.frames.frames)
    }

    /// Pages through a job's frames; see [`FramePager`].
    pub fn frame_pager(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
        page_size: i32,
    ) -> FramePager {
        FramePager {
            client: self.clone(),
            job_id: job_id.to_owned(),
            criteria: criteria.clone(),
            page_size: page_size.max(1),
            next_page: 1,
            done: false,
        }
    }

    /// Every frame of a job matching `criteria`, however many, fetched page by page.
    pub async fn get_all_frames(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
        page_size: i32,
    ) -> Result<Vec<Frame>, ApiError> {
        let mut pager = self.frame_pager(job_id, criteria, page_size);
        let mut all = Vec::new();
        while let Some(page) = pager.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// Frames changed since `last_check` (epoch s by Cuebot's clock; pass the previous answer's
    /// `server_time`). At most 100 frames come back.
    ///
    /// Cuebot never answers when `last_check` is more than 60 s old, so such a call is not sent:
    /// it fails with [`ApiError::DeltaTooOld`] and the caller reloads all frames instead.
    pub async fn get_updated_frames(
        &self,
        job_id: &str,
        last_check: i32,
        layer_ids: &[String],
    ) -> Result<UpdatedFramesResponse, ApiError> {
        let age = self.estimated_server_now() - i64::from(last_check);
        if age > UPDATED_FRAMES_SAFE_AGE_SECS {
            return Err(ApiError::DeltaTooOld { age_secs: age });
        }
        let req = UpdatedFramesRequest {
            job: IdRef::new(job_id),
            last_check,
            layer_filter: LayerRefSeq {
                layers: layer_ids.iter().map(IdRef::new).collect(),
            },
        };
        let r: UpdatedFramesResponse = self.call(paths::JOB_GET_UPDATED_FRAMES, &req).await?;
        self.note_server_time(r.server_time);
        Ok(r)
    }

    // -----------------------------------------------------------------------------------------
    // LayerInterface

    /// One page of a layer's frames (the criteria travel as `s`); paging as [`Self::get_frames`].
    pub async fn get_layer_frames(
        &self,
        layer_id: &str,
        criteria: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, ApiError> {
        let req = LayerFramesRequest {
            layer: IdRef::new(layer_id),
            s: with_paging(criteria),
        };
        let r: FramesResponse = self.call(paths::LAYER_GET_FRAMES, &req).await?;
        Ok(r.frames.frames)
    }

    /// Kills every running frame of a layer.
    pub async fn kill_layer_frames(
        &self,
        layer_id: &str,
        why: &KillReason,
    ) -> Result<(), ApiError> {
        let req = LayerKillFramesRequest {
            layer: IdRef::new(layer_id),
            username: why.username.clone(),
            pid: std::process::id().to_string(),
            host_kill: String::new(),
            reason: why.reason.clone(),
        };
        self.call_empty(paths::LAYER_KILL_FRAMES, &req).await
    }

    /// Kills one running frame.
    pub async fn kill_frame(&self, frame_id: &str, why: &KillReason) -> Result<(), ApiError> {
        let req = FrameKillRequest {
            frame: IdRef::new(frame_id),
            username: why.username.clone(),
            pid: std::process::id().to_string(),
            host_kill: String::new(),
            reason: why.reason.clone(),
        };
        self.call_empty(paths::FRAME_KILL, &req).await
    }
}

/// Fetches a job's frames one page at a time, so a caller can show them as they arrive.
#[derive(Debug)]
pub struct FramePager {
    client: ApiClient,
    job_id: String,
    criteria: FrameSearchCriteria,
    page_size: i32,
    next_page: i32,
    done: bool,
}

impl FramePager {
    /// The next page, or `None` after the last one (a page shorter than the page size).
    pub async fn next_page(&mut self) -> Result<Option<Vec<Frame>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let mut criteria = self.criteria.clone();
        criteria.page = self.next_page;
        criteria.limit = self.page_size;
        let frames = self.client.get_frames(&self.job_id, &criteria).await?;
        self.next_page += 1;
        if frames.len() < usize::try_from(self.page_size).unwrap_or(usize::MAX) {
            self.done = true;
        }
        if frames.is_empty() {
            Ok(None)
        } else {
            Ok(Some(frames))
        }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> i32 {
        self.next_page - 1
    }
}

pub(crate) fn with_paging(criteria: &FrameSearchCriteria) -> FrameSearchCriteria {
    let mut c = criteria.clone();
    if c.page < 1 {
        c.page = 1;
    }
    if c.limit < 1 {
        c.limit = DEFAULT_FRAME_PAGE_SIZE;
    }
    c
}

/// Retry/Eat/Kill use Cuebot's unpaged query: paging fields mean nothing there.
pub(crate) fn without_paging(criteria: &FrameSearchCriteria) -> FrameSearchCriteria {
    FrameSearchCriteria {
        page: 0,
        limit: 0,
        ..criteria.clone()
    }
}

fn new_comment(user: &str, subject: &str, message: &str) -> NewComment {
    NewComment {
        user: user.into(),
        subject: subject.into(),
        message: message.into(),
    }
}
