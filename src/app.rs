//! The CueDesk window: a session per gateway connection, the top bar (show picker, refresh
//! state), the jobs view, a status bar, and toasts for the outcome of actions.
//!
//! Nothing here waits on I/O: every call runs on the tokio runtime and comes back through a
//! poll-promise; old data stays on screen while a refresh runs or after it fails.

use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::types::{Host, Job, Show};
use crate::api::{ApiClient, ApiError, Credentials};
use std::sync::Arc;

use secrecy::SecretString;

use crate::profiles::{Loaded, Profile, ProfileStore, ProfilesFile};
use crate::remote::{Remote, blocking, spawn};
use crate::secrets::{CredentialStore, FallbackStore, MemoryStore};
use crate::ui::actions::{ActionDialog, ActionRequest, DialogOutcome, JobAction, PendingAction};
use crate::ui::connect::{ConnectPanel, PanelCommand};
use crate::ui::detail::DetailArea;
use crate::ui::host_actions::{HostAction, HostDialog, HostDialogOutcome, HostRequest};
use crate::ui::host_detail::{HostDetail, HostDetailCommand, ProcColumn};
use crate::ui::hosts::HostsView;
use crate::ui::jobs::JobsView;
use crate::ui::table::{Sort, TableColumn as _};
use crate::ui::theme;

/// A gateway to connect to: the profile and its credentials (kept in memory only).
pub struct Connection {
    /// Name, URL, user, refresh interval…
    pub profile: Profile,
    /// Secret or token.
    pub credentials: Credentials,
}

/// The window icon, embedded in the binary.
pub fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon-256.png")).unwrap_or_default()
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
}

/// Keyring or file work that yields the secret to connect with, if any.
type SecretWork = Promise<Result<Option<SecretString>, String>>;

struct Toast {
    text: String,
    error: bool,
    shown_at: Instant,
}

const TOAST_SECS: u64 = 8;

/// The two views of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainView {
    /// A show's jobs, and the open jobs below.
    Jobs,
    /// The farm's hosts, and the chosen host's procs below.
    Hosts,
}

impl MainView {
    fn key(self) -> &'static str {
        match self {
            Self::Jobs => "",
            Self::Hosts => "hosts",
        }
    }

    fn from_key(key: &str) -> Self {
        if key == "hosts" {
            Self::Hosts
        } else {
            Self::Jobs
        }
    }
}

/// Everything tied to one connected gateway; dropped whole when the user switches.
pub struct Session {
    profile: Profile,
    client: ApiClient,
    pub shows: Remote<Vec<Show>>,
    show: Option<String>,
    /// Ask the gateway for finished jobs too.
    include_finished: bool,
    /// The window is minimized: refresh less often.
    minimized: bool,
    /// The jobs of the chosen show.
    pub jobs: JobsView,
    next_refresh: Instant,
    actions: Vec<PendingAction>,
    /// Finished actions, for the action history.
    history_out: Vec<crate::history::HistoryEntry>,
    dialog: Option<ActionDialog>,
    /// The view shown; only its data is polled.
    pub view: MainView,
    /// The farm's hosts.
    pub hosts: HostsView,
    /// The host shown below the hosts table.
    pub host_detail: Option<HostDetail>,
    host_dialog: Option<HostDialog>,
    /// How procs tables are sorted (the last sort the user chose).
    procs_sort: Sort<ProcColumn>,
    /// A job to show in the jobs view, being looked up by name.
    jump: Option<(String, Promise<Result<Job, ApiError>>)>,
    /// The open jobs.
    pub detail: DetailArea,
    /// The job last shown because it was selected alone (not shown again once closed).
    previewed: Option<String>,
    /// Where the detail panel was drawn last frame.
    detail_rect: Option<egui::Rect>,
}

impl Session {
    fn new(connection: Connection) -> Result<Self, ApiError> {
        let client = ApiClient::new(connection.profile.client_config(connection.credentials))?;
        let show = (!connection.profile.default_show.is_empty())
            .then(|| connection.profile.default_show.clone());
        let mut jobs =
            JobsView::from_state(&connection.profile.jobs_view, &connection.profile.username);
        // Column widths are kept per profile (egui's persisted memory, saved by eframe).
        jobs.table_salt.clone_from(&connection.profile.name);
        let include_finished = connection.profile.jobs_view.include_finished;
        let saved = &connection.profile.jobs_view;
        let detail = DetailArea {
            sorts: Some((
                Sort::from_saved(
                    &saved.layers_sort,
                    saved.layers_descending,
                    crate::ui::layers::LayerColumn::Name,
                ),
                Sort::from_saved(
                    &saved.frames_sort,
                    saved.frames_descending,
                    crate::ui::frames::FrameColumn::Order,
                ),
            )),
            ..DetailArea::default()
        };
        let mut hosts = HostsView::from_state(&connection.profile.hosts_view);
        hosts.table_salt.clone_from(&connection.profile.name);
        let procs_sort = Sort::from_saved(
            &connection.profile.hosts_view.procs_sort,
            connection.profile.hosts_view.procs_descending,
            ProcColumn::Job,
        );
        let view = MainView::from_key(&connection.profile.view);
        Ok(Self {
            profile: connection.profile,
            client,
            shows: Remote::default(),
            show,
            include_finished,
            minimized: false,
            jobs,
            next_refresh: Instant::now(),
            actions: Vec::new(),
            history_out: Vec::new(),
            dialog: None,
            view,
            hosts,
            host_detail: None,
            host_dialog: None,
            procs_sort,
            jump: None,
            detail,
            previewed: None,
            detail_rect: None,
        })
    }

