//! The welcome screen (the first start: demo, connect, or a studio's profile) and the
//! read-only form of a studio's profile.

#[allow(clippy::wildcard_imports)]
use super::*;

impl ConnectPanel {
    pub(super) fn welcome_ui(
        &mut self,
        ui: &mut egui::Ui,
        profiles: &ProfilesFile,
        env_profile: Option<&Profile>,
    ) -> Option<PanelCommand> {
        let mut command = None;
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.set_max_width(560.0);
            ui.heading("Welcome to CueDesk");
            ui.add_space(6.0);
            ui.label(
                "CueDesk shows your renders on an OpenCue farm: what runs, what died and why, \
                 and tells you when a job finishes or frames die.",
            );
            ui.add_space(18.0);
            let big = |text: &str| egui::Button::new(egui::RichText::new(text).heading());
            if ui.add(big("Try the demo farm")).clicked() {
                command = Some(PanelCommand::Demo);
            }
            ui.weak(
                "A simulated farm on this computer: nothing to set up, nothing real is touched.",
            );
            ui.add_space(14.0);
            if ui.add(big("Connect to a gateway")).clicked() {
                self.welcome = false;
            }
            ui.weak(
                "Your studio's OpenCue REST Gateway: its address, and the secret or token your \
                 wranglers give you.",
            );
            let site: Vec<&Profile> = profiles.visible_site_profiles().collect();
            if !site.is_empty() || env_profile.is_some() {
                ui.add_space(18.0);
                ui.strong("Set up for you");
            }
            if let Some(env) = env_profile {
                ui.horizontal(|ui| {
                    ui.label(format!("{} (from the environment)", env.gateway_url));
                    if ui.button("Connect").clicked() {
                        command = Some(PanelCommand::UseEnvironment);
                    }
                });
            }
            for p in site {
                ui.horizontal(|ui| {
                    ui.label(&p.name).on_hover_text(&p.gateway_url);
                    if ui
                        .button(format!("Connect to {}", p.name))
                        .on_hover_text("Set up by your studio")
                        .clicked()
                    {
                        command = Some(PanelCommand::Connect(p.name.clone()));
                    }
                });
            }
        });
        command
    }

    /// A studio's profile: what it says, read-only; only the user's own secret or token is
    /// entered (it goes to their keyring). "Duplicate" makes an editable copy.
    pub(super) fn site_form_ui(&mut self, ui: &mut egui::Ui) -> Option<PanelCommand> {
        let mut command = None;
        ui.heading("Site profile");
        ui.weak("Set up by your studio for everyone: read-only. Duplicate it to change it.");
        let (secret_label, hint) = self.secret_label_and_hint();
        let command_auth = self.form.auth == AuthMode::Command;
        let p = &self.form;
        egui::Grid::new("site_profile")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let auth = match p.auth {
                    AuthMode::Secret => "JWT secret".to_owned(),
                    AuthMode::Token => "Token".to_owned(),
                    AuthMode::Command => format!("Token command: {}", p.token_command),
                };
                let mappings = crate::logs::format_mappings(&p.path_mappings);
                for (k, v) in [
                    ("Name", p.name.clone()),
                    ("Gateway URL", p.gateway_url.clone()),
                    ("User", p.username.clone()),
                    ("Sign in with", auth),
                    (
                        "CA file",
                        p.ca_file.as_ref().map_or_else(
                            || "system roots only".to_owned(),
                            |f| f.display().to_string(),
                        ),
                    ),
                    ("Refresh every", format!("{} s", p.refresh_interval_secs)),
                    (
                        "In the background",
                        format!("every {} s", p.background_refresh_secs),
                    ),
                    (
                        "Instant start",
                        if p.cache_views { "yes" } else { "no" }.to_owned(),
                    ),
                    ("Give up after", format!("{} s", p.request_timeout_secs)),
                    ("Largest answer", format!("{} MB", p.max_response_mb)),
                    (
                        "Read-only",
                        if p.read_only { "yes" } else { "no" }.to_owned(),
                    ),
                    ("Log path mappings", mappings),
                ] {
                    ui.label(k);
                    ui.label(v);
                    ui.end_row();
                }
                if command_auth {
                    return;
                }
                let missing = (!self.has_stored_secret && self.secret.is_empty())
                    .then(|| format!("Enter your {}", secret_label.to_lowercase()));
                text_row(ui, secret_label, &mut self.secret, true, missing, hint);
            });
        ui.horizontal(|ui| {
            let ready = command_auth || self.has_stored_secret || !self.secret.is_empty();
            if ui
                .add_enabled(!self.secret.is_empty(), egui::Button::new("Save secret"))
                .clicked()
            {
                command = Some(self.save_command(false));
            }
            if ui
                .add_enabled(ready, egui::Button::new("Connect"))
                .clicked()
            {
                command = Some(self.save_command(true));
            }
            if ui.button("Duplicate").clicked() {
                command = Some(PanelCommand::Duplicate(self.form.name.clone()));
            }
        });
        command
    }
}
