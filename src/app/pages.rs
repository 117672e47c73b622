//! The central pages: the jobs view with the open jobs below it, the hosts view with the
//! chosen host below it, and the profiles panel. They draw and push commands; nothing here
//! talks to the gateway.

use crate::api::ApiError;
use crate::command::Command;
use crate::ui::actions::JobAction;
use crate::ui::host_actions::HostAction;
use crate::ui::jobs::RowRequest;
use crate::ui::table::TableKeys;
use crate::ui::{theme, widgets};

use super::{CueDeskApp, MainView, Session};

/// The failure of the view's last refresh, with Retry, above its table.
fn failure_ui(
    ui: &mut egui::Ui,
    message: Option<String>,
    commands: &crate::command::CommandSender,
) {
    if let Some(message) = message {
        ui.horizontal(|ui| {
            ui.colored_label(theme::error(ui), message);
            if ui.button("Retry").clicked() {
                commands.send(Command::Refresh);
            }
        });
    }
}

/// Keys act on the table unless a text field has the keyboard, a dialog is open, or the
/// pointer is on the panel below (Delete there must not kill the jobs).
fn table_keys(ui: &egui::Ui, session: &Session) -> TableKeys {
    let over_detail = session
        .detail_rect
        .is_some_and(|r| ui.ctx().pointer_hover_pos().is_some_and(|p| r.contains(p)));
    if session.dialog.is_some() || over_detail {
        return TableKeys::default();
    }
    TableKeys::read(ui)
}

