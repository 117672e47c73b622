//! An edit the user confirmed: what it sends, how the history names it, what it refreshes.

use crate::api::requests::LayerSetting;
use crate::api::types::Order;
use crate::api::{ApiClient, ApiError};
use crate::tracker::{Outcome, Touched};

/// A job named by an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobTarget {
    /// Id, for the calls.
    pub id: String,
    /// Name, for the history and the outcome.
    pub name: String,
}

/// A proc named by an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcTarget {
    /// Id, for the calls.
    pub id: String,
    /// "0001-comp on render0004", for the history.
    pub name: String,
    /// Its job's name.
    pub job: String,
}

/// How the named frames move.
#[derive(Debug, Clone, PartialEq)]
pub enum Reorder {
    /// ReorderFrames.
    Order(Order),
    /// StaggerFrames by this increment.
    Stagger(i32),
}

/// What is done to a proc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcOp {
    /// Kill.
    Kill,
    /// Unbook, killing the frame now or not.
    Unbook {
        /// Kill the running frame now.
        kill: bool,
    },
    /// Redirect to another job.
    Redirect {
        /// The job's id.
        job_id: String,
        /// The job's name.
        job_name: String,
        /// Kill the running frame now.
        kill: bool,
    },
}

/// An edit the user confirmed, with everything needed to send it.
#[derive(Debug, Clone, PartialEq)]
pub enum EditRequest {
    /// Reorder or stagger frames of a job, or of some of its layers.
    Reorder(ReorderEdit),
    /// Set properties of layers.
    Layers(LayersEdit),
    /// Act on a proc.
    Proc(ProcEdit),
}

/// Reorder or stagger frames of a job, or of some of its layers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReorderEdit {
    /// The job.
    pub job: JobTarget,
    /// Its layers named (id, name), or none for the whole job.
    pub layers: Vec<(String, String)>,
    /// Frame range.
    pub range: String,
    /// How.
    pub how: Reorder,
}

/// Set properties of layers.
#[derive(Debug, Clone, PartialEq)]
pub struct LayersEdit {
    /// The job.
    pub job: JobTarget,
    /// The layers (id, name).
    pub layers: Vec<(String, String)>,
    /// What changed.
    pub settings: Vec<LayerSetting>,
}

/// Act on a proc.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcEdit {
    /// The proc.
    pub proc: ProcTarget,
    /// What.
    pub op: ProcOp,
    /// Why (kept in the history).
    pub reason: String,
}

impl EditRequest {
    /// The history line: what it is called, and its targets.
    pub fn history(&self) -> (&'static str, Vec<String>) {
        match self {
            Self::Reorder(e) => e.history(),
            Self::Layers(e) => e.history(),
            Self::Proc(e) => e.history(),
        }
    }

    /// What to refresh after it.
    pub fn touched(&self) -> Touched {
        match self {
            Self::Reorder(ReorderEdit { job, .. }) | Self::Layers(LayersEdit { job, .. }) => {
                Touched::Job(job.id.clone())
            }
            Self::Proc(_) => Touched::Hosts,
        }
    }

    /// Sends it: one call per layer and setting, in order; the first failure stops it.
    pub async fn run(self, client: ApiClient) -> Outcome {
        match self {
            Self::Reorder(e) => e.run(client).await,
            Self::Layers(e) => e.run(client).await,
            Self::Proc(e) => e.run(client).await,
        }
    }
}

/// A failed call, worded for the toast.
fn failed(what: String, e: ApiError) -> Outcome {
    Outcome::failed(format!("{what} failed: {}", e.user_message()))
}

impl ReorderEdit {
    fn history(&self) -> (&'static str, Vec<String>) {
        let how = match &self.how {
            Reorder::Order(o) => o.as_str().to_lowercase(),
            Reorder::Stagger(n) => format!("stagger by {n}"),
        };
        let mut targets = vec![format!("{}: frames {}, {how}", self.job.name, self.range)];
        targets.extend(self.layers.iter().map(|(_, n)| n.clone()));
        ("Reorder", targets)
    }

