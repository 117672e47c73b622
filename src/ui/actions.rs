//! Job actions and the dialog in front of them: destructive actions always confirm and name
//! their targets, kill asks for a reason, and acting on other users' jobs needs an explicit
//! tick, as CueGUI asks.

use crate::api::requests::FrameSearchCriteria;
use crate::api::types::{FrameState, Job};
use crate::api::{ApiClient, ApiError, KillReason};
use crate::tracker::Outcome;
use crate::ui::dialog::Decision;
use crate::ui::{theme, widgets};

/// What the user can do to selected jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    /// Stop dispatching new frames.
    Pause,
    /// Dispatch again.
    Resume,
    /// Kill the job (confirm, with a reason).
    Kill,
    /// Change the priority.
    SetPriority,
    /// Change the minimum cores.
    SetMinCores,
    /// Change the maximum cores.
    SetMaxCores,
    /// Retry the dead frames.
    RetryDead,
    /// Eat the dead frames (confirm).
    EatDead,
    /// Turn auto-eat on: frames that die are eaten at once.
    AutoEatOn,
    /// Turn auto-eat off.
    AutoEatOff,
    /// Change how many times a failing frame is tried.
    SetMaxRetries,
    /// Change the minimum GPUs.
    SetMinGpus,
    /// Change the maximum GPUs.
    SetMaxGpus,
}

impl JobAction {
    /// What the action does beyond its label, said in its dialog.
    pub fn consequence(self) -> Option<&'static str> {
        Some(match self {
            Self::Kill => "Running frames are stopped and the job is removed from the farm.",
            Self::EatDead => "Dead frames are marked eaten and never rendered.",
            Self::AutoEatOn => {
                "Frames that die from now on are eaten at once: never retried by hand, never holding the job."
            }
            Self::SetMaxRetries => "How many times a failing frame is tried before it is dead.",
            _ => return None,
        })
    }

    /// Every action: the toolbar's, then the wrangler's.
    pub const ALL: [Self; 13] = [
        Self::Pause,
        Self::Resume,
        Self::Kill,
        Self::SetPriority,
        Self::SetMinCores,
        Self::SetMaxCores,
        Self::RetryDead,
        Self::EatDead,
        Self::AutoEatOn,
        Self::AutoEatOff,
        Self::SetMaxRetries,
        Self::SetMinGpus,
        Self::SetMaxGpus,
    ];

    /// The actions shown as toolbar buttons; the others are under "More".
    pub fn on_toolbar(self) -> bool {
        !matches!(
            self,
            Self::AutoEatOn
                | Self::AutoEatOff
                | Self::SetMaxRetries
                | Self::SetMinGpus
                | Self::SetMaxGpus
        )
    }

    /// Button text; `…` where a dialog follows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Kill => "Kill…",
            Self::SetPriority => "Priority…",
            Self::SetMinCores => "Min cores…",
            Self::SetMaxCores => "Max cores…",
            Self::RetryDead => "Retry dead",
            Self::EatDead => "Eat dead…",
            Self::AutoEatOn => "Auto-eat on",
            Self::AutoEatOff => "Auto-eat off",
            Self::SetMaxRetries => "Max retries…",
            Self::SetMinGpus => "Min GPUs…",
            Self::SetMaxGpus => "Max GPUs…",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Pause => "Paused",
            Self::Resume => "Resumed",
            Self::Kill => "Killed",
            Self::SetPriority => "Set the priority of",
            Self::SetMinCores => "Set the minimum cores of",
            Self::SetMaxCores => "Set the maximum cores of",
            Self::RetryDead => "Retried the dead frames of",
            Self::EatDead => "Ate the dead frames of",
            Self::AutoEatOn => "Turned auto-eat on for",
            Self::AutoEatOff => "Turned auto-eat off for",
            Self::SetMaxRetries => "Set the max retries of",
            Self::SetMinGpus => "Set the minimum GPUs of",
            Self::SetMaxGpus => "Set the maximum GPUs of",
        }
    }

    /// The label of the value a dialog asks for, if it asks for one.
    fn value_label(self) -> Option<&'static str> {
        match self {
            Self::SetPriority => Some("Priority"),
            Self::SetMinCores => Some("Minimum cores"),
            Self::SetMaxCores => Some("Maximum cores"),
            Self::SetMaxRetries => Some("Max retries"),
            Self::SetMinGpus => Some("Minimum GPUs"),
            Self::SetMaxGpus => Some("Maximum GPUs"),
            _ => None,
        }
    }

    /// The keyboard shortcut, for tooltips.
    pub fn shortcut(self) -> Option<&'static str> {
        match self {
            Self::Kill => Some("Delete"),
            _ => None,
        }
    }

    /// The request to send without asking, for the user's own jobs; `None` when a dialog must
    /// come first whoever owns the jobs (it asks for a value, a reason, or a confirmation).
    fn without_asking(self) -> Option<ActionRequest> {
        match self {
            Self::Pause => Some(ActionRequest::Pause),
            Self::Resume => Some(ActionRequest::Resume),
            Self::RetryDead => Some(ActionRequest::RetryDead),
            Self::AutoEatOn => Some(ActionRequest::SetAutoEat(true)),
            Self::AutoEatOff => Some(ActionRequest::SetAutoEat(false)),
            Self::Kill
            | Self::SetPriority
            | Self::SetMinCores
            | Self::SetMaxCores
            | Self::EatDead
            | Self::SetMaxRetries
            | Self::SetMinGpus
            | Self::SetMaxGpus => None,
        }
    }
}