impl CueDeskApp {
    /// A show's jobs, or My jobs: the same table, toolbar and actions.
    pub(super) fn jobs_ui(&mut self, ui: &mut egui::Ui) {
        let commands = &self.commands;
        let Some(session) = self.session.as_mut() else {
            ui.heading("Not connected");
            ui.label("Run cuedesk --demo for the built-in demo farm, or cuedesk --gateway URL with JWT_SECRET or JWT_TOKEN set");
            return;
        };
        let mine = session.view == MainView::Mine;
        let failure = if mine {
            session.mine.jobs.error().map(ApiError::user_message)
        } else {
            session
                .jobs
                .jobs
                .error()
                .or(session.shows.error())
                .map(ApiError::user_message)
        };
        failure_ui(ui, failure, commands);
        let keys = table_keys(ui, session);
        let read_only = session.profile.read_only;
        let can_mail = !session.profile.email_domain.trim().is_empty();
        let user = session.profile.username.clone();
        let finished_count = session.finished_watched();
        let watch_mine = session.profile.watching.watch_mine;
        let Session {
            jobs,
            mine: mine_view,
            watch,
            include_finished,
            previewed,
            ..
        } = session;
        let view = if mine { mine_view } else { jobs };
        if keys.select_all {
            view.select_all();
        }
        if keys.clear {
            view.table.selected.clear();
        }
        if keys.delete {
            commands.send(Command::JobAction(JobAction::Kill, view.selected_jobs()));
        }
        // The count is enough for the toolbar; the jobs are cloned only when an action starts.
        let selected = view.selected_count();
        // Wraps on narrow windows rather than running off the edge.
        ui.horizontal_wrapped(|ui| {
            ui.label("Filter");
            ui.add(
                egui::TextEdit::singleline(&mut view.filter.text)
                    .hint_text("job name")
                    .desired_width(180.0),
            );
            if !mine {
                let mut only_mine = view.filter.user.is_some();
                if ui
                    .checkbox(&mut only_mine, "Only mine")
                    .on_hover_text(
                        "Only your jobs of this show; My jobs lists them across every show",
                    )
                    .changed()
                {
                    view.filter.user = only_mine.then(|| user.clone());
                }
            }
            ui.checkbox(&mut view.filter.regex, "Regex");
            egui::ComboBox::new("state_filter", "State filter")
                .selected_text(view.filter.state.label())
                .show_ui(ui, |ui| {
                    for f in crate::ui::jobs::StateFilter::ALL {
                        ui.selectable_value(&mut view.filter.state, f, f.label());
                    }
                });
            if mine {
                let button = ui
                    .add_enabled(finished_count > 0, egui::Button::new("Remove finished"))
                    .on_hover_text("Stop watching the finished jobs: they leave this list")
                    .on_disabled_hover_text("No finished job is listed");
                if button.clicked() {
                    commands.send(Command::RemoveFinished);
                }
            } else {
                let mut finished = *include_finished;
                if ui.checkbox(&mut finished, "Include finished").changed() {
                    commands.send(Command::IncludeFinished(finished));
                }
            }
            crate::ui::table::columns_menu(ui, &mut view.table.hidden);
            ui.separator();
            let enabled = selected > 0 && !read_only;
            let hover = if read_only {
                "This profile is read-only"
            } else {
                "Select jobs first"
            };
            for action in JobAction::ALL.into_iter().filter(|a| a.on_toolbar()) {
                let mut button = ui
                    .add_enabled(enabled, egui::Button::new(action.label()))
                    .on_disabled_hover_text(hover);
                if let Some(key) = action.shortcut() {
                    button = button.on_hover_text(key);
                }
                if button.clicked() {
                    commands.send(Command::JobAction(action, view.selected_jobs()));
                }
            }
            let more: Vec<_> = JobAction::ALL
                .into_iter()
                .filter(|a| !a.on_toolbar())
                .map(|a| (a, a.label(), ""))
                .collect();
            let picked = crate::ui::table::more_menu(ui, |ui| {
                let picked =
                    crate::ui::table::action_buttons(ui, &more, selected, read_only, "jobs");
                ui.separator();
                let copy = ui
                    .add_enabled(selected > 0, egui::Button::new("Copy job names"))
                    .on_disabled_hover_text("Select jobs first");
                if copy.clicked() {
                    let names: Vec<String> =
                        view.selected_jobs().into_iter().map(|j| j.name).collect();
                    ui.ctx().copy_text(names.join("\n"));
                }
                let mail = ui
                    .add_enabled(
                        can_mail && selected > 0,
                        egui::Button::new("Email the owners"),
                    )
                    .on_hover_text("A new e-mail to each job's owner, in your mail program")
                    .on_disabled_hover_text(
                        "Set the profile's e-mail domain (Profiles…) to e-mail job owners",
                    );
                if mail.clicked() {
                    commands.send(Command::EmailOwners(view.selected_jobs()));
                }
                picked
            });
            if let Some(action) = picked {
                commands.send(Command::JobAction(action, view.selected_jobs()));
            }
            let shown = view.visible().count();
            let total = view.jobs.data().map_or(0, Vec::len);
            ui.weak(format!("{shown} of {total} jobs, {selected} selected"));
            saved_view_ui(ui, view.jobs.saved_at());
        });
        if let Some(e) = view.filter_error() {
            ui.colored_label(theme::error(ui), e);
        }
        if view.jobs.data().is_none() {
            if mine {
                widgets::loading_ui(ui, "Loading your jobs…");
            } else if view.jobs.is_loading() {
                widgets::loading_ui(ui, "Loading jobs…");
            }
        } else if mine && view.jobs.data().is_some_and(Vec::is_empty) {
            let who = if watch_mine {
                format!("{user} has no pending job and no job is watched.")
            } else {
                "No job is watched.".to_owned()
            };
            ui.label(who);
            ui.weak("Star a job (☆) in Jobs to watch it: it is listed here and you are told when it finishes or frames die.");
        }
        match view.table_ui(ui, read_only, watch) {
            Some(RowRequest::Action(action)) => {
                commands.send(Command::JobAction(action, view.selected_jobs()));
            }
            Some(RowRequest::Watch(jobs, watch)) => {
                commands.send(Command::Watch { jobs, watch });
            }
            None => {}
        }
        // A job selected alone is shown in the detail view; a double-click keeps it open.
        if let Some(id) = view.opened.take()
            && let Some(job) = view.visible().find(|j| j.id == id).cloned()
        {
            commands.send(Command::OpenJob { job, pin: true });
        } else if view.table.selected.len() == 1
            && view.table.selected.first() != previewed.as_ref()
            && let Some(job) = view
                .table
                .selected
                .first()
                .and_then(|id| view.visible().find(|j| &j.id == id))
                .cloned()
        {
            *previewed = Some(job.id.clone());
            commands.send(Command::OpenJob { job, pin: false });
        }
    }