    async fn run(self, client: ApiClient) -> Outcome {
        let Self {
            job,
            layers,
            range,
            how,
        } = self;
        let result = if layers.is_empty() {
            match &how {
                Reorder::Order(o) => client.reorder_job_frames(&job.id, &range, o.clone()).await,
                Reorder::Stagger(n) => client.stagger_job_frames(&job.id, &range, *n).await,
            }
        } else {
            let mut result = Ok(());
            for (id, _) in &layers {
                result = match &how {
                    Reorder::Order(o) => client.reorder_layer_frames(id, &range, o.clone()).await,
                    Reorder::Stagger(n) => client.stagger_layer_frames(id, &range, *n).await,
                };
                if result.is_err() {
                    break;
                }
            }
            result
        };
        match result {
            Ok(()) => Outcome::done(format!("Reordered frames {range} of {}", job.name)),
            Err(e) => failed(format!("Reorder of {}", job.name), e),
        }
    }
}

impl LayersEdit {
    fn history(&self) -> (&'static str, Vec<String>) {
        let changed: Vec<&str> = self.settings.iter().map(LayerSetting::name).collect();
        let mut targets = vec![format!("{}: {}", self.job.name, changed.join(", "))];
        targets.extend(self.layers.iter().map(|(_, n)| n.clone()));
        ("Edit layers", targets)
    }

    async fn run(self, client: ApiClient) -> Outcome {
        for (id, name) in &self.layers {
            for s in &self.settings {
                if let Err(e) = client.set_layer(id, s).await {
                    return failed(format!("Setting the {} of {name}", s.name()), e);
                }
            }
        }
        let names: Vec<&str> = self.settings.iter().map(LayerSetting::name).collect();
        Outcome::done(format!(
            "Set the {} of {} in {}",
            names.join(", "),
            crate::text::plural(self.layers.len(), "layer"),
            self.job.name
        ))
    }
}

impl ProcEdit {
    fn history(&self) -> (&'static str, Vec<String>) {
        let label = match self.op {
            ProcOp::Kill => "Kill proc",
            ProcOp::Unbook { .. } => "Unbook proc",
            ProcOp::Redirect { .. } => "Redirect proc",
        };
        let mut targets = vec![format!("{} ({})", self.proc.name, self.proc.job)];
        if let ProcOp::Redirect { job_name, .. } = &self.op {
            targets.push(format!("to {job_name}"));
        }
        if !self.reason.is_empty() {
            targets.push(format!("reason: {}", self.reason));
        }
        (label, targets)
    }

    async fn run(self, client: ApiClient) -> Outcome {
        let Self { proc, op, .. } = self;
        let result = match &op {
            ProcOp::Kill => client.kill_proc(&proc.id).await,
            ProcOp::Unbook { kill } => client.unbook_proc(&proc.id, *kill).await,
            ProcOp::Redirect {
                job_id,
                job_name,
                kill,
            } => match client.redirect_proc(&proc.id, job_id, *kill).await {
                Ok(true) => Ok(()),
                Ok(false) => {
                    return Outcome::failed(format!(
                        "Cuebot did not redirect {} to {job_name}",
                        proc.name
                    ));
                }
                Err(e) => Err(e),
            },
        };
        match (result, &op) {
            (Ok(()), ProcOp::Kill) => Outcome::done(format!("Killed {}", proc.name)),
            (Ok(()), ProcOp::Unbook { .. }) => Outcome::done(format!("Unbooked {}", proc.name)),
            (Ok(()), ProcOp::Redirect { job_name, .. }) => {
                Outcome::done(format!("Redirected {} to {job_name}", proc.name))
            }
            (Err(e), _) => failed(format!("The change to {}", proc.name), e),
        }
    }
}
