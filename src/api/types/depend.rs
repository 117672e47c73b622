//! `depend.proto`: what a job, layer or frame waits on.

use crate::api::de::{message, seq, wire_enum};

wire_enum! {
    /// What waits on what. `FRAME_BY_FRAME`: each frame of a layer waits on the frame of the
    /// same number in another layer.
    pub enum DependType {
        JobOnJob = 0 => "JOB_ON_JOB",
        JobOnLayer = 1 => "JOB_ON_LAYER",
        JobOnFrame = 2 => "JOB_ON_FRAME",
        LayerOnJob = 3 => "LAYER_ON_JOB",
        LayerOnLayer = 4 => "LAYER_ON_LAYER",
        LayerOnFrame = 5 => "LAYER_ON_FRAME",
        FrameOnJob = 6 => "FRAME_ON_JOB",
        FrameOnLayer = 7 => "FRAME_ON_LAYER",
        FrameOnFrame = 8 => "FRAME_ON_FRAME",
        FrameByFrame = 9 => "FRAME_BY_FRAME",
        PreviousFrame = 10 => "PREVIOUS_FRAME",
        LayerOnSimFrame = 11 => "LAYER_ON_SIM_FRAME",
    }
}

impl DependType {
    /// Words for a table: "job on job", "frame by frame".
    pub fn words(&self) -> String {
        self.as_str().to_lowercase().replace('_', " ")
    }
}

wire_enum! {
    /// Whether a dependency stays inside one job.
    pub enum DependTarget {
        Internal = 0 => "INTERNAL",
        External = 1 => "EXTERNAL",
        AnyTarget = 2 => "ANY_TARGET",
    }
}

message! { emit_all;
    /// A dependency: the "depend-er" waits on the "depend-on" until it is satisfied.
    pub struct Depend {
        pub id: String,
        #[serde(rename = "type")]
        pub depend_type: DependType,
        pub target: DependTarget,
        #[serde(alias = "any_frame")]
        pub any_frame: bool,
        /// Still holding frames back.
        pub active: bool,
        #[serde(alias = "depend_er_job")]
        pub depend_er_job: String,
        #[serde(alias = "depend_er_layer")]
        pub depend_er_layer: String,
        #[serde(alias = "depend_er_frame")]
        pub depend_er_frame: String,
        #[serde(alias = "depend_on_job")]
        pub depend_on_job: String,
        #[serde(alias = "depend_on_layer")]
        pub depend_on_layer: String,
        #[serde(alias = "depend_on_frame")]
        pub depend_on_frame: String,
    }
}

impl Depend {
    /// What waits, most precise first: "sh010_comp / comp / 0001-comp".
    pub fn waiting_side(&self) -> String {
        side(
            &self.depend_er_job,
            &self.depend_er_layer,
            &self.depend_er_frame,
        )
    }

    /// What it waits on, in the same form.
    pub fn waited_on_side(&self) -> String {
        side(
            &self.depend_on_job,
            &self.depend_on_layer,
            &self.depend_on_frame,
        )
    }
}

fn side(job: &str, layer: &str, frame: &str) -> String {
    [job, layer, frame]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

seq! {
    /// `DependSeq`.
    pub struct DependSeq { "depends" => pub depends: Vec<Depend> }
}
