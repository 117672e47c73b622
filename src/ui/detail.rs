//! Job detail: the layers, every frame, the frame log and the comments of one job. Selecting a
//! job shows it here (a preview that the next selection replaces); "Keep open" or a double-click
//! pins it as a tab, so several jobs can stay open.

use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::requests::FrameSearchCriteria;
use crate::api::types::{FrameState, Job};
use crate::api::{ApiClient, ApiError, KillReason};
use crate::frames::Waker;
use crate::profiles::Profile;
use crate::remote::{Remote, spawn};
use crate::ui::comments::{CommentTarget, CommentsPane};
use crate::ui::frames::{FrameColumn, FrameCommand, FramesView};
use crate::ui::layers::{LayerColumn, LayersView};
use crate::ui::logview::LogViewer;
use crate::ui::table::{self, Sort};
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
}

impl FrameOp {
    /// Every action, in toolbar order.
    pub const ALL: [Self; 3] = [Self::Retry, Self::Eat, Self::Kill];

    /// Button text; `…` where a dialog follows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Retry => "Retry frames",
            Self::Eat => "Eat frames…",
            Self::Kill => "Kill frames…",
        }
    }

    /// The verb alone: "Retry", "Eat", "Kill".
    pub fn short(self) -> &'static str {
        match self {
            Self::Retry => "Retry",
            Self::Eat => "Eat",
            Self::Kill => "Kill",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Retry => "Retried",
            Self::Eat => "Ate",
            Self::Kill => "Killed",
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
}

impl LayerOp {
    /// Every action, in toolbar order.
    pub const ALL: [Self; 3] = [Self::RetryDead, Self::EatDead, Self::KillRunning];

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Self::RetryDead => "Retry dead frames",
            Self::EatDead => "Eat dead frames…",
            Self::KillRunning => "Kill running frames…",
        }
    }

    fn frame_op(self) -> (FrameOp, FrameState) {
        match self {
            Self::RetryDead => (FrameOp::Retry, FrameState::Dead),
            Self::EatDead => (FrameOp::Eat, FrameState::Dead),
            Self::KillRunning => (FrameOp::Kill, FrameState::Running),
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
        Some(Self {
            op: frame_op,
            job_id: job_id.to_owned(),
            criteria: FrameSearchCriteria {
                layers: names.clone(),
                states: vec![state.clone()].into(),
                ..Default::default()
            },
            what: format!(
                "the {} frames of {}",
                state.as_str().to_lowercase(),
                if names.len() == 1 {
                    names[0].clone()
                } else {
                    format!("{} layers", names.len())
                }
            ),
            names,
        })
    }

    /// Sends it. Criteria that name nothing are refused here, never sent.
    pub async fn run(self, client: ApiClient, kill: Option<KillReason>) -> (String, bool) {
        let c = &self.criteria;
        if c.ids.is_empty() && c.layers.is_empty() && c.frames.is_empty() {
            return ("Nothing was selected".into(), true);
        }
        let result = match (self.op, kill) {
            (FrameOp::Retry, _) => client.retry_job_frames(&self.job_id, c).await,
            (FrameOp::Eat, _) => client.eat_job_frames(&self.job_id, c).await,
            (FrameOp::Kill, Some(why)) => client.kill_job_frames(&self.job_id, c, &why).await,
            (FrameOp::Kill, None) => return ("A kill needs a reason".into(), true),
        };
        outcome(self.op, &self.what, result)
    }
}

fn outcome(op: FrameOp, what: &str, result: Result<(), ApiError>) -> (String, bool) {
    match result {
        Ok(()) => (format!("{} {what}", op.verb()), false),
        Err(e) => (
            format!("{} failed for {what}: {}", op.short(), e.user_message()),
            true,
        ),
    }
}

/// The confirmation in front of eat and kill (and of any action on another user's job).
pub struct FrameDialog {
    request: FrameRequest,
    owner: Option<String>,
    owner_confirmed: bool,
    reason: String,
}

/// What the user did with the dialog.
pub enum FrameDialogOutcome {
    /// Still open.
    Open,
    /// Closed without acting.
    Cancelled,
    /// Send this (with the kill reason).
    Confirmed(Box<FrameRequest>, Option<String>),
}

