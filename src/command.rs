//! What the user asked for, as values: views push a [`Command`] and go on drawing; the app
//! applies every command in one place (`app::command_handling`), the only code that talks to
//! the gateway, the keyring or the disk on the user's behalf.
//!
//! A click becomes a command in the view that drew the button, the command becomes a task in
//! `command_handling` (through [`crate::tasks::Tasks`]), and the task's result lands in the
//! view's `Remote` (reads) or the session's action tracker (writes).

use std::cell::RefCell;

use crate::api::types::{Depend, Host, Job, Proc};
use crate::app::MainView;
use crate::ui::actions::{ActionRequest, JobAction};
use crate::ui::comments::CommentTarget;
use crate::ui::connect::PanelCommand;
use crate::ui::edits::{EditDialog, EditRequest, ProcAction};
use crate::ui::frame_actions::FrameRequest;
use crate::ui::host_actions::{HostAction, HostRequest};

/// Something the user asked for.
#[derive(Debug)]
pub enum Command {
    /// Refresh the view on screen now, with the job or host open below it (F5, Refresh, Retry).
    Refresh,
    /// List another show's jobs.
    SelectShow(String),
    /// Show the jobs or the hosts view.
    SetView(MainView),
    /// Ask the gateway for finished jobs too, or stop asking.
    IncludeFinished(bool),
    /// Act on jobs: sent at once, or a dialog asks first (kill, priority, other users' jobs).
    JobAction(JobAction, Vec<Job>),
    /// Send a job action the user confirmed, to exactly the jobs the dialog named.
    SendJobAction(ActionRequest, Vec<Job>),
    /// Act on hosts: sent at once (unlock), or a dialog asks first.
    HostAction(HostAction, Vec<Host>),
    /// Send a host action the user confirmed.
    SendHostAction(HostRequest, Vec<Host>),
    /// Retry, eat or kill frames of a job (or of its layers); asks first unless it is a retry
    /// of the user's own frames.
    FrameAction(Box<Job>, FrameRequest),
    /// Send a frame action the user confirmed, with the kill reason.
    SendFrameAction(Box<Job>, FrameRequest, Option<String>),
    /// Satisfy dependencies of a job (the user confirmed): what waits on them goes ahead.
    SatisfyDepends {
        /// The job whose dependencies they are.
        job: Box<Job>,
        /// The dependencies.
        depends: Vec<Depend>,
    },
    /// Show a wrangler's dialog (reorder, layer properties, output paths, proc action).
    Ask(Box<EditDialog>),
    /// Kill, unbook or redirect a proc of a host: a dialog asks first.
    ProcAction {
        /// The proc.
        proc: Box<Proc>,
        /// Its host's name.
        host: String,
        /// What to do.
        action: ProcAction,
    },
    /// Send an edit the user confirmed in that dialog.
    SendEdit(Box<EditRequest>),
    /// A new e-mail to the owners of these jobs, in the OS's mail program (`mailto:`).
    EmailOwners(Vec<Job>),
    /// Open the folder of a path the farm reports (mapped for this machine by the profile).
    OpenFolder(String),
    /// Show a show's jobs with a state filter (a bar of the farm overview).
    ShowJobsOf {
        /// The show.
        show: String,
        /// Which of its jobs.
        state: crate::ui::jobs::StateFilter,
    },
    /// Look for the stuck frames of a show (the farm overview's "Find stuck frames").
    FindStuck(String),
    /// Show the hosts view with this filter (a bar of the farm overview).
    ShowHosts(Box<crate::ui::hosts::HostFilter>),
    /// Add a comment to a job or a host.
    AddComment {
        /// The job or host.
        target: CommentTarget,
        /// What it names it, for the outcome and the history ("comp_v012", "render0004").
        name: String,
        /// Subject line.
        subject: String,
        /// Text.
        message: String,
    },
    /// Open a job below the jobs table; `pin` keeps it in a tab when another job is selected.
    OpenJob {
        /// The job as listed.
        job: Job,
        /// Keep it open.
        pin: bool,
    },
    /// Watch jobs (listed in My jobs, announced when they end or frames die), or stop.
    Watch {
        /// The jobs, as listed.
        jobs: Vec<Job>,
        /// Watch (true) or stop watching.
        watch: bool,
    },
    /// Stop watching every finished job: they leave My jobs.
    RemoveFinished,
    /// Show a job of My jobs (selected, open below), from a notification.
    OpenWatched(String),
    /// Show or hide the "My workstation" panel.
    ToggleWorkstation,
    /// Look a job up by name and show it in the jobs view (its show, selected, open below).
    GoToJob(String),
    /// Open the log of a frame of the open job beside its frames.
    OpenFrameLog {
        /// The job.
        job_id: String,
        /// The frame.
        frame_id: String,
    },
    /// Copy a log's path (as the farm reports it) to the clipboard, mapped for this machine by
    /// the profile.
    CopyLogPath(String),
    /// Show a host's procs and comments below the hosts table.
    OpenHost(String),
    /// Close the host shown below the hosts table.
    CloseHost,
    /// Open the log of one of the shown host's procs.
    OpenProcLog(String),
    /// Switch to a saved profile (its secret is read from the keyring first).
    OpenProfile(String),
    /// Show the profiles panel on the current profile.
    ShowProfiles,
    /// What the profiles panel asked for: save, delete, duplicate, connect, test, close.
    Panel(PanelCommand),
}

