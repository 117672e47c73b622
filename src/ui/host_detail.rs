//! The host shown below the hosts table: its procs (the frames running on it) and its
//! comments. A proc's log opens beside the procs (its `logPath`, through the profile's path
//! mappings); "Go to job" shows the proc's job in the jobs view.

use std::time::{Duration, Instant};

use crate::api::ApiClient;
use crate::api::types::{Host, Proc};
use crate::command::{Command, CommandSender};
use crate::profiles::Profile;
use crate::remote::Remote;
use crate::tasks::Tasks;
use crate::ui::comments::{CommentTarget, CommentsPane};
use crate::ui::edits::ProcAction;
use crate::ui::logview::LogViewer;
use crate::ui::table::{self, Sort, TableState};
use crate::ui::{theme, widgets};

pub use crate::ui::columns::ProcColumn;

/// What the buttons above the procs open for the selected proc.
#[derive(Debug, Clone, Copy)]
enum ProcOpen {
    /// Its log, beside the procs.
    Log,
    /// Its job, in the jobs view.
    Job,
}

/// The parts of the host detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostTab {
    /// The frames running on the host.
    Procs,
    /// Comments.
    Comments,
}

/// One host, shown below the hosts table.
pub struct HostDetail {
    /// The host as last known.
    pub host: Host,
    /// Its procs.
    pub procs: Remote<Vec<Proc>>,
    /// Sort, selection by proc id, row order.
    pub table: TableState<ProcColumn>,
    /// Its comments.
    pub comments: CommentsPane,
    /// The part shown.
    pub tab: HostTab,
    /// A proc's log, beside the procs.
    pub log: Option<LogViewer>,
    /// The tab was just switched: its data is fetched at the next logic pass.
    tab_opened: bool,
    next_refresh: Instant,
}

impl HostDetail {
    /// The detail of `host`, loaded on its first refresh.
    pub fn new(host: &Host, sort: Sort<ProcColumn>, salt: &str) -> Self {
        Self {
            host: host.clone(),
            procs: Remote::default(),
            table: {
                let mut table = TableState::new(sort);
                salt.clone_into(&mut table.salt);
                table
            },
            comments: CommentsPane::new(CommentTarget::Host(host.id.clone()), &host.name),
            tab: HostTab::Procs,
            log: None,
            tab_opened: false,
            next_refresh: Instant::now(),
        }
    }

    /// Starts a refresh of the procs and, when shown or never loaded, the comments.
    pub fn refresh(&mut self, tasks: &Tasks, client: &ApiClient, interval: Duration) {
        let c = client.clone();
        let id = self.host.id.clone();
        self.procs.request(|| {
            tasks.spawn(
                "loading the procs",
                async move { c.get_host_procs(&id).await },
            )
        });
        if self.tab == HostTab::Comments || self.comments.comments.data().is_none() {
            self.comments.refresh(tasks, client);
        }
        self.next_refresh = Instant::now() + interval;
    }

    /// Takes finished responses; refreshes when due. Returns when it next wants to run.
    pub fn logic(&mut self, tasks: &Tasks, client: &ApiClient, interval: Duration) -> Instant {
        self.procs.poll();
        self.comments.comments.poll();
        if std::mem::take(&mut self.tab_opened) && self.tab == HostTab::Comments {
            self.comments.refresh(tasks, client);
        }
        if Instant::now() >= self.next_refresh {
            self.refresh(tasks, client, interval);
        }
        self.next_refresh
    }

    /// Refreshes at the next frame (the user asked: F5, Refresh; or a comment was added).
    pub fn refresh_soon(&mut self) {
        self.next_refresh = Instant::now();
    }

    fn selected_proc(&self) -> Option<&Proc> {
        let id = self.table.selected.first()?;
        self.procs.data()?.iter().find(|p| &p.id == id)
    }

    /// Opens the log of one of its procs beside the procs.
    pub fn open_log(&mut self, tasks: &Tasks, proc_id: &str, profile: &Profile) {
        let Some(p) = self
            .procs
            .data()
            .and_then(|p| p.iter().find(|p| p.id == proc_id))
        else {
            return;
        };
        let name = format!("{} ({})", p.frame_name, p.job_name);
        self.log = Some(LogViewer::open_path(
            tasks,
            (&p.id, &name),
            p.log_path.clone(),
            profile,
            true,
        ));
        self.table.selected = std::iter::once(proc_id.to_owned()).collect();
    }

