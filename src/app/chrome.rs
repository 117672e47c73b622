//! The window's chrome: the top bar (profile, view, show, refresh state), the status bar
//! (gateway, user, token, last error), notices, toasts and the About dialog.

use crate::command::Command;
use crate::remote::Remote;
use crate::ui::theme;

use super::{CueDeskApp, MainView};

impl CueDeskApp {
    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui) {
        let mut about = false;
        let mut history_open = self.history.open;
        let bell = &mut self.bell;
        let commands = &self.commands;
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("CueDesk");
                ui.separator();
                let current = self.session.as_ref().map(|s| s.profile.name.clone());
                let file = &self.profiles.file;
                if !file.profiles.is_empty() || !file.site_profiles.is_empty() {
                    let mut chosen = current.clone();
                    egui::ComboBox::new("profile", "Profile")
                        .selected_text(current.clone().unwrap_or_else(|| "none".into()))
                        .show_ui(ui, |ui| {
                            for p in &file.profiles {
                                ui.selectable_value(&mut chosen, Some(p.name.clone()), &p.name);
                            }
                            for p in file.visible_site_profiles() {
                                ui.selectable_value(
                                    &mut chosen,
                                    Some(p.name.clone()),
                                    format!("{} (site)", p.name),
                                );
                            }
                        });
                    if chosen != current
                        && let Some(name) = chosen
                    {
                        commands.send(Command::OpenProfile(name));
                    }
                } else if let Some(name) = &current {
                    ui.label(name);
                }
                if ui.button("Profiles…").clicked() {
                    commands.send(Command::ShowProfiles);
                }
                ui.separator();
                let Some(session) = self.session.as_ref() else {
                    ui.label("not connected");
                    right_side_ui(ui, &mut about, &mut history_open, None);
                    return;
                };
                for (view, label, hover) in [
                    (
                        MainView::Mine,
                        "My jobs",
                        "Your jobs across every show, and the jobs you watch",
                    ),
                    (
                        MainView::Jobs,
                        "Jobs",
                        "A show's jobs, layers, frames and logs",
                    ),
                    (
                        MainView::Hosts,
                        "Hosts",
                        "The farm's hosts and what runs on them",
                    ),
                    (
                        MainView::Farm,
                        "Farm",
                        "The farm at a glance: frames per show, hosts by state, cores in use, and how they moved",
                    ),
                ] {
                    if ui
                        .selectable_label(session.view == view, label)
                        .on_hover_text(hover)
                        .clicked()
                    {
                        commands.send(Command::SetView(view));
                    }
                }
                if session.workstation.is_render_host()
                    && ui
                        .selectable_label(session.workstation.open, "My workstation")
                        .on_hover_text(
                            "This computer is a render host of the farm: its lock and the frames running on it",
                        )
                        .clicked()
                {
                    commands.send(Command::ToggleWorkstation);
                }
                ui.separator();
                if session.view == MainView::Jobs {
                    let mut chosen = session.show.clone();
                    egui::ComboBox::new("show", "Show")
                        .selected_text(chosen.clone().unwrap_or_else(|| "choose a show".into()))
                        .show_ui(ui, |ui| {
                            for show in session.shows.data().map_or(&[][..], Vec::as_slice) {
                                let label = if show.active {
                                    show.name.clone()
                                } else {
                                    format!("{} (inactive)", show.name)
                                };
                                ui.selectable_value(&mut chosen, Some(show.name.clone()), label);
                            }
                        });
                    if chosen != session.show
                        && let Some(show) = chosen
                    {
                        commands.send(Command::SelectShow(show));
                    }
                }
                if ui
                    .button("Refresh")
                    .on_hover_text("Refresh now (F5)")
                    .clicked()
                {
                    commands.send(Command::Refresh);
                }
                let (interval, slow) = session.list_interval();
                let sent = session.list_in_flight();
                match session.view {
                    MainView::Mine => {
                        refresh_state_ui(ui, &session.mine.jobs, sent, interval, slow);
                    }
                    MainView::Jobs => {
                        refresh_state_ui(ui, &session.jobs.jobs, sent, interval, slow);
                    }
                    MainView::Hosts | MainView::Farm => {
                        refresh_state_ui(ui, &session.hosts.hosts, sent, interval, slow);
                    }
                }
                right_side_ui(ui, &mut about, &mut history_open, Some(bell));
            });
        });
        if about {
            self.about_open = true;
        }
        self.history.open = history_open;
    }

    pub(super) fn status_bar(&self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                let Some(session) = self.session.as_ref() else {
                    ui.weak("Not connected");
                    return;
                };
                ui.label(session.client.base_url());
                ui.separator();
                ui.label(format!("as {}", session.profile.username));
                if let Ok(Some(exp)) = session.client.token_expires_at() {
                    ui.separator();
                    let left = exp - crate::api::auth::now_epoch();
                    let text = if left > 0 {
                        format!("token expires in {}", crate::ui::widgets::duration(left))
                    } else {
                        "token expired".to_owned()
                    };
                    if left < 600 {
                        ui.colored_label(theme::warning(ui), text);
                    } else {
                        ui.weak(text);
                    }
                }
                if session.profile.read_only {
                    ui.separator();
                    ui.weak("read-only");
                }
                // The sentence is shown above the table; here only when it happened.
                let last = [
                    session.jobs.jobs.failed_at(),
                    session.shows.failed_at(),
                    session.hosts.hosts.failed_at(),
                ]
                .into_iter()
                .flatten()
                .max();
                if let Some(at) = last {
                    ui.separator();
                    let ago = crate::ui::widgets::duration(
                        i64::try_from(at.elapsed().as_secs()).unwrap_or(0),
                    );
                    ui.weak(format!("last error {ago} ago"));
                }
            });
        });
    }

    /// Problems that are not tied to one view (profiles file, keyring), each with Dismiss.
    pub(super) fn notices_ui(&mut self, ui: &mut egui::Ui) {
        let mut dismissed = None;
        for (i, n) in self.notices.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.colored_label(theme::warning(ui), n);
                if ui.small_button("Dismiss").clicked() {
                    dismissed = Some(i);
                }
            });
        }
        if let Some(i) = dismissed {
            self.notices.remove(i);
        }
    }

    /// Version, commit, build date and where things are kept.
    pub(super) fn about_ui(&mut self, ctx: &egui::Context) {
        if !self.about_open {
            return;
        }
        let modal = egui::Modal::new(egui::Id::unique("about")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("CueDesk");
            ui.label(format!("Version {}", crate::VERSION));
            ui.label("A desktop client for OpenCue render farms, over the OpenCue REST Gateway.");
            ui.label("License: Apache-2.0");
            let profiles = self.profiles.store.as_ref().map_or_else(
                || "Profiles are not saved on this system".to_owned(),
                |s| format!("Profiles: {}", s.path().display()),
            );
            ui.weak(profiles);
            ui.weak("Secrets and tokens: the system keyring");
            ui.button("Close").clicked()
        });
        if modal.inner || modal.should_close() {
            self.about_open = false;
        }
    }

    /// The bell's list: every notification of this run, newest first, each with Open; and the
    /// profile's switches for what to be told.
    pub(super) fn bell_ui(&mut self, ctx: &egui::Context) {
        if !self.bell.open {
            return;
        }
        let mut open = true;
        let commands = &self.commands;
        let bell = &mut self.bell;
        let session = self.session.as_mut();
        egui::Window::new("Notifications")
            .open(&mut open)
            .default_size([460.0, 420.0])
            .show(ctx, |ui| {
                if let Some(session) = session {
                    let p = &mut session.profile.watching;
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Tell me when a watched job");
                        ui.checkbox(&mut p.notify_finished, "finishes or is killed");
                        ui.checkbox(&mut p.notify_dead, "has new dead frames");
                        ui.checkbox(&mut p.notify_stuck, "has a frame stuck for")
                            .on_hover_text("A running frame whose log has not been written for this long (LLU)");
                        ui.add(
                            egui::DragValue::new(&mut p.stuck_minutes)
                                .range(5..=1440)
                                .suffix(" min"),
                        );
                    });
                    ui.checkbox(&mut p.watch_mine, "Watch my own jobs")
                        .on_hover_text("Every job of yours is watched as soon as it is seen, in any show");
                    ui.separator();
                }
                if bell.entries().is_empty() {
                    ui.weak("Nothing yet. Star a job (☆) to watch it; you are told here and on your desktop when it finishes or frames die.");
                }
                let mut opened = None;
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for n in bell.entries() {
                        let e = &n.event;
                        ui.horizontal(|ui| {
                            ui.weak(crate::ui::widgets::short_time(e.at));
                            let title = egui::RichText::new(e.title()).strong();
                            if e.is_bad() {
                                ui.colored_label(theme::error(ui), title);
                            } else {
                                ui.label(title);
                            }
                            if ui.small_button("Open").clicked() {
                                opened = Some(e.job_id.clone());
                            }
                        });
                        ui.label(e.body());
                        ui.add_space(4.0);
                    }
                });
                if !bell.entries().is_empty() && ui.button("Clear").clicked() {
                    bell.clear();
                }
                if let Some(id) = opened {
                    commands.send(Command::OpenWatched(id));
                }
            });
        self.bell.mark_seen();
        if !open {
            self.bell.open = false;
        }
    }

    pub(super) fn toasts_ui(&self, ctx: &egui::Context) {
        if self.toasts.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
            .show(ctx, |ui| {
                for t in &self.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(480.0);
                        let mut text = egui::RichText::new(&t.text);
                        if t.error {
                            text = text.color(theme::error(ui));
                        }
                        // Short outcomes on one line; long errors wrap at the toast's width.
                        let wrap = if t.text.chars().count() <= 60 {
                            egui::TextWrapMode::Extend
                        } else {
                            egui::TextWrapMode::Wrap
                        };
                        ui.add(egui::Label::new(text).wrap_mode(wrap));
                    });
                }
            });
    }
}

