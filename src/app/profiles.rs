//! The user's profiles: the file, the keyring, the environment profile and the profiles panel.
//! Every keyring and file operation runs off the UI thread; when one yields a secret to connect
//! with, [`Profiles::poll`] hands back the [`Connection`] to open.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poll_promise::Promise;
use secrecy::SecretString;

use crate::app::Connection;
use crate::app::session::Session;
use crate::profiles::{AuthMode, Profile, ProfileStore, ProfilesFile};
use crate::secrets::{CredentialStore as _, FallbackStore};
use crate::tasks::{Inflight, Tasks};
use crate::ui::connect::{ConnectPanel, PanelCommand};

/// Keyring or file work that yields the secret to connect with, if any.
type SecretWork = Promise<Result<Option<SecretString>, String>>;

/// The profiles and where they are kept.
pub struct Profiles {
    /// The saved profiles (the user's and the studio's).
    pub file: ProfilesFile,
    /// The profile made from the environment, with its secret (never saved by itself).
    pub env_profile: Option<(Profile, SecretString)>,
    /// Where the file is saved (`None`: not saved).
    pub store: Option<ProfileStore>,
    /// The file may be written (a newer schema is not).
    pub writable: bool,
    /// The keyring, or memory when there is none.
    pub creds: Arc<FallbackStore>,
    /// The profiles panel, when shown.
    pub panel: Option<ConnectPanel>,
    /// The stored secret of the profile in the panel, for "Test connection".
    pub panel_secret: Option<(String, SecretString)>,
    /// A profile whose secret is being read, and whether to connect when it arrives.
    opening: Option<(Profile, bool, SecretWork)>,
    /// Saves in flight: the profile to connect with afterwards, and the secret to use.
    saving: Inflight<Option<Profile>, Result<Option<SecretString>, String>>,
    /// When the views last changed without being saved to their profile.
    view_changed_at: Option<Instant>,
    /// When the views were last compared with their profile.
    view_checked_at: Option<Instant>,
}

impl Profiles {
    /// The profiles of `file`, saved to `store`, with secrets in `creds`.
    pub fn new(
        file: ProfilesFile,
        store: Option<ProfileStore>,
        writable: bool,
        creds: Arc<FallbackStore>,
        env_profile: Option<(Profile, SecretString)>,
    ) -> Self {
        Self {
            file,
            env_profile,
            store,
            writable,
            creds,
            panel: None,
            panel_secret: None,
            opening: None,
            saving: Inflight::default(),
            view_changed_at: None,
            view_checked_at: None,
        }
    }

    /// True while a profile's secret is being read.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// The environment profile's connection (closing the panel).
    pub fn env_connection(&mut self) -> Option<Connection> {
        let (profile, secret) = self.env_profile.clone()?;
        self.panel = None;
        Some(Connection {
            credentials: profile.credentials(secret),
            profile,
        })
    }

    /// Reads a profile's secret off the UI thread; connects with it when `connect`, else
    /// only makes it available to the panel's "Test connection".
    pub fn open(&mut self, tasks: &Tasks, profile: Profile, connect: bool) {
        // A token command's profile keeps nothing in the keyring.
        if profile.auth == AuthMode::Command {
            let ready = Promise::from_ready(Ok(Some(SecretString::default())));
            self.opening = Some((profile, connect, ready));
            return;
        }
        let creds = self.creds.clone();
        let name = profile.name.clone();
        let promise = tasks.blocking("reading a secret from the keyring", move || {
            creds.get(&name).map_err(|e| e.to_string())
        });
        self.opening = Some((profile, connect, promise));
    }

    /// Opens the saved profile `name`.
    pub fn open_by_name(&mut self, tasks: &Tasks, name: &str) {
        if let Some(profile) = self.file.get(name).cloned() {
            self.open(tasks, profile, true);
        }
    }

    /// Shows the panel on the profile `current` (connected now), or a new one.
    pub fn show_panel(&mut self, current: Option<&str>) {
        let saved = current.and_then(|n| self.file.get(n));
        let env = self
            .env_profile
            .as_ref()
            .filter(|(p, _)| current == Some(p.name.as_str()));
        self.panel = Some(match (saved, env) {
            (Some(p), _) => ConnectPanel::edit(
                p,
                self.panel_secret
                    .as_ref()
                    .is_some_and(|(n, _)| n == &p.name),
            ),
            (None, Some((p, secret))) => ConnectPanel::unsaved(p, secret),
            (None, None) => ConnectPanel::new_profile(&self.file),
        });
    }

