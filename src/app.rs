//! The CueDesk window: a session per gateway connection, the top bar (show picker, refresh
//! state), the jobs view, a status bar, and toasts for the outcome of actions.
//!
//! Nothing here waits on I/O: every call runs on the tokio runtime and comes back through a
//! poll-promise; old data stays on screen while a refresh runs or after it fails.

use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::types::{Job, Show};
use crate::api::{ApiClient, ApiError, ClientConfig, Credentials};
use crate::profiles::Profile;
use crate::remote::{Remote, spawn};
use crate::ui::actions::{ActionDialog, ActionRequest, DialogOutcome, JobAction, outcome_text};
use crate::ui::jobs::JobsView;
use crate::ui::theme;

/// A gateway to connect to: the profile and its credentials (kept in memory only).
pub struct Connection {
    /// Name, URL, user, refresh interval…
    pub profile: Profile,
    /// Secret or token.
    pub credentials: Credentials,
}

struct Toast {
    text: String,
    error: bool,
    shown_at: Instant,
}

const TOAST_SECS: u64 = 8;

type ActionOutcome = Vec<(String, Result<(), ApiError>)>;

/// Everything tied to one connected gateway; dropped whole when the user switches.
pub struct Session {
    profile: Profile,
    client: ApiClient,
    shows: Remote<Vec<Show>>,
    show: Option<String>,
    /// The jobs of the chosen show.
    pub jobs: JobsView,
    next_refresh: Instant,
    actions: Vec<(JobAction, Promise<ActionOutcome>)>,
    dialog: Option<ActionDialog>,
}

impl Session {
    fn new(connection: Connection) -> Result<Self, ApiError> {
        let mut config = ClientConfig::new(
            connection.profile.gateway_url.clone(),
            connection.credentials,
        );
        config.request_timeout = Duration::from_secs(30);
        let client = ApiClient::new(config)?;
        let show = (!connection.profile.default_show.is_empty())
            .then(|| connection.profile.default_show.clone());
        Ok(Self {
            profile: connection.profile,
            client,
            shows: Remote::default(),
            show,
            jobs: JobsView::default(),
            next_refresh: Instant::now(),
            actions: Vec::new(),
            dialog: None,
        })
    }

    fn refresh_interval(&self) -> Duration {
        Duration::from_secs(self.profile.refresh_interval_secs.max(1))
    }

    /// Starts a refresh of the shows and of the chosen show's jobs (one request each at most).
    fn refresh(&mut self, rt: &tokio::runtime::Handle, ctx: &egui::Context) {
        let client = self.client.clone();
        self.shows.request(|| {
            spawn(rt, ctx, async move {
                let mut shows = client.get_shows().await?;
                // Active shows first, then by name.
                shows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
                Ok(shows)
            })
        });
        if let Some(show) = self.show.clone() {
            let client = self.client.clone();
            self.jobs.jobs.request(|| {
                spawn(rt, ctx, async move {
                    client
                        .get_jobs(&crate::api::requests::JobSearchCriteria {
                            shows: vec![show],
                            ..Default::default()
                        })
                        .await
                })
            });
        }
        self.next_refresh = Instant::now() + self.refresh_interval();
    }

    /// Asks what must be asked (a dialog), or sends the action at once.
    fn start_action(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        action: JobAction,
        jobs: Vec<Job>,
    ) {
        if jobs.is_empty() || self.profile.read_only {
            return;
        }
        match ActionDialog::start(action, jobs.clone(), &self.profile.username) {
            Ok(request) => self.send_action(rt, ctx, request, jobs),
            Err(dialog) => self.dialog = Some(dialog),
        }
    }

    fn send_action(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        request: ActionRequest,
        jobs: Vec<Job>,
    ) {
        let action = request.action();
        let promise = spawn(
            rt,
            ctx,
            request.run(self.client.clone(), self.profile.username.clone(), jobs),
        );
        self.actions.push((action, promise));
    }
}