impl FrameDialog {
    /// The dialog, or the request itself when nothing needs asking (retrying one's own frames).
    pub fn start(
        request: FrameRequest,
        job_user: &str,
        username: &str,
    ) -> Result<FrameRequest, Box<Self>> {
        let owner = (job_user != username).then(|| job_user.to_owned());
        if owner.is_none() && request.op == FrameOp::Retry {
            return Ok(request);
        }
        Err(Box::new(Self {
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
        let mut outcome = FrameDialogOutcome::Open;
        let title = format!("{} {}", self.request.op.short(), self.request.what);
        let modal = egui::Modal::new(egui::Id::unique("frame_action_dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
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
            match self.request.op {
                FrameOp::Eat => {
                    ui.label("Eaten frames are never rendered; dependent frames go ahead.");
                }
                FrameOp::Kill => {
                    ui.label("Running frames are stopped and go back to waiting.");
                    ui.horizontal(|ui| {
                        let label = ui.label("Reason");
                        ui.text_edit_singleline(&mut self.reason)
                            .labelled_by(label.id);
                    });
                }
                FrameOp::Retry => {}
            }
            if let Some(owner) = &self.owner {
                ui.colored_label(theme::warning(ui), format!("This job belongs to {owner}."));
                ui.checkbox(&mut self.owner_confirmed, "Act on another user's job");
            }
            let problem = self.problem();
            if let Some(p) = problem {
                ui.weak(p);
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        problem.is_none(),
                        egui::Button::new(self.request.op.short()),
                    )
                    .clicked()
                {
                    let reason =
                        (self.request.op == FrameOp::Kill).then(|| self.reason.trim().to_owned());
                    outcome = FrameDialogOutcome::Confirmed(Box::new(self.request.clone()), reason);
                }
                if ui.button("Cancel").clicked() {
                    outcome = FrameDialogOutcome::Cancelled;
                }
            });
        });
        if modal.should_close() && matches!(outcome, FrameDialogOutcome::Open) {
            outcome = FrameDialogOutcome::Cancelled;
        }
        outcome
    }
}

/// The parts of the detail view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    /// The layers table.
    Layers,
    /// The frames table.
    Frames,
    /// Comments.
    Comments,
}

/// One open job.
pub struct JobDetail {
    /// The job as last known.
    pub job: Job,
    job_remote: Remote<Job>,
    /// Its layers.
    pub layers: LayersView,
    /// Its frames.
    pub frames: FramesView,
    /// Its comments.
    pub comments: CommentsPane,
    /// The part shown.
    pub tab: DetailTab,
    /// The frame log shown beside the tables.
    pub log: Option<LogViewer>,
    /// Kept open when another job is selected.
    pub pinned: bool,
    /// When the jobs list last brought this job (GetJob is then not needed).
    job_fresh_at: Option<Instant>,
    next_refresh: Instant,
    dialog: Option<Box<FrameDialog>>,
    actions: Vec<(crate::history::HistoryEntry, Promise<(String, bool)>)>,
    outcomes: Vec<(String, bool)>,
    history: Vec<crate::history::HistoryEntry>,
}

impl JobDetail {
    /// A detail of `job`, loaded on its first refresh; tables sorted as given.
    pub fn new(job: &Job, salt: &str, sorts: (Sort<LayerColumn>, Sort<FrameColumn>)) -> Self {
        let mut layers = LayersView::default();
        layers.sort = sorts.0;
        layers.table_salt = salt.to_owned();
        let mut frames = FramesView::new(&job.id);
        frames.sort = sorts.1;
        frames.table_salt = salt.to_owned();
        Self {
            job: job.clone(),
            job_remote: Remote::default(),
            layers,
            frames,
            comments: CommentsPane::new(CommentTarget::Job(job.id.clone())),
            tab: DetailTab::Frames,
            log: None,
            pinned: false,
            // Opened from the jobs list (or a lookup by name): as fresh as the list.
            job_fresh_at: Some(Instant::now()),
            next_refresh: Instant::now(),
            dialog: None,
            actions: Vec::new(),
            outcomes: Vec::new(),
            history: Vec::new(),
        }
    }

