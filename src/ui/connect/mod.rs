//! The connection panel: the saved profiles, and a form that edits a copy of one (saved on
//! Save), validated as you type, with "Test connection" in the tutorial's troubleshooting terms.

use poll_promise::Promise;
use secrecy::SecretString;

mod welcome;

use crate::api::ApiError;
use crate::profiles::{AuthMode, Profile, ProfilesFile};
use crate::ui::{theme, widgets};

/// What the user asked the panel to do; the app carries it out.
#[derive(Debug)]
pub enum PanelCommand {
    /// Save the form (and its secret, if one was typed), then connect with it when `connect`.
    Save {
        /// The edited profile.
        profile: Box<Profile>,
        /// The name it had before (a rename moves the keyring entry), `None` for a new one.
        previous_name: Option<String>,
        /// A newly typed secret or token.
        secret: Option<SecretString>,
        /// Connect after saving.
        connect: bool,
    },
    /// Delete a profile and its keyring entry.
    Delete(String),
    /// Copy a profile (and its keyring entry) under a new name.
    Duplicate(String),
    /// Connect with the profile made from the environment variables.
    UseEnvironment,
    /// Connect with a saved profile.
    Connect(String),
    /// Close the panel (back to the current session).
    Close,
    /// Start the built-in demo farm and connect to it (the welcome screen).
    Demo,
    /// Try the form's settings: a client exactly as a session would build it lists the shows.
    Test {
        /// The form as typed.
        profile: Box<Profile>,
        /// The typed secret, else the stored one.
        secret: SecretString,
    },
}

/// The state of the connection panel.
pub struct ConnectPanel {
    /// Saved profile being edited, `None` for a new one.
    editing: Option<String>,
    form: Profile,
    /// Typed secret or token; empty means "keep the stored one".
    secret: String,
    has_stored_secret: bool,
    test: Option<Promise<Result<usize, ApiError>>>,
    test_result: Option<Result<String, String>>,
    /// Log path mappings as typed, one `from => to` per line.
    mappings: String,
    /// Fields the user has typed in: only their problems are shown (a new form is not red).
    touched: std::collections::BTreeSet<&'static str>,
    /// Save was pressed: every problem is shown.
    save_tried: bool,
    /// The welcome screen of a first start is shown instead of the form.
    welcome: bool,
}

impl Drop for ConnectPanel {
    /// The typed secret is a plain `String` while egui edits it: wiped when the panel goes.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

impl ConnectPanel {
    /// The test the panel asked for is on its way: its result shows under the buttons.
    pub fn testing(&mut self, test: Promise<Result<usize, ApiError>>) {
        self.test = Some(test);
    }
}

impl Default for ConnectPanel {
    fn default() -> Self {
        Self::new_profile(&ProfilesFile::default())
    }
}

impl ConnectPanel {
    /// The first start's welcome: the demo farm, a gateway (the form), or the studio's site
    /// profiles.
    pub fn welcome(profiles: &ProfilesFile) -> Self {
        let mut panel = Self::new_profile(profiles);
        panel.welcome = true;
        panel
    }

    /// A blank form for a new profile.
    pub fn new_profile(profiles: &ProfilesFile) -> Self {
        let form = Profile {
            name: profiles.unique_name("New profile"),
            // An artist's first view: their own jobs, across every show.
            view: crate::app::MainView::Mine.key().to_owned(),
            ..Profile::default()
        };
        Self::on(form, None)
    }

    /// A form for a profile that is not saved yet (the one from the environment), with its
    /// secret filled in: Save stores it like any new profile.
    pub fn unsaved(profile: &Profile, secret: &SecretString) -> Self {
        use secrecy::ExposeSecret as _;
        let mut panel = Self::on(profile.clone(), None);
        panel.secret = secret.expose_secret().to_owned();
        panel
    }

    /// A form on a copy of a saved profile; `has_secret` says whether the keyring holds one.
    pub fn edit(profile: &Profile, has_secret: bool) -> Self {
        let mut panel = Self::on(profile.clone(), Some(profile.name.clone()));
        panel.has_stored_secret = has_secret;
        panel
    }

    /// A form on `form`, editing the saved profile `editing` (none: a new one).
    fn on(form: Profile, editing: Option<String>) -> Self {
        Self {
            editing,
            mappings: crate::logs::format_mappings(&form.path_mappings),
            form,
            secret: String::new(),
            has_stored_secret: false,
            test: None,
            test_result: None,
            touched: std::collections::BTreeSet::new(),
            save_tried: false,
            welcome: false,
        }
    }