/// The application.
pub struct CueDeskApp {
    rt: tokio::runtime::Handle,
    /// The connected gateway, if any.
    pub session: Option<Session>,
    notices: Vec<String>,
    toasts: Vec<Toast>,
    /// Keeps the built-in demo gateway running as long as the window is open.
    _demo: Option<crate::sim::SimServer>,
}

impl CueDeskApp {
    /// An app that connects to `connection` (if given) at once.
    pub fn new(rt: tokio::runtime::Handle, connection: Option<Connection>) -> Self {
        let mut app = Self {
            rt,
            session: None,
            notices: Vec::new(),
            toasts: Vec::new(),
            _demo: None,
        };
        if let Some(c) = connection {
            app.connect(c);
        }
        app
    }

    /// Keeps the demo gateway alive with the window.
    pub fn with_demo(mut self, sim: crate::sim::SimServer) -> Self {
        self._demo = Some(sim);
        self
    }

    /// Adds a message shown above the views until dismissed (e.g. a config problem).
    pub fn add_notice(&mut self, text: impl Into<String>) {
        self.notices.push(text.into());
    }

    /// Connects to another gateway; the previous session and its requests are dropped.
    pub fn connect(&mut self, connection: Connection) {
        match Session::new(connection) {
            Ok(s) => self.session = Some(s),
            Err(e) => self.notices.push(e.user_message()),
        }
    }

    fn toast(&mut self, text: String, error: bool) {
        self.toasts.push(Toast {
            text,
            error,
            shown_at: Instant::now(),
        });
    }

