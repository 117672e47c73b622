//! The CueDesk window: a session per gateway connection, the top bar (profile, view, show,
//! refresh state), the jobs and hosts views, a status bar, and toasts for the outcome of
//! actions.
//!
//! Nothing here waits on I/O. Each frame runs in three steps:
//! 1. `logic`: take finished work (keyring, files, answers, actions) and send the refreshes
//!    that are due ([`session::Session::run_refreshes`], the one refresh scheduler);
//! 2. `ui`: draw; views push [`Command`]s instead of acting;
//! 3. [`command_handling`]: apply the commands, starting tasks through [`Tasks`].

mod chrome;
mod command_handling;
pub mod demo;
mod pages;
mod profiles;
mod session;
pub mod watching;

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::api::Credentials;
use crate::command::CommandSender;
use crate::profiles::{Loaded, Profile, ProfileStore, ProfilesFile};
use crate::secrets::{CredentialStore, FallbackStore, MemoryStore};
use crate::tasks::Tasks;
use crate::ui::connect::ConnectPanel;

pub use profiles::Profiles;
pub use session::{MainView, Session};

/// A gateway to connect to: the profile and its credentials (kept in memory only).
pub struct Connection {
    /// Name, URL, user, refresh interval…
    pub profile: Profile,
    /// Secret or token.
    pub credentials: Credentials,
}

/// The window icon, embedded in the binary.
pub fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon-256.png"))
        .unwrap_or_default()
}

/// Saved profiles and where secrets live.
pub struct ProfileSetup {
    /// What loading `profiles.toml` found.
    pub loaded: Loaded,
    /// Where to save profiles (`None`: not saved).
    pub store: Option<ProfileStore>,
    /// The keyring (or a test store).
    pub creds: Arc<dyn CredentialStore>,
    /// A profile to open instead of the last used one (`--profile`).
    pub open: Option<String>,
    /// The profile made from `OPENCUE_REST_GATEWAY_URL` and `JWT_SECRET`/`JWT_TOKEN`, with its
    /// secret: listed, opened at start unless `open` says otherwise, never saved by itself.
    pub env: Option<(Profile, SecretString)>,
    /// Where sessions keep their last jobs and hosts views for the next start (profiles that
    /// allow it); `None`: nowhere.
    pub view_cache: Option<std::path::PathBuf>,
    /// The views of the profile about to open, already being read (see [`Self::opening`]).
    pub preread: Option<crate::view_cache::Preread>,
}

impl ProfileSetup {
    /// No profiles file and secrets in memory only (tests, headless use); views kept in
    /// `view_cache` if given.
    pub fn in_memory(view_cache: Option<std::path::PathBuf>) -> Self {
        Self {
            loaded: Loaded {
                file: ProfilesFile::default(),
                warning: None,
                writable: false,
            },
            store: None,
            creds: Arc::new(MemoryStore::default()),
            open: None,
            env: None,
            view_cache,
            preread: None,
        }
    }

    /// The profile the window will open with these settings and `connection`: the connection's,
    /// else the environment's (unless a profile is named), else the named or last used one.
    pub fn opening<'a>(&'a self, connection: Option<&'a Connection>) -> Option<&'a Profile> {
        if let Some(c) = connection {
            return Some(&c.profile);
        }
        if self.open.is_none()
            && let Some((profile, _)) = &self.env
        {
            return Some(profile);
        }
        let name = self
            .open
            .as_ref()
            .or(self.loaded.file.last_profile.as_ref())?;
        self.loaded.file.get(name)
    }
}

/// A short outcome in the corner of the window.
struct Toast {
    text: String,
    error: bool,
    shown_at: Instant,
}

const TOAST_SECS: u64 = 8;

