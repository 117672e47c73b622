//! "My workstation": when the artist's own machine is a render host of the farm, its state, its
//! lock, the frames running on it, and a lock for the farm ("don't render on my machine while I
//! work"), confirmed when frames are running. OpenCue users asked for this (#1314) and got a
//! separate tray tool.

use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::types::{HardwareState, Host, LockState, Proc};
use crate::api::{ApiClient, ApiError};
use crate::command::{Command, CommandSender};
use crate::remote::Remote;
use crate::tasks::{Tasks, take_ready};
use crate::ui::host_actions::HostRequest;
use crate::ui::{theme, widgets};

/// This machine's names: the full one the OS reports, and its first label (render hosts are
/// often registered under either).
pub fn local_names() -> Vec<String> {
    let full = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_owned();
    names_of(&full)
}

/// The names to look a host up by: `full`, then its short form.
pub fn names_of(full: &str) -> Vec<String> {
    let mut names = Vec::new();
    if !full.is_empty() {
        names.push(full.to_owned());
        if let Some((short, _)) = full.split_once('.')
            && !short.is_empty()
        {
            names.push(short.to_owned());
        }
    }
    names
}

/// The panel's state.
pub struct Workstation {
    /// This workstation being looked up among the farm's hosts.
    lookup: Option<Promise<Result<Option<Host>, ApiError>>>,
    /// The host, once found; refreshed while the panel is open.
    pub host: Remote<Host>,
    /// The frames running on it.
    pub procs: Remote<Vec<Proc>>,
    /// The panel is shown.
    pub open: bool,
    /// Lock or unlock asked, waiting for the user's yes (frames are running).
    confirm: Option<HostRequest>,
    /// When the host was last asked for.
    sent: Option<Instant>,
}

impl Workstation {
    /// Looks up this workstation on the farm: FindHost by each of `names` until one answers.
    pub fn look_up(tasks: &Tasks, client: &ApiClient, names: Vec<String>) -> Self {
        let client = client.clone();
        let lookup = tasks.spawn("looking up this workstation", async move {
            for name in names {
                match client.find_host(&name).await {
                    Ok(host) => return Ok(Some(host)),
                    Err(e) if e.is_not_found() => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(None)
        });
        Self {
            lookup: Some(lookup),
            host: Remote::default(),
            procs: Remote::default(),
            open: false,
            confirm: None,
            sent: None,
        }
    }

    /// True when this workstation is a render host of the farm.
    pub fn is_render_host(&self) -> bool {
        self.host.data().is_some()
    }

    /// Takes the lookup's answer; refreshes the host and its frames every `interval` while the
    /// panel is open. Returns when it is due again.
    pub fn logic(
        &mut self,
        tasks: &Tasks,
        client: &ApiClient,
        interval: Duration,
    ) -> Option<Instant> {
        match take_ready(&mut self.lookup) {
            Some(Ok(Some(host))) => {
                tracing::info!("this workstation is render host {}", host.name);
                self.host.set(host);
            }
            Some(Ok(None)) => {}
            Some(Err(e)) => tracing::warn!("cannot tell whether this workstation renders: {e}"),
            None => {}
        }
        self.host.poll();
        self.procs.poll();
        if !self.open || !self.is_render_host() {
            return None;
        }
        let due = self.sent.map_or_else(Instant::now, |s| s + interval);
        if Instant::now() < due {
            return Some(due);
        }
        if self.host.is_pending() || self.procs.is_pending() {
            return None;
        }
        let id = self.host.data().map(|h| h.id.clone())?;
        self.sent = Some(Instant::now());
        let (c, id2) = (client.clone(), id.clone());
        self.host.request(|| {
            tasks.spawn("refreshing this workstation", async move {
                c.get_host(&id2).await
            })
        });
        let c = client.clone();
        self.procs.request(|| {
            tasks.spawn("listing the frames on this workstation", async move {
                c.get_host_procs(&id).await
            })
        });
        Some(Instant::now() + interval)
    }

    /// Refreshes at the next logic pass (after a lock or an unlock).
    pub fn refresh_soon(&mut self) {
        self.sent = None;
    }

    /// Shows or hides the panel (refreshed at once when shown).
    pub fn toggle(&mut self) {
        self.open = !self.open;
        self.confirm = None;
        if self.open {
            self.sent = None;
        }
    }

    /// The panel, as a window.
    pub fn window_ui(&mut self, ctx: &egui::Context, read_only: bool, commands: &CommandSender) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("My workstation")
            .open(&mut open)
            .default_width(440.0)
            .show(ctx, |ui| self.ui(ui, read_only, commands));
        if !open {
            self.open = false;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, read_only: bool, commands: &CommandSender) {
        let Some(host) = self.host.data().cloned() else {
            widgets::loading_ui(ui, "Looking at this workstation…");
            return;
        };
        let running = self.procs.data().map_or(0, Vec::len);
        ui.heading(&host.name);
        let (lock_text, lock_hover) = match host.lock_state {
            LockState::Open => (
                "Open: the farm may render on it",
                "Frames are booked on this machine when it has free cores",
            ),
            LockState::Locked => (
                "Locked for the farm: no new frames",
                "Frames already running finish; no new ones start until it is unlocked",
            ),
            LockState::NimbyLocked => (
                "NIMBY-locked by the render daemon: someone is using it",
                "The render daemon on this machine locked it itself",
            ),
            LockState::Other(_) => (
                "unknown to this CueDesk",
                "The gateway sent a lock state this version does not know",
            ),
        };
        egui::Grid::new("workstation")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                ui.label("State");
                let state = host.state.as_str();
                if host.state == HardwareState::Up {
                    ui.label(state);
                } else {
                    ui.colored_label(theme::warning(ui), state);
                }
                ui.end_row();
                ui.label("Farm lock");
                ui.label(lock_text).on_hover_text(lock_hover);
                ui.end_row();
                ui.label("Cores");
                ui.label(format!(
                    "{:.0} of {:.0} in use by the farm",
                    host.cores - host.idle_cores,
                    host.cores
                ));
                ui.end_row();
                ui.label("Memory");
                ui.label(format!(
                    "{} of {} in use by the farm",
                    widgets::kb(host.memory - host.idle_memory),
                    widgets::kb(host.memory)
                ));
                ui.end_row();
            });
        ui.add_space(6.0);
        self.lock_ui(ui, &host, running, read_only, commands);
        if let Some(e) = self.host.error().or(self.procs.error()) {
            ui.colored_label(theme::error(ui), e.user_message());
        }
        ui.add_space(6.0);
        if running == 0 {
            ui.label("No frame of the farm is running on it.");
            return;
        }
        ui.strong(format!(
            "{} running on it",
            crate::text::plural(running, "frame")
        ));
        let now = crate::api::auth::now_epoch();
        egui::ScrollArea::vertical()
            .max_height(260.0)
            .show(ui, |ui| {
                egui::Grid::new("workstation_procs")
                    .striped(true)
                    .show(ui, |ui| {
                        for p in self.procs.data().into_iter().flatten() {
                            ui.label(&p.job_name);
                            ui.label(&p.frame_name);
                            ui.label(widgets::duration(now - i64::from(p.dispatch_time)));
                            ui.end_row();
                        }
                    });
            });
    }