    /// Shows the detail.
    pub fn ui(&mut self, ui: &mut egui::Ui, read_only: bool, commands: &CommandSender) {
        ui.horizontal_wrapped(|ui| {
            let h = &self.host;
            // One label: the host's name alone is the hosts table's.
            ui.strong(format!(
                "{}   {}   {}   {}",
                h.name,
                h.state.as_str(),
                h.lock_state.as_str(),
                h.alloc_name
            ));
            ui.weak(format!(
                "{} of {} cores busy, {} of {} booked",
                h.cores_used(),
                h.cores,
                widgets::kb(h.memory_used()),
                widgets::kb(h.memory)
            ));
            ui.separator();
            if ui.button("Close host").clicked() {
                commands.send(Command::CloseHost);
            }
        });
        ui.horizontal(|ui| {
            let procs = match self.procs.data().map(Vec::len) {
                Some(n) => format!("Procs ({n})"),
                None => "Procs".to_owned(),
            };
            for (tab, label) in [
                (HostTab::Procs, procs),
                (HostTab::Comments, self.comments.tab_label()),
            ] {
                if ui.selectable_label(self.tab == tab, label).clicked() && self.tab != tab {
                    self.tab = tab;
                    self.tab_opened = true;
                }
            }
            if self.procs.is_loading() {
                // Still, not animated: a refresh with rows on screen costs no frames.
                ui.weak("refreshing…");
            }
        });
        if let Some(e) = self.procs.error() {
            ui.colored_label(theme::error(ui), e.user_message());
        }
        ui.separator();
        crate::ui::logview::side_panel(ui, ("host_log_panel", &self.host.id), &mut self.log);
        match self.tab {
            HostTab::Procs => self.procs_ui(ui, read_only, commands),
            HostTab::Comments => self.comments.ui(ui, read_only, commands),
        }
    }

    fn procs_ui(&mut self, ui: &mut egui::Ui, read_only: bool, commands: &CommandSender) {
        let mut open_log = None;
        let chosen = self.selected_proc().cloned();
        ui.horizontal_wrapped(|ui| {
            let opens = [
                (ProcOpen::Log, "View log", "Or double-click a proc"),
                (
                    ProcOpen::Job,
                    "Go to job",
                    "Show the proc's job in the jobs view",
                ),
            ];
            let selected = usize::from(chosen.is_some());
            match (
                table::action_buttons(ui, &opens, selected, false, "a proc"),
                &chosen,
            ) {
                (Some(ProcOpen::Log), Some(p)) => open_log = Some(p.id.clone()),
                (Some(ProcOpen::Job), Some(p)) => {
                    commands.send(Command::GoToJob(p.job_name.clone()));
                }
                _ => {}
            }
            let actions = ProcAction::ALL.map(|a| (a, a.label(), ""));
            let picked = table::action_buttons(ui, &actions, selected, read_only, "a proc");
            if let (Some(action), Some(p)) = (picked, &chosen) {
                commands.send(Command::ProcAction {
                    proc: Box::new(p.clone()),
                    host: self.host.name.clone(),
                    action,
                });
            }
            let n = self.procs.data().map_or(0, Vec::len);
            ui.weak(format!("{} on this host", crate::text::plural(n, "proc")));
        });
        if self.procs.data().is_some_and(Vec::is_empty) {
            ui.weak("Nothing is running on this host.");
        }
        let procs = self.procs.data().map_or(&[][..], Vec::as_slice);
        self.table.update_order(
            procs,
            self.procs.data().is_some(),
            self.procs.generation(),
            &(),
            |_| true,
        );
        let response = self.table.ui(ui, "procs", procs, false, |ui, p| {
            if ui.button("View log").clicked() {
                return Some(Command::OpenProcLog(p.id.clone()));
            }
            if ui.button("Go to job").clicked() {
                return Some(Command::GoToJob(p.job_name.clone()));
            }
            ui.button("Copy log path")
                .clicked()
                .then(|| Command::CopyLogPath(p.log_path.clone()))
        });
        // One proc at a time: the one clicked.
        if let Some(id) = response.clicked {
            self.table.selected = std::iter::once(id).collect();
        }
        if let Some(id) = response.opened {
            open_log = Some(id);
        }
        if let Some(command) = response.action {
            commands.send(command);
        }
        if let Some(id) = open_log {
            self.table.selected = std::iter::once(id.clone()).collect();
            commands.send(Command::OpenProcLog(id));
        }
    }
}

/// Draws a proc's cell in `column`.
pub(crate) fn proc_cell_ui(ui: &mut egui::Ui, column: ProcColumn, p: &Proc, now: i64) {
    match column {
        ProcColumn::Job => {
            ui.label(&p.job_name);
        }
        ProcColumn::Frame => {
            ui.label(&p.frame_name);
        }
        ProcColumn::Cores => {
            ui.label(format!("{}", p.reserved_cores));
        }
        ProcColumn::Gpus => {
            if p.reserved_gpus > 0.0 {
                ui.label(format!("{}", p.reserved_gpus));
            } else {
                ui.weak("0");
            }
        }
        ProcColumn::Reserved => {
            ui.label(widgets::kb(p.reserved_memory));
        }
        ProcColumn::Used => {
            let over = p.reserved_memory > 0 && p.used_memory > p.reserved_memory;
            let why = "Using more memory than it reserved";
            widgets::warn_label(ui, widgets::kb(p.used_memory), over, why);
        }
        ProcColumn::Runtime => {
            if p.dispatch_time > 0 {
                ui.label(widgets::duration(now - i64::from(p.dispatch_time)));
            }
        }
        ProcColumn::LogPath => {
            ui.label(&p.log_path).on_hover_text(&p.log_path);
        }
    }
}
