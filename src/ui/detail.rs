//! Job detail: the layers, every frame, the frame log and the comments of one job. Selecting a
//! job shows it here (a preview that the next selection replaces); "Keep open" or a double-click
//! pins it as a tab, so several jobs can stay open.

use std::time::{Duration, Instant};

use crate::api::ApiClient;
use crate::api::types::Job;
use crate::command::{Command, CommandSender};
use crate::profiles::Profile;
use crate::remote::Remote;
use crate::tasks::Tasks;
use crate::ui::comments::{CommentTarget, CommentsPane};
use crate::ui::depends::DependsPane;
use crate::ui::edits::EditDialog;
use crate::ui::frame_actions::{FrameOp, FrameRequest, LayerOp};
use crate::ui::frames::{FrameColumn, FrameCommand, FramesView};
use crate::ui::layers::{LayerColumn, LayersView};
use crate::ui::logview::LogViewer;
use crate::ui::table::{self, Sort};
use crate::ui::{theme, widgets};

/// The parts of the detail view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    /// The layers table.
    Layers,
    /// The frames table.
    Frames,
    /// Comments.
    Comments,
    /// What the job waits on and what waits on it.
    Depends,
}

/// The layers toolbar's edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LayerEdit {
    Properties,
    Reorder,
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
    /// Its dependencies.
    pub depends: DependsPane,
    /// The part shown.
    pub tab: DetailTab,
    /// The tab was just switched: its data is fetched at the next logic pass.
    tab_opened: bool,
    /// The frame log shown beside the tables.
    pub log: Option<LogViewer>,
    /// Kept open when another job is selected.
    pub pinned: bool,
    /// When the jobs list last brought this job (GetJob is then not needed).
    job_fresh_at: Option<Instant>,
    next_refresh: Instant,
}

