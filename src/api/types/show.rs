//! `show.proto`: shows and their counters.

use crate::api::de::{message, seq};

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

seq! {
    /// `ShowSeq`.
    pub struct ShowSeq { "shows" => pub shows: Vec<Show> }
}