    /// Carries out what the panel asked (except a test, which needs the app's tasks and is
    /// handled by the caller). Returns a connection to open at once, if any.
    pub fn handle_panel(&mut self, tasks: &Tasks, command: PanelCommand) -> Option<Connection> {
        match command {
            PanelCommand::Close => self.panel = None,
            PanelCommand::UseEnvironment => return self.env_connection(),
            PanelCommand::Duplicate(name) => {
                let original = self.file.get(&name).cloned()?;
                // A copy of a studio's profile is the user's own, to edit.
                let copy = Profile {
                    name: self.file.unique_name(&name),
                    site: false,
                    ..original
                };
                self.file.profiles.push(copy.clone());
                self.panel = Some(ConnectPanel::edit(&copy, true));
                let creds = self.creds.clone();
                let write = self.file_writer();
                let new_name = copy.name.clone();
                let promise = tasks.blocking("copying a profile", move || {
                    if let Some(s) = creds.get(&name).map_err(|e| e.to_string())? {
                        creds.set(&new_name, &s).map_err(|e| e.to_string())?;
                    }
                    write()?;
                    Ok(None)
                });
                self.saving.push(None, promise);
            }
            PanelCommand::Connect(name) => {
                if let Some(profile) = self.file.get(&name).cloned() {
                    self.panel = Some(ConnectPanel::edit(&profile, true));
                    self.open(tasks, profile, true);
                }
            }
            PanelCommand::Delete(name) => {
                self.file.profiles.retain(|p| p.name != name);
                if self.file.last_profile.as_deref() == Some(name.as_str()) {
                    self.file.last_profile = None;
                }
                self.panel = Some(ConnectPanel::new_profile(&self.file));
                let creds = self.creds.clone();
                let write = self.file_writer();
                let promise = tasks.blocking("deleting a profile", move || {
                    creds.delete(&name).map_err(|e| e.to_string())?;
                    write()?;
                    Ok(None)
                });
                self.saving.push(None, promise);
            }
            PanelCommand::Save {
                profile,
                previous_name,
                secret,
                connect,
            } => self.save(tasks, *profile, previous_name, secret, connect),
            // The caller starts the demo farm and the connection test.
            PanelCommand::Demo | PanelCommand::Test { .. } => {}
        }
        None
    }