    /// The job as the jobs list just brought it: no GetJob needed for a while.
    pub fn update_job(&mut self, job: &Job) {
        self.job = job.clone();
        self.job_fresh_at = Some(Instant::now());
        self.frames
            .sync
            .set_expected(usize::try_from(job.job_stats.total_frames).ok());
    }

    /// Starts a refresh: its frames (a delta when possible, the one request a refresh of the
    /// frames tab costs once loaded); the job itself unless the jobs list brought it lately;
    /// its layers and comments when shown or never loaded. One request of each kind at most in
    /// flight.
    pub fn refresh(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
        interval: Duration,
    ) {
        // The jobs list refreshes on the same interval: its copy of the job is as fresh.
        let listed = self
            .job_fresh_at
            .is_some_and(|t| t.elapsed() < interval.mul_f32(1.5));
        if !listed {
            let id = self.job.id.clone();
            let c = client.clone();
            self.job_remote
                .request(|| spawn(rt, ctx, async move { c.get_job(&id).await }));
        }
        if self.tab == DetailTab::Layers || self.layers.layers.data().is_none() {
            self.refresh_layers(rt, ctx, client);
        }
        let waker = waker(ctx);
        self.frames.sync.refresh(rt, client, &waker);
        if self.tab == DetailTab::Comments || self.comments.comments.data().is_none() {
            self.comments.refresh(rt, ctx, client);
        }
        self.next_refresh = Instant::now() + interval;
    }

    fn refresh_layers(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
    ) {
        let id = self.job.id.clone();
        let c = client.clone();
        self.layers
            .layers
            .request(|| spawn(rt, ctx, async move { c.get_layers(&id).await }));
    }

    /// Takes finished responses; refreshes when due. Returns when it next wants to run.
    pub fn logic(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
        interval: Duration,
    ) -> Instant {
        if self.job_remote.poll()
            && let Some(job) = self.job_remote.data()
        {
            self.job = job.clone();
            self.frames
                .sync
                .set_expected(usize::try_from(job.job_stats.total_frames).ok());
        }
        self.layers.layers.poll();
        self.comments.poll(rt, ctx, client);
        let waker = waker(ctx);
        self.frames.sync.poll(rt, client, &waker);
        let mut acted = false;
        self.actions.retain_mut(|(entry, p)| match p.ready_mut() {
            Some(o) => {
                let (text, error) = std::mem::take(o);
                self.history
                    .push(std::mem::take(entry).finished(&text, !error));
                self.outcomes.push((text, error));
                acted = true;
                false
            }
            None => true,
        });
        if acted {
            self.next_refresh = Instant::now();
        }
        if Instant::now() >= self.next_refresh {
            self.refresh(rt, ctx, client, interval);
        }
        self.next_refresh
    }

    /// Refreshes at the next frame (the user asked: F5, Refresh, Retry).
    pub fn refresh_soon(&mut self) {
        self.next_refresh = Instant::now();
    }

    /// Outcomes of finished actions, for toasts.
    pub fn take_outcomes(&mut self) -> Vec<(String, bool)> {
        std::mem::take(&mut self.outcomes)
    }

    /// Finished actions, for the action history.
    pub fn take_history(&mut self) -> Vec<crate::history::HistoryEntry> {
        std::mem::take(&mut self.history)
    }

    fn start(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
        profile: &Profile,
        request: Option<FrameRequest>,
    ) {
        let Some(request) = request else {
            return;
        };
        if profile.read_only {
            return;
        }
        match FrameDialog::start(request, &self.job.user, &profile.username) {
            Ok(request) => self.send(rt, ctx, client, request, None, profile),
            Err(dialog) => self.dialog = Some(dialog),
        }
    }

    fn send(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
        request: FrameRequest,
        reason: Option<String>,
        profile: &Profile,
    ) {
        let mut targets = vec![format!("{}: {}", self.job.name, request.what)];
        targets.extend(request.names.iter().cloned());
        let entry = crate::history::HistoryEntry::sent(
            &profile.name,
            client.base_url(),
            request.op.short(),
            targets,
        );
        let kill = reason.map(|reason| KillReason {
            username: profile.username.clone(),
            reason,
        });
        self.actions
            .push((entry, spawn(rt, ctx, request.run(client.clone(), kill))));
    }