    pub(super) fn hosts_ui(&mut self, ui: &mut egui::Ui) {
        let commands = &self.commands;
        let Some(session) = self.session.as_mut() else {
            return;
        };
        failure_ui(
            ui,
            session.hosts.hosts.error().map(ApiError::user_message),
            commands,
        );
        let keys = table_keys(ui, session);
        if keys.select_all {
            session.hosts.select_all();
        }
        if keys.clear {
            session.hosts.table.selected.clear();
        }
        session.hosts.filter_ui(ui);
        session.hosts.update_order();
        session.hosts.summary_ui(ui);
        let selected = session.hosts.selected_count();
        let read_only = session.profile.read_only;
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let (toolbar, more): (Vec<_>, Vec<_>) = HostAction::ALL
                .map(|a| (a, a.label(), a.hover()))
                .into_iter()
                .partition(|(a, ..)| a.on_toolbar());
            chosen = crate::ui::table::action_buttons(ui, &toolbar, selected, read_only, "hosts");
            let picked = crate::ui::table::more_menu(ui, |ui| {
                crate::ui::table::action_buttons(ui, &more, selected, read_only, "hosts")
            });
            chosen = chosen.or(picked);
            let shown = session.hosts.shown().hosts;
            let total = session.hosts.farm().hosts;
            ui.weak(format!("{shown} of {total} hosts, {selected} selected"));
            saved_view_ui(ui, session.hosts.hosts.saved_at());
        });
        if session.hosts.hosts.data().is_none() && session.hosts.hosts.is_loading() {
            widgets::loading_ui(ui, "Loading hosts…");
        }
        if let Some(action) = session.hosts.table_ui(ui, read_only) {
            chosen = Some(action);
        }
        if let Some(action) = chosen {
            commands.send(Command::HostAction(action, session.hosts.selected_hosts()));
        }
        // A host clicked alone is shown below the table.
        if let Some(id) = session.hosts.focused.take()
            && session.host_detail.as_ref().is_none_or(|d| d.host.id != id)
        {
            commands.send(Command::OpenHost(id));
        }
    }

    /// The chosen host, below the hosts table.
    /// The farm overview, from the show list and the hosts list the session has.
    pub(super) fn farm_ui(&mut self, ui: &mut egui::Ui) {
        let commands = &self.commands;
        let Some(session) = self.session.as_mut() else {
            return;
        };
        egui::ScrollArea::vertical().show(ui, |ui| {
            session
                .overview
                .ui(ui, &session.shows, &session.hosts.hosts, commands);
        });
    }

    pub(super) fn host_detail_ui(&mut self, ui: &mut egui::Ui) {
        let commands = &self.commands;
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let read_only = session.profile.read_only;
        let Some(detail) = session
            .host_detail
            .as_mut()
            .filter(|_| self.profiles.panel.is_none())
        else {
            session.detail_rect = None;
            return;
        };
        let height = ui.available_height();
        let panel = egui::Panel::bottom("host_detail")
            .resizable(true)
            .default_size(height * 0.4)
            .min_size(160.0)
            .show(ui, |ui| detail.ui(ui, read_only, commands));
        session.procs_sort = detail.table.sort;
        session.detail_rect = Some(panel.response.rect);
    }

    /// The open jobs, below the jobs table.
    pub(super) fn detail_ui(&mut self, ui: &mut egui::Ui) {
        let commands = &self.commands;
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if session.detail.tabs.is_empty() || self.profiles.panel.is_some() {
            session.detail_rect = None;
            return;
        }
        let read_only = session.profile.read_only;
        let username = session.profile.username.clone();
        let height = ui.available_height();
        let panel = egui::Panel::bottom("job_detail")
            .resizable(true)
            .default_size(height * 0.55)
            .min_size(180.0)
            .show(ui, |ui| {
                session.detail.tabs_ui(ui);
                let active = session.detail.active;
                if let Some(d) = session.detail.active_mut()
                    && !d.ui(ui, (read_only, &username), commands)
                {
                    session.detail.close(active);
                }
                session.detail.remember_sorts();
            });
        session.detail_rect = Some(panel.response.rect);
    }

    /// The profiles panel, in place of the views.
    pub(super) fn panel_ui(&mut self, ui: &mut egui::Ui) {
        let connected = self.session.is_some();
        let profiles = &mut self.profiles;
        let Some(panel) = profiles.panel.as_mut() else {
            return;
        };
        let stored = profiles
            .panel_secret
            .as_ref()
            .filter(|(n, _)| Some(n.as_str()) == panel.editing())
            .map(|(_, s)| s);
        let env = profiles.env_profile.as_ref().map(|(p, _)| p);
        if let Some(c) = panel.ui(ui, &profiles.file, stored, env, connected) {
            self.commands.send(Command::Panel(c));
        }
    }
}

/// "as of 14:02" beside a table whose rows come from the disk cache, until the first answer.
fn saved_view_ui(ui: &mut egui::Ui, saved_at: Option<i64>) {
    if let Some(at) = saved_at {
        ui.colored_label(
            theme::warning(ui),
            format!("as of {}", widgets::short_time(at)),
        )
        .on_hover_text(
            "These rows were saved when CueDesk last showed them; they are replaced as soon as the gateway answers",
        );
    }
}