/// The right end of the top bar: About, History, the theme, and the bell when connected.
fn right_side_ui(
    ui: &mut egui::Ui,
    about: &mut bool,
    history: &mut bool,
    bell: Option<&mut crate::notify::Bell>,
) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        theme_switch_ui(ui);
        if ui.button("About").clicked() {
            *about = true;
        }
        if ui
            .button("History")
            .on_hover_text(
                "Every action sent to a farm: when, with which profile, on what, and how it went",
            )
            .clicked()
        {
            *history = !*history;
        }
        if let Some(bell) = bell {
            let unseen = bell.unseen();
            let text = if unseen > 0 {
                egui::RichText::new(format!("🔔 {unseen}")).color(theme::warning(ui))
            } else {
                egui::RichText::new("🔔")
            };
            if ui
                .selectable_label(bell.open, text)
                .on_hover_text("Notifications: what happened to the jobs you watch")
                .clicked()
            {
                bell.open = !bell.open;
            }
        }
    });
}

/// Follow the OS theme, or force dark or light (text only: the bundled fonts have no emoji).
fn theme_switch_ui(ui: &mut egui::Ui) {
    let mut pref = ui.ctx().options(|o| o.theme_preference);
    let before = pref;
    egui::ComboBox::new("theme", "Theme")
        .selected_text(match pref {
            egui::ThemePreference::System => "system",
            egui::ThemePreference::Dark => "dark",
            egui::ThemePreference::Light => "light",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(
                &mut pref,
                egui::ThemePreference::System,
                "Follow the system",
            );
            ui.selectable_value(&mut pref, egui::ThemePreference::Dark, "Dark");
            ui.selectable_value(&mut pref, egui::ThemePreference::Light, "Light");
        });
    if pref != before {
        ui.ctx().set_theme(pref);
    }
}