    fn open_log(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        frame_id: &str,
        profile: &Profile,
    ) {
        if let Some(frame) = self.frames.sync.table().get(frame_id) {
            self.log = Some(LogViewer::open(
                rt,
                ctx,
                frame,
                &self.job,
                &profile.path_mappings,
            ));
        }
    }

    /// Shows the detail. Returns false when the user closed it.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        rt: &tokio::runtime::Handle,
        client: &ApiClient,
        profile: &Profile,
    ) -> bool {
        let mut open = true;
        ui.horizontal_wrapped(|ui| {
            // One label: the job's name alone is the jobs table's.
            ui.strong(format!(
                "{}   {}   {} | {}",
                self.job.name,
                crate::ui::jobs::state_text(&self.job),
                self.job.user,
                self.job.shot
            ));
            let s = &self.job.job_stats;
            widgets::state_bar(ui, &crate::ui::jobs::state_counts(&self.job), 160.0);
            ui.weak(format!("{}/{} done", s.succeeded_frames, s.total_frames));
            ui.separator();
            if !self.pinned
                && ui
                    .button("Keep open")
                    .on_hover_text("Keep this job in a tab when another job is selected")
                    .clicked()
            {
                self.pinned = true;
            }
            if ui.button("Close job").clicked() {
                open = false;
            }
        });
        ui.horizontal(|ui| {
            for (tab, label) in [
                (DetailTab::Layers, "Layers".to_owned()),
                (DetailTab::Frames, "Frames".to_owned()),
                (DetailTab::Comments, self.comments.tab_label()),
            ] {
                if ui.selectable_label(self.tab == tab, label).clicked() && self.tab != tab {
                    self.tab = tab;
                    match tab {
                        DetailTab::Comments => self.comments.refresh(rt, ui.ctx(), client),
                        DetailTab::Layers => self.refresh_layers(rt, ui.ctx(), client),
                        DetailTab::Frames => {}
                    }
                }
            }
            ui.separator();
            self.status_ui(ui);
        });
        if let Some(e) = self
            .job_remote
            .error()
            .or(self.layers.layers.error())
            .or(self.frames.sync.error())
        {
            ui.colored_label(theme::error(ui), e.user_message());
        }
        ui.separator();
        crate::ui::logview::side_panel(ui, ("log_panel", &self.job.id), &mut self.log, rt, profile);
        match self.tab {
            DetailTab::Layers => self.layers_ui(ui, rt, client, profile),
            DetailTab::Frames => self.frames_ui(ui, rt, client, profile),
            DetailTab::Comments => self.comments.ui(ui, rt, client, profile),
        }
        if let Some(dialog) = self.dialog.as_mut() {
            match dialog.ui(ui.ctx()) {
                FrameDialogOutcome::Open => {}
                FrameDialogOutcome::Cancelled => self.dialog = None,
                FrameDialogOutcome::Confirmed(request, reason) => {
                    self.dialog = None;
                    self.send(rt, ui.ctx(), client, *request, reason, profile);
                }
            }
        }
        open
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        if let Some(n) = self.frames.sync.loading_progress() {
            let total = usize::try_from(self.job.job_stats.total_frames)
                .unwrap_or(0)
                .max(n);
            #[allow(clippy::cast_precision_loss)]
            let fraction = if total > 0 {
                n as f32 / total as f32
            } else {
                0.0
            };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(160.0)
                    .text(format!("loading frames: {n} of {total}")),
            );
        } else if self.frames.sync.is_busy() {
            ui.spinner();
        }
        if let Some(r) = self.frames.sync.report() {
            ui.weak(format!("Frames {}", r.text())).on_hover_text(
                "Each refresh also sends GetLayers while the Layers tab is shown, GetComments while the Comments tab is shown, and GetJob for a job the jobs list does not show",
            );
        }
    }

    fn layers_ui(
        &mut self,
        ui: &mut egui::Ui,
        rt: &tokio::runtime::Handle,
        client: &ApiClient,
        profile: &Profile,
    ) {
        let selected = self.layers.selected.len();
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let ops = LayerOp::ALL.map(|o| (o, o.label(), ""));
            chosen = table::action_buttons(ui, &ops, selected, profile.read_only, "layers");
            if ui
                .add_enabled(selected > 0, egui::Button::new("Show their frames"))
                .clicked()
            {
                self.frames.filter.layers = self
                    .layers
                    .selected_layers()
                    .into_iter()
                    .map(|l| l.name)
                    .collect();
                self.tab = DetailTab::Frames;
            }
            let total = self.layers.layers.data().map_or(0, Vec::len);
            ui.weak(format!("{total} layers, selected: {selected}"));
        });
        if self.layers.layers.data().is_none() && self.layers.layers.is_loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading layers…");
            });
        }
        if let Some(op) = self.layers.table_ui(ui, profile.read_only) {
            chosen = Some(op);
        }
        if let Some(op) = chosen {
            let layers = self.layers.selected_layers();
            let request = FrameRequest::layers(op, &self.job.id, &layers);
            self.start(rt, ui.ctx(), client, profile, request);
        }
    }

    fn frames_ui(
        &mut self,
        ui: &mut egui::Ui,
        rt: &tokio::runtime::Handle,
        client: &ApiClient,
        profile: &Profile,
    ) {
        let names = self.layers.names();
        self.frames.filter_ui(ui, &names);
        self.frames.update_order();
        let selected = self.frames.selected.len();
        let mut command = None;
        ui.horizontal_wrapped(|ui| {
            let ops = FrameOp::ALL.map(|o| (o, o.label(), ""));
            command = table::action_buttons(ui, &ops, selected, profile.read_only, "frames")
                .map(FrameCommand::Act);
            if ui.button("Select all dead").clicked() {
                self.frames.select_all_dead();
            }
            if ui
                .add_enabled(selected > 0, egui::Button::new("View log"))
                .on_hover_text("Or double-click a frame, or press Enter")
                .clicked()
                && let Some(f) = self.frames.selected_frames().first()
            {
                command = Some(FrameCommand::OpenLog(f.id.clone()));
            }
            let shown = self.frames.visible_count();
            let total = self.frames.sync.table().len();
            ui.weak(format!("{shown} of {total} frames, selected: {selected}"));
        });
        if !self.frames.sync.is_loaded() && self.frames.sync.table().is_empty() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading frames…");
            });
        }
        let enter = !ui.ctx().egui_wants_keyboard_input()
            && self.dialog.is_none()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter));
        if enter && let Some(f) = self.frames.selected_frames().first() {
            command = Some(FrameCommand::OpenLog(f.id.clone()));
        }
        if let Some(c) = self.frames.table_ui(ui, profile.read_only) {
            command = Some(c);
        }
        match command {
            Some(FrameCommand::OpenLog(id)) => self.open_log(rt, ui.ctx(), &id, profile),
            Some(FrameCommand::CopyLogPath(id)) => {
                if let Some(f) = self.frames.sync.table().get(&id) {
                    let reported =
                        crate::logs::frame_log_path(&self.job.log_dir, &self.job.name, &f.name);
                    let path = crate::logs::map_path(&reported, &profile.path_mappings);
                    ui.ctx().copy_text(path.display().to_string());
                }
            }
            Some(FrameCommand::Act(op)) => {
                let frames = self.frames.selected_frames();
                let request = FrameRequest::frames(op, &self.job.id, &frames);
                self.start(rt, ui.ctx(), client, profile, request);
            }
            None => {}
        }
    }
}

