//! The simulated wrangler's calls (job settings, frame order and state, dependencies, layer
//! properties, host tags, allocation and hardware state, procs, allocations).

use crate::api::requests::LayerSetting;
use crate::api::requests::{
    AllocationsResponse, BoolValueResponse, DependRequest, DependsResponse, Empty,
    FrameDropDependsRequest, FrameRequest, HostAllocationRequest, HostHardwareStateRequest,
    HostRequest, HostTagsRequest, JobBoolRequest, JobDropDependsRequest, JobFramesRequest,
    JobIntRequest, JobMaxRetriesRequest, JobReorderRequest, JobRequest, JobStaggerRequest,
    LayerCoresRequest, LayerGpuMemoryRequest, LayerMemoryRequest, LayerReorderRequest,
    LayerRequest, LayerStaggerRequest, LayerTagsRequest, LayerThreadableRequest,
    LayerTimeoutLluRequest, LayerTimeoutRequest, OutputPathsResponse, ProcRedirectRequest,
    ProcRequest, ProcUnbookRequest, paths,
};
use crate::sim::farm::{Farm, FrameAction, Reorder, SimError};

use super::{act, check_frame_enums, decode, reply};

/// The paths [`dispatch`] answers.
pub const SIMULATED: &[&str] = &[
    paths::JOB_SET_MIN_GPUS,
    paths::JOB_SET_MAX_GPUS,
    paths::JOB_SET_AUTO_EAT,
    paths::JOB_SET_MAX_RETRIES,
    paths::JOB_MARK_DONE_FRAMES,
    paths::JOB_MARK_AS_WAITING,
    paths::JOB_REORDER_FRAMES,
    paths::JOB_STAGGER_FRAMES,
    paths::JOB_GET_WHAT_THIS_DEPENDS_ON,
    paths::JOB_GET_WHAT_DEPENDS_ON_THIS,
    paths::JOB_DROP_DEPENDS,
    paths::LAYER_MARKDONE_FRAMES,
    paths::LAYER_REORDER_FRAMES,
    paths::LAYER_STAGGER_FRAMES,
    paths::LAYER_GET_OUTPUT_PATHS,
    paths::LAYER_SET_MIN_CORES,
    paths::LAYER_SET_MAX_CORES,
    paths::LAYER_SET_MIN_MEMORY,
    paths::LAYER_SET_MIN_GPU_MEMORY,
    paths::LAYER_SET_THREADABLE,
    paths::LAYER_SET_TAGS,
    paths::LAYER_SET_TIMEOUT,
    paths::LAYER_SET_TIMEOUT_LLU,
    paths::FRAME_MARK_AS_WAITING,
    paths::FRAME_DROP_DEPENDS,
    paths::DEPEND_SATISFY,
    paths::HOST_ADD_TAGS,
    paths::HOST_REMOVE_TAGS,
    paths::HOST_SET_ALLOCATION,
    paths::HOST_SET_HARDWARE_STATE,
    paths::HOST_REBOOT,
    paths::PROC_KILL,
    paths::PROC_UNBOOK,
    paths::PROC_REDIRECT_TO_JOB,
    paths::ALLOCATION_GET_ALL,
];