    /// The farm lock: what it is, and lock or unlock (confirmed when frames run).
    fn lock_ui(
        &mut self,
        ui: &mut egui::Ui,
        host: &Host,
        running: usize,
        read_only: bool,
        commands: &CommandSender,
    ) {
        if host.lock_state == LockState::NimbyLocked {
            ui.colored_label(
                theme::warning(ui),
                "The render daemon (RQD) locked this machine because it is in use. Only the daemon \
                 can clear a NIMBY lock: it does when the machine has been idle for a while.",
            );
            return;
        }
        if read_only {
            ui.weak("This profile is read-only: it cannot lock or unlock hosts.");
            return;
        }
        let request = if host.lock_state == LockState::Open {
            HostRequest::Lock
        } else {
            HostRequest::Unlock
        };
        if let Some(asked) = self.confirm.clone() {
            let what = if asked == HostRequest::Lock {
                format!(
                    "{} on it will finish; no new frame will start until you unlock it.",
                    crate::text::plural(running, "frame")
                )
            } else {
                "The farm will book frames on it again.".to_owned()
            };
            ui.label(what);
            ui.horizontal(|ui| {
                let label = if asked == HostRequest::Lock {
                    "Lock it"
                } else {
                    "Unlock it"
                };
                if ui.button(label).clicked() {
                    commands.send(Command::SendHostAction(asked.clone(), vec![host.clone()]));
                    self.confirm = None;
                }
                if ui.button("Cancel").clicked() {
                    self.confirm = None;
                }
            });
            return;
        }
        let (label, hover) = if request == HostRequest::Lock {
            (
                "Lock for the farm…",
                "Don't render on my machine while I work: running frames finish, no new ones start",
            )
        } else {
            (
                "Unlock for the farm",
                "Let the farm render on this machine again",
            )
        };
        if ui.button(label).on_hover_text(hover).clicked() {
            if request == HostRequest::Lock && running > 0 {
                self.confirm = Some(request);
            } else {
                commands.send(Command::SendHostAction(request, vec![host.clone()]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_looked_up_by_its_full_then_its_short_name() {
        assert_eq!(
            names_of("ws042.studio.example"),
            ["ws042.studio.example", "ws042"]
        );
        assert_eq!(names_of("ws042"), ["ws042"]);
        assert!(names_of("").is_empty());
    }
}