/// An action with everything needed to send it.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionRequest {
    /// Pause.
    Pause,
    /// Resume.
    Resume,
    /// Kill, with the reason recorded by Cuebot.
    Kill(String),
    /// New priority.
    SetPriority(i32),
    /// New minimum cores.
    SetMinCores(f32),
    /// New maximum cores.
    SetMaxCores(f32),
    /// Retry dead frames.
    RetryDead,
    /// Eat dead frames.
    EatDead,
    /// Auto-eat on or off.
    SetAutoEat(bool),
    /// New max retries.
    SetMaxRetries(i32),
    /// New minimum GPUs.
    SetMinGpus(i32),
    /// New maximum GPUs.
    SetMaxGpus(i32),
}

impl ActionRequest {
    /// The action this request carries out.
    pub fn action(&self) -> JobAction {
        match self {
            Self::Pause => JobAction::Pause,
            Self::Resume => JobAction::Resume,
            Self::Kill(_) => JobAction::Kill,
            Self::SetPriority(_) => JobAction::SetPriority,
            Self::SetMinCores(_) => JobAction::SetMinCores,
            Self::SetMaxCores(_) => JobAction::SetMaxCores,
            Self::RetryDead => JobAction::RetryDead,
            Self::EatDead => JobAction::EatDead,
            Self::SetAutoEat(true) => JobAction::AutoEatOn,
            Self::SetAutoEat(false) => JobAction::AutoEatOff,
            Self::SetMaxRetries(_) => JobAction::SetMaxRetries,
            Self::SetMinGpus(_) => JobAction::SetMinGpus,
            Self::SetMaxGpus(_) => JobAction::SetMaxGpus,
        }
    }

    /// Sends the request for each job, one after the other (Cuebot's job servant is not safe for
    /// concurrent changes), and reports each outcome.
    pub async fn run(self, client: ApiClient, username: String, jobs: Vec<Job>) -> ActionOutcome {
        let dead = FrameSearchCriteria {
            states: vec![FrameState::Dead].into(),
            ..Default::default()
        };
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let id = job.id.as_str();
            let r = match &self {
                Self::Pause => client.pause_job(id).await,
                Self::Resume => client.resume_job(id).await,
                Self::Kill(reason) => {
                    client
                        .kill_job(
                            id,
                            &KillReason {
                                username: username.clone(),
                                reason: reason.clone(),
                            },
                        )
                        .await
                }
                Self::SetPriority(v) => client.set_job_priority(id, *v).await,
                Self::SetMinCores(v) => client.set_job_min_cores(id, *v).await,
                Self::SetMaxCores(v) => client.set_job_max_cores(id, *v).await,
                Self::RetryDead => client.retry_job_frames(id, &dead).await,
                Self::EatDead => client.eat_job_frames(id, &dead).await,
                Self::SetAutoEat(on) => client.set_job_auto_eat(id, *on).await,
                Self::SetMaxRetries(n) => client.set_job_max_retries(id, *n).await,
                Self::SetMinGpus(n) => client.set_job_min_gpus(id, *n).await,
                Self::SetMaxGpus(n) => client.set_job_max_gpus(id, *n).await,
            };
            out.push((job.name, r));
        }
        out
    }
}

/// What an action did to each target: its name and the outcome.
pub type ActionOutcome = Vec<(String, Result<(), ApiError>)>;

/// How to report an action's outcome: "Paused 2 jobs", "Lock failed for render0004: …".
#[derive(Debug, Clone)]
pub struct Report {
    /// What the action is called (a failure names it): "Kill", "Lock".
    pub label: &'static str,
    /// What it did, for success: "Killed", "Locked".
    pub verb: &'static str,
    /// What it acts on: "job", "host".
    pub noun: &'static str,
    /// Said after a success, e.g. that NIMBY locks stay.
    pub note: Option<String>,
}

impl Report {
    /// The report of a job action.
    pub fn job(action: JobAction) -> Self {
        Self {
            label: action.label().trim_end_matches('…'),
            verb: action.verb(),
            noun: "job",
            note: None,
        }
    }

