//! Gateway profiles: saved in the OS config directory (`~/.config/cuedesk/profiles.toml` on
//! Linux) with a schema version, written atomically. Secrets are never part of them.
//!
//! A file that cannot be read, or that a newer CueDesk wrote, is never overwritten: a corrupt
//! file is copied aside and the user told; a newer one is left alone and nothing is saved.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The version of `profiles.toml` this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The name of the profile made from `OPENCUE_REST_GATEWAY_URL` + `JWT_SECRET`/`JWT_TOKEN`.
pub const ENV_PROFILE_NAME: &str = "From environment";

/// How a profile authenticates; the secret or token itself is in the keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// The gateway's `JWT_SECRET`: CueDesk mints and renews tokens.
    #[default]
    Secret,
    /// A pre-issued JWT, used as is until it expires.
    Token,
    /// A command that prints a JWT (the studio's credential helper): nothing is in the keyring.
    Command,
}

/// A prefix rewrite for log paths (`/shots` → `S:\shots`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PathMapping {
    /// The path prefix as Cuebot reports it.
    pub from: String,
    /// The same place as this workstation sees it.
    pub to: String,
}

/// How the jobs table looked when last used with a profile (ids are stable text keys).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JobsViewState {
    /// Sort column key, e.g. `priority`; empty for the default (name).
    pub sort_column: String,
    /// Sort descending.
    pub sort_descending: bool,
    /// Keys of hidden columns.
    pub hidden_columns: Vec<String>,
    /// Name filter text.
    pub filter_text: String,
    /// The filter text is a regex.
    pub filter_regex: bool,
    /// Only the profile user's jobs.
    pub my_jobs: bool,
    /// State filter key; empty for any state.
    pub state_filter: String,
    /// Finished jobs are listed too.
    pub include_finished: bool,
    /// Ids of the selected jobs.
    pub selected: Vec<String>,
    /// Layers table sort column key (empty: by name).
    pub layers_sort: String,
    /// Layers sorted descending.
    pub layers_descending: bool,
    /// Frames table sort column key (empty: dispatch order).
    pub frames_sort: String,
    /// Frames sorted descending.
    pub frames_descending: bool,
}

/// How the hosts view looked when last used with a profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostsViewState {
    /// Sort column key, e.g. `load`; empty for the default (name).
    pub sort_column: String,
    /// Sort descending.
    pub sort_descending: bool,
    /// Keys of hidden columns.
    pub hidden_columns: Vec<String>,
    /// Name filter text.
    pub filter_text: String,
    /// The filter text is a regex.
    pub filter_regex: bool,
    /// Hardware states shown (`UP`, `DOWN`…); empty for all.
    pub states: Vec<String>,
    /// Lock states shown (`LOCKED`…); empty for all.
    pub lock_states: Vec<String>,
    /// Allocations shown; empty for all.
    pub allocs: Vec<String>,
    /// Hosts with any of these tags; empty for all.
    pub tags: Vec<String>,
    /// Procs table sort column key (empty: by job).
    pub procs_sort: String,
    /// Procs sorted descending.
    pub procs_descending: bool,
}

/// Whose jobs a profile watches and what it is told about them (the bell's switches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatchSettings {
    /// The user's own jobs are watched as soon as they are seen (Cuetopia's "Autoload Mine").
    pub watch_mine: bool,
    /// Tell when a watched job finishes, fails or is killed.
    pub notify_finished: bool,
    /// Tell when frames of a watched job die.
    pub notify_dead: bool,
    /// Tell when a running frame of a watched job has written no log for `stuck_minutes`.
    pub notify_stuck: bool,
    /// A running frame whose log has not been written for this long is stuck (LLU).
    pub stuck_minutes: u64,
}

impl Default for WatchSettings {
    fn default() -> Self {
        Self {
            watch_mine: true,
            notify_finished: true,
            notify_dead: true,
            notify_stuck: true,
            stuck_minutes: 30,
        }
    }
}

impl WatchSettings {
    /// The kinds of event to tell.
    pub fn switches(&self) -> crate::watch::EventSwitches {
        crate::watch::EventSwitches {
            finished: self.notify_finished,
            dead: self.notify_dead,
            stuck: self.notify_stuck,
        }
    }

    /// How long a running frame may write no log before it is stuck (`None`: not looked for).
    pub fn stuck_after(&self) -> Option<std::time::Duration> {
        self.notify_stuck
            .then(|| std::time::Duration::from_secs(self.stuck_minutes.max(1) * 60))
    }
}

