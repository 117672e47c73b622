//! Host actions and the dialog in front of them: lock and reboot-when-idle confirm and name
//! their hosts (busy or idle), a comment asks for its text, unlock goes at once.

use futures_util::StreamExt as _;

use crate::api::ApiClient;
use crate::api::types::{Allocation, HardwareState, Host, LockState};
use crate::remote::Remote;
use crate::ui::actions::{ActionOutcome, Report, Start};

/// At most this many busy hosts have their running frames named before a reboot.
pub const PROCS_NAMED: usize = 20;

/// Requests sent at once when acting on many hosts (the gateway takes one host per call).
const CONCURRENT_CALLS: usize = 8;

/// What the user can do to selected hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostAction {
    /// No new frames are booked on the hosts.
    Lock,
    /// Book frames again (a NIMBY lock stays: it is the workstation user's).
    Unlock,
    /// Reboot each host once its running frames finish (confirm).
    RebootWhenIdle,
    /// Add a comment to each host.
    Comment,
    /// Add tags to each host.
    AddTags,
    /// Remove tags from each host.
    RemoveTags,
    /// Move the hosts to another allocation (asks which, from the gateway's list).
    SetAllocation,
    /// Take the hosts out of the farm for repair (hardware state REPAIR).
    Repair,
    /// Put repaired hosts back (hardware state UP).
    SetUp,
    /// Reboot now: the running frames are killed (confirm, naming busy hosts).
    RebootNow,
}

impl HostAction {
    /// Every action: the toolbar's, then the wrangler's.
    pub const ALL: [Self; 10] = [
        Self::Lock,
        Self::Unlock,
        Self::RebootWhenIdle,
        Self::Comment,
        Self::AddTags,
        Self::RemoveTags,
        Self::SetAllocation,
        Self::Repair,
        Self::SetUp,
        Self::RebootNow,
    ];

    /// The actions shown as toolbar buttons; the others are under "More".
    pub fn on_toolbar(self) -> bool {
        matches!(
            self,
            Self::Lock | Self::Unlock | Self::RebootWhenIdle | Self::Comment
        )
    }

    /// Button text; `…` where a dialog follows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lock => "Lock…",
            Self::Unlock => "Unlock",
            Self::RebootWhenIdle => "Reboot when idle…",
            Self::Comment => "Comment…",
            Self::AddTags => "Add tags…",
            Self::RemoveTags => "Remove tags…",
            Self::SetAllocation => "Move to allocation…",
            Self::Repair => "Send to repair…",
            Self::SetUp => "Back up from repair…",
            Self::RebootNow => "Reboot now…",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Lock => "Locked",
            Self::Unlock => "Unlocked",
            Self::RebootWhenIdle => "Set to reboot when idle:",
            Self::Comment => "Commented on",
            Self::AddTags => "Tagged",
            Self::RemoveTags => "Untagged",
            Self::SetAllocation => "Moved",
            Self::Repair => "Sent to repair:",
            Self::SetUp => "Put back up:",
            Self::RebootNow => "Rebooting",
        }
    }

    /// What it does, for tooltips.
    pub fn hover(self) -> &'static str {
        match self {
            Self::Lock => "Book no new frames on these hosts; running frames finish",
            Self::Unlock => "Book frames on these hosts again (NIMBY locks stay)",
            Self::RebootWhenIdle => "Reboot each host once its running frames have finished",
            Self::Comment => "Add a comment to each selected host",
            Self::AddTags => "Add tags: the hosts take the layers that ask for them",
            Self::RemoveTags => "Remove tags from these hosts",
            Self::SetAllocation => "Move these hosts to another allocation",
            Self::Repair => "Take these hosts out of the farm for repair (hardware state REPAIR)",
            Self::SetUp => "Put these hosts back in the farm (hardware state UP)",
            Self::RebootNow => "Reboot now: frames running on these hosts are killed",
        }
    }
}

/// A host action with everything needed to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostRequest {
    /// Lock.
    Lock,
    /// Unlock.
    Unlock,
    /// Reboot when idle.
    RebootWhenIdle,
    /// Add this comment.
    Comment {
        /// Subject line.
        subject: String,
        /// Text.
        message: String,
    },
    /// Add these tags.
    AddTags(Vec<String>),
    /// Remove these tags.
    RemoveTags(Vec<String>),
    /// Move to this allocation.
    SetAllocation {
        /// Its id, for the call.
        id: String,
        /// Its name, for the history.
        name: String,
    },
    /// Set this hardware state.
    SetHardwareState(HardwareState),
    /// Reboot now.
    RebootNow,
}

