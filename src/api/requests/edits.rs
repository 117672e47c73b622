//! The bodies of the wrangler's calls: job settings, frame order and state, dependencies, layer
//! properties, host tags, allocation and hardware state, and procs (contract §4, OpenCue's
//! `job.proto`, `host.proto`, `depend.proto`, `facility.proto`).

use crate::api::de::message;
use crate::api::requests::IdRef;
use crate::api::types::{AllocationSeq, DependSeq, DependTarget, HardwareState, Order};

message! { skip_unset;
    /// `{"job", "value": bool}` (SetAutoEat).
    pub struct JobBoolRequest {
        pub job: IdRef,
        pub value: bool,
    }
}

message! { skip_unset;
    /// `{"job", "maxRetries"}` (SetMaxRetries).
    pub struct JobMaxRetriesRequest {
        pub job: IdRef,
        #[serde(alias = "max_retries")]
        pub max_retries: i32,
    }
}

message! { skip_unset;
    /// `{"job", "range", "order"}` (ReorderFrames): a frame spec, e.g. `1-100`.
    pub struct JobReorderRequest {
        pub job: IdRef,
        pub range: String,
        pub order: Order,
    }
}

message! { skip_unset;
    /// `{"job", "range", "stagger"}` (StaggerFrames).
    pub struct JobStaggerRequest {
        pub job: IdRef,
        pub range: String,
        pub stagger: i32,
    }
}

message! { skip_unset;
    /// `{"layer", "range", "order"}` (LayerInterface ReorderFrames).
    pub struct LayerReorderRequest {
        pub layer: IdRef,
        pub range: String,
        pub order: Order,
    }
}

message! { skip_unset;
    /// `{"layer", "range", "stagger"}` (LayerInterface StaggerFrames).
    pub struct LayerStaggerRequest {
        pub layer: IdRef,
        pub range: String,
        pub stagger: i32,
    }
}

message! { skip_unset;
    /// `{"job", "target"}` (JobInterface DropDepends).
    pub struct JobDropDependsRequest {
        pub job: IdRef,
        pub target: DependTarget,
    }
}

message! { skip_unset;
    /// `{"frame", "target"}` (FrameInterface DropDepends).
    pub struct FrameDropDependsRequest {
        pub frame: IdRef,
        pub target: DependTarget,
    }
}

message! { skip_unset;
    /// `{"depend": {"id"}}` (DependInterface Satisfy).
    pub struct DependRequest {
        pub depend: IdRef,
    }
}

message! { emit_all;
    /// `{"depends": {"depends": [Depend]}}` (GetWhatThisDependsOn, GetWhatDependsOnThis).
    pub struct DependsResponse {
        pub depends: DependSeq,
    }
}

message! { skip_unset;
    /// `{"layer", "cores"}` (LayerInterface SetMinCores / SetMaxCores).
    pub struct LayerCoresRequest {
        pub layer: IdRef,
        pub cores: f32,
    }
}

message! { skip_unset;
    /// `{"layer", "memory"}` in KB (SetMinMemory).
    pub struct LayerMemoryRequest {
        pub layer: IdRef,
        pub memory: i64,
    }
}

message! { skip_unset;
    /// `{"layer", "gpuMemory"}` in KB (SetMinGpuMemory).
    pub struct LayerGpuMemoryRequest {
        pub layer: IdRef,
        #[serde(alias = "gpu_memory")]
        pub gpu_memory: i64,
    }
}

message! { skip_unset;
    /// `{"layer", "threadable"}` (SetThreadable).
    pub struct LayerThreadableRequest {
        pub layer: IdRef,
        pub threadable: bool,
    }
}

message! { skip_unset;
    /// `{"layer", "tags"}` (SetTags: the whole list).
    pub struct LayerTagsRequest {
        pub layer: IdRef,
        pub tags: Vec<String>,
    }
}

message! { skip_unset;
    /// `{"layer", "timeout"}` in minutes (SetTimeout).
    pub struct LayerTimeoutRequest {
        pub layer: IdRef,
        pub timeout: i32,
    }
}

message! { skip_unset;
    /// `{"layer", "timeoutLlu"}` in minutes (SetTimeoutLLU).
    pub struct LayerTimeoutLluRequest {
        pub layer: IdRef,
        #[serde(alias = "timeout_llu")]
        pub timeout_llu: i32,
    }
}

message! { emit_all;
    /// `{"outputPaths": [string]}` (GetOutputPaths; a plain list, not double-wrapped).
    pub struct OutputPathsResponse {
        #[serde(alias = "output_paths")]
        pub output_paths: Vec<String>,
    }
}

message! { skip_unset;
    /// `{"host", "tags"}` (AddTags, RemoveTags).
    pub struct HostTagsRequest {
        pub host: IdRef,
        pub tags: Vec<String>,
    }
}

message! { skip_unset;
    /// `{"host", "allocationId"}` (SetAllocation).
    pub struct HostAllocationRequest {
        pub host: IdRef,
        #[serde(alias = "allocation_id")]
        pub allocation_id: String,
    }
}

message! { skip_unset;
    /// `{"host", "state"}` (SetHardwareState).
    pub struct HostHardwareStateRequest {
        pub host: IdRef,
        pub state: HardwareState,
    }
}

message! { skip_unset;
    /// `{"proc": {"id"}}` (ProcInterface Kill).
    pub struct ProcRequest {
        pub proc: IdRef,
    }
}

message! { skip_unset;
    /// `{"proc", "kill"}` (Unbook: the proc is freed when its frame ends, or at once with kill).
    pub struct ProcUnbookRequest {
        pub proc: IdRef,
        pub kill: bool,
    }
}

message! { skip_unset;
    /// `{"proc", "jobId", "kill"}` (RedirectToJob).
    pub struct ProcRedirectRequest {
        pub proc: IdRef,
        #[serde(alias = "job_id")]
        pub job_id: String,
        pub kill: bool,
    }
}

message! { emit_all;
    /// `{"value": bool}` (RedirectToJob's answer: whether the redirect was set).
    pub struct BoolValueResponse {
        pub value: bool,
    }
}

message! { emit_all;
    /// `{"allocations": {"allocations": [Allocation]}}` (AllocationInterface GetAll).
    pub struct AllocationsResponse {
        pub allocations: AllocationSeq,
    }
}

/// A LayerInterface setter and its value, in the units the gateway takes.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerSetting {
    /// SetMinCores: cores a frame is booked with.
    MinCores(f32),
    /// SetMaxCores: most cores a frame may use (0: no limit).
    MaxCores(f32),
    /// SetMinMemory, KB.
    MinMemory(i64),
    /// SetMinGpuMemory, KB.
    MinGpuMemory(i64),
    /// SetThreadable.
    Threadable(bool),
    /// SetTags: the whole list.
    Tags(Vec<String>),
    /// SetTimeout, minutes (0: none).
    Timeout(i32),
    /// SetTimeoutLLU, minutes (0: none).
    TimeoutLlu(i32),
}

impl LayerSetting {
    /// What it changes, for outcomes: "min cores", "tags".
    pub fn name(&self) -> &'static str {
        match self {
            Self::MinCores(_) => "min cores",
            Self::MaxCores(_) => "max cores",
            Self::MinMemory(_) => "min memory",
            Self::MinGpuMemory(_) => "min GPU memory",
            Self::Threadable(_) => "threadable",
            Self::Tags(_) => "tags",
            Self::Timeout(_) => "timeout",
            Self::TimeoutLlu(_) => "LLU timeout",
        }
    }
}
