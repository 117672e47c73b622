//! Frame and layer actions (retry, eat, kill) and the dialog in front of them: eat and kill
//! confirm and name their frames, kill asks for a reason, and acting on another user's job
//! needs an explicit tick.

use crate::api::requests::FrameSearchCriteria;
use crate::api::types::{DependTarget, FrameState};
use crate::api::{ApiClient, ApiError, KillReason};
use crate::tracker::Outcome;
use crate::ui::actions::Start;
use crate::ui::{theme, widgets};

/// What can be done to selected frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameOp {
    /// Run again.
    Retry,
    /// Mark eaten: never rendered (confirm).
    Eat,
    /// Stop running frames (confirm, with a reason).
    Kill,
    /// Mark succeeded without rendering, releasing what waits on them (confirm).
    MarkDone,
    /// Send frames held by dependencies to waiting, ignoring them (confirm).
    MarkWaiting,
    /// Drop the frames' dependencies (confirm).
    DropDepends,
}

impl FrameOp {
    /// What the action does beyond its label, said in its dialog.
    pub fn consequence(self) -> Option<&'static str> {
        Some(match self {
            Self::Eat => "Eaten frames are never rendered; dependent frames go ahead.",
            Self::Kill => "Running frames are stopped and go back to waiting.",
            Self::MarkDone => {
                "The frames count as succeeded without rendering, and frames waiting on them start."
            }
            Self::MarkWaiting => {
                "Frames held by a dependency go back to waiting and may start before what they wait on."
            }
            Self::DropDepends => "The frames stop waiting on anything; this cannot be undone.",
            Self::Retry => return None,
        })
    }

    /// Every action, in toolbar order.
    pub const ALL: [Self; 6] = [
        Self::Retry,
        Self::Eat,
        Self::Kill,
        Self::MarkDone,
        Self::MarkWaiting,
        Self::DropDepends,
    ];

    /// Button text; `…` where a dialog follows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Retry => "Retry frames",
            Self::Eat => "Eat frames…",
            Self::Kill => "Kill frames…",
            Self::MarkDone => "Mark done…",
            Self::MarkWaiting => "Mark waiting…",
            Self::DropDepends => "Drop dependencies…",
        }
    }

    /// The verb alone: "Retry", "Eat", "Kill".
    pub fn short(self) -> &'static str {
        match self {
            Self::Retry => "Retry",
            Self::Eat => "Eat",
            Self::Kill => "Kill",
            Self::MarkDone => "Mark done",
            Self::MarkWaiting => "Mark waiting",
            Self::DropDepends => "Drop dependencies of",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Retry => "Retried",
            Self::Eat => "Ate",
            Self::Kill => "Killed",
            Self::MarkDone => "Marked done",
            Self::MarkWaiting => "Marked waiting",
            Self::DropDepends => "Dropped the dependencies of",
        }
    }
}

/// What can be done to selected layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerOp {
    /// Retry the dead frames of the layers.
    RetryDead,
    /// Eat the dead frames (confirm).
    EatDead,
    /// Kill the running frames (confirm, with a reason).
    KillRunning,
    /// Mark every frame of the layers done (confirm).
    MarkDone,
}

impl LayerOp {
    /// Every action, in toolbar order.
    pub const ALL: [Self; 4] = [
        Self::RetryDead,
        Self::EatDead,
        Self::KillRunning,
        Self::MarkDone,
    ];

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Self::RetryDead => "Retry dead frames",
            Self::EatDead => "Eat dead frames…",
            Self::KillRunning => "Kill running frames…",
            Self::MarkDone => "Mark layers done…",
        }
    }

    /// The frame action and the state of the frames it takes (all frames: `None`).
    fn frame_op(self) -> (FrameOp, Option<FrameState>) {
        match self {
            Self::RetryDead => (FrameOp::Retry, Some(FrameState::Dead)),
            Self::EatDead => (FrameOp::Eat, Some(FrameState::Dead)),
            Self::KillRunning => (FrameOp::Kill, Some(FrameState::Running)),
            Self::MarkDone => (FrameOp::MarkDone, None),
        }
    }
}

