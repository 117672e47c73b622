//! One method per gateway RPC: the request it sends and the part of the answer it returns.
//! Calls that name one object and return nothing are written as one line each in
//! [`id_calls!`]; the rest spell out their request.

use crate::api::ApiError;
use crate::api::client::{
    ApiClient, DEFAULT_FRAME_PAGE_SIZE, KillReason, UPDATED_FRAMES_SAFE_AGE_SECS,
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
use crate::api::types::{Comment, Frame, Host, Job, Layer, Proc, Show};

/// Methods that send `{<field>: {id}}` to one RPC and return nothing.
macro_rules! id_calls {
    ($($(#[$doc:meta])* $name:ident($arg:ident) => $path:ident, $req:ident { $field:ident };)*) => {
        impl ApiClient {
            $(
                $(#[$doc])*
                pub async fn $name(&self, $arg: &str) -> Result<(), ApiError> {
                    self.call_empty(paths::$path, &$req { $field: IdRef::new($arg) }).await
                }
            )*
        }
    };
}

id_calls! {
    /// Pauses a job.
    pause_job(job_id) => JOB_PAUSE, JobRequest { job };
    /// Resumes a paused job.
    resume_job(job_id) => JOB_RESUME, JobRequest { job };
    /// Retries every frame of a layer.
    retry_layer_frames(layer_id) => LAYER_RETRY_FRAMES, LayerRequest { layer };
    /// Eats every frame of a layer.
    eat_layer_frames(layer_id) => LAYER_EAT_FRAMES, LayerRequest { layer };
    /// Retries one frame.
    retry_frame(frame_id) => FRAME_RETRY, FrameRequest { frame };
    /// Eats one frame.
    eat_frame(frame_id) => FRAME_EAT, FrameRequest { frame };
    /// Locks a host: it takes no new frames.
    lock_host(host_id) => HOST_LOCK, HostRequest { host };
    /// Unlocks a host (a NIMBY lock stays).
    unlock_host(host_id) => HOST_UNLOCK, HostRequest { host };
    /// Reboots a host once its running frames are done.
    reboot_host_when_idle(host_id) => HOST_REBOOT_WHEN_IDLE, HostRequest { host };
}

impl ApiClient {
    // -----------------------------------------------------------------------------------------
    // ShowInterface

    /// Every show.
    pub async fn get_shows(&self) -> Result<Vec<Show>, ApiError> {
        let r: ShowsResponse = self.call(paths::SHOW_GET_SHOWS, &Empty {}).await?;
        Ok(r.shows.shows)
    }

    /// Active shows only (also the cheapest "is the gateway there" probe, as CueWeb uses it).
    pub async fn get_active_shows(&self) -> Result<Vec<Show>, ApiError> {
        let r: ShowsResponse = self.call(paths::SHOW_GET_ACTIVE_SHOWS, &Empty {}).await?;
        Ok(r.shows.shows)
    }

    /// A show by name (404 when absent).
    pub async fn find_show(&self, name: &str) -> Result<Show, ApiError> {
        let r: ShowResponse = self
            .call(paths::SHOW_FIND_SHOW, &NameRequest { name: name.into() })
            .await?;
        Ok(r.show)
    }

    // -----------------------------------------------------------------------------------------
    // JobInterface

    /// Jobs matching the criteria, sorted by name. Empty criteria mean every pending job.
    pub async fn get_jobs(&self, criteria: &JobSearchCriteria) -> Result<Vec<Job>, ApiError> {
        let r: JobsResponse = self
            .call(
                paths::JOB_GET_JOBS,
                &JobSearchRequest {
                    r: criteria.clone(),
                },
            )
            .await?;
        Ok(r.jobs.jobs)
    }

    /// A job by id, in any state.
    pub async fn get_job(&self, id: &str) -> Result<Job, ApiError> {
        let r: JobResponse = self
            .call(paths::JOB_GET_JOB, &IdRequest { id: id.into() })
            .await?;
        Ok(r.job)
    }

    /// A pending job by name (finished jobs are not found).
    pub async fn find_job(&self, name: &str) -> Result<Job, ApiError> {
        let r: JobResponse = self
            .call(paths::JOB_FIND_JOB, &NameRequest { name: name.into() })
            .await?;
        Ok(r.job)
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

    /// Sets a job's priority.
    pub async fn set_job_priority(&self, job_id: &str, priority: i32) -> Result<(), ApiError> {
        self.call_empty(
            paths::JOB_SET_PRIORITY,
            &JobIntRequest {
                job: IdRef::new(job_id),
                val: priority,
            },
        )
        .await
    }

    /// Sets a job's minimum cores (Cuebot rounds to whole cores).
    pub async fn set_job_min_cores(&self, job_id: &str, cores: f32) -> Result<(), ApiError> {
        self.call_empty(
            paths::JOB_SET_MIN_CORES,
            &JobFloatRequest {
                job: IdRef::new(job_id),
                val: cores,
            },
        )
        .await
    }

    /// Sets a job's maximum cores (Cuebot rounds to whole cores).
    pub async fn set_job_max_cores(&self, job_id: &str, cores: f32) -> Result<(), ApiError> {
        self.call_empty(
            paths::JOB_SET_MAX_CORES,
            &JobFloatRequest {
                job: IdRef::new(job_id),
                val: cores,
            },
        )
        .await
    }

    /// Retries the job's frames matching `criteria`. Empty criteria retry **every** frame.
    pub async fn retry_job_frames(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
    ) -> Result<(), ApiError> {
        let req = JobFramesRequest {
            job: IdRef::new(job_id),
            req: without_paging(criteria),
        };
        self.call_empty(paths::JOB_RETRY_FRAMES, &req).await
    }

    /// Eats the job's frames matching `criteria`. Empty criteria eat **every** frame.
    pub async fn eat_job_frames(
        &self,
        job_id: &str,
        criteria: &FrameSearchCriteria,
    ) -> Result<(), ApiError> {
        let req = JobFramesRequest {
            job: IdRef::new(job_id),
            req: without_paging(criteria),
        };
        self.call_empty(paths::JOB_EAT_FRAMES, &req).await
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

    /// The layers of a job.
    pub async fn get_layers(&self, job_id: &str) -> Result<Vec<Layer>, ApiError> {
        let r: LayersResponse = self
            .call(
                paths::JOB_GET_LAYERS,
                &JobRequest {
                    job: IdRef::new(job_id),
                },
            )
            .await?;
        Ok(r.layers.layers)
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

    /// The comments of a job.
    pub async fn get_job_comments(&self, job_id: &str) -> Result<Vec<Comment>, ApiError> {
        let r: CommentsResponse = self
            .call(
                paths::JOB_GET_COMMENTS,
                &JobRequest {
                    job: IdRef::new(job_id),
                },
            )
            .await?;
        Ok(r.comments.comments)
    }

    /// Adds a comment to a job (Cuebot sets its id and time).
    pub async fn add_job_comment(
        &self,
        job_id: &str,
        user: &str,
        subject: &str,
        message: &str,
    ) -> Result<(), ApiError> {
        let req = JobAddCommentRequest {
            job: IdRef::new(job_id),
            new_comment: new_comment(user, subject, message),
        };
        self.call_empty(paths::JOB_ADD_COMMENT, &req).await
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

    // -----------------------------------------------------------------------------------------
    // FrameInterface

    /// A frame by id.
    pub async fn get_frame(&self, frame_id: &str) -> Result<Frame, ApiError> {
        let r: FrameResponse = self
            .call(
                paths::FRAME_GET_FRAME,
                &IdRequest {
                    id: frame_id.into(),
                },
            )
            .await?;
        Ok(r.frame)
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

    // -----------------------------------------------------------------------------------------
    // HostInterface

    /// Hosts matching the criteria (empty: all hosts).
    pub async fn get_hosts(&self, criteria: &HostSearchCriteria) -> Result<Vec<Host>, ApiError> {
        let r: HostsResponse = self
            .call(
                paths::HOST_GET_HOSTS,
                &HostSearchRequest {
                    r: criteria.clone(),
                },
            )
            .await?;
        Ok(r.hosts.hosts)
    }

    /// A host by name.
    pub async fn find_host(&self, name: &str) -> Result<Host, ApiError> {
        let r: HostResponse = self
            .call(paths::HOST_FIND_HOST, &NameRequest { name: name.into() })
            .await?;
        Ok(r.host)
    }

    /// A host by id (GetHost has no name lookup: use [`Self::find_host`]).
    pub async fn get_host(&self, host_id: &str) -> Result<Host, ApiError> {
        let r: HostResponse = self
            .call(paths::HOST_GET_HOST, &IdRequest { id: host_id.into() })
            .await?;
        Ok(r.host)
    }

    /// The frames running on a host.
    pub async fn get_host_procs(&self, host_id: &str) -> Result<Vec<Proc>, ApiError> {
        let r: ProcsResponse = self
            .call(
                paths::HOST_GET_PROCS,
                &HostRequest {
                    host: IdRef::new(host_id),
                },
            )
            .await?;
        Ok(r.procs.procs)
    }

    /// The comments of a host.
    pub async fn get_host_comments(&self, host_id: &str) -> Result<Vec<Comment>, ApiError> {
        let r: CommentsResponse = self
            .call(
                paths::HOST_GET_COMMENTS,
                &HostRequest {
                    host: IdRef::new(host_id),
                },
            )
            .await?;
        Ok(r.comments.comments)
    }

    /// Adds a comment to a host.
    pub async fn add_host_comment(
        &self,
        host_id: &str,
        user: &str,
        subject: &str,
        message: &str,
    ) -> Result<(), ApiError> {
        let req = HostAddCommentRequest {
            host: IdRef::new(host_id),
            new_comment: new_comment(user, subject, message),
        };
        self.call_empty(paths::HOST_ADD_COMMENT, &req).await
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