    /// The sentence for the outcome: what was done, or the first failure.
    pub fn outcome(&self, outcome: &[(String, Result<(), ApiError>)]) -> Outcome {
        let failed: Vec<_> = outcome
            .iter()
            .filter_map(|(n, r)| r.as_ref().err().map(|e| (n, e)))
            .collect();
        match failed.first() {
            Some((name, e)) => {
                let more = if failed.len() > 1 {
                    format!(" (and {} more)", failed.len() - 1)
                } else {
                    String::new()
                };
                Outcome::failed(format!(
                    "{} failed for {name}{more}: {}",
                    self.label,
                    e.user_message()
                ))
            }
            None => {
                let done = format!(
                    "{} {}",
                    self.verb,
                    crate::text::plural(outcome.len(), self.noun)
                );
                Outcome::done(match &self.note {
                    Some(note) => format!("{done}; {note}"),
                    None => done,
                })
            }
        }
    }
}

/// How an action starts: sent at once, or a dialog asks first.
#[derive(Debug, Clone, PartialEq)]
pub enum Start<R, D> {
    /// Nothing needs asking: send this.
    Send(R),
    /// Ask first.
    Ask(D),
}

impl<R, D> Start<R, D> {
    /// The request, when nothing needs asking.
    pub fn send(self) -> Option<R> {
        match self {
            Self::Send(r) => Some(r),
            Self::Ask(_) => None,
        }
    }

    /// The dialog, when it must ask.
    pub fn ask(self) -> Option<D> {
        match self {
            Self::Ask(d) => Some(d),
            Self::Send(_) => None,
        }
    }
}

/// A dialog in front of an action.
#[derive(Debug, Clone)]
pub struct ActionDialog {
    action: JobAction,
    jobs: Vec<Job>,
    others: Vec<String>,
    others_confirmed: bool,
    reason: String,
    value: String,
}

/// What the user did with an action dialog this frame (a job dialog by default; the host
/// dialog gives `DialogOutcome<HostRequest, Host>`): confirmed, the request and exactly the
/// targets the dialog named.
pub type DialogOutcome<R = ActionRequest, T = Job> = Decision<(R, Vec<T>)>;

impl ActionDialog {
    /// The dialog for `action` on `jobs`, or the request itself when nothing needs asking
    /// (pause, resume or retry of the user's own jobs).
    pub fn start(action: JobAction, jobs: Vec<Job>, username: &str) -> Start<ActionRequest, Self> {
        let others: Vec<String> = jobs
            .iter()
            .filter(|j| j.user != username)
            .map(|j| j.name.clone())
            .collect();
        if others.is_empty()
            && let Some(request) = action.without_asking()
        {
            return Start::Send(request);
        }
        let value = match (action, jobs.first()) {
            (JobAction::SetPriority, Some(j)) => j.priority.to_string(),
            (JobAction::SetMinCores, Some(j)) => j.min_cores.to_string(),
            (JobAction::SetMaxCores, Some(j)) => j.max_cores.to_string(),
            (JobAction::SetMinGpus, Some(j)) => j.min_gpus.to_string(),
            (JobAction::SetMaxGpus, Some(j)) => j.max_gpus.to_string(),
            // The job message does not carry it: Cuebot's default.
            (JobAction::SetMaxRetries, _) => "3".to_owned(),
            _ => String::new(),
        };
        Start::Ask(Self {
            action,
            jobs,
            others,
            others_confirmed: false,
            reason: String::new(),
            value,
        })
    }