impl JobDetail {
    /// A detail of `job`, loaded on its first refresh; tables sorted as given.
    pub fn new(job: &Job, salt: &str, sorts: (Sort<LayerColumn>, Sort<FrameColumn>)) -> Self {
        let mut layers = LayersView::default();
        layers.table.sort = sorts.0;
        salt.clone_into(&mut layers.table.salt);
        let mut frames = FramesView::new(&job.id);
        frames.table.sort = sorts.1;
        salt.clone_into(&mut frames.table.salt);
        Self {
            job: job.clone(),
            job_remote: Remote::default(),
            layers,
            frames,
            comments: CommentsPane::new(CommentTarget::Job(job.id.clone()), &job.name),
            depends: DependsPane::new(&job.id),
            tab: DetailTab::Frames,
            tab_opened: false,
            log: None,
            pinned: false,
            // Opened from the jobs list (or a lookup by name): as fresh as the list.
            job_fresh_at: Some(Instant::now()),
            next_refresh: Instant::now(),
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
    pub fn refresh(&mut self, tasks: &Tasks, client: &ApiClient, interval: Duration) {
        // The jobs list refreshes on the same interval: its copy of the job is as fresh.
        let listed = self
            .job_fresh_at
            .is_some_and(|t| t.elapsed() < interval.mul_f32(1.5));
        if !listed {
            let id = self.job.id.clone();
            let c = client.clone();
            self.job_remote
                .request(|| tasks.spawn("loading the job", async move { c.get_job(&id).await }));
        }
        // The dependencies tab draws the layers as a graph.
        if matches!(self.tab, DetailTab::Layers | DetailTab::Depends)
            || self.layers.layers.data().is_none()
        {
            self.refresh_layers(tasks, client);
        }
        self.frames.sync.refresh(tasks, client);
        if self.tab == DetailTab::Comments || self.comments.comments.data().is_none() {
            self.comments.refresh(tasks, client);
        }
        if self.tab == DetailTab::Depends {
            self.depends.refresh(tasks, client);
        }
        self.next_refresh = Instant::now() + interval;
    }

    fn refresh_layers(&mut self, tasks: &Tasks, client: &ApiClient) {
        let id = self.job.id.clone();
        let c = client.clone();
        self.layers
            .layers
            .request(|| tasks.spawn("loading the layers", async move { c.get_layers(&id).await }));
    }

    /// Takes finished responses, fetches what a tab just opened shows, and refreshes when due.
    /// Returns when it next wants to run.
    pub fn logic(&mut self, tasks: &Tasks, client: &ApiClient, interval: Duration) -> Instant {
        if self.job_remote.poll()
            && let Some(job) = self.job_remote.data()
        {
            self.job = job.clone();
            self.frames
                .sync
                .set_expected(usize::try_from(job.job_stats.total_frames).ok());
        }
        self.layers.layers.poll();
        self.comments.comments.poll();
        self.depends.poll();
        self.frames.sync.poll(tasks, client);
        if std::mem::take(&mut self.tab_opened) {
            match self.tab {
                DetailTab::Comments => self.comments.refresh(tasks, client),
                DetailTab::Layers => self.refresh_layers(tasks, client),
                DetailTab::Depends => {
                    self.depends.refresh(tasks, client);
                    self.refresh_layers(tasks, client);
                }
                DetailTab::Frames => {}
            }
        }
        if Instant::now() >= self.next_refresh {
            self.refresh(tasks, client, interval);
        }
        self.next_refresh
    }

    /// Refreshes at the next frame (the user asked: F5, Refresh, Retry; or an action changed it).
    pub fn refresh_soon(&mut self) {
        self.next_refresh = Instant::now();
    }

    /// Opens the log of one of its frames beside the tables.
    pub fn open_log(&mut self, tasks: &Tasks, frame_id: &str, profile: &Profile) {
        if let Some(frame) = self.frames.sync.table().get(frame_id) {
            self.log = Some(LogViewer::open(tasks, frame, &self.job, profile));
        }
    }

    /// Shows the detail. Returns false when the user closed it.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        (read_only, username): (bool, &str),
        commands: &CommandSender,
    ) -> bool {
        let mut open = true;
        ui.horizontal_wrapped(|ui| {
            // One label: the job's name alone is the jobs table's.
            ui.strong(format!(
                "{}   {}   {} | {}",
                self.job.name,
                self.job.state_text(),
                self.job.user,
                self.job.shot
            ));
            let s = &self.job.job_stats;
            widgets::state_bar(ui, &self.job.job_stats.state_counts(), 160.0);
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
                (DetailTab::Depends, "Dependencies".to_owned()),
            ] {
                if ui.selectable_label(self.tab == tab, label).clicked() && self.tab != tab {
                    self.tab = tab;
                    self.tab_opened = true;
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
        crate::ui::logview::side_panel(ui, ("log_panel", &self.job.id), &mut self.log);
        match self.tab {
            DetailTab::Layers => self.layers_ui(ui, (read_only, username), commands),
            DetailTab::Frames => self.frames_ui(ui, (read_only, username), commands),
            DetailTab::Comments => self.comments.ui(ui, read_only, commands),
            DetailTab::Depends => {
                let layers = self.layers.layers.data().map(Vec::as_slice);
                let clicked =
                    self.depends
                        .ui(ui, (&self.job, layers), (read_only, username), commands);
                // A node of the graph: that layer, selected in the layers table.
                if let Some(name) = clicked {
                    self.layers.select_by_name(&name);
                    self.tab = DetailTab::Layers;
                    self.tab_opened = true;
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
            // Still, not animated: a refresh with rows on screen costs no frames.
            ui.weak("refreshing…");
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
        (read_only, username): (bool, &str),
        commands: &CommandSender,
    ) {
        let selected = self.layers.table.selected.len();
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let ops = LayerOp::ALL.map(|o| (o, o.label(), ""));
            chosen = table::action_buttons(ui, &ops, selected, read_only, "layers");
            let edits = [
                (
                    LayerEdit::Properties,
                    "Edit properties…",
                    "Cores, memory, tags, timeouts",
                ),
                (
                    LayerEdit::Reorder,
                    "Reorder frames…",
                    "First, last, reverse or stagger",
                ),
            ];
            let edit = table::action_buttons(ui, &edits, selected, read_only, "layers");
            let paths = ui
                .add_enabled(selected == 1, egui::Button::new("Output paths"))
                .on_hover_text("Where the layer writes its renders")
                .on_disabled_hover_text("Select one layer");
            // The selected layers are copied only when a button asks for them.
            let dialog = match edit {
                Some(LayerEdit::Properties) => {
                    EditDialog::layers(&self.job, self.layers.selected_layers(), username)
                }
                Some(LayerEdit::Reorder) => Some(EditDialog::reorder(
                    &self.job,
                    self.layers.selected_layers(),
                    None,
                    username,
                )),
                None if paths.clicked() => self
                    .layers
                    .selected_layers()
                    .into_iter()
                    .next()
                    .map(EditDialog::output_paths),
                None => None,
            };
            if let Some(d) = dialog {
                commands.send(Command::Ask(Box::new(d)));
            }
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
            crate::ui::widgets::loading_ui(ui, "Loading layers…");
        }
        if let Some(op) = self.layers.table_ui(ui, read_only) {
            chosen = Some(op);
        }
        if let Some(op) = chosen {
            let layers = self.layers.selected_layers();
            if let Some(request) = FrameRequest::layers(op, &self.job.id, &layers) {
                commands.send(Command::FrameAction(Box::new(self.job.clone()), request));
            }
        }
    }

    fn frames_ui(
        &mut self,
        ui: &mut egui::Ui,
        (read_only, username): (bool, &str),
        commands: &CommandSender,
    ) {
        let names = self.layers.names();
        self.frames.filter_ui(ui, &names);
        self.frames.update_order();
        let selected = self.frames.table.selected.len();
        let mut command = None;
        ui.horizontal_wrapped(|ui| {
            let ops = FrameOp::ALL.map(|o| (o, o.label(), ""));
            command = table::action_buttons(ui, &ops, selected, read_only, "frames")
                .map(FrameCommand::Act);
            if ui.button("Select all dead").clicked() {
                self.frames.select_all_dead();
            }
            let reorder = ui
                .add_enabled(!read_only, egui::Button::new("Reorder…"))
                .on_hover_text("Move frames first or last in the dispatch order, reverse or stagger them (the selected frames, else a range)")
                .on_disabled_hover_text("This profile is read-only");
            if reorder.clicked() {
                let chosen = self.frames.selected_frames();
                // The selected frames, else every frame of the job (from first to last).
                let all = self.frames.sync.table().frames();
                let range = if chosen.is_empty() {
                    let lo = all.iter().map(|f| f.number).min();
                    let hi = all.iter().map(|f| f.number).max();
                    lo.zip(hi).map(|(lo, hi)| format!("{lo}-{hi}"))
                } else {
                    Some(crate::api::framespec::FrameSet::spec_of(
                        chosen.iter().map(|f| f.number),
                    ))
                };
                let layers: std::collections::BTreeSet<&str> =
                    chosen.iter().map(|f| f.layer_name.as_str()).collect();
                let layers = self
                    .layers
                    .layers
                    .data()
                    .map(|all| {
                        all.iter()
                            .filter(|l| layers.contains(l.name.as_str()))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let d = EditDialog::reorder(&self.job, layers, range, username);
                commands.send(Command::Ask(Box::new(d)));
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
            crate::ui::widgets::loading_ui(ui, "Loading frames…");
        }
        let enter = !ui.ctx().egui_wants_keyboard_input()
            && !widgets::modal_open(ui.ctx())
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter));
        if enter && let Some(f) = self.frames.selected_frames().first() {
            command = Some(FrameCommand::OpenLog(f.id.clone()));
        }
        if let Some(c) = self.frames.table_ui(ui, read_only) {
            command = Some(c);
        }
        let job_id = self.job.id.clone();
        match command {
            Some(FrameCommand::OpenLog(frame_id)) => {
                commands.send(Command::OpenFrameLog { job_id, frame_id });
            }
            Some(FrameCommand::CopyLogPath(frame_id)) => {
                if let Some(f) = self.frames.sync.table().get(&frame_id) {
                    let j = &self.job;
                    let reported = crate::logs::frame_log_path(&j.log_dir, &j.name, &f.name);
                    commands.send(Command::CopyLogPath(reported));
                }
            }
            Some(FrameCommand::Act(op)) => {
                let frames = self.frames.selected_frames();
                if let Some(request) = FrameRequest::frames(op, &self.job.id, &frames) {
                    commands.send(Command::FrameAction(Box::new(self.job.clone()), request));
                }
            }
            None => {}
        }
    }
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
    /// A running frame whose log has not been written for this long is stuck (the profile's).
    pub stuck_minutes: u64,
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
        if self.stuck_minutes > 0 {
            detail.frames.stuck_minutes = self.stuck_minutes;
        }
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
            self.sorts = Some((t.layers.table.sort, t.frames.table.sort));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> Job {
        Job {
            id: id.into(),
            name: format!("job-{id}"),
            user: "jdoe".into(),
            ..Job::default()
        }
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