impl HostRequest {
    /// The action this request carries out.
    pub fn action(&self) -> HostAction {
        match self {
            Self::Lock => HostAction::Lock,
            Self::Unlock => HostAction::Unlock,
            Self::RebootWhenIdle => HostAction::RebootWhenIdle,
            Self::Comment { .. } => HostAction::Comment,
            Self::AddTags(_) => HostAction::AddTags,
            Self::RemoveTags(_) => HostAction::RemoveTags,
            Self::SetAllocation { .. } => HostAction::SetAllocation,
            Self::SetHardwareState(HardwareState::Repair) => HostAction::Repair,
            Self::SetHardwareState(_) => HostAction::SetUp,
            Self::RebootNow => HostAction::RebootNow,
        }
    }

    /// Sends the request for each host, a few at a time, and reports each outcome in the
    /// hosts' order.
    pub async fn run(self, client: ApiClient, username: String, hosts: Vec<Host>) -> ActionOutcome {
        let request = &self;
        let (client, username) = (&client, &username);
        futures_util::stream::iter(hosts)
            .map(|host| async move {
                let id = host.id.as_str();
                let r = match request {
                    Self::Lock => client.lock_host(id).await,
                    Self::Unlock => client.unlock_host(id).await,
                    Self::RebootWhenIdle => client.reboot_host_when_idle(id).await,
                    Self::Comment { subject, message } => {
                        client
                            .add_host_comment(id, username, subject, message)
                            .await
                    }
                    Self::AddTags(tags) => client.add_host_tags(id, tags).await,
                    Self::RemoveTags(tags) => client.remove_host_tags(id, tags).await,
                    Self::SetAllocation { id: alloc, .. } => {
                        client.set_host_allocation(id, alloc).await
                    }
                    Self::SetHardwareState(state) => {
                        client.set_host_hardware_state(id, state.clone()).await
                    }
                    Self::RebootNow => client.reboot_host(id).await,
                };
                (host.name, r)
            })
            .buffered(CONCURRENT_CALLS)
            .collect()
            .await
    }

    /// How to report this request's outcome on `hosts`.
    pub fn report(&self, hosts: &[Host]) -> Report {
        let action = self.action();
        let nimby = hosts
            .iter()
            .filter(|h| h.lock_state == LockState::NimbyLocked)
            .count();
        let note = (action == HostAction::Unlock && nimby > 0).then(|| {
            let (verb, whose) = if nimby == 1 {
                ("stays", "its user")
            } else {
                ("stay", "their users")
            };
            format!(
                "{} {verb} NIMBY-locked by {whose}",
                crate::text::plural(nimby, "host")
            )
        });
        let note = note.or_else(|| match self {
            Self::SetAllocation { name, .. } => Some(format!("now in {name}")),
            Self::AddTags(tags) | Self::RemoveTags(tags) => Some(tags.join(" ")),
            _ => None,
        });
        Report {
            label: action.label().trim_end_matches('…'),
            verb: action.verb(),
            noun: "host",
            note,
        }
    }
}

/// A dialog in front of a host action.
pub struct HostDialog {
    action: HostAction,
    hosts: Vec<Host>,
    subject: String,
    message: String,
    /// Tags typed, separated by spaces or commas.
    tags: String,
    /// The allocations to move to (SetAllocation), loaded when the dialog opens.
    pub allocations: Remote<Vec<Allocation>>,
    /// The allocation picked, by id.
    allocation: Option<String>,
    /// What runs on the busy hosts (RebootNow), loaded when the dialog opens: host name and
    /// its procs.
    pub procs: Remote<Vec<(String, Vec<crate::api::types::Proc>)>>,
}

/// What the user did with a host dialog this frame.
pub type HostDialogOutcome = crate::ui::actions::DialogOutcome<HostRequest, Host>;

impl HostDialog {
    /// The dialog for `action` on `hosts`, or the request itself when nothing needs asking.
    pub fn start(action: HostAction, hosts: Vec<Host>) -> Start<HostRequest, Self> {
        match action {
            HostAction::Unlock => Start::Send(HostRequest::Unlock),
            _ => Start::Ask(Self {
                action,
                hosts,
                subject: String::new(),
                message: String::new(),
                tags: String::new(),
                allocations: Remote::default(),
                allocation: None,
                procs: Remote::default(),
            }),
        }
    }

    /// Whether the dialog needs the allocations list (command handling loads it).
    pub fn needs_allocations(&self) -> bool {
        self.action == HostAction::SetAllocation
    }

    /// The hosts whose running frames the dialog names (RebootNow: the busy ones, at most
    /// [`PROCS_NAMED`]), for command handling to load.
    pub fn busy_hosts(&self) -> Vec<(String, String)> {
        if self.action != HostAction::RebootNow {
            return Vec::new();
        }
        self.hosts
            .iter()
            .filter(|h| h.cores > h.idle_cores)
            .take(PROCS_NAMED)
            .map(|h| (h.id.clone(), h.name.clone()))
            .collect()
    }