/// One gateway to connect to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Unique name, shown in the profile switcher; also the keyring entry's name.
    pub name: String,
    /// Base URL, e.g. `http://gateway:8448`.
    pub gateway_url: String,
    /// Who this user is (the token's `sub`, "my jobs", kill records).
    pub username: String,
    /// Secret, token or token command.
    pub auth: AuthMode,
    /// With [`AuthMode::Command`]: the command that prints a token (`{user}` is replaced).
    pub token_command: String,
    /// Lifetime of minted tokens.
    pub token_lifetime_secs: u64,
    /// Automatic refresh interval.
    pub refresh_interval_secs: u64,
    /// Refresh interval of the show-wide lists while the window is in the background
    /// (unfocused or minimized): a 5,000-job show is 5 MB an answer.
    pub background_refresh_secs: u64,
    /// Keep the last jobs and hosts views on disk (the OS cache directory), shown at once at
    /// the next start until the first answer.
    pub cache_views: bool,
    /// The show to open.
    pub default_show: String,
    /// Log path rewrites.
    pub path_mappings: Vec<PathMapping>,
    /// Command that opens a log (`{path}`, `{line}`); empty: the system's default application.
    pub log_editor: String,
    /// The studio's e-mail domain (`studio.com`): a job's owner is `<user>@<domain>`, as
    /// CueGUI's EMAIL_DOMAIN. Empty: "Email the owner" is not offered.
    pub email_domain: String,
    /// Extra CA certificate (PEM) for an https gateway.
    pub ca_file: Option<PathBuf>,
    /// Time allowed for one call, seconds.
    pub request_timeout_secs: u64,
    /// Answers larger than this (MB) are refused: a wrong URL or a runaway proxy cannot fill
    /// the memory. Generous: a job of 100,000 frames is about 60 MB.
    pub max_response_mb: u64,
    /// No mutating call is sent with this profile.
    pub read_only: bool,
    /// The jobs table as it was last left.
    pub jobs_view: JobsViewState,
    /// The hosts view as it was last left.
    pub hosts_view: HostsViewState,
    /// The view shown last: `mine`, `hosts`, or empty for a show's jobs.
    pub view: String,
    /// The "My jobs" table as it was last left.
    pub mine_view: JobsViewState,
    /// The jobs watched: listed in "My jobs" and announced when they end or frames die.
    pub watched: Vec<crate::watch::WatchedJob>,
    /// Whose jobs are watched and what the user is told about them.
    pub watching: WatchSettings,
    /// Set by the studio in a site-wide file: shown read-only, never written.
    #[serde(skip)]
    pub site: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            name: String::new(),
            gateway_url: String::new(),
            username: default_username(),
            auth: AuthMode::Secret,
            token_command: String::new(),
            token_lifetime_secs: crate::api::auth::DEFAULT_TOKEN_LIFETIME.as_secs(),
            refresh_interval_secs: 10,
            background_refresh_secs: 60,
            cache_views: true,
            default_show: String::new(),
            path_mappings: Vec::new(),
            log_editor: String::new(),
            email_domain: String::new(),
            ca_file: None,
            request_timeout_secs: 30,
            max_response_mb: 256,
            read_only: false,
            jobs_view: JobsViewState::default(),
            hosts_view: HostsViewState::default(),
            view: String::new(),
            mine_view: JobsViewState::default(),
            watched: Vec::new(),
            watching: WatchSettings::default(),
            site: false,
        }
    }
}

/// The login name of this workstation's user.
pub fn default_username() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

