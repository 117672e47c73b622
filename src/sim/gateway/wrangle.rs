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
use crate::sim::farm::{Farm, Reorder, SimError};

use super::{EMPTY, check_frame_enums, decode, reply};

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

fn done() -> Result<Vec<u8>, SimError> {
    Ok(EMPTY.to_vec())
}

fn layer_edit(farm: &mut Farm, id: &str, edit: LayerSetting) -> Result<Vec<u8>, SimError> {
    farm.edit_layer(id, edit)?;
    done()
}

/// Answers one of [`SIMULATED`]; `None` for any other path.
#[allow(clippy::too_many_lines)]
pub fn dispatch(
    farm: &mut Farm,
    path: &str,
    body: &[u8],
    now: i64,
) -> Option<Result<Vec<u8>, SimError>> {
    let answer = match path {
        paths::JOB_SET_MIN_GPUS | paths::JOB_SET_MAX_GPUS => decode::<JobIntRequest>(body)
            .and_then(|r| farm.set_gpus(&r.job.id, r.val, path == paths::JOB_SET_MAX_GPUS))
            .and_then(|()| done()),
        paths::JOB_SET_AUTO_EAT => decode::<JobBoolRequest>(body)
            .and_then(|r| farm.set_auto_eat(&r.job.id, r.value))
            .and_then(|()| done()),
        paths::JOB_SET_MAX_RETRIES => decode::<JobMaxRetriesRequest>(body)
            .and_then(|r| farm.set_max_retries(&r.job.id, r.max_retries))
            .and_then(|()| done()),
        paths::JOB_MARK_DONE_FRAMES | paths::JOB_MARK_AS_WAITING => {
            decode::<JobFramesRequest>(body).and_then(|r| {
                check_frame_enums(&r.req)?;
                farm.mark_frames(&r.job.id, &r.req, path == paths::JOB_MARK_DONE_FRAMES, now)?;
                done()
            })
        }
        paths::JOB_REORDER_FRAMES => decode::<JobReorderRequest>(body).and_then(|r| {
            let j = farm.pending_job(&r.job.id)?;
            farm.reorder_frames(j, None, &r.range, &Reorder::Order(r.order))?;
            done()
        }),
        paths::JOB_STAGGER_FRAMES => decode::<JobStaggerRequest>(body).and_then(|r| {
            let j = farm.pending_job(&r.job.id)?;
            farm.reorder_frames(j, None, &r.range, &Reorder::Stagger(r.stagger))?;
            done()
        }),
        paths::LAYER_REORDER_FRAMES => decode::<LayerReorderRequest>(body).and_then(|r| {
            let (j, l) = farm.pending_layer(&r.layer.id)?;
            farm.reorder_frames(j, Some(l), &r.range, &Reorder::Order(r.order))?;
            done()
        }),
        paths::LAYER_STAGGER_FRAMES => decode::<LayerStaggerRequest>(body).and_then(|r| {
            let (j, l) = farm.pending_layer(&r.layer.id)?;
            farm.reorder_frames(j, Some(l), &r.range, &Reorder::Stagger(r.stagger))?;
            done()
        }),
        paths::JOB_GET_WHAT_THIS_DEPENDS_ON | paths::JOB_GET_WHAT_DEPENDS_ON_THIS => {
            decode::<JobRequest>(body).and_then(|r| {
                reply(&DependsResponse {
                    depends: farm.job_depends(&r.job.id)?.into(),
                })
            })
        }
        paths::JOB_DROP_DEPENDS => decode::<JobDropDependsRequest>(body)
            .and_then(|r| farm.drop_job_depends(&r.job.id, &r.target, now))
            .and_then(|()| done()),
        paths::DEPEND_SATISFY => decode::<DependRequest>(body)
            .and_then(|r| farm.satisfy_depend(&r.depend.id, now))
            .and_then(|()| done()),
        paths::FRAME_MARK_AS_WAITING => decode::<FrameRequest>(body)
            .and_then(|r| farm.release_frame(&r.frame.id, now))
            .and_then(|()| done()),
        paths::FRAME_DROP_DEPENDS => decode::<FrameDropDependsRequest>(body)
            .and_then(|r| farm.release_frame(&r.frame.id, now))
            .and_then(|()| done()),
        paths::LAYER_MARKDONE_FRAMES => decode::<LayerRequest>(body)
            .and_then(|r| farm.mark_done_layer(&r.layer.id, now))
            .and_then(|_| done()),
        paths::LAYER_GET_OUTPUT_PATHS => decode::<LayerRequest>(body).and_then(|r| {
            reply(&OutputPathsResponse {
                output_paths: farm.output_paths(&r.layer.id)?,
            })
        }),
        paths::LAYER_SET_MIN_CORES | paths::LAYER_SET_MAX_CORES => {
            decode::<LayerCoresRequest>(body).and_then(|r| {
                let edit = if path == paths::LAYER_SET_MIN_CORES {
                    LayerSetting::MinCores(r.cores)
                } else {
                    LayerSetting::MaxCores(r.cores)
                };
                layer_edit(farm, &r.layer.id, edit)
            })
        }
        paths::LAYER_SET_MIN_MEMORY => decode::<LayerMemoryRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::MinMemory(r.memory))),
        paths::LAYER_SET_MIN_GPU_MEMORY => decode::<LayerGpuMemoryRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::MinGpuMemory(r.gpu_memory))),
        paths::LAYER_SET_THREADABLE => decode::<LayerThreadableRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::Threadable(r.threadable))),
        paths::LAYER_SET_TAGS => decode::<LayerTagsRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::Tags(r.tags))),
        paths::LAYER_SET_TIMEOUT => decode::<LayerTimeoutRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::Timeout(r.timeout))),
        paths::LAYER_SET_TIMEOUT_LLU => decode::<LayerTimeoutLluRequest>(body)
            .and_then(|r| layer_edit(farm, &r.layer.id, LayerSetting::TimeoutLlu(r.timeout_llu))),
        paths::HOST_ADD_TAGS | paths::HOST_REMOVE_TAGS => decode::<HostTagsRequest>(body)
            .and_then(|r| farm.edit_host_tags(&r.host.id, &r.tags, path == paths::HOST_ADD_TAGS))
            .and_then(|()| done()),
        paths::HOST_SET_ALLOCATION => decode::<HostAllocationRequest>(body)
            .and_then(|r| farm.set_allocation(&r.host.id, &r.allocation_id))
            .and_then(|()| done()),
        paths::HOST_SET_HARDWARE_STATE => decode::<HostHardwareStateRequest>(body)
            .and_then(|r| farm.set_hardware_state(&r.host.id, r.state))
            .and_then(|()| done()),
        paths::HOST_REBOOT => decode::<HostRequest>(body)
            .and_then(|r| farm.reboot_now(&r.host.id, now))
            .and_then(|()| done()),
        paths::PROC_KILL => decode::<ProcRequest>(body)
            .and_then(|r| farm.kill_proc(&r.proc.id, now))
            .and_then(|()| done()),
        paths::PROC_UNBOOK => decode::<ProcUnbookRequest>(body)
            .and_then(|r| farm.unbook_proc(&r.proc.id, r.kill, now))
            .and_then(|()| done()),
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