    fn refresh_interval(&self) -> Duration {
        let secs = self.profile.refresh_interval_secs.max(1);
        // Nobody is looking at a minimized window: a tenth of the polling.
        Duration::from_secs(if self.minimized { secs * 10 } else { secs })
    }

    /// Starts a refresh of the view shown (one request of each kind at most in flight).
    /// `manual`: the user asked (F5, Refresh, Retry).
    fn refresh(&mut self, rt: &tokio::runtime::Handle, ctx: &egui::Context, manual: bool) {
        match self.view {
            MainView::Jobs => self.refresh_jobs(rt, ctx, manual),
            MainView::Hosts => {
                let client = self.client.clone();
                self.hosts.hosts.request(|| {
                    spawn(rt, ctx, async move {
                        client
                            .get_hosts(&crate::api::requests::HostSearchCriteria::default())
                            .await
                    })
                });
                if manual && let Some(d) = self.host_detail.as_mut() {
                    d.refresh_soon();
                }
            }
        }
        self.next_refresh = Instant::now() + self.refresh_interval();
    }

    /// Shows another view, refreshed at once (its data may be old).
    pub fn set_view(&mut self, view: MainView) {
        if self.view != view {
            self.view = view;
            self.next_refresh = Instant::now();
        }
    }

    /// Starts a refresh of the shows and of the chosen show's jobs. `manual` fetches the show
    /// list again too: timed refreshes cost one GetJobs; shows are fetched only until they have
    /// arrived once.
    fn refresh_jobs(&mut self, rt: &tokio::runtime::Handle, ctx: &egui::Context, manual: bool) {
        let client = self.client.clone();
        let want_shows = manual || self.shows.data().is_none() || self.shows.error().is_some();
        if want_shows {
            self.shows.request(|| {
                spawn(rt, ctx, async move {
                    let mut shows = client.get_shows().await?;
                    // Active shows first, then by name.
                    shows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
                    Ok(shows)
                })
            });
        }
        if let Some(show) = self.show.clone() {
            let client = self.client.clone();
            let criteria = crate::api::requests::JobSearchCriteria {
                shows: vec![show],
                include_finished: self.include_finished,
                ..Default::default()
            };
            self.jobs
                .jobs
                .request(|| spawn(rt, ctx, async move { client.get_jobs(&criteria).await }));
        }
        // The job on screen below follows the user's refresh too.
        if manual && let Some(d) = self.detail.active_mut() {
            d.refresh_soon();
        }
    }

    /// The history line of an action sent now with this profile.
    fn history_entry(&self, action: &str, targets: Vec<String>) -> crate::history::HistoryEntry {
        crate::history::HistoryEntry::sent(
            &self.profile.name,
            self.client.base_url(),
            action,
            targets,
        )
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
        let names = jobs.iter().map(|j| j.name.clone()).collect();
        let promise = spawn(
            rt,
            ctx,
            request.run(self.client.clone(), self.profile.username.clone(), jobs),
        );
        let mut pending = PendingAction::job(action, promise);
        pending.entry = self.history_entry(pending.label, names);
        self.actions.push(pending);
    }

    /// Asks what must be asked (reboot, comment), or sends the host action at once.
    fn start_host_action(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        action: HostAction,
        hosts: Vec<Host>,
    ) {
        if hosts.is_empty() || self.profile.read_only {
            return;
        }
        match HostDialog::start(action, hosts.clone()) {
            Ok(request) => self.send_host_action(rt, ctx, request, hosts),
            Err(dialog) => self.host_dialog = Some(dialog),
        }
    }

    fn send_host_action(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        request: HostRequest,
        hosts: Vec<Host>,
    ) {
        let run = request.clone().run(
            self.client.clone(),
            self.profile.username.clone(),
            hosts.clone(),
        );
        let promise = spawn(rt, ctx, run);
        let mut pending = request.pending(&hosts, promise);
        pending.entry = self.history_entry(
            pending.label,
            hosts.iter().map(|h| h.name.clone()).collect(),
        );
        self.actions.push(pending);
    }

    /// Looks the job up by name, then shows it in the jobs view.
    fn go_to_job(&mut self, rt: &tokio::runtime::Handle, ctx: &egui::Context, name: String) {
        let client = self.client.clone();
        let n = name.clone();
        self.jump = Some((
            name,
            spawn(rt, ctx, async move { client.find_job(&n).await }),
        ));
    }

    /// Shows `job` in the jobs view: its show, selected, scrolled to and open below. Returns
    /// true when the jobs filter had to be cleared to list it.
    fn show_in_jobs(&mut self, job: &Job) -> bool {
        self.set_view(MainView::Jobs);
        if self.show.as_deref() != Some(job.show.as_str()) {
            self.show = Some(job.show.clone());
            self.jobs.jobs.reset();
        }
        let cleared = !self.jobs.admits(job);
        if cleared {
            self.jobs.filter = crate::ui::jobs::JobFilter::default();
        }
        self.jobs.selected = std::iter::once(job.id.clone()).collect();
        self.jobs.scroll_to = Some(job.id.clone());
        self.previewed = Some(job.id.clone());
        self.detail.show_job(job, true, &self.profile.name);
        self.next_refresh = Instant::now();
        cleared
    }
}

