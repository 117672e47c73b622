//! What happened to watched jobs, told to the user twice: as an OS desktop notification
//! (notify-rust: `org.freedesktop.Notifications` on the D-Bus session bus on Linux, toasts on
//! Windows, the notification centre on macOS) and in the bell's list in the window, so that
//! nothing is lost where OS notifications are off or missing.

use crate::watch::Event;

/// The application name notifications are sent under.
pub const APP_NAME: &str = "CueDesk";

/// What became of a desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The user clicked it: CueDesk is raised with the job open.
    Clicked,
    /// It was closed, expired, or the platform does not report clicks.
    Closed,
}

/// Sends `event` as a desktop notification and, where the platform reports it (Linux, Windows),
/// waits until it is clicked or closed. Blocking: run it off the UI thread. The error says why
/// the desktop cannot show it (no notification service, no session bus).
pub fn show(event: &Event) -> Result<Shown, String> {
    let mut n = notify_rust::Notification::new();
    n.appname(APP_NAME)
        .summary(&event.title())
        .body(&event.body())
        .icon("cuedesk");
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        n.action("default", "Open in CueDesk");
        if event.is_bad() {
            n.urgency(notify_rust::Urgency::Critical);
        }
    }
    let handle = n.show().map_err(|e| e.to_string())?;
    let mut shown = Shown::Closed;
    // macOS reports clicks only to an app that runs its main loop for them.
    #[cfg(not(target_os = "macos"))]
    handle.wait_for_action(|action| {
        if action == "default" {
            shown = Shown::Clicked;
        }
    });
    #[cfg(target_os = "macos")]
    drop(handle);
    Ok(shown)
}

/// A notification as the bell lists it.
#[derive(Debug, Clone)]
pub struct Notified {
    /// What happened.
    pub event: Event,
    /// The user has seen it in the list.
    pub seen: bool,
}

/// The bell in the top bar: every notification of this run, newest first.
#[derive(Debug, Default)]
pub struct Bell {
    entries: Vec<Notified>,
    /// The list is open.
    pub open: bool,
}

/// The bell keeps this many; older ones are dropped.
const KEEP: usize = 500;

impl Bell {
    /// Adds a notification.
    pub fn push(&mut self, event: Event) {
        self.entries.insert(0, Notified { event, seen: false });
        self.entries.truncate(KEEP);
    }

    /// Newest first.
    pub fn entries(&self) -> &[Notified] {
        &self.entries
    }

    /// How many the user has not seen.
    pub fn unseen(&self) -> usize {
        self.entries.iter().filter(|n| !n.seen).count()
    }

    /// Marks every notification seen (the list was opened).
    pub fn mark_seen(&mut self) {
        for n in &mut self.entries {
            n.seen = true;
        }
    }

    /// Empties the list.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