/// A frame action ready to send: one JobInterface call whose criteria name its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRequest {
    /// Retry, eat or kill.
    pub op: FrameOp,
    /// The job.
    pub job_id: String,
    /// Which frames: ids, or layers and a state. Never empty (Cuebot would act on every frame).
    pub criteria: FrameSearchCriteria,
    /// What the targets are, for the dialog and the outcome: "3 frames", "dead frames of comp".
    pub what: String,
    /// The frames or layers named.
    pub names: Vec<String>,
}

impl FrameRequest {
    /// An action on these frames (by id).
    pub fn frames(op: FrameOp, job_id: &str, frames: &[crate::api::types::Frame]) -> Option<Self> {
        if frames.is_empty() {
            return None;
        }
        let n = frames.len();
        Some(Self {
            op,
            job_id: job_id.to_owned(),
            criteria: FrameSearchCriteria {
                ids: frames.iter().map(|f| f.id.clone()).collect(),
                ..Default::default()
            },
            what: crate::text::plural(n, "frame"),
            names: frames.iter().map(|f| f.name.clone()).collect(),
        })
    }

    /// A layer action: the dead (or running) frames of these layers.
    pub fn layers(op: LayerOp, job_id: &str, layers: &[crate::api::types::Layer]) -> Option<Self> {
        if layers.is_empty() {
            return None;
        }
        let (frame_op, state) = op.frame_op();
        let names: Vec<String> = layers.iter().map(|l| l.name.clone()).collect();
        let layers_named = if names.len() == 1 {
            names[0].clone()
        } else {
            format!("{} layers", names.len())
        };
        Some(Self {
            op: frame_op,
            job_id: job_id.to_owned(),
            criteria: FrameSearchCriteria {
                layers: names.clone(),
                states: state.iter().cloned().collect::<Vec<_>>().into(),
                ..Default::default()
            },
            what: match &state {
                Some(state) => format!(
                    "the {} frames of {layers_named}",
                    state.as_str().to_lowercase()
                ),
                None => format!("every frame of {layers_named}"),
            },
            names,
        })
    }