/// Wakes the window from a background task.
pub fn waker(ctx: &egui::Context) -> Waker {
    let ctx = ctx.clone();
    std::sync::Arc::new(move || ctx.request_repaint())
}

/// The open jobs: tabs, one of them shown.
#[derive(Default)]
pub struct DetailArea {
    /// Open jobs.
    pub tabs: Vec<JobDetail>,
    /// The one shown.
    pub active: usize,
    /// How new tables are sorted (the last sort the user chose).
    pub sorts: Option<(Sort<LayerColumn>, Sort<FrameColumn>)>,
}

impl DetailArea {
    /// Shows `job`: its tab if open, else in place of an unpinned tab, else in a new tab.
    pub fn show_job(&mut self, job: &Job, pin: bool, salt: &str) {
        if let Some(i) = self.tabs.iter().position(|t| t.job.id == job.id) {
            self.active = i;
            self.tabs[i].pinned |= pin;
            return;
        }
        let sorts = self
            .sorts
            .unwrap_or((Sort::by(LayerColumn::Name), Sort::by(FrameColumn::Order)));
        let mut detail = JobDetail::new(job, salt, sorts);
        detail.pinned = pin;
        match self.tabs.iter().position(|t| !t.pinned) {
            Some(i) => {
                self.tabs[i] = detail;
                self.active = i;
            }
            None => {
                self.tabs.push(detail);
                self.active = self.tabs.len() - 1;
            }
        }
    }