    /// Takes finished responses and starts due refreshes. No UI here.
    fn logic(&mut self, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        session.shows.poll();
        session.jobs.poll();
        // Choose a show once the list is known: the profile's, else the first active one.
        if session.show.is_none()
            && let Some(first) = session.shows.data().and_then(|s| s.first())
        {
            session.show = Some(first.name.clone());
            session.next_refresh = Instant::now();
        }
        let mut finished = Vec::new();
        session
            .actions
            .retain_mut(|(action, promise)| match promise.ready_mut() {
                Some(outcome) => {
                    finished.push((*action, std::mem::take(outcome)));
                    false
                }
                None => true,
            });
        if !finished.is_empty() {
            session.next_refresh = Instant::now();
        }
        let f5 = ctx.input(|i| i.key_pressed(egui::Key::F5));
        let now = Instant::now();
        if f5 || now >= session.next_refresh {
            session.refresh(&self.rt, ctx);
        }
        // Wake up for the next refresh; nothing repaints in between when idle.
        ctx.request_repaint_after(session.next_refresh.saturating_duration_since(now));
        for (action, outcome) in finished {
            let (text, error) = outcome_text(action, &outcome);
            self.toast(text, error);
        }
        self.toasts
            .retain(|t| t.shown_at.elapsed() < Duration::from_secs(TOAST_SECS));
        if !self.toasts.is_empty() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        let rt = self.rt.clone();
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("CueDesk");
                ui.separator();
                let Some(session) = self.session.as_mut() else {
                    ui.label("not connected");
                    return;
                };
                ui.label(&session.profile.name);
                ui.separator();
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
                if chosen != session.show {
                    session.show = chosen;
                    session.jobs.jobs.reset();
                    session.jobs.selected.clear();
                    session.refresh(&rt, ui.ctx());
                }
                if ui
                    .button("Refresh")
                    .on_hover_text("Refresh now (F5)")
                    .clicked()
                {
                    session.refresh(&rt, ui.ctx());
                }
                refresh_state_ui(ui, &session.jobs.jobs);
                ui.with_layout(
                    egui::Layout::right_to_left(egui::Align::Center),
                    theme_switch_ui,
                );
            });
        });
    }

    fn status_bar(&self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                let Some(session) = self.session.as_ref() else {
                    ui.weak("Start with --demo, or --gateway URL with JWT_SECRET or JWT_TOKEN set");
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
            });
        });
    }

    fn jobs_ui(&mut self, ui: &mut egui::Ui) {
        let rt = self.rt.clone();
        let Some(session) = self.session.as_mut() else {
            ui.heading("Not connected");
            ui.label("Run cuedesk --demo for the built-in demo farm, or cuedesk --gateway URL with JWT_SECRET or JWT_TOKEN set");
            return;
        };
        let failure = session
            .jobs
            .jobs
            .error()
            .or(session.shows.error())
            .map(ApiError::user_message);
        if let Some(message) = failure {
            ui.horizontal(|ui| {
                ui.colored_label(theme::error(ui), message);
                if ui.button("Retry").clicked() {
                    session.refresh(&rt, ui.ctx());
                }
            });
        }
        let selected = session.jobs.selected_jobs();
        let read_only = session.profile.read_only;
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.add(
                egui::TextEdit::singleline(&mut session.jobs.filter.text)
                    .hint_text("job name")
                    .desired_width(180.0),
            );
            let mut mine = session.jobs.filter.user.is_some();
            if ui.checkbox(&mut mine, "My jobs").changed() {
                session.jobs.filter.user = mine.then(|| session.profile.username.clone());
            }
            ui.checkbox(&mut session.jobs.filter.has_dead, "Has dead frames");
            ui.separator();
            for action in JobAction::ALL {
                let enabled = !selected.is_empty() && !read_only;
                let hover = if read_only {
                    "This profile is read-only"
                } else {
                    "Select jobs first"
                };
                if ui
                    .add_enabled(enabled, egui::Button::new(action.label()))
                    .on_disabled_hover_text(hover)
                    .clicked()
                {
                    session.start_action(&rt, ui.ctx(), action, selected.clone());
                }
            }
            let shown = session.jobs.visible().count();
            let total = session.jobs.jobs.data().map_or(0, Vec::len);
            ui.weak(format!(
                "{shown} of {total} jobs, {} selected",
                selected.len()
            ));
        });
        if session.jobs.jobs.data().is_none() && session.jobs.jobs.is_loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading jobs…");
            });
        }
        if let Some(action) = session.jobs.table_ui(ui, read_only) {
            let jobs = session.jobs.selected_jobs();
            session.start_action(&rt, ui.ctx(), action, jobs);
        }
        if let Some(dialog) = session.dialog.as_mut() {
            match dialog.ui(ui.ctx()) {
                DialogOutcome::Open => {}
                DialogOutcome::Cancelled => session.dialog = None,
                DialogOutcome::Confirmed(request) => {
                    let jobs = session.jobs.selected_jobs();
                    session.dialog = None;
                    session.send_action(&rt, ui.ctx(), request, jobs);
                }
            }
        }
    }

    fn toasts_ui(&self, ctx: &egui::Context) {
        if self.toasts.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
            .show(ctx, |ui| {
                for t in &self.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        if t.error {
                            ui.colored_label(theme::error(ui), &t.text);
                        } else {
                            ui.label(&t.text);
                        }
                    });
                }
            });
    }
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

fn refresh_state_ui<T: Send + 'static>(ui: &mut egui::Ui, remote: &Remote<T>) {
    if remote.is_loading() {
        ui.spinner();
    }
    if let Some(at) = remote.updated_at() {
        ui.weak(format!(
            "updated {} ago",
            crate::ui::widgets::duration(i64::try_from(at.elapsed().as_secs()).unwrap_or(0))
        ));
    }
    if remote.error().is_some() {
        ui.colored_label(theme::error(ui), "refresh failed");
    }
}

impl eframe::App for CueDeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        CueDeskApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.top_bar(ui);
        self.status_bar(ui);
        egui::CentralPanel::default_margins().show(ui, |ui| {
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
            self.jobs_ui(ui);
        });
        self.toasts_ui(&ui.ctx().clone());
    }
}