    fn request(&self) -> Result<HostRequest, &'static str> {
        match self.action {
            HostAction::Lock => Ok(HostRequest::Lock),
            HostAction::Unlock => Ok(HostRequest::Unlock),
            HostAction::RebootWhenIdle => Ok(HostRequest::RebootWhenIdle),
            HostAction::RebootNow => Ok(HostRequest::RebootNow),
            HostAction::Repair => Ok(HostRequest::SetHardwareState(HardwareState::Repair)),
            HostAction::SetUp => Ok(HostRequest::SetHardwareState(HardwareState::Up)),
            HostAction::AddTags | HostAction::RemoveTags => {
                let tags = crate::text::parse_tags(&self.tags)
                    .map_err(|_| "Tags are letters, digits, '_', '-' and '.'")?;
                if tags.is_empty() {
                    Err("Type one or more tags")
                } else if self.action == HostAction::AddTags {
                    Ok(HostRequest::AddTags(tags))
                } else {
                    Ok(HostRequest::RemoveTags(tags))
                }
            }
            HostAction::SetAllocation => {
                let allocs = self.allocations.data().map_or(&[][..], Vec::as_slice);
                match self
                    .allocation
                    .as_ref()
                    .and_then(|id| allocs.iter().find(|a| &a.id == id))
                {
                    Some(a) => Ok(HostRequest::SetAllocation {
                        id: a.id.clone(),
                        name: a.name.clone(),
                    }),
                    None if self.allocations.error().is_some() => {
                        Err("The allocations could not be loaded")
                    }
                    None => Err("Pick an allocation"),
                }
            }
            HostAction::Comment => {
                let subject = self.subject.trim();
                let message = self.message.trim();
                if subject.is_empty() && message.is_empty() {
                    Err("Write a subject or a comment")
                } else {
                    Ok(HostRequest::Comment {
                        subject: subject.to_owned(),
                        message: message.to_owned(),
                    })
                }
            }
        }
    }

    fn allocation_ui(&mut self, ui: &mut egui::Ui) {
        self.allocations.poll();
        let current: std::collections::BTreeSet<&str> =
            self.hosts.iter().map(|h| h.alloc_name.as_str()).collect();
        match (self.allocations.data(), self.allocations.error()) {
            (Some(allocs), _) => {
                ui.label(format!(
                    "Now in {}.",
                    current.iter().copied().collect::<Vec<_>>().join(", ")
                ));
                for a in allocs {
                    let text = format!(
                        "{}  ({} hosts, {} cores)",
                        a.name, a.stats.hosts, a.stats.cores
                    );
                    ui.radio_value(&mut self.allocation, Some(a.id.clone()), text);
                }
            }
            (None, Some(e)) => {
                ui.colored_label(crate::ui::theme::error(ui), e.user_message());
            }
            (None, None) => {
                crate::ui::widgets::loading_ui(ui, "Loading the allocations…");
            }
        }
    }

    /// Shows the dialog.
    pub fn ui(&mut self, ctx: &egui::Context) -> HostDialogOutcome {
        crate::ui::dialog::modal(ctx, "host_action_dialog", 520.0, |ui| {
            let n = self.hosts.len();
            let title = match self.action {
                HostAction::RebootWhenIdle => {
                    format!("Reboot {} when idle", crate::text::plural(n, "host"))
                }
                HostAction::Comment => format!("Comment on {}", crate::text::plural(n, "host")),
                HostAction::AddTags => format!("Add tags to {}", crate::text::plural(n, "host")),
                HostAction::RemoveTags => {
                    format!("Remove tags from {}", crate::text::plural(n, "host"))
                }
                HostAction::SetAllocation => {
                    format!(
                        "Move {} to another allocation",
                        crate::text::plural(n, "host")
                    )
                }
                HostAction::Repair => format!("Send {} to repair", crate::text::plural(n, "host")),
                HostAction::SetUp => {
                    format!("Put {} back up", crate::text::plural(n, "host"))
                }
                HostAction::RebootNow => format!("Reboot {} now", crate::text::plural(n, "host")),
                other => format!(
                    "{} {}",
                    other.label().trim_end_matches('…'),
                    crate::text::plural(n, "host")
                ),
            };
            ui.heading(title);
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    for h in &self.hosts {
                        let running = h.cores - h.idle_cores;
                        if running > 0.0 {
                            ui.label(format!("{}  ({running} cores busy)", h.name));
                        } else {
                            ui.label(format!("{}  (idle)", h.name));
                        }
                    }
                });
            match self.action {
                HostAction::RebootWhenIdle => {
                    ui.label(
                        "Each host takes no new frames and reboots once its running frames \
                         have finished.",
                    );
                }
                HostAction::Comment => {
                    crate::ui::comments::fields_ui(ui, &mut self.subject, &mut self.message);
                }
                HostAction::Lock => {
                    ui.label(if n == 1 {
                        "No new frames are booked on this host until it is unlocked; \
                         its running frames finish."
                    } else {
                        "No new frames are booked on these hosts until they are unlocked; \
                         their running frames finish."
                    });
                }
                HostAction::AddTags | HostAction::RemoveTags => {
                    ui.horizontal(|ui| {
                        crate::ui::widgets::labelled_text(
                            ui,
                            "Tags",
                            &mut self.tags,
                            "e.g. gpu highmem",
                            280.0,
                        );
                    });
                }
                HostAction::SetAllocation => self.allocation_ui(ui),
                HostAction::Repair => {
                    ui.label(
                        "The hosts take no new frames until they are put back up; \
                         running frames finish.",
                    );
                }
                HostAction::SetUp => {
                    ui.label("The hosts take frames again.");
                }
                HostAction::RebootNow => {
                    let busy = self.hosts.iter().filter(|h| h.cores > h.idle_cores).count();
                    if busy > 0 {
                        ui.colored_label(
                            crate::ui::theme::warning(ui),
                            format!(
                                "{} running frames: they are killed and go back to waiting.",
                                if busy == 1 {
                                    "1 host is".to_owned()
                                } else {
                                    format!("{busy} hosts are")
                                }
                            ),
                        );
                        self.procs.poll();
                        match self.procs.data() {
                            Some(hosts) => {
                                egui::ScrollArea::vertical()
                                    .id_salt("reboot_procs")
                                    .max_height(140.0)
                                    .show(ui, |ui| {
                                        for (host, procs) in hosts {
                                            let frames: Vec<String> = procs
                                                .iter()
                                                .map(|p| {
                                                    format!("{} ({})", p.frame_name, p.job_name)
                                                })
                                                .collect();
                                            ui.label(format!("{host}: {}", frames.join(", ")));
                                        }
                                    });
                            }
                            None if self.procs.is_loading() => {
                                crate::ui::widgets::loading_ui(ui, "Loading what runs on them…");
                            }
                            None => {}
                        }
                    } else {
                        ui.label("No frames run on these hosts.");
                    }
                }
                HostAction::Unlock => {}
            }
            let confirm_label = match self.action {
                HostAction::Comment => "Add comment",
                HostAction::SetAllocation => "Move",
                other => other.label().trim_end_matches('…'),
            };
            let missing = self.request().err();
            crate::ui::dialog::confirm_row(ui, confirm_label, missing, || {
                self.request().ok().map(|r| (r, self.hosts.clone()))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::tracker::Outcome;

    fn host(name: &str, lock: LockState) -> Host {
        Host {
            id: format!("id-{name}"),
            name: name.into(),
            lock_state: lock,
            ..Host::default()
        }
    }

    #[test]
    fn unlock_goes_at_once_lock_reboot_and_comments_ask() {
        let hosts = vec![host("render0001", LockState::Open)];
        assert_eq!(
            HostDialog::start(HostAction::Unlock, hosts.clone())
                .send()
                .unwrap(),
            HostRequest::Unlock
        );
        let lock = HostDialog::start(HostAction::Lock, hosts.clone())
            .ask()
            .unwrap();
        assert_eq!(lock.request().unwrap(), HostRequest::Lock);
        let reboot = HostDialog::start(HostAction::RebootWhenIdle, hosts.clone())
            .ask()
            .unwrap();
        assert_eq!(reboot.request().unwrap(), HostRequest::RebootWhenIdle);
        let mut comment = HostDialog::start(HostAction::Comment, hosts).ask().unwrap();
        assert!(comment.request().is_err(), "an empty comment is not sent");
        comment.subject = " fan noise ".into();
        assert_eq!(
            comment.request().unwrap(),
            HostRequest::Comment {
                subject: "fan noise".into(),
                message: String::new()
            }
        );
    }

    #[test]
    fn unlocking_nimby_hosts_says_their_lock_stays() {
        let hosts = vec![
            host("ws0001", LockState::NimbyLocked),
            host("render0002", LockState::Locked),
        ];
        let report = HostRequest::Unlock.report(&hosts);
        let ok = vec![
            ("ws0001".to_owned(), Ok(())),
            ("render0002".to_owned(), Ok(())),
        ];
        assert_eq!(
            report.outcome(&ok),
            Outcome::done("Unlocked 2 hosts; 1 host stays NIMBY-locked by its user")
        );
        let failed = vec![
            ("ws0001".to_owned(), Ok(())),
            (
                "render0002".to_owned(),
                Err(ApiError::Timeout {
                    endpoint: "/host.HostInterface/Unlock".into(),
                    secs: 30,
                }),
            ),
        ];
        let outcome = report.outcome(&failed);
        assert!(outcome.failed);
        assert!(
            outcome.text.starts_with("Unlock failed for render0002: "),
            "{}",
            outcome.text
        );
    }
}