    /// The job shown.
    pub fn active(&self) -> Option<&JobDetail> {
        self.tabs.get(self.active)
    }

    /// The job shown, to change.
    pub fn active_mut(&mut self) -> Option<&mut JobDetail> {
        self.tabs.get_mut(self.active)
    }

    /// Closes a tab.
    pub fn close(&mut self, i: usize) {
        if i < self.tabs.len() {
            self.tabs.remove(i);
        }
        if self.active >= self.tabs.len() {
            self.active = self.tabs.len().saturating_sub(1);
        }
    }

    /// The tab strip (when more than one job is open).
    pub fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        if self.tabs.len() < 2 {
            return;
        }
        let mut close = None;
        ui.horizontal_wrapped(|ui| {
            for (i, t) in self.tabs.iter().enumerate() {
                let name = if t.pinned {
                    t.job.name.clone()
                } else {
                    format!("{} (preview)", t.job.name)
                };
                if ui.selectable_label(i == self.active, name).clicked() {
                    self.active = i;
                }
                if ui
                    .small_button("x")
                    .on_hover_text(format!("Close {}", t.job.name))
                    .clicked()
                {
                    close = Some(i);
                }
                ui.separator();
            }
        });
        if let Some(i) = close {
            self.close(i);
        }
    }

    /// Remembers the sorts of the shown job for jobs opened later.
    pub fn remember_sorts(&mut self) {
        if let Some(t) = self.active() {
            self.sorts = Some((t.layers.sort, t.frames.sort));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Frame, Layer};

    fn job(id: &str) -> Job {
        Job {
            id: id.into(),
            name: format!("job-{id}"),
            user: "jdoe".into(),
            ..Job::default()
        }
    }

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
        assert!(FrameDialog::start(retry.clone(), "jdoe", "jdoe").is_ok());
        let d = FrameDialog::start(retry, "asmith", "jdoe").err().unwrap();
        assert!(d.problem().is_some(), "another user's job needs the tick");
        let kill = FrameRequest::frames(FrameOp::Kill, "j", &[f]).unwrap();
        let mut d = FrameDialog::start(kill, "jdoe", "jdoe").err().unwrap();
        assert_eq!(d.problem(), Some("Say why the frames are killed"));
        d.reason = "stuck".into();
        assert_eq!(d.problem(), None);
    }

    #[test]
    fn selecting_replaces_the_preview_and_pinned_tabs_stay() {
        let mut area = DetailArea::default();
        area.show_job(&job("a"), false, "");
        area.show_job(&job("b"), false, "");
        assert_eq!(area.tabs.len(), 1, "the preview is replaced");
        area.tabs[0].pinned = true;
        area.show_job(&job("c"), false, "");
        assert_eq!(area.tabs.len(), 2);
        area.show_job(&job("b"), true, "");
        assert_eq!(area.active().unwrap().job.id, "b");
        area.show_job(&job("d"), false, "");
        assert_eq!(
            area.tabs
                .iter()
                .map(|t| t.job.id.as_str())
                .collect::<Vec<_>>(),
            ["b", "d"]
        );
        area.close(0);
        assert_eq!(area.active().unwrap().job.id, "d");
    }
}