/// The application.
pub struct CueDeskApp {
    rt: tokio::runtime::Handle,
    /// The connected gateway, if any.
    pub session: Option<Session>,
    notices: Vec<String>,
    toasts: Vec<Toast>,
    profiles: ProfilesFile,
    env_profile: Option<(Profile, SecretString)>,
    store: Option<ProfileStore>,
    profiles_writable: bool,
    creds: Arc<FallbackStore>,
    panel: Option<ConnectPanel>,
    /// The stored secret of the profile in the panel, for "Test connection".
    panel_secret: Option<(String, SecretString)>,
    /// A profile whose secret is being read, and whether to connect when it arrives.
    opening: Option<(Profile, bool, SecretWork)>,
    /// When the jobs view last changed without being saved to its profile.
    view_changed_at: Option<Instant>,
    /// When the jobs view was last compared with its profile.
    view_checked_at: Option<Instant>,
    /// Saves in flight: the profile to connect with afterwards, and the secret to use.
    saving: Vec<(Option<Profile>, SecretWork)>,
    /// Keeps the built-in demo gateway running as long as the window is open.
    _demo: Option<crate::sim::SimServer>,
    /// When the program started, until the first frame is drawn and logged.
    started: Option<Instant>,
    /// The About dialog is shown.
    about_open: bool,
    /// Every action sent, kept beside the profiles.
    history: crate::ui::history::HistoryView,
}

impl CueDeskApp {
    /// An app that connects to `connection` (if given) at once, without saved profiles.
    pub fn new(rt: tokio::runtime::Handle, connection: Option<Connection>) -> Self {
        Self::with_profiles(
            rt,
            ProfileSetup {
                loaded: Loaded {
                    file: ProfilesFile::default(),
                    warning: None,
                    writable: false,
                },
                store: None,
                creds: Arc::new(MemoryStore::default()),
                open: None,
                env: None,
            },
            connection,
        )
    }

    /// An app with saved profiles: connects to `connection` if given, else opens `setup.open`
    /// or the last used profile, else shows the connection panel.
    pub fn with_profiles(
        rt: tokio::runtime::Handle,
        setup: ProfileSetup,
        connection: Option<Connection>,
    ) -> Self {
        let history = crate::ui::history::HistoryView::new(
            &rt,
            setup
                .store
                .as_ref()
                .map(|s| crate::history::path_beside(s.path())),
        );
        let mut app = Self {
            rt,
            session: None,
            notices: setup.loaded.warning.into_iter().collect(),
            toasts: Vec::new(),
            profiles: setup.loaded.file,
            env_profile: setup.env,
            store: setup.store,
            profiles_writable: setup.loaded.writable,
            creds: Arc::new(FallbackStore::new(setup.creds)),
            panel: None,
            panel_secret: None,
            opening: None,
            saving: Vec::new(),
            view_changed_at: None,
            view_checked_at: None,
            _demo: None,
            started: None,
            about_open: false,
            history,
        };
        let env_first = setup.open.is_none() && app.env_profile.is_some();
        if let Some(c) = connection {
            app.connect(c);
        } else if env_first {
            app.use_env_profile();
        } else if let Some(name) = setup.open.or_else(|| app.profiles.last_profile.clone()) {
            match app.profiles.get(&name).cloned() {
                Some(profile) => app.open_profile(profile, true),
                None => {
                    app.notices
                        .push(format!("There is no profile named {name:?}"));
                    app.panel = Some(ConnectPanel::new_profile(&app.profiles));
                }
            }
        } else {
            app.panel = Some(ConnectPanel::new_profile(&app.profiles));
        }
        app
    }

    fn use_env_profile(&mut self) {
        if let Some((profile, secret)) = self.env_profile.clone() {
            self.connect(Connection {
                credentials: profile.credentials(secret),
                profile,
            });
            self.panel = None;
        }
    }

    /// Reads a profile's secret off the UI thread; connects with it when `connect`, else
    /// only makes it available to the panel's "Test connection".
    fn open_profile(&mut self, profile: Profile, connect: bool) {
        let creds = self.creds.clone();
        let name = profile.name.clone();
        let promise = blocking(&self.rt, move || {
            creds.get(&name).map_err(|e| e.to_string())
        });
        self.opening = Some((profile, connect, promise));
    }