/// The application.
pub struct CueDeskApp {
    tasks: Tasks,
    /// What the views asked for this frame.
    commands: CommandSender,
    /// The connected gateway, if any.
    pub session: Option<Session>,
    notices: Vec<String>,
    toasts: Vec<Toast>,
    profiles: Profiles,
    /// Keeps the built-in demo gateway running as long as the window is open.
    _demo: Option<crate::sim::SimServer>,
    /// When the program started, until the first frame is drawn and logged.
    started: Option<Instant>,
    /// When the program started, until a table first has rows and that is logged.
    rows_pending: Option<Instant>,
    /// Where sessions keep their last views for the next start (`None`: nowhere).
    view_cache: Option<std::path::PathBuf>,
    /// A profile's views read while the window opened, for the first session.
    preread: Option<crate::view_cache::Preread>,
    /// The About dialog is shown.
    about_open: bool,
    /// Every action sent, kept beside the profiles.
    history: crate::ui::history::HistoryView,
    /// The demo farm being started from the welcome screen.
    demo_start: Option<poll_promise::Promise<Result<(crate::sim::SimServer, Connection), String>>>,
    /// Every notification of this run.
    bell: crate::notify::Bell,
    /// Send desktop notifications (see [`Self::with_desktop_notifications`]).
    desktop_notifications: bool,
    /// Desktop notifications on screen, by job id: clicked or closed.
    shown: crate::tasks::Inflight<String, Result<crate::notify::Shown, String>>,
    /// Folders being opened in the file manager ("Open folder" of an output path).
    opening: crate::tasks::Inflight<String, Result<(), String>>,
    /// The desktop could not show a notification once: said once, not at every event.
    desktop_failed: bool,
}

impl CueDeskApp {
    /// An app that connects to `connection` (if given) at once, without saved profiles.
    pub fn new(rt: tokio::runtime::Handle, connection: Option<Connection>) -> Self {
        Self::with_profiles(rt, ProfileSetup::in_memory(None), connection)
    }

    /// An app with saved profiles: connects to `connection` if given, else opens `setup.open`
    /// or the last used profile, else shows the connection panel.
    pub fn with_profiles(
        rt: tokio::runtime::Handle,
        setup: ProfileSetup,
        connection: Option<Connection>,
    ) -> Self {
        let tasks = Tasks::new(rt);
        let history = crate::ui::history::HistoryView::new(
            &tasks,
            setup
                .store
                .as_ref()
                .map(|s| crate::history::path_beside(s.path())),
        );
        let mut app = Self {
            commands: CommandSender::default(),
            session: None,
            notices: setup.loaded.warning.into_iter().collect(),
            toasts: Vec::new(),
            profiles: Profiles::new(
                setup.loaded.file,
                setup.store,
                setup.loaded.writable,
                Arc::new(FallbackStore::new(setup.creds)),
                setup.env,
            ),
            _demo: None,
            started: None,
            rows_pending: None,
            view_cache: setup.view_cache,
            preread: setup.preread,
            about_open: false,
            history,
            demo_start: None,
            bell: crate::notify::Bell::default(),
            desktop_notifications: false,
            shown: crate::tasks::Inflight::default(),
            opening: crate::tasks::Inflight::default(),
            desktop_failed: false,
            tasks,
        };
        let env_first = setup.open.is_none() && app.profiles.env_profile.is_some();
        if let Some(c) = connection {
            app.connect(c);
        } else if env_first {
            if let Some(c) = app.profiles.env_connection() {
                app.connect(c);
            }
        } else if let Some(name) = setup
            .open
            .or_else(|| app.profiles.file.last_profile.clone())
        {
            match app.profiles.file.get(&name).cloned() {
                Some(profile) => app.profiles.open(&app.tasks, profile, true),
                None => {
                    app.notices
                        .push(format!("There is no profile named {name:?}"));
                    app.profiles.panel = Some(ConnectPanel::new_profile(&app.profiles.file));
                }
            }
        } else {
            app.profiles.panel = Some(app.profiles.first_panel());
        }
        app
    }

    /// Logs how long after `started` the first frame was drawn.
    pub fn timed_from(mut self, started: Instant) -> Self {
        self.started = Some(started);
        self.rows_pending = Some(started);
        self
    }

    /// Also tells what happens to watched jobs with desktop notifications (the bell lists them
    /// either way). Off unless asked: a test must not pop notifications up on a desktop.
    pub fn with_desktop_notifications(mut self) -> Self {
        self.desktop_notifications = true;
        self
    }

    /// How many desktop notifications are still on screen (not clicked or closed yet).
    pub fn desktop_notifications_open(&self) -> usize {
        self.shown.len()
    }