/// Answers one of [`SIMULATED`]; `None` for any other path.
#[allow(clippy::too_many_lines)]
pub fn dispatch(
    farm: &mut Farm,
    path: &str,
    body: &[u8],
    now: i64,
) -> Option<Result<Vec<u8>, SimError>> {
    let answer = match path {
        paths::JOB_SET_MIN_GPUS | paths::JOB_SET_MAX_GPUS => act(body, |r: JobIntRequest| {
            farm.set_gpus(&r.job.id, r.val, path == paths::JOB_SET_MAX_GPUS)
        }),
        paths::JOB_SET_AUTO_EAT => act(body, |r: JobBoolRequest| {
            farm.set_auto_eat(&r.job.id, r.value)
        }),
        paths::JOB_SET_MAX_RETRIES => act(body, |r: JobMaxRetriesRequest| {
            farm.set_max_retries(&r.job.id, r.max_retries)
        }),
        paths::JOB_MARK_DONE_FRAMES | paths::JOB_MARK_AS_WAITING => {
            act(body, |r: JobFramesRequest| {
                check_frame_enums(&r.req)?;
                let action = if path == paths::JOB_MARK_DONE_FRAMES {
                    FrameAction::MarkDone
                } else {
                    FrameAction::Release
                };
                farm.frames_action(&r.job.id, &r.req, action, now)
            })
        }
        paths::JOB_REORDER_FRAMES => act(body, |r: JobReorderRequest| {
            let j = farm.pending_job(&r.job.id)?;
            farm.reorder_frames(j, None, &r.range, &Reorder::Order(r.order))
        }),
        paths::JOB_STAGGER_FRAMES => act(body, |r: JobStaggerRequest| {
            let j = farm.pending_job(&r.job.id)?;
            farm.reorder_frames(j, None, &r.range, &Reorder::Stagger(r.stagger))
        }),
        paths::LAYER_REORDER_FRAMES => act(body, |r: LayerReorderRequest| {
            let (j, l) = farm.pending_layer(&r.layer.id)?;
            farm.reorder_frames(j, Some(l), &r.range, &Reorder::Order(r.order))
        }),
        paths::LAYER_STAGGER_FRAMES => act(body, |r: LayerStaggerRequest| {
            let (j, l) = farm.pending_layer(&r.layer.id)?;
            farm.reorder_frames(j, Some(l), &r.range, &Reorder::Stagger(r.stagger))
        }),
        paths::JOB_GET_WHAT_THIS_DEPENDS_ON | paths::JOB_GET_WHAT_DEPENDS_ON_THIS => {
            decode::<JobRequest>(body).and_then(|r| {
                reply(&DependsResponse {
                    depends: farm.job_depends(&r.job.id)?.into(),
                })
            })
        }
        paths::JOB_DROP_DEPENDS => act(body, |r: JobDropDependsRequest| {
            farm.drop_job_depends(&r.job.id, &r.target, now)
        }),
        paths::DEPEND_SATISFY => act(body, |r: DependRequest| {
            farm.satisfy_depend(&r.depend.id, now)
        }),
        paths::FRAME_MARK_AS_WAITING => act(body, |r: FrameRequest| {
            farm.frame_action(&r.frame.id, FrameAction::Release, now)
        }),
        paths::FRAME_DROP_DEPENDS => act(body, |r: FrameDropDependsRequest| {
            farm.frame_action(&r.frame.id, FrameAction::Release, now)
        }),
        paths::LAYER_MARKDONE_FRAMES => act(body, |r: LayerRequest| {
            farm.layer_action(&r.layer.id, FrameAction::MarkDone, now)
        }),
        paths::LAYER_GET_OUTPUT_PATHS => decode::<LayerRequest>(body).and_then(|r| {
            reply(&OutputPathsResponse {
                output_paths: farm.output_paths(&r.layer.id)?,
            })
        }),
        paths::LAYER_SET_MIN_CORES | paths::LAYER_SET_MAX_CORES => {
            act(body, |r: LayerCoresRequest| {
                let edit = if path == paths::LAYER_SET_MIN_CORES {
                    LayerSetting::MinCores(r.cores)
                } else {
                    LayerSetting::MaxCores(r.cores)
                };
                farm.edit_layer(&r.layer.id, edit)
            })
        }
        paths::LAYER_SET_MIN_MEMORY => act(body, |r: LayerMemoryRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::MinMemory(r.memory))
        }),
        paths::LAYER_SET_MIN_GPU_MEMORY => act(body, |r: LayerGpuMemoryRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::MinGpuMemory(r.gpu_memory))
        }),
        paths::LAYER_SET_THREADABLE => act(body, |r: LayerThreadableRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::Threadable(r.threadable))
        }),
        paths::LAYER_SET_TAGS => act(body, |r: LayerTagsRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::Tags(r.tags))
        }),
        paths::LAYER_SET_TIMEOUT => act(body, |r: LayerTimeoutRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::Timeout(r.timeout))
        }),
        paths::LAYER_SET_TIMEOUT_LLU => act(body, |r: LayerTimeoutLluRequest| {
            farm.edit_layer(&r.layer.id, LayerSetting::TimeoutLlu(r.timeout_llu))
        }),
        paths::HOST_ADD_TAGS | paths::HOST_REMOVE_TAGS => act(body, |r: HostTagsRequest| {
            farm.edit_host_tags(&r.host.id, &r.tags, path == paths::HOST_ADD_TAGS)
        }),
        paths::HOST_SET_ALLOCATION => act(body, |r: HostAllocationRequest| {
            farm.set_allocation(&r.host.id, &r.allocation_id)
        }),
        paths::HOST_SET_HARDWARE_STATE => act(body, |r: HostHardwareStateRequest| {
            farm.set_hardware_state(&r.host.id, r.state)
        }),
        paths::HOST_REBOOT => act(body, |r: HostRequest| farm.reboot_now(&r.host.id, now)),
        paths::PROC_KILL => act(body, |r: ProcRequest| farm.kill_proc(&r.proc.id, now)),
        paths::PROC_UNBOOK => act(body, |r: ProcUnbookRequest| {
            farm.unbook_proc(&r.proc.id, r.kill, now)
        }),
        paths::PROC_REDIRECT_TO_JOB => decode::<ProcRedirectRequest>(body).and_then(|r| {
            let value = farm.redirect_proc(&r.proc.id, &r.job_id, r.kill, now)?;
            reply(&BoolValueResponse { value })
        }),
        paths::ALLOCATION_GET_ALL => decode::<Empty>(body).and_then(|_| {
            reply(&AllocationsResponse {
                allocations: farm.allocations().into(),
            })
        }),
        _ => return None,
    };
    Some(answer)
}