impl Profile {
    /// A `mailto:` link to the owners of `jobs` (each once), the jobs named in the subject and
    /// the body; `None` without an e-mail domain.
    pub fn mail_owners(&self, jobs: &[crate::api::types::Job]) -> Option<String> {
        let domain = self.email_domain.trim().trim_start_matches('@');
        if domain.is_empty() || jobs.is_empty() {
            return None;
        }
        let mut to: Vec<String> = jobs
            .iter()
            .map(|j| format!("{}@{domain}", j.user))
            .collect();
        to.sort();
        to.dedup();
        let subject = match jobs {
            [one] => one.name.clone(),
            many => format!("{} jobs on the farm", many.len()),
        };
        let body: Vec<String> = jobs
            .iter()
            .map(|j| format!("{} ({}, {})", j.name, j.show, j.shot))
            .collect();
        let enc = |s: &str| {
            url::form_urlencoded::byte_serialize(s.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        };
        Some(format!(
            "mailto:{}?subject={}&body={}",
            to.join(","),
            enc(&subject),
            enc(&body.join("\n"))
        ))
    }

    /// The client credentials of this profile with its secret or token.
    pub fn credentials(&self, secret: secrecy::SecretString) -> crate::api::Credentials {
        match self.auth {
            AuthMode::Secret => crate::api::Credentials::Secret {
                username: self.username.clone(),
                secret,
                lifetime: std::time::Duration::from_secs(self.token_lifetime_secs.max(60)),
            },
            AuthMode::Token => crate::api::Credentials::Token { token: secret },
            AuthMode::Command => crate::api::Credentials::Command {
                command: self.token_command.clone(),
                username: self.username.clone(),
            },
        }
    }

    /// How to reach this profile's gateway with `credentials`: its URL, CA file, timeout,
    /// size cap and read-only flag. The one place a session and "Test connection" get it.
    pub fn client_config(&self, credentials: crate::api::Credentials) -> crate::api::ClientConfig {
        let mut config = crate::api::ClientConfig::new(self.gateway_url.clone(), credentials);
        config.request_timeout =
            std::time::Duration::from_secs(self.request_timeout_secs.clamp(2, 600));
        config.max_response_bytes = self.max_response_mb.clamp(1, 16 * 1024) << 20;
        // The UI disables every action of a read-only profile; the client refuses them too.
        config.read_only = self.read_only;
        config.ca_file.clone_from(&self.ca_file);
        config
    }

    /// What is wrong with this profile, field by field, for the connection panel.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(("name", "Give the profile a name".to_owned()));
        }
        if let Err(e) = crate::api::client::parse_base_url(&self.gateway_url) {
            out.push(("gateway_url", e.user_message()));
        }
        if self.username.trim().is_empty() {
            out.push(("username", "Enter your user name".to_owned()));
        }
        if self.auth == AuthMode::Command {
            match shell_words::split(&self.token_command) {
                Ok(words) if words.is_empty() => out.push((
                    "token_command",
                    "Enter the command that prints a token".to_owned(),
                )),
                Ok(_) => {}
                Err(e) => out.push(("token_command", format!("Cannot read this command: {e}"))),
            }
        }
        if self.refresh_interval_secs == 0 {
            out.push((
                "refresh_interval_secs",
                "The refresh interval must be at least 1 s".to_owned(),
            ));
        }
        out
    }
}

/// Everything in `profiles.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfilesFile {
    /// Schema version of the file.
    pub schema_version: u32,
    /// The profile to open at start.
    pub last_profile: Option<String>,
    /// The user's profiles.
    pub profiles: Vec<Profile>,
    /// The studio's profiles (see [`load_site_profiles`]): listed after the user's, read-only,
    /// never written to the user's file. A user profile of the same name hides one.
    #[serde(skip)]
    pub site_profiles: Vec<Profile>,
}

impl Default for ProfilesFile {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            last_profile: None,
            profiles: Vec::new(),
            site_profiles: Vec::new(),
        }
    }
}

impl ProfilesFile {
    /// The profile with this name: the user's, else the studio's.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .or_else(|| self.site_profiles.iter().find(|p| p.name == name))
    }

    /// The studio's profiles that no user profile hides.
    pub fn visible_site_profiles(&self) -> impl Iterator<Item = &Profile> {
        self.site_profiles
            .iter()
            .filter(|s| !self.profiles.iter().any(|p| p.name == s.name))
    }

    /// A name based on `base` that no profile has yet ("studio", "studio (2)", …).
    pub fn unique_name(&self, base: &str) -> String {
        let base = base.trim();
        if self.get(base).is_none() {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base} ({n})"))
            .find(|n| self.get(n).is_none())
            .unwrap_or_default()
    }
}

/// Where a studio puts profiles for everyone: `$CUEDESK_SITE_PROFILES` when set (one file),
/// else `/etc/cuedesk/profiles.toml` (Unix) or `%ProgramData%\CueDesk\profiles.toml`
/// (Windows), then `profiles.toml` beside the executable.
pub fn site_profile_paths() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("CUEDESK_SITE_PROFILES").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut paths = Vec::new();
    if cfg!(windows) {
        if let Some(data) = std::env::var_os("ProgramData") {
            paths.push(PathBuf::from(data).join("CueDesk").join("profiles.toml"));
        }
    } else {
        paths.push(PathBuf::from("/etc/cuedesk/profiles.toml"));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        paths.push(dir.join("profiles.toml"));
    }
    paths
}