/// Where views push commands. Shared by reference while the window is drawn; the app takes the
/// queue and applies it at the end of the frame.
#[derive(Default)]
pub struct CommandSender {
    queue: RefCell<Vec<Command>>,
}

impl CommandSender {
    /// Queues a command; the call site is logged at debug level.
    #[track_caller]
    pub fn send(&self, command: Command) {
        let at = std::panic::Location::caller();
        tracing::debug!(
            "command from {}:{}: {}",
            at.file(),
            at.line(),
            command.name()
        );
        self.queue.borrow_mut().push(command);
    }

    /// Takes the commands queued so far, in the order sent.
    pub fn take(&self) -> Vec<Command> {
        std::mem::take(&mut self.queue.borrow_mut())
    }
}

impl Command {
    /// The variant's name, for logs (values may be large, and a panel command carries a secret).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Refresh => "Refresh",
            Self::SelectShow(_) => "SelectShow",
            Self::SetView(_) => "SetView",
            Self::IncludeFinished(_) => "IncludeFinished",
            Self::JobAction(..) => "JobAction",
            Self::SendJobAction(..) => "SendJobAction",
            Self::HostAction(..) => "HostAction",
            Self::SendHostAction(..) => "SendHostAction",
            Self::FrameAction(..) => "FrameAction",
            Self::SendFrameAction(..) => "SendFrameAction",
            Self::SatisfyDepends { .. } => "SatisfyDepends",
            Self::Ask(_) => "Ask",
            Self::ShowJobsOf { .. } => "ShowJobsOf",
            Self::ShowHosts(_) => "ShowHosts",
            Self::FindStuck(_) => "FindStuck",
            Self::ProcAction { .. } => "ProcAction",
            Self::SendEdit(_) => "SendEdit",
            Self::OpenFolder(_) => "OpenFolder",
            Self::EmailOwners(_) => "EmailOwners",
            Self::AddComment { .. } => "AddComment",
            Self::OpenJob { .. } => "OpenJob",
            Self::Watch { .. } => "Watch",
            Self::RemoveFinished => "RemoveFinished",
            Self::OpenWatched(_) => "OpenWatched",
            Self::ToggleWorkstation => "ToggleWorkstation",
            Self::GoToJob(_) => "GoToJob",
            Self::OpenFrameLog { .. } => "OpenFrameLog",
            Self::CopyLogPath(_) => "CopyLogPath",
            Self::OpenHost(_) => "OpenHost",
            Self::CloseHost => "CloseHost",
            Self::OpenProcLog(_) => "OpenProcLog",
            Self::OpenProfile(_) => "OpenProfile",
            Self::ShowProfiles => "ShowProfiles",
            Self::Panel(_) => "Panel",
        }
    }
}