    fn handle_panel(&mut self, command: PanelCommand) {
        match command {
            PanelCommand::Close => self.panel = None,
            PanelCommand::UseEnvironment => self.use_env_profile(),
            PanelCommand::Duplicate(name) => {
                let Some(original) = self.profiles.get(&name).cloned() else {
                    return;
                };
                // A copy of a studio's profile is the user's own, to edit.
                let copy = Profile {
                    name: self.profiles.unique_name(&name),
                    site: false,
                    ..original
                };
                self.profiles.profiles.push(copy.clone());
                self.panel = Some(ConnectPanel::edit(&copy, true));
                let creds = self.creds.clone();
                let write = self.file_writer();
                let new_name = copy.name.clone();
                let promise = blocking(&self.rt, move || {
                    if let Some(s) = creds.get(&name).map_err(|e| e.to_string())? {
                        creds.set(&new_name, &s).map_err(|e| e.to_string())?;
                    }
                    write()?;
                    Ok(None)
                });
                self.saving.push((None, promise));
            }
            PanelCommand::Connect(name) => {
                if let Some(profile) = self.profiles.get(&name).cloned() {
                    self.panel = Some(ConnectPanel::edit(&profile, true));
                    self.open_profile(profile, true);
                }
            }
            PanelCommand::Delete(name) => {
                self.profiles.profiles.retain(|p| p.name != name);
                if self.profiles.last_profile.as_deref() == Some(name.as_str()) {
                    self.profiles.last_profile = None;
                }
                self.panel = Some(ConnectPanel::new_profile(&self.profiles));
                let creds = self.creds.clone();
                let write = self.file_writer();
                let promise = blocking(&self.rt, move || {
                    creds.delete(&name).map_err(|e| e.to_string())?;
                    write()?;
                    Ok(None)
                });
                self.saving.push((None, promise));
            }
            PanelCommand::Save {
                profile,
                previous_name,
                secret,
                connect,
            } => {
                let profile = *profile;
                if profile.site {
                    self.save_site_secret(&profile.name, secret, connect);
                    return;
                }
                match previous_name
                    .as_ref()
                    .and_then(|n| self.profiles.profiles.iter_mut().find(|p| &p.name == n))
                {
                    Some(slot) => *slot = profile.clone(),
                    None => self.profiles.profiles.push(profile.clone()),
                }
                if connect {
                    self.profiles.last_profile = Some(profile.name.clone());
                }
                self.panel = Some(ConnectPanel::edit(&profile, true));
                let creds = self.creds.clone();
                let write = self.file_writer();
                let name = profile.name.clone();
                let promise = blocking(&self.rt, move || {
                    let e = |e: crate::secrets::SecretError| e.to_string();
                    let secret = match (secret, previous_name) {
                        (Some(s), previous) => {
                            creds.set(&name, &s).map_err(e)?;
                            if let Some(p) = previous.filter(|p| p != &name) {
                                creds.delete(&p).map_err(e)?;
                            }
                            Some(s)
                        }
                        // Renamed without a new secret: the keyring entry moves with it.
                        (None, Some(previous)) if previous != name => {
                            let s = creds.get(&previous).map_err(e)?;
                            if let Some(s) = &s {
                                creds.set(&name, s).map_err(e)?;
                                creds.delete(&previous).map_err(e)?;
                            }
                            s
                        }
                        (None, _) => creds.get(&name).map_err(e)?,
                    };
                    write()?;
                    Ok(secret)
                });
                self.saving.push((connect.then_some(profile), promise));
            }
        }
    }

    /// A studio's profile: only the user's secret is stored (the profile is never written);
    /// then it connects when asked, with the profile as the studio set it.
    fn save_site_secret(&mut self, name: &str, secret: Option<SecretString>, connect: bool) {
        let Some(profile) = self.profiles.get(name).filter(|p| p.site).cloned() else {
            return;
        };
        if connect {
            self.profiles.last_profile = Some(profile.name.clone());
        }
        let creds = self.creds.clone();
        let write = self.file_writer();
        let key = profile.name.clone();
        let promise = blocking(&self.rt, move || {
            let secret = match secret {
                Some(s) => {
                    creds.set(&key, &s).map_err(|e| e.to_string())?;
                    Some(s)
                }
                None => creds.get(&key).map_err(|e| e.to_string())?,
            };
            // Only the last-used name changes in the user's file.
            write()?;
            Ok(secret)
        });
        self.panel = Some(ConnectPanel::edit(&profile, true));
        self.saving.push((connect.then_some(profile), promise));
    }