    fn save(
        &mut self,
        tasks: &Tasks,
        profile: Profile,
        previous_name: Option<String>,
        secret: Option<SecretString>,
        connect: bool,
    ) {
        if profile.site {
            self.save_site_secret(tasks, &profile.name, secret, connect);
            return;
        }
        match previous_name
            .as_ref()
            .and_then(|n| self.file.profiles.iter_mut().find(|p| &p.name == n))
        {
            Some(slot) => *slot = profile.clone(),
            None => self.file.profiles.push(profile.clone()),
        }
        if connect {
            self.file.last_profile = Some(profile.name.clone());
        }
        self.panel = Some(ConnectPanel::edit(&profile, true));
        let creds = self.creds.clone();
        let write = self.file_writer();
        let name = profile.name.clone();
        let command = profile.auth == AuthMode::Command;
        let promise = tasks.blocking("saving a profile", move || {
            let e = |e: crate::secrets::SecretError| e.to_string();
            if command {
                // The token command gives the token: nothing is kept in the keyring.
                creds.delete(&name).map_err(e)?;
                if let Some(p) = previous_name.filter(|p| p != &name) {
                    creds.delete(&p).map_err(e)?;
                }
                write()?;
                return Ok(Some(SecretString::default()));
            }
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
        self.saving.push(connect.then_some(profile), promise);
    }

    /// A studio's profile: only the user's secret is stored (the profile is never written);
    /// then it connects when asked, with the profile as the studio set it.
    fn save_site_secret(
        &mut self,
        tasks: &Tasks,
        name: &str,
        secret: Option<SecretString>,
        connect: bool,
    ) {
        let Some(profile) = self.file.get(name).filter(|p| p.site).cloned() else {
            return;
        };
        if connect {
            self.file.last_profile = Some(profile.name.clone());
        }
        let creds = self.creds.clone();
        let write = self.file_writer();
        let key = profile.name.clone();
        let promise = tasks.blocking("saving a secret", move || {
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
        self.saving.push(connect.then_some(profile), promise);
    }

    /// A closure that writes the profiles file as it is now (run off the UI thread).
    fn file_writer(&self) -> impl FnOnce() -> Result<(), String> + Send + 'static {
        let file = self.file.clone();
        let store = self.store.clone().filter(|_| self.writable);
        move || match store {
            Some(store) => store
                .save(&file)
                .map_err(|e| format!("cannot save {}: {e}", store.path().display())),
            None => Ok(()),
        }
    }

    /// Writes the profiles file off the UI thread.
    fn save_file(&mut self, tasks: &Tasks) {
        let write = self.file_writer();
        let promise = tasks.blocking("saving the profiles", move || write().map(|()| None));
        self.saving.push(None, promise);
    }

    /// The panel a window without a session shows: the welcome screen while no profile of the
    /// user's own exists, else a new profile's form.
    pub fn first_panel(&self) -> ConnectPanel {
        if self.file.profiles.is_empty() {
            ConnectPanel::welcome(&self.file)
        } else {
            ConnectPanel::new_profile(&self.file)
        }
    }

    /// Each profile remembers its show.
    pub fn remember_show(&mut self, tasks: &Tasks, profile: &str, show: &str) {
        if let Some(p) = self.file.profiles.iter_mut().find(|p| p.name == profile)
            && p.default_show != show
        {
            show.clone_into(&mut p.default_show);
            self.save_file(tasks);
        }
    }

    /// Saves the views' layout and filters into the session's profile two seconds after they
    /// settle (off the UI thread), so a restart or a crash keeps them.
    pub fn remember_view(&mut self, tasks: &Tasks, ctx: &egui::Context, session: &Session) {
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
        let (state, hosts_state) = session.view_state();
        let mine_state = session.mine.state(false);
        let watched = session.watch.saved();
        let view = session.view.key();
        let Some(profile) = self
            .file
            .profiles
            .iter_mut()
            .find(|p| p.name == session.profile.name)
        else {
            return;
        };
        if profile.jobs_view == state
            && profile.hosts_view == hosts_state
            && profile.mine_view == mine_state
            && profile.watched == watched
            && profile.view == view
            && profile.watching == session.profile.watching
        {
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
        profile.mine_view = mine_state;
        watched.clone_into(&mut profile.watched);
        profile.watching.clone_from(&session.profile.watching);
        view.clone_into(&mut profile.view);
        self.view_changed_at = None;
        self.save_file(tasks);
    }

    /// Takes finished keyring and file work. Returns a connection to open, if one is ready;
    /// problems go to `notices`.
    pub fn poll(&mut self, notices: &mut Vec<String>) -> Option<Connection> {
        let mut connect = None;
        if let Some((profile, wants, work)) = self.opening.take() {
            match work.try_take() {
                Err(work) => self.opening = Some((profile, wants, work)),
                Ok(Ok(Some(secret))) => {
                    self.panel_secret = Some((profile.name.clone(), secret.clone()));
                    if wants {
                        self.file.last_profile = Some(profile.name.clone());
                        self.panel = None;
                        connect = Some(Connection {
                            credentials: profile.credentials(secret),
                            profile,
                        });
                    }
                }
                Ok(Ok(None)) => {
                    notices.push(format!(
                        "No secret or token is stored for {}: enter it and save",
                        profile.name
                    ));
                    self.panel = Some(ConnectPanel::edit(&profile, false));
                }
                Ok(Err(e)) => {
                    notices.push(format!("Cannot read the secret of {}: {e}", profile.name));
                }
            }
        }
        for (profile, result) in self.saving.take_finished() {
            if let Some(c) = self.saved(profile, result, notices) {
                connect = Some(c);
            }
        }
        connect
    }

    /// A save came back: says when the keyring is missing; connects when it was asked.
    fn saved(
        &mut self,
        profile: Option<Profile>,
        result: Result<Option<SecretString>, String>,
        notices: &mut Vec<String>,
    ) -> Option<Connection> {
        match result {
            Ok(secret) => {
                if self.creds.degraded() {
                    let note =
                        "No keyring is available: secrets are kept in memory for this run only"
                            .to_owned();
                    if !notices.contains(&note) {
                        notices.push(note);
                    }
                }
                let (profile, secret) = (profile?, secret?);
                self.panel_secret = Some((profile.name.clone(), secret.clone()));
                self.panel = None;
                Some(Connection {
                    credentials: profile.credentials(secret),
                    profile,
                })
            }
            Err(e) => {
                notices.push(e);
                None
            }
        }
    }
}