    /// The notifications of this run, newest first (what the bell lists).
    pub fn notifications(&self) -> &[crate::notify::Notified] {
        self.bell.entries()
    }

    /// Where the window's background work starts (tests hand it work of their own).
    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    /// Keeps the demo gateway alive with the window.
    pub fn with_demo(mut self, sim: crate::sim::SimServer) -> Self {
        self._demo = Some(sim);
        self
    }

    /// Connects to another gateway; the previous session and its requests are dropped.
    pub fn connect(&mut self, connection: Connection) {
        let preread = self.preread.take();
        match Session::new(connection, &self.tasks, self.view_cache.as_deref(), preread) {
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

    fn notice(&mut self, text: String) {
        if !self.notices.contains(&text) {
            self.notices.push(text);
        }
    }

    /// Logs, once, how long after start the table on screen first had rows, and where they came
    /// from: the figure of "launch → rows" that `scripts/measure-idle.sh` reads.
    fn log_first_rows(&mut self) {
        let (Some(started), Some(session)) = (self.rows_pending, self.session.as_ref()) else {
            return;
        };
        let rows = match session.view {
            MainView::Mine => session.mine.jobs.data().map_or(0, Vec::len),
            MainView::Jobs => session.jobs.jobs.data().map_or(0, Vec::len),
            MainView::Hosts | MainView::Farm => session.hosts.hosts.data().map_or(0, Vec::len),
        };
        if rows > 0 {
            self.rows_pending = None;
            let from = session.stale_since().map_or_else(
                || "from the gateway".to_owned(),
                |at| format!("from the cache of {at}"),
            );
            tracing::info!(
                "rows shown {} ms after start: {rows} rows {from}",
                started.elapsed().as_millis()
            );
        }
    }

    /// Takes finished work and sends the refreshes that are due. No UI here.
    fn logic(&mut self, ctx: &egui::Context) {
        self.tasks.attach(ctx);
        self.run_commands(ctx);
        if let Some(c) = self.profiles.poll(&mut self.notices) {
            self.connect(c);
        }
        if let Some(session) = &self.session {
            self.profiles.remember_view(&self.tasks, ctx, session);
        }
        for problem in self.history.poll() {
            self.notice(problem);
        }
        if self.session.is_none()
            && self.profiles.panel.is_none()
            && !self.profiles.is_opening()
            && self.demo_start.is_none()
        {
            self.profiles.panel = Some(self.profiles.first_panel());
        }
        match crate::tasks::take_ready(&mut self.demo_start) {
            Some(Ok((sim, connection))) => {
                self._demo = Some(sim);
                self.profiles.panel = None;
                self.connect(connection);
            }
            Some(Err(e)) => self.notice(e),
            None => {}
        }
        self.toasts
            .retain(|t| t.shown_at.elapsed() < Duration::from_secs(TOAST_SECS));
        if !self.toasts.is_empty() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let mut told = Vec::new();
        for finished in session.actions.poll() {
            session.action_finished(&finished);
            told.push((finished.outcome.text.clone(), finished.outcome.failed));
            self.history.record(&self.tasks, vec![finished.entry]);
        }
        told.extend(session.poll_jump());
        // In the background: minimized, or another window has the focus.
        session.background = ctx
            .input(|i| i.viewport().minimized == Some(true) || i.viewport().focused == Some(false));
        if ctx.input(|i| i.key_pressed(egui::Key::F5)) {
            session.refresh_now(true);
        }
        // Wake up for the next refresh; nothing repaints in between when idle.
        if let Some(next) = session.run_refreshes(&self.tasks) {
            ctx.request_repaint_after(next.saturating_duration_since(Instant::now()));
        }
        for (text, error) in told {
            self.toast(text, error);
        }
        self.tell_events(ctx);
    }

    /// What happened to watched jobs: in the bell's list, a toast, and a desktop notification
    /// (whatever the window's focus). A click on the notification raises the window with the
    /// job open.
    fn tell_events(&mut self, ctx: &egui::Context) {
        for (_, opened) in self.opening.take_finished() {
            if let Err(e) = opened {
                self.toast(e, true);
            }
        }
        for (id, shown) in self.shown.take_finished() {
            match shown {
                Ok(crate::notify::Shown::Clicked) => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    self.commands.send(crate::command::Command::OpenWatched(id));
                }
                Ok(crate::notify::Shown::Closed) => {}
                Err(e) => {
                    if !std::mem::replace(&mut self.desktop_failed, true) {
                        tracing::warn!("desktop notifications are not shown: {e}");
                        self.notice(format!(
                            "The desktop did not show a notification ({e}); they are listed under the bell"
                        ));
                    }
                }
            }
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        for event in std::mem::take(&mut session.events) {
            tracing::info!("notification: {}: {}", event.title(), event.body());
            self.toasts.push(Toast {
                text: format!("{}: {}", event.title(), event.body()),
                error: event.is_bad(),
                shown_at: Instant::now(),
            });
            if self.desktop_notifications {
                let id = event.job_id.clone();
                let e = event.clone();
                // It waits until the notification is clicked or closed: on a thread of its own.
                let shown = self
                    .tasks
                    .detached("showing a notification", move || crate::notify::show(&e));
                self.shown.push(id, shown);
            }
            self.bell.push(event);
        }
    }
}

impl eframe::App for CueDeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        CueDeskApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let drawing = Instant::now();
        self.top_bar(ui);
        self.status_bar(ui);
        match self.session.as_ref().map(|s| s.view) {
            Some(MainView::Hosts) => self.host_detail_ui(ui),
            Some(MainView::Farm) => {}
            _ => self.detail_ui(ui),
        }
        egui::CentralPanel::default_margins().show(ui, |ui| {
            self.notices_ui(ui);
            if self.profiles.panel.is_some() {
                self.panel_ui(ui);
            } else {
                match self.session.as_ref().map(|s| s.view) {
                    Some(MainView::Hosts) => self.hosts_ui(ui),
                    Some(MainView::Farm) => self.farm_ui(ui),
                    _ => self.jobs_ui(ui),
                }
            }
        });
        let ctx = ui.ctx().clone();
        if let Some(session) = self.session.as_mut()
            && let Some(dialog) = session.dialog.as_mut()
            && !dialog.ui(&ctx, &self.commands)
        {
            session.dialog = None;
        }
        if let Some(session) = self.session.as_mut() {
            let read_only = session.profile.read_only;
            session
                .workstation
                .window_ui(&ctx, read_only, &self.commands);
        }
        self.toasts_ui(&ctx);
        self.bell_ui(&ctx);
        self.about_ui(&ctx);
        let profile = self.session.as_ref().map(|s| s.profile.name.clone());
        self.history.window_ui(&ctx, profile.as_deref());
        // What was clicked is carried out now, not a frame later.
        self.run_commands(&ctx);
        if let Some(started) = self.started.take() {
            tracing::info!(
                "first frame drawn {} ms after start",
                started.elapsed().as_millis()
            );
        }
        self.log_first_rows();
        tracing::trace!(
            pass = ui.ctx().cumulative_pass_nr(),
            causes = ?ui.ctx().repaint_causes(),
            "frame laid out in {} µs",
            drawing.elapsed().as_micros()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_profile_is_the_one_the_window_opens() {
        let named = |name: &str| Profile {
            name: name.into(),
            ..Profile::default()
        };
        let mut setup = ProfileSetup::in_memory(None);
        setup.loaded.file.profiles = vec![named("a"), named("b")];
        assert!(setup.opening(None).is_none(), "nothing used yet: the panel");
        setup.loaded.file.last_profile = Some("a".into());
        assert_eq!(setup.opening(None).unwrap().name, "a");
        setup.env = Some((named("env"), SecretString::from("s")));
        assert_eq!(
            setup.opening(None).unwrap().name,
            "env",
            "the environment first"
        );
        setup.open = Some("b".into());
        assert_eq!(
            setup.opening(None).unwrap().name,
            "b",
            "unless one is named"
        );
        let connection = Connection {
            profile: named("demo"),
            credentials: Credentials::secret("jdoe", "s".to_owned()),
        };
        assert_eq!(setup.opening(Some(&connection)).unwrap().name, "demo");
    }

    #[test]
    fn the_embedded_icon_decodes() {
        let icon = super::icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