    /// A closure that writes the profiles file as it is now (run off the UI thread).
    fn file_writer(&self) -> impl FnOnce() -> Result<(), String> + Send + 'static {
        let file = self.profiles.clone();
        let store = self.store.clone().filter(|_| self.profiles_writable);
        move || match store {
            Some(store) => store
                .save(&file)
                .map_err(|e| format!("cannot save {}: {e}", store.path().display())),
            None => Ok(()),
        }
    }

    /// Saves the jobs view's layout and filters into its profile two seconds after they settle
    /// (off the UI thread), so a restart or a crash keeps them.
    fn remember_view(&mut self, ctx: &egui::Context) {
        const SETTLE: Duration = Duration::from_secs(2);
        const CHECK_EVERY: Duration = Duration::from_secs(1);
        // Building the state to compare costs a copy of the selection: once a second at most, not
        // every frame. A change made just before the window goes idle is seen at the next refresh.
        if self.view_changed_at.is_none()
            && self
                .view_checked_at
                .is_some_and(|t| t.elapsed() < CHECK_EVERY)
        {
            return;
        }
        self.view_checked_at = Some(Instant::now());
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let mut state = session.jobs.state(session.include_finished);
        if let Some((layers, frames)) = session.detail.sorts {
            state.layers_sort = layers.column.key().to_owned();
            state.layers_descending = !layers.ascending;
            state.frames_sort = frames.column.key().to_owned();
            state.frames_descending = !frames.ascending;
        }
        let mut hosts_state = session.hosts.state();
        hosts_state.procs_sort = session.procs_sort.column.key().to_owned();
        hosts_state.procs_descending = !session.procs_sort.ascending;
        let view = session.view.key();
        let Some(profile) = self
            .profiles
            .profiles
            .iter_mut()
            .find(|p| p.name == session.profile.name)
        else {
            return;
        };
        if profile.jobs_view == state && profile.hosts_view == hosts_state && profile.view == view {
            self.view_changed_at = None;
            return;
        }
        let since = *self.view_changed_at.get_or_insert_with(Instant::now);
        if since.elapsed() < SETTLE {
            ctx.request_repaint_after(SETTLE.saturating_sub(since.elapsed()));
            return;
        }
        profile.jobs_view = state;
        profile.hosts_view = hosts_state;
        view.clone_into(&mut profile.view);
        self.view_changed_at = None;
        let write = self.file_writer();
        let promise = blocking(&self.rt, move || write().map(|()| None));
        self.saving.push((None, promise));
    }

    /// Takes finished keyring and file work.
    fn poll_profile_work(&mut self) {
        if let Some((profile, connect, promise)) = self.opening.take() {
            match promise.try_take() {
                Err(promise) => self.opening = Some((profile, connect, promise)),
                Ok(Ok(Some(secret))) => {
                    self.panel_secret = Some((profile.name.clone(), secret.clone()));
                    if connect {
                        self.profiles.last_profile = Some(profile.name.clone());
                        let c = Connection {
                            credentials: profile.credentials(secret),
                            profile,
                        };
                        self.connect(c);
                        self.panel = None;
                    }
                }
                Ok(Ok(None)) => {
                    self.notices.push(format!(
                        "No secret or token is stored for {}: enter it and save",
                        profile.name
                    ));
                    self.panel = Some(ConnectPanel::edit(&profile, false));
                }
                Ok(Err(e)) => self
                    .notices
                    .push(format!("Cannot read the secret of {}: {e}", profile.name)),
            }
        }
        let mut done = Vec::new();
        self.saving
            .retain_mut(|(profile, promise)| match promise.ready_mut() {
                Some(r) => {
                    done.push((profile.take(), std::mem::replace(r, Ok(None))));
                    false
                }
                None => true,
            });
        for (profile, result) in done {
            match result {
                Ok(secret) => {
                    if self.creds.degraded() {
                        let note =
                            "No keyring is available: secrets are kept in memory for this run only"
                                .to_owned();
                        if !self.notices.contains(&note) {
                            self.notices.push(note);
                        }
                    }
                    if let (Some(profile), Some(secret)) = (profile, secret) {
                        self.panel_secret = Some((profile.name.clone(), secret.clone()));
                        let c = Connection {
                            credentials: profile.credentials(secret),
                            profile,
                        };
                        self.connect(c);
                        self.panel = None;
                    }
                }
                Err(e) => self.notices.push(e),
            }
        }
    }

    /// Logs how long after `started` the first frame was drawn.
    pub fn timed_from(mut self, started: Instant) -> Self {
        self.started = Some(started);
        self
    }

    /// Keeps the demo gateway alive with the window.
    pub fn with_demo(mut self, sim: crate::sim::SimServer) -> Self {
        self._demo = Some(sim);
        self
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
        self.poll_profile_work();
        self.remember_view(ctx);
        for problem in self.history.poll() {
            if !self.notices.contains(&problem) {
                self.notices.push(problem);
            }
        }
        if self.opening.is_some() || !self.saving.is_empty() || self.history.is_busy() {
            // Keyring and file work report back through promises: look again shortly.
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        if self.session.is_none() && self.panel.is_none() && self.opening.is_none() {
            self.panel = Some(ConnectPanel::new_profile(&self.profiles));
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        session.shows.poll();
        let listed = session.jobs.jobs.generation();
        session.jobs.poll();
        // The open jobs take their new state from the list: no GetJob of their own.
        if session.jobs.jobs.generation() != listed
            && let Some(jobs) = session.jobs.jobs.data()
        {
            for tab in &mut session.detail.tabs {
                if let Some(job) = jobs.iter().find(|j| j.id == tab.job.id) {
                    tab.update_job(job);
                }
            }
        }
        if session.hosts.poll()
            && let Some(d) = session.host_detail.as_mut()
            && let Some(h) = session.hosts.get(&d.host.id)
        {
            d.host = h.clone();
        }
        // Choose a show once the list is known: the profile's, else the first active one.
        if session.show.is_none()
            && let Some(first) = session.shows.data().and_then(|s| s.first())
        {
            session.show = Some(first.name.clone());
            session.next_refresh = Instant::now();
        }
        let mut finished = Vec::new();
        session.actions.retain_mut(|a| {
            let Some(outcome) = a.promise.ready_mut().map(std::mem::take) else {
                return true;
            };
            let (text, error) = a.text(&outcome);
            session
                .history_out
                .push(std::mem::take(&mut a.entry).finished(&text, !error));
            finished.push((text, error));
            false
        });
        if !finished.is_empty() {
            session.next_refresh = Instant::now();
            // A comment just added shows in the host's comments.
            if let Some(d) = session.host_detail.as_mut() {
                d.refresh_soon();
            }
        }
        if let Some((name, promise)) = session.jump.take() {
            match promise.try_take() {
                Err(promise) => session.jump = Some((name, promise)),
                Ok(Ok(job)) => {
                    if session.show_in_jobs(&job) {
                        finished.push((
                            format!("Cleared the jobs filter to show {}", job.name),
                            false,
                        ));
                    }
                }
                Ok(Err(e)) => finished.push((
                    format!("Cannot go to job {name}: {}", e.user_message()),
                    true,
                )),
            }
        }
        session.minimized = ctx.input(|i| i.viewport().minimized.unwrap_or(false));
        let f5 = ctx.input(|i| i.key_pressed(egui::Key::F5));
        let now = Instant::now();
        if f5 || now >= session.next_refresh {
            session.refresh(&self.rt, ctx, f5);
        }
        // Wake up for the next refresh; nothing repaints in between when idle.
        ctx.request_repaint_after(session.next_refresh.saturating_duration_since(now));
        // The job or host shown below refreshes on the same interval; what is hidden waits.
        let interval = session.refresh_interval();
        let mut detail_outcomes = Vec::new();
        match session.view {
            MainView::Jobs => {
                if let Some(d) = session.detail.active_mut() {
                    let next = d.logic(&self.rt, ctx, &session.client, interval);
                    ctx.request_repaint_after(next.saturating_duration_since(now));
                    detail_outcomes = d.take_outcomes();
                    session.history_out.extend(d.take_history());
                }
            }
            MainView::Hosts => {
                if let Some(d) = session.host_detail.as_mut() {
                    let next = d.logic(&self.rt, ctx, &session.client, interval);
                    ctx.request_repaint_after(next.saturating_duration_since(now));
                }
            }
        }
        let done = std::mem::take(&mut session.history_out);
        self.history.record(&self.rt, done);
        for (text, error) in detail_outcomes {
            self.toast(text, error);
        }
        for (text, error) in finished {
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
        let mut show_change = None;
        let mut about = false;
        let mut history_open = self.history.open;
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("CueDesk");
                ui.separator();
                let current = self.session.as_ref().map(|s| s.profile.name.clone());
                if !self.profiles.profiles.is_empty() || !self.profiles.site_profiles.is_empty() {
                    let mut chosen = current.clone();
                    egui::ComboBox::new("profile", "Profile")
                        .selected_text(current.clone().unwrap_or_else(|| "none".into()))
                        .show_ui(ui, |ui| {
                            for p in &self.profiles.profiles {
                                ui.selectable_value(&mut chosen, Some(p.name.clone()), &p.name);
                            }
                            for p in self.profiles.visible_site_profiles() {
                                ui.selectable_value(
                                    &mut chosen,
                                    Some(p.name.clone()),
                                    format!("{} (site)", p.name),
                                );
                            }
                        });
                    if chosen != current
                        && let Some(profile) = chosen.and_then(|n| self.profiles.get(&n).cloned())
                    {
                        self.open_profile(profile, true);
                    }
                } else if let Some(name) = &current {
                    ui.label(name);
                }
                if ui.button("Profiles…").clicked() {
                    let saved = current.as_ref().and_then(|n| self.profiles.get(n));
                    let env = self
                        .env_profile
                        .as_ref()
                        .filter(|(p, _)| current.as_ref() == Some(&p.name));
                    self.panel = Some(match (saved, env) {
                        (Some(p), _) => ConnectPanel::edit(
                            p,
                            self.panel_secret
                                .as_ref()
                                .is_some_and(|(n, _)| n == &p.name),
                        ),
                        (None, Some((p, secret))) => ConnectPanel::unsaved(p, secret),
                        (None, None) => ConnectPanel::new_profile(&self.profiles),
                    });
                }
                ui.separator();
                let Some(session) = self.session.as_mut() else {
                    ui.label("not connected");
                    right_side_ui(ui, &mut about, &mut history_open);
                    return;
                };
                for (view, label, hover) in [
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
                ] {
                    if ui
                        .selectable_label(session.view == view, label)
                        .on_hover_text(hover)
                        .clicked()
                    {
                        session.set_view(view);
                    }
                }
                ui.separator();
                if session.view == MainView::Hosts {
                    if ui
                        .button("Refresh")
                        .on_hover_text("Refresh now (F5)")
                        .clicked()
                    {
                        session.refresh(&rt, ui.ctx(), true);
                    }
                    refresh_state_ui(ui, &session.hosts.hosts);
                    right_side_ui(ui, &mut about, &mut history_open);
                    return;
                }
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
                    session.refresh(&rt, ui.ctx(), false);
                    show_change = Some((
                        session.profile.name.clone(),
                        session.show.clone().unwrap_or_default(),
                    ));
                }
                if ui
                    .button("Refresh")
                    .on_hover_text("Refresh now (F5)")
                    .clicked()
                {
                    session.refresh(&rt, ui.ctx(), true);
                }
                refresh_state_ui(ui, &session.jobs.jobs);
                right_side_ui(ui, &mut about, &mut history_open);
            });
        });
        if about {
            self.about_open = true;
        }
        self.history.open = history_open;
        // Each profile remembers its show.
        if let Some((name, show)) = show_change
            && let Some(p) = self.profiles.profiles.iter_mut().find(|p| p.name == name)
            && p.default_show != show
        {
            p.default_show = show;
            let write = self.file_writer();
            let promise = blocking(&self.rt, move || write().map(|()| None));
            self.saving.push((None, promise));
        }
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
                    session.refresh(&rt, ui.ctx(), true);
                }
            });
        }
        // Keys act on the jobs table unless a text field has the keyboard or the pointer is on
        // the job detail (Delete there must not kill the jobs).
        let over_detail = session
            .detail_rect
            .is_some_and(|r| ui.ctx().pointer_hover_pos().is_some_and(|p| r.contains(p)));
        if !ui.ctx().egui_wants_keyboard_input() && session.dialog.is_none() && !over_detail {
            let (all, none, kill) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::COMMAND, egui::Key::A),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Delete),
                )
            });
            if all {
                session.jobs.selected = session.jobs.visible().map(|j| j.id.clone()).collect();
            }
            if none {
                session.jobs.selected.clear();
            }
            if kill {
                let jobs = session.jobs.selected_jobs();
                session.start_action(&rt, ui.ctx(), JobAction::Kill, jobs);
            }
        }
        // The count is enough for the toolbar; the jobs are cloned only when an action starts.
        let selected = session.jobs.selected_count();
        let read_only = session.profile.read_only;
        // Wraps on narrow windows rather than running off the edge.
        ui.horizontal_wrapped(|ui| {
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
            ui.checkbox(&mut session.jobs.filter.regex, "Regex");
            egui::ComboBox::new("state_filter", "State filter")
                .selected_text(session.jobs.filter.state.label())
                .show_ui(ui, |ui| {
                    for f in crate::ui::jobs::StateFilter::ALL {
                        ui.selectable_value(&mut session.jobs.filter.state, f, f.label());
                    }
                });
            if ui
                .checkbox(&mut session.include_finished, "Include finished")
                .changed()
            {
                session.jobs.jobs.reset();
                session.refresh(&rt, ui.ctx(), false);
            }
            crate::ui::table::columns_menu(ui, &mut session.jobs.hidden);
            ui.separator();
            for action in JobAction::ALL {
                let enabled = selected > 0 && !read_only;
                let hover = if read_only {
                    "This profile is read-only"
                } else {
                    "Select jobs first"
                };
                let mut button = ui
                    .add_enabled(enabled, egui::Button::new(action.label()))
                    .on_disabled_hover_text(hover);
                if let Some(key) = action.shortcut() {
                    button = button.on_hover_text(key);
                }
                if button.clicked() {
                    let jobs = session.jobs.selected_jobs();
                    session.start_action(&rt, ui.ctx(), action, jobs);
                }
            }
            let shown = session.jobs.visible().count();
            let total = session.jobs.jobs.data().map_or(0, Vec::len);
            ui.weak(format!("{shown} of {total} jobs, {selected} selected"));
        });
        if let Some(e) = session.jobs.filter_error() {
            ui.colored_label(theme::error(ui), e);
        }
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
        // A job selected alone is shown in the detail view; a double-click keeps it open.
        let salt = session.profile.name.clone();
        if let Some(id) = session.jobs.opened.take()
            && let Some(job) = session.jobs.visible().find(|j| j.id == id).cloned()
        {
            session.detail.show_job(&job, true, &salt);
            session.previewed = Some(id);
        } else if session.jobs.selected.len() == 1
            && session.jobs.selected.first() != session.previewed.as_ref()
            && let Some(job) = session
                .jobs
                .selected
                .first()
                .and_then(|id| session.jobs.visible().find(|j| &j.id == id))
                .cloned()
        {
            session.detail.show_job(&job, false, &salt);
            session.previewed = Some(job.id);
        }
        if let Some(dialog) = session.dialog.as_mut() {
            match dialog.ui(ui.ctx()) {
                DialogOutcome::Open => {}
                DialogOutcome::Cancelled => session.dialog = None,
                DialogOutcome::Confirmed(request, jobs) => {
                    session.dialog = None;
                    session.send_action(&rt, ui.ctx(), request, jobs);
                }
            }
        }
    }

    fn hosts_ui(&mut self, ui: &mut egui::Ui) {
        let rt = self.rt.clone();
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Some(e) = session.hosts.hosts.error() {
            let message = e.user_message();
            ui.horizontal(|ui| {
                ui.colored_label(theme::error(ui), message);
                if ui.button("Retry").clicked() {
                    session.refresh(&rt, ui.ctx(), true);
                }
            });
        }
        let over_detail = session
            .detail_rect
            .is_some_and(|r| ui.ctx().pointer_hover_pos().is_some_and(|p| r.contains(p)));
        if !ui.ctx().egui_wants_keyboard_input() && session.host_dialog.is_none() && !over_detail {
            let (all, none) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::COMMAND, egui::Key::A),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                )
            });
            if all {
                session.hosts.selected = session.hosts.visible().map(|h| h.id.clone()).collect();
            }
            if none {
                session.hosts.selected.clear();
            }
        }
        session.hosts.filter_ui(ui);
        session.hosts.update_order();
        session.hosts.summary_ui(ui);
        let selected = session.hosts.selected_count();
        let read_only = session.profile.read_only;
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let actions = HostAction::ALL.map(|a| (a, a.label(), a.hover()));
            chosen = crate::ui::table::action_buttons(ui, &actions, selected, read_only, "hosts");
            let shown = session.hosts.shown().hosts;
            let total = session.hosts.farm().hosts;
            ui.weak(format!("{shown} of {total} hosts, {selected} selected"));
        });
        if session.hosts.hosts.data().is_none() && session.hosts.hosts.is_loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading hosts…");
            });
        }
        if let Some(action) = session.hosts.table_ui(ui, read_only) {
            chosen = Some(action);
        }
        if let Some(action) = chosen {
            let hosts = session.hosts.selected_hosts();
            session.start_host_action(&rt, ui.ctx(), action, hosts);
        }
        // A host clicked alone is shown below the table.
        if let Some(id) = session.hosts.focused.take()
            && session.host_detail.as_ref().is_none_or(|d| d.host.id != id)
            && let Some(host) = session.hosts.get(&id)
        {
            if let Some(old) = &session.host_detail {
                session.procs_sort = old.sort;
            }
            session.host_detail = Some(HostDetail::new(
                host,
                session.procs_sort,
                &session.profile.name,
            ));
        }
        if let Some(dialog) = session.host_dialog.as_mut() {
            match dialog.ui(ui.ctx()) {
                HostDialogOutcome::Open => {}
                HostDialogOutcome::Cancelled => session.host_dialog = None,
                HostDialogOutcome::Confirmed(request, hosts) => {
                    session.host_dialog = None;
                    session.send_host_action(&rt, ui.ctx(), request, hosts);
                }
            }
        }
    }

    /// The chosen host, below the hosts table.
    fn host_detail_ui(&mut self, ui: &mut egui::Ui) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if self.panel.is_some() {
            session.detail_rect = None;
            return;
        }
        let Some(detail) = session.host_detail.as_mut() else {
            session.detail_rect = None;
            return;
        };
        let rt = self.rt.clone();
        let height = ui.available_height();
        let client = &session.client;
        let profile = &session.profile;
        let mut command = None;
        let panel = egui::Panel::bottom("host_detail")
            .resizable(true)
            .default_size(height * 0.4)
            .min_size(160.0)
            .show(ui, |ui| {
                command = detail.ui(ui, &rt, client, profile);
            });
        session.procs_sort = detail.sort;
        session.detail_rect = Some(panel.response.rect);
        match command {
            Some(HostDetailCommand::Close) => session.host_detail = None,
            Some(HostDetailCommand::GoToJob(name)) => session.go_to_job(&rt, ui.ctx(), name),
            None => {}
        }
    }

    /// The open jobs, below the jobs table.
    fn detail_ui(&mut self, ui: &mut egui::Ui) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if session.detail.tabs.is_empty() || self.panel.is_some() {
            session.detail_rect = None;
            return;
        }
        let rt = self.rt.clone();
        let height = ui.available_height();
        let panel = egui::Panel::bottom("job_detail")
            .resizable(true)
            .default_size(height * 0.55)
            .min_size(180.0)
            .show(ui, |ui| {
                session.detail.tabs_ui(ui);
                let active = session.detail.active;
                let client = &session.client;
                let profile = &session.profile;
                if let Some(d) = session.detail.active_mut()
                    && !d.ui(ui, &rt, client, profile)
                {
                    session.detail.close(active);
                }
                session.detail.remember_sorts();
            });
        session.detail_rect = Some(panel.response.rect);
    }

    /// Version, commit, build date and where things are kept.
    fn about_ui(&mut self, ctx: &egui::Context) {
        if !self.about_open {
            return;
        }
        let modal = egui::Modal::new(egui::Id::unique("about")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("CueDesk");
            ui.label(format!("Version {}", crate::VERSION));
            ui.label("A desktop client for OpenCue render farms, over the OpenCue REST Gateway.");
            ui.label("License: Apache-2.0");
            let profiles = self.store.as_ref().map_or_else(
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

    fn toasts_ui(&self, ctx: &egui::Context) {
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

/// The right end of the top bar: About, and the theme.
fn right_side_ui(ui: &mut egui::Ui, about: &mut bool, history: &mut bool) {
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
        match self.session.as_ref().map(|s| s.view) {
            Some(MainView::Hosts) => self.host_detail_ui(ui),
            _ => self.detail_ui(ui),
        }
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
            if let Some(panel) = self.panel.as_mut() {
                let stored = self
                    .panel_secret
                    .as_ref()
                    .filter(|(n, _)| Some(n.as_str()) == panel.editing())
                    .map(|(_, s)| s);
                let env = self.env_profile.as_ref().map(|(p, _)| p);
                let command = panel.ui(
                    ui,
                    &self.profiles,
                    &self.rt,
                    stored,
                    env,
                    self.session.is_some(),
                );
                if let Some(c) = command {
                    self.handle_panel(c);
                }
            } else if self
                .session
                .as_ref()
                .is_some_and(|s| s.view == MainView::Hosts)
            {
                self.hosts_ui(ui);
            } else {
                self.jobs_ui(ui);
            }
        });
        self.toasts_ui(&ui.ctx().clone());
        self.about_ui(&ui.ctx().clone());
        let profile = self.session.as_ref().map(|s| s.profile.name.clone());
        self.history
            .window_ui(&ui.ctx().clone(), profile.as_deref());
        if let Some(started) = self.started.take() {
            tracing::info!(
                "first frame drawn {} ms after start",
                started.elapsed().as_millis()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_icon_decodes() {
        let icon = super::icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
