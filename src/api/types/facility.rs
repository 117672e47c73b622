//! `facility.proto`: allocations, the pools of hosts a show subscribes to.

use crate::api::de::{message, seq};

message! { emit_all;
    /// What an allocation holds and uses.
    pub struct AllocationStats {
        pub cores: f32,
        #[serde(alias = "available_cores")]
        pub available_cores: f32,
        #[serde(alias = "idle_cores")]
        pub idle_cores: f32,
        #[serde(alias = "running_cores")]
        pub running_cores: f32,
        #[serde(alias = "locked_cores")]
        pub locked_cores: f32,
        pub hosts: i32,
        #[serde(alias = "locked_hosts")]
        pub locked_hosts: i32,
        #[serde(alias = "down_hosts")]
        pub down_hosts: i32,
        pub gpus: f32,
        #[serde(alias = "available_gpus")]
        pub available_gpus: f32,
        #[serde(alias = "idle_gpus")]
        pub idle_gpus: f32,
        #[serde(alias = "running_gpus")]
        pub running_gpus: f32,
        #[serde(alias = "locked_gpus")]
        pub locked_gpus: f32,
    }
}

message! { emit_all;
    /// An allocation: `name` is "facility.alloc", as hosts' `allocName`.
    pub struct Allocation {
        pub id: String,
        pub name: String,
        pub tag: String,
        pub facility: String,
        pub billable: bool,
        pub stats: AllocationStats,
    }
}

seq! {
    /// `AllocationSeq`.
    pub struct AllocationSeq { "allocations" => pub allocations: Vec<Allocation> }
}