/// Reads the studio's profiles from `paths` (missing files are skipped; a name already read
/// keeps its first definition). Never fails: what cannot be read comes back as warnings. The
/// files are never written; secrets are never in them (a profile has no secret field: each
/// user's secret goes to their own keyring under the profile's name).
pub fn load_site_profiles(paths: &[PathBuf]) -> (Vec<Profile>, Vec<String>) {
    let mut profiles: Vec<Profile> = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                warnings.push(format!(
                    "Cannot read the site profiles in {}: {e}",
                    path.display()
                ));
                continue;
            }
        };
        match toml::from_str::<ProfilesFile>(&text) {
            Ok(file) => {
                for mut p in file.profiles {
                    if p.name.trim().is_empty() || profiles.iter().any(|q| q.name == p.name) {
                        continue;
                    }
                    p.site = true;
                    profiles.push(p);
                }
            }
            Err(e) => warnings.push(format!(
                "The site profiles in {} could not be read ({}); ask whoever manages CueDesk here",
                path.display(),
                e.message()
            )),
        }
    }
    (profiles, warnings)
}

/// What loading found.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The profiles (empty when there was no usable file).
    pub file: ProfilesFile,
    /// Something the user must be told, already in words.
    pub warning: Option<String>,
    /// False when the file must not be overwritten (a newer CueDesk wrote it).
    pub writable: bool,
}

/// Reads and writes `profiles.toml`.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
}

impl ProfileStore {
    /// A store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The store in the OS config directory, if the OS has one.
    pub fn in_config_dir() -> Option<Self> {
        directories::ProjectDirs::from("", "", "cuedesk")
            .map(|d| Self::new(d.config_dir().join("profiles.toml")))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the profiles. Never fails: problems come back as a warning with what could be read.
    pub fn load(&self) -> Loaded {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    file: ProfilesFile::default(),
                    warning: None,
                    writable: true,
                };
            }
            Err(e) => {
                return Loaded {
                    file: ProfilesFile::default(),
                    warning: Some(format!(
                        "Cannot read {}: {e}. Profiles are not saved this run",
                        self.path.display()
                    )),
                    writable: false,
                };
            }
        };
        match toml::from_str::<ProfilesFile>(&text) {
            Ok(file) if file.schema_version > SCHEMA_VERSION => {
                // Never written by this version; a copy is kept aside all the same.
                let aside = self
                    .path
                    .with_extension(format!("toml.schema-{}", file.schema_version));
                let copied = aside.exists() || std::fs::copy(&self.path, &aside).is_ok();
                Loaded {
                    warning: Some(format!(
                        "{} was written by a newer CueDesk (schema {}); it is used read-only and not changed{}",
                        self.path.display(),
                        file.schema_version,
                        if copied {
                            format!(" (a copy is kept as {})", aside.display())
                        } else {
                            String::new()
                        }
                    )),
                    file,
                    writable: false,
                }
            }
            Ok(file) => Loaded {
                file,
                warning: None,
                writable: true,
            },
            Err(e) => {
                let aside = self.corrupt_copy_path();
                let kept = std::fs::copy(&self.path, &aside).is_ok();
                let reason = e.message().to_owned();
                Loaded {
                    file: ProfilesFile::default(),
                    warning: Some(if kept {
                        format!(
                            "{} could not be read ({reason}). It was kept as {}; starting with no profiles",
                            self.path.display(),
                            aside.display()
                        )
                    } else {
                        format!(
                            "{} could not be read ({reason}) nor copied aside; it is left as it is and profiles are not saved this run",
                            self.path.display()
                        )
                    }),
                    writable: kept,
                }
            }
        }
    }

    fn corrupt_copy_path(&self) -> PathBuf {
        let stamp = crate::api::auth::now_epoch();
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("profiles.toml");
        self.path.with_file_name(format!("{name}.corrupt-{stamp}"))
    }

    /// Writes the profiles atomically: a temporary file beside it, flushed to disk, then renamed
    /// over the old one. A crash at any point leaves either the old or the new file.
    pub fn save(&self, file: &ProfilesFile) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir)?;
        let text = toml::to_string_pretty(file).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(
            b"# CueDesk gateway profiles. Secrets and tokens are in the OS keyring, never here.\n",
        )?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            d.sync_all().ok();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