    /// Sends it. Criteria that name nothing are refused here, never sent.
    pub async fn run(self, client: ApiClient, kill: Option<KillReason>) -> Outcome {
        let c = &self.criteria;
        if c.ids.is_empty() && c.layers.is_empty() && c.frames.is_empty() {
            return Outcome::failed("Nothing was selected");
        }
        let result = match (self.op, kill) {
            (FrameOp::Retry, _) => client.retry_job_frames(&self.job_id, c).await,
            (FrameOp::Eat, _) => client.eat_job_frames(&self.job_id, c).await,
            (FrameOp::Kill, Some(why)) => client.kill_job_frames(&self.job_id, c, &why).await,
            (FrameOp::Kill, None) => return Outcome::failed("A kill needs a reason"),
            (FrameOp::MarkDone, _) => client.mark_done_job_frames(&self.job_id, c).await,
            (FrameOp::MarkWaiting, _) => client.mark_job_frames_waiting(&self.job_id, c).await,
            (FrameOp::DropDepends, _) => {
                // One call per frame: JobInterface's DropDepends would drop the whole job's.
                let mut result = Ok(());
                for id in &c.ids {
                    result = client.drop_frame_depends(id, DependTarget::AnyTarget).await;
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
        };
        outcome(self.op, &self.what, result)
    }
}

fn outcome(op: FrameOp, what: &str, result: Result<(), ApiError>) -> Outcome {
    match result {
        Ok(()) => Outcome::done(format!("{} {what}", op.verb())),
        Err(e) => Outcome::failed(format!(
            "{} failed for {what}: {}",
            op.short(),
            e.user_message()
        )),
    }
}

/// The confirmation in front of eat and kill (and of any action on another user's job).
pub struct FrameDialog {
    request: FrameRequest,
    owner: Option<String>,
    owner_confirmed: bool,
    reason: String,
}

/// What the user did with the dialog: confirmed, the request and the kill reason.
pub type FrameDialogOutcome = crate::ui::dialog::Decision<(Box<FrameRequest>, Option<String>)>;

impl FrameDialog {
    /// The dialog, or the request itself when nothing needs asking (retrying one's own frames).
    pub fn start(
        request: FrameRequest,
        job_user: &str,
        username: &str,
    ) -> Start<FrameRequest, Box<Self>> {
        let owner = (job_user != username).then(|| job_user.to_owned());
        if owner.is_none() && request.op == FrameOp::Retry {
            return Start::Send(request);
        }
        Start::Ask(Box::new(Self {
            request,
            owner,
            owner_confirmed: false,
            reason: String::new(),
        }))
    }

    fn problem(&self) -> Option<&'static str> {
        if self.owner.is_some() && !self.owner_confirmed {
            return Some("Tick the box to act on another user's job");
        }
        (self.request.op == FrameOp::Kill && self.reason.trim().is_empty())
            .then_some("Say why the frames are killed")
    }

    /// Shows the dialog.
    pub fn ui(&mut self, ctx: &egui::Context) -> FrameDialogOutcome {
        let title = format!("{} {}", self.request.op.short(), self.request.what);
        crate::ui::dialog::modal(ctx, "frame_action_dialog", 520.0, |ui| {
            ui.heading(&title);
            egui::ScrollArea::vertical()
                .max_height(140.0)
                .show(ui, |ui| {
                    let shown = self.request.names.len().min(200);
                    for n in &self.request.names[..shown] {
                        ui.label(n);
                    }
                    if self.request.names.len() > shown {
                        ui.weak(format!("and {} more", self.request.names.len() - shown));
                    }
                });
            if let Some(what) = self.request.op.consequence() {
                ui.label(what);
            }
            if self.request.op == FrameOp::Kill {
                ui.horizontal(|ui| {
                    widgets::labelled_text(ui, "Reason", &mut self.reason, "", 280.0);
                });
            }
            if let Some(owner) = &self.owner {
                ui.colored_label(theme::warning(ui), format!("This job belongs to {owner}."));
                ui.checkbox(&mut self.owner_confirmed, "Act on another user's job");
            }
            let op = self.request.op;
            crate::ui::dialog::confirm_row(ui, op.short(), self.problem(), || {
                let reason = (op == FrameOp::Kill).then(|| self.reason.trim().to_owned());
                Some((Box::new(self.request.clone()), reason))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Frame, Layer};

    #[test]
    fn requests_name_their_targets_and_never_everything() {
        assert!(FrameRequest::frames(FrameOp::Retry, "j", &[]).is_none());
        let f = Frame {
            id: "f1".into(),
            name: "0001-comp".into(),
            ..Frame::default()
        };
        let r = FrameRequest::frames(FrameOp::Kill, "j", &[f]).unwrap();
        assert_eq!(r.criteria.ids, ["f1"]);
        assert_eq!(r.what, "1 frame");
        let l = Layer {
            name: "comp".into(),
            ..Layer::default()
        };
        let r = FrameRequest::layers(LayerOp::EatDead, "j", &[l]).unwrap();
        assert_eq!(r.op, FrameOp::Eat);
        assert_eq!(r.criteria.layers, ["comp"]);
        assert_eq!(r.criteria.states.frame_states, [FrameState::Dead]);
        assert_eq!(r.what, "the dead frames of comp");
    }

    #[test]
    fn own_retries_go_at_once_everything_else_asks() {
        let f = Frame {
            id: "f1".into(),
            ..Frame::default()
        };
        let retry = FrameRequest::frames(FrameOp::Retry, "j", std::slice::from_ref(&f)).unwrap();
        assert!(
            FrameDialog::start(retry.clone(), "jdoe", "jdoe")
                .send()
                .is_some()
        );
        let d = FrameDialog::start(retry, "asmith", "jdoe").ask().unwrap();
        assert!(d.problem().is_some(), "another user's job needs the tick");
        let kill = FrameRequest::frames(FrameOp::Kill, "j", &[f]).unwrap();
        let mut d = FrameDialog::start(kill, "jdoe", "jdoe").ask().unwrap();
        assert_eq!(d.problem(), Some("Say why the frames are killed"));
        d.reason = "stuck".into();
        assert_eq!(d.problem(), None);
    }
}