/// How fresh the view on screen is. Nothing here animates: a label changes only when a frame
/// is drawn anyway (an answer lands, the user acts), so waiting for a slow gateway costs no
/// frames.
fn refresh_state_ui<T: Send + 'static>(
    ui: &mut egui::Ui,
    remote: &Remote<T>,
    in_flight: bool,
    interval: std::time::Duration,
    slow: Option<std::time::Duration>,
) {
    // One label whatever the state: a widget that comes and goes is new to egui, which then
    // draws a second frame to style it.
    let updated = remote.updated_at().map(|at| {
        format!(
            "updated {} ago",
            crate::ui::widgets::duration(i64::try_from(at.elapsed().as_secs()).unwrap_or(0))
        )
    });
    let text = match (in_flight, updated) {
        (true, Some(updated)) => format!("refreshing… ({updated})"),
        (true, None) => "refreshing…".to_owned(),
        (false, updated) => updated.unwrap_or_default(),
    };
    ui.weak(text)
        .on_hover_text(format!("Refreshed every {} s", interval.as_secs()));
    if let Some(took) = slow {
        ui.colored_label(
            theme::warning(ui),
            format!(
                "gateway slow ({:.1} s an answer): refreshing every {} s",
                took.as_secs_f64(),
                interval.as_secs()
            ),
        )
        .on_hover_text(
            "The gateway took more than a fifth of the refresh interval to answer, so CueDesk asks less often until it is quick again",
        );
    }
    if remote.error().is_some() {
        ui.colored_label(theme::error(ui), "refresh failed");
    }
}