    /// The profile being edited, by its saved name.
    pub fn editing(&self) -> Option<&str> {
        self.editing.as_deref()
    }

    /// "Secret" or "Token", and the hint when one is stored and nothing is typed.
    fn secret_label_and_hint(&self) -> (&'static str, Option<&'static str>) {
        let label = match self.form.auth {
            AuthMode::Secret => "Secret",
            AuthMode::Token | AuthMode::Command => "Token",
        };
        let hint =
            (self.has_stored_secret && self.secret.is_empty()).then_some("Stored; type to replace");
        (label, hint)
    }

    fn typed_secret(&self) -> Option<SecretString> {
        (!self.secret.is_empty()).then(|| SecretString::from(self.secret.clone()))
    }

    fn problems(&self, profiles: &ProfilesFile) -> Vec<(&'static str, String)> {
        let mut out = self.form.problems();
        let renamed_onto_other = profiles.get(&self.form.name).is_some()
            && self.editing.as_deref() != Some(self.form.name.as_str());
        if renamed_onto_other {
            out.push(("name", "Another profile has this name".into()));
        }
        if let Err(e) = crate::logs::parse_mappings(&self.mappings) {
            out.push(("mappings", e));
        }
        if self.secret.is_empty() && !self.has_stored_secret {
            let what = match self.form.auth {
                AuthMode::Secret => Some("Enter the gateway's JWT secret"),
                AuthMode::Token => Some("Paste a JWT token"),
                AuthMode::Command => None,
            };
            if let Some(what) = what {
                out.push(("secret", what.into()));
            }
        }
        if self.form.auth == AuthMode::Token
            && !self.secret.is_empty()
            && let Err(e) = crate::api::auth::token_expiry(self.secret.trim())
        {
            out.push(("secret", e.user_message()));
        }
        out
    }

