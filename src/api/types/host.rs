//! `host.proto`: hosts, the procs running on them, and their states.

use crate::api::de::{message, seq, wire_enum};

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

impl Host {
    /// Cores in use.
    pub fn cores_used(&self) -> f32 {
        (self.cores - self.idle_cores).max(0.0)
    }

    /// The share of cores in use, from 0 to 1.
    pub fn cores_used_fraction(&self) -> f32 {
        if self.cores > 0.0 {
            self.cores_used() / self.cores
        } else {
            0.0
        }
    }

    /// Memory booked by frames, KB.
    pub fn memory_used(&self) -> i64 {
        self.memory.saturating_sub(self.idle_memory).max(0)
    }

    /// The share of memory booked, from 0 to 1.
    pub fn memory_used_fraction(&self) -> f64 {
        if self.memory > 0 {
            #[allow(clippy::cast_precision_loss)]
            let f = self.memory_used() as f64 / self.memory as f64;
            f
        } else {
            0.0
        }
    }

    /// Swap in use, KB.
    pub fn swap_used(&self) -> i64 {
        (self.total_swap - self.free_swap).max(0)
    }

    /// The load average as a share of the cores, in percent (Cuebot sends load × 100).
    pub fn load_percent(&self) -> f32 {
        if self.cores > 0.0 {
            #[allow(clippy::cast_precision_loss)]
            let load = self.load as f32;
            load / self.cores
        } else {
            0.0
        }
    }
}

seq! {
    /// `HostSeq`.
    pub struct HostSeq { "hosts" => pub hosts: Vec<Host> }
}

seq! {
    /// `ProcSeq`.
    pub struct ProcSeq { "procs" => pub procs: Vec<Proc> }
}
