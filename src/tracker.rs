//! Every write to the farm goes through one tracker, whichever panel it came from: job and host
//! actions, frame and layer actions, comments. It sends the work, keeps its line for the action
//! history, and hands back the outcome (the sentence the user reads) with what to refresh.

use std::future::Future;

use crate::history::HistoryEntry;
use crate::tasks::{Inflight, TaskFailed, Tasks};
use crate::ui::comments::CommentTarget;

/// What changed on the farm, so that the views showing it refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// Jobs of the jobs list.
    Jobs,
    /// Frames or layers of one job (by id).
    Job(String),
    /// Hosts.
    Hosts,
    /// The comments of a job or host.
    Comments(CommentTarget),
}

/// How an action went, as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// "Paused 2 jobs", "Kill failed for comp_v012: …".
    pub text: String,
    /// True when it failed (for any target).
    pub failed: bool,
}

impl Outcome {
    /// Success, in words.
    pub fn done(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            failed: false,
        }
    }

    /// Failure, in words.
    pub fn failed(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            failed: true,
        }
    }
}

impl From<TaskFailed> for Outcome {
    fn from(e: TaskFailed) -> Self {
        Self::failed(e.to_string())
    }
}

/// An action that has come back.
#[derive(Debug)]
pub struct Finished {
    /// Its history line, completed with the outcome.
    pub entry: HistoryEntry,
    /// What the user reads.
    pub outcome: Outcome,
    /// What to refresh.
    pub touched: Touched,
}

/// The writes in flight.
#[derive(Default)]
pub struct ActionTracker {
    pending: Inflight<(HistoryEntry, Touched), Result<Outcome, Outcome>>,
}

impl ActionTracker {
    /// Sends `work`; its outcome comes back from [`ActionTracker::poll`] with `entry` and
    /// `touched`. A panic in it comes back as a failed outcome.
    pub fn send(
        &mut self,
        tasks: &Tasks,
        entry: HistoryEntry,
        touched: Touched,
        work: impl Future<Output = Outcome> + Send + 'static,
    ) {
        let promise = tasks.spawn("sending an action", async move { Ok(work.await) });
        self.pending.push((entry, touched), promise);
    }

    /// The actions that came back since the last call, in the order they were sent.
    pub fn poll(&mut self) -> Vec<Finished> {
        self.pending
            .take_finished()
            .into_iter()
            .map(|((entry, touched), outcome)| {
                let outcome = outcome.unwrap_or_else(|failed| failed);
                Finished {
                    entry: entry.finished(&outcome.text, !outcome.failed),
                    outcome,
                    touched,
                }
            })
            .collect()
    }
}