    /// Draws the panel. `stored_secret` gives the keyring's secret for "Test connection" when
    /// none was typed (loaded off the UI thread by the app beforehand).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        profiles: &ProfilesFile,
        stored_secret: Option<&SecretString>,
        env_profile: Option<&Profile>,
        can_close: bool,
    ) -> Option<PanelCommand> {
        let mut command = None;
        if let Some(p) = self.test.take() {
            match p.try_take() {
                Ok(r) => {
                    self.test_result = Some(match r {
                        Ok(n) => Ok(format!(
                            "Connected: the gateway answers and lists {} active",
                            crate::text::plural(n, "show")
                        )),
                        Err(e) => Err(e.user_message()),
                    });
                }
                Err(p) => self.test = Some(p),
            }
        }
        if self.welcome {
            return self.welcome_ui(ui, profiles, env_profile);
        }
        ui.horizontal(|ui| {
            ui.heading("Gateway profiles");
            if can_close && ui.button("Close").clicked() {
                command = Some(PanelCommand::Close);
            }
        });
        ui.separator();
        ui.columns(2, |cols| {
            let ui = &mut cols[0];
            if let Some(env) = env_profile {
                let r = ui
                    .selectable_label(false, format!("{} (not saved)", env.name))
                    .on_hover_text(format!(
                        "{}: from OPENCUE_REST_GATEWAY_URL and JWT_SECRET or JWT_TOKEN",
                        env.gateway_url
                    ));
                if r.clicked() {
                    command = Some(PanelCommand::UseEnvironment);
                }
            }
            for p in &profiles.profiles {
                ui.horizontal(|ui| {
                    let selected = self.editing.as_deref() == Some(p.name.as_str());
                    if ui
                        .selectable_label(selected, &p.name)
                        .on_hover_text(&p.gateway_url)
                        .clicked()
                    {
                        command = Some(PanelCommand::Connect(p.name.clone()));
                    }
                });
            }
            for p in profiles.visible_site_profiles() {
                let selected = self.editing.as_deref() == Some(p.name.as_str());
                if ui
                    .selectable_label(selected, format!("{} (site)", p.name))
                    .on_hover_text(format!(
                        "{}: set up by your studio for everyone, read-only",
                        p.gateway_url
                    ))
                    .clicked()
                {
                    command = Some(PanelCommand::Connect(p.name.clone()));
                }
            }
            if profiles.profiles.is_empty()
                && profiles.site_profiles.is_empty()
                && env_profile.is_none()
            {
                ui.weak("No saved profiles yet");
            }
            if ui.button("New profile").clicked() {
                *self = Self::new_profile(profiles);
            }
            let ui = &mut cols[1];
            if let Some(c) = self.form_ui(ui, profiles, stored_secret) {
                command = Some(c);
            }
        });
        command
    }

    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        profiles: &ProfilesFile,
        stored_secret: Option<&SecretString>,
    ) -> Option<PanelCommand> {
        if self.form.site {
            return self.site_form_ui(ui);
        }
        let mut command = None;
        let problems = self.problems(profiles);
        // A field is flagged once typed in, or once Save was pressed.
        let (touched, save_tried) = (self.touched.clone(), self.save_tried);
        let problem = |field: &str| {
            problems
                .iter()
                .find(|(f, _)| *f == field && (save_tried || touched.contains(f)))
                .map(|(_, m)| m.clone())
        };
        let mut typed: Vec<&'static str> = Vec::new();
        ui.heading(if self.editing.is_some() {
            "Edit profile"
        } else {
            "New profile"
        });
        egui::Grid::new("profile_form")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                if text_row(
                    ui,
                    "Name",
                    &mut self.form.name,
                    false,
                    problem("name"),
                    None,
                ) {
                    typed.push("name");
                }
                if text_row(
                    ui,
                    "Gateway URL",
                    &mut self.form.gateway_url,
                    false,
                    problem("gateway_url"),
                    None,
                ) {
                    typed.push("gateway_url");
                }
                let mut ca = self
                    .form
                    .ca_file
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                text_row(
                    ui,
                    "CA file",
                    &mut ca,
                    false,
                    None,
                    Some("for https with a studio CA: its certificate (PEM)"),
                );
                self.form.ca_file = (!ca.is_empty()).then(|| std::path::PathBuf::from(ca));
                if text_row(
                    ui,
                    "User",
                    &mut self.form.username,
                    false,
                    problem("username"),
                    None,
                ) {
                    typed.push("username");
                }
                ui.label("Sign in with");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.form.auth, AuthMode::Secret, "JWT secret");
                    ui.radio_value(&mut self.form.auth, AuthMode::Token, "Token");
                    ui.radio_value(&mut self.form.auth, AuthMode::Command, "Token command")
                        .on_hover_text(
                            "Your studio's command that prints a token for you: no secret is kept",
                        );
                });
                ui.end_row();
                if self.form.auth == AuthMode::Command {
                    if text_row(
                        ui,
                        "Token command",
                        &mut self.form.token_command,
                        false,
                        problem("token_command"),
                        Some("e.g. studio-token --user {user}"),
                    ) {
                        typed.push("token_command");
                    }
                } else {
                    let (secret_label, hint) = self.secret_label_and_hint();
                    if text_row(
                        ui,
                        secret_label,
                        &mut self.secret,
                        true,
                        problem("secret"),
                        hint,
                    ) {
                        typed.push("secret");
                    }
                }
                if self.form.auth == AuthMode::Secret {
                    ui.label("Tokens last");
                    let mut minutes = self.form.token_lifetime_secs / 60;
                    ui.add(
                        egui::DragValue::new(&mut minutes)
                            .range(1..=24 * 60)
                            .suffix(" min"),
                    )
                    .on_hover_text("CueDesk mints a new token before this runs out");
                    self.form.token_lifetime_secs = minutes.max(1) * 60;
                    ui.end_row();
                }
                ui.label("Refresh every");
                ui.add(
                    egui::DragValue::new(&mut self.form.refresh_interval_secs)
                        .range(1..=3600)
                        .suffix(" s"),
                );
                ui.end_row();
                ui.label("In the background");
                let background = egui::DragValue::new(&mut self.form.background_refresh_secs);
                ui.add(background.range(1..=3600).prefix("every ").suffix(" s"))
                    .on_hover_text(
                        "How often the show's jobs and the hosts are refreshed while the window is unfocused or minimized",
                    );
                ui.end_row();
                ui.label("Instant start");
                ui.checkbox(
                    &mut self.form.cache_views,
                    "Keep the last jobs and hosts on this computer",
                )
                .on_hover_text(
                    "Shown at once at the next start, marked with their time, until the gateway answers. Kept in the cache folder; no secret is written",
                );
                ui.end_row();
                ui.label("Give up after");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::DragValue::new(&mut self.form.request_timeout_secs)
                            .range(2..=600)
                            .suffix(" s"),
                    )
                    .on_hover_text("How long one call to the gateway may take");
                    ui.label("Largest answer");
                    ui.add(
                        egui::DragValue::new(&mut self.form.max_response_mb)
                            .range(1..=16 * 1024)
                            .suffix(" MB"),
                    )
                    .on_hover_text(
                        "Bigger answers are refused (a wrong URL or a proxy gone wrong); a job of 100,000 frames is about 60 MB",
                    );
                });
                ui.end_row();
                ui.label("");
                ui.checkbox(&mut self.form.read_only, "Read-only (no changes are sent)");
                ui.end_row();
                let l = ui.label("Log path mappings");
                ui.vertical(|ui| {
                    let edit = ui
                        .add(
                            egui::TextEdit::multiline(&mut self.mappings)
                                .hint_text("/shots => S:\\shots")
                                .desired_rows(2)
                                .desired_width(320.0),
                        )
                        .labelled_by(l.id)
                        .on_hover_text(
                            "Where this workstation finds the farm's log share: one farm path => local path per line",
                        );
                    if edit.changed() {
                        typed.push("mappings");
                        if let Ok(m) = crate::logs::parse_mappings(&self.mappings) {
                            self.form.path_mappings = m;
                        }
                    }
                    if let Some(p) = problem("mappings") {
                        ui.colored_label(theme::error(ui), p);
                    }
                });
                ui.end_row();
                text_row(
                    ui,
                    "Log editor",
                    &mut self.form.log_editor,
                    false,
                    None,
                    Some("system default, or e.g. code -g {path}:{line}"),
                );
                text_row(
                    ui,
                    "E-mail domain",
                    &mut self.form.email_domain,
                    false,
                    None,
                    Some("studio.com: job owners are <user>@studio.com"),
                );
            });
        if self.form.gateway_url.starts_with("http://") && !is_loopback(&self.form.gateway_url) {
            ui.colored_label(
                theme::warning(ui),
                "Plain http: the token crosses the network unencrypted",
            );
        }
        self.touched.extend(typed);
        let valid = problems.is_empty();
        ui.horizontal(|ui| {
            // A token command needs no secret: the command gives the token.
            let secret = if self.form.auth == AuthMode::Command {
                Some(SecretString::default())
            } else {
                self.typed_secret().or_else(|| stored_secret.cloned())
            };
            let can_test =
                self.form.problems().is_empty() && secret.is_some() && self.test.is_none();
            if ui
                .add_enabled(can_test, egui::Button::new("Test connection"))
                .clicked()
                && let Some(secret) = secret
            {
                self.test_result = None;
                command = Some(PanelCommand::Test {
                    profile: Box::new(self.form.clone()),
                    secret,
                });
            }
            // Save says what is missing rather than being greyed out.
            for (label, connect) in [("Save", false), ("Save and connect", true)] {
                if ui.button(label).clicked() {
                    if valid {
                        command = Some(self.save_command(connect));
                    } else {
                        self.save_tried = true;
                    }
                }
            }
            if let Some(name) = self.editing.clone() {
                if ui.button("Duplicate").clicked() {
                    command = Some(PanelCommand::Duplicate(name.clone()));
                }
                if ui.button("Delete").clicked() {
                    command = Some(PanelCommand::Delete(name));
                }
            }
        });
        if self.test.is_some() {
            crate::ui::widgets::loading_ui(ui, "Testing…");
        }
        widgets::outcome_line(ui, self.test_result.as_ref());
        command
    }

    fn save_command(&mut self, connect: bool) -> PanelCommand {
        let secret = self
            .typed_secret()
            .filter(|_| self.form.auth != AuthMode::Command);
        self.secret.clear();
        PanelCommand::Save {
            profile: Box::new(self.form.clone()),
            previous_name: self.editing.clone(),
            secret,
            connect,
        }
    }
}

fn is_loopback(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|h| {
            h == "localhost"
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
                || h == "[::1]"
        })
}

/// A labelled text field with its problem under it. Returns true when the user changed it.
fn text_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    password: bool,
    problem: Option<String>,
    hint: Option<&str>,
) -> bool {
    let l = ui.label(label);
    let changed = ui
        .vertical(|ui| {
            let mut edit = egui::TextEdit::singleline(value)
                .password(password)
                .desired_width(320.0);
            if let Some(h) = hint {
                edit = edit.hint_text(h);
            }
            if problem.is_some() && !password {
                edit = edit.text_color(theme::error(ui));
            }
            let changed = ui.add(edit).labelled_by(l.id).changed();
            if let Some(p) = problem {
                ui.colored_label(theme::error(ui), p);
            }
            changed
        })
        .inner;
    ui.end_row();
    changed
}