    fn request(&self) -> Result<ActionRequest, &'static str> {
        if !self.others.is_empty() && !self.others_confirmed {
            return Err("Tick the box to act on other users' jobs");
        }
        let v = self.value.trim();
        match self.action {
            JobAction::Pause => Ok(ActionRequest::Pause),
            JobAction::Resume => Ok(ActionRequest::Resume),
            JobAction::RetryDead => Ok(ActionRequest::RetryDead),
            JobAction::EatDead => Ok(ActionRequest::EatDead),
            JobAction::AutoEatOn => Ok(ActionRequest::SetAutoEat(true)),
            JobAction::AutoEatOff => Ok(ActionRequest::SetAutoEat(false)),
            JobAction::SetMaxRetries => match v.parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => Ok(ActionRequest::SetMaxRetries(n)),
                _ => Err("Max retries is a whole number from 0 to 100"),
            },
            JobAction::SetMinGpus | JobAction::SetMaxGpus => match v.parse::<f32>() {
                #[allow(clippy::cast_possible_truncation)]
                Ok(g) if g >= 0.0 && g.fract() == 0.0 && g <= 10_000.0 => {
                    Ok(if self.action == JobAction::SetMinGpus {
                        ActionRequest::SetMinGpus(g as i32)
                    } else {
                        ActionRequest::SetMaxGpus(g as i32)
                    })
                }
                _ => Err("GPUs are a whole number, 0 or more"),
            },
            JobAction::Kill if self.reason.trim().is_empty() => Err("Say why the jobs are killed"),
            JobAction::Kill => Ok(ActionRequest::Kill(self.reason.trim().to_owned())),
            JobAction::SetPriority => v
                .parse()
                .map(ActionRequest::SetPriority)
                .map_err(|_| "The priority is a whole number"),
            JobAction::SetMinCores | JobAction::SetMaxCores => match v.parse::<f32>() {
                Ok(c) if c >= 0.0 && c.is_finite() => {
                    Ok(if self.action == JobAction::SetMinCores {
                        ActionRequest::SetMinCores(c)
                    } else {
                        ActionRequest::SetMaxCores(c)
                    })
                }
                _ => Err("Cores are a number, 0 or more"),
            },
        }
    }

    /// The confirmation, when the dialog is complete: for the jobs it named, whatever the
    /// selection has become since it opened.
    fn confirm(&self) -> Option<(ActionRequest, Vec<Job>)> {
        self.request().ok().map(|r| (r, self.jobs.clone()))
    }

    /// Shows the dialog.
    pub fn ui(&mut self, ctx: &egui::Context) -> DialogOutcome {
        crate::ui::dialog::modal(ctx, "job_action_dialog", 520.0, |ui| {
            let n = self.jobs.len();
            ui.heading(format!(
                "{} {}",
                self.action.label().trim_end_matches('…'),
                crate::text::plural(n, "job")
            ));
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    for j in &self.jobs {
                        ui.label(format!("{}  ({})", j.name, j.user));
                    }
                });
            if let Some(what) = self.action.consequence() {
                ui.label(what);
            }
            if self.action == JobAction::Kill {
                ui.horizontal(|ui| {
                    widgets::labelled_text(ui, "Reason", &mut self.reason, "", 280.0);
                });
            }
            if let Some(field) = self.action.value_label() {
                ui.horizontal(|ui| {
                    let label = ui.label(field);
                    ui.text_edit_singleline(&mut self.value)
                        .labelled_by(label.id);
                });
            }
            if !self.others.is_empty() {
                ui.colored_label(
                    theme::warning(ui),
                    format!("{} of these belong to other users.", self.others.len()),
                );
                ui.checkbox(&mut self.others_confirmed, "Act on other users' jobs");
            }
            let missing = self.request().err();
            let label = self.action.label().trim_end_matches('…');
            crate::ui::dialog::confirm_row(ui, label, missing, || self.confirm())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(user: &str) -> Job {
        Job {
            id: format!("id-{user}"),
            name: format!("show-sh010-{user}_comp"),
            user: user.into(),
            priority: 100,
            ..Job::default()
        }
    }

    #[test]
    fn own_jobs_pause_without_asking_other_users_jobs_ask() {
        assert_eq!(
            ActionDialog::start(JobAction::Pause, vec![job("jdoe")], "jdoe")
                .send()
                .unwrap(),
            ActionRequest::Pause
        );
        let d = ActionDialog::start(JobAction::Pause, vec![job("jdoe"), job("asmith")], "jdoe")
            .ask()
            .unwrap();
        assert!(d.request().is_err());
        let mut d = d;
        d.others_confirmed = true;
        assert_eq!(d.request().unwrap(), ActionRequest::Pause);
    }

    #[test]
    fn an_action_sent_without_asking_is_that_action() {
        for action in JobAction::ALL {
            if let Some(request) = action.without_asking() {
                assert_eq!(request.action(), action);
            }
        }
    }

    #[test]
    fn confirming_acts_on_the_jobs_the_dialog_named() {
        let mut d = ActionDialog::start(JobAction::Kill, vec![job("jdoe")], "jdoe")
            .ask()
            .unwrap();
        assert_eq!(d.confirm(), None, "no reason yet");
        d.reason = "wrong camera".into();
        match d.confirm() {
            Some((ActionRequest::Kill(why), jobs)) => {
                assert_eq!(why, "wrong camera");
                assert_eq!(
                    jobs.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
                    ["id-jdoe"]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kill_needs_a_reason_and_values_are_checked() {
        let mut d = ActionDialog::start(JobAction::Kill, vec![job("jdoe")], "jdoe")
            .ask()
            .unwrap();
        assert!(d.request().is_err());
        d.reason = "wrong camera".into();
        assert_eq!(
            d.request().unwrap(),
            ActionRequest::Kill("wrong camera".into())
        );
        let mut p = ActionDialog::start(JobAction::SetPriority, vec![job("jdoe")], "jdoe")
            .ask()
            .unwrap();
        assert_eq!(
            p.request().unwrap(),
            ActionRequest::SetPriority(100),
            "prefilled with the current value"
        );
        p.value = "high".into();
        assert!(p.request().is_err());
    }
}
