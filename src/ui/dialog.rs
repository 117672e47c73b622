//! The one dialog the window shows at a time, in front of a job, host or frame action. A
//! confirmation becomes a command that sends exactly what the dialog named.

use crate::api::types::Job;
use crate::command::{Command, CommandSender};
use crate::ui::actions::{ActionDialog, DialogOutcome};
use crate::ui::frame_actions::{FrameDialog, FrameDialogOutcome};
use crate::ui::host_actions::HostDialog;

/// A dialog in front of an action.
pub enum Dialog {
    /// In front of a job action.
    Job(ActionDialog),
    /// In front of a host action.
    Host(HostDialog),
    /// In front of a frame or layer action on this job.
    Frame(Box<Job>, Box<FrameDialog>),
}

impl Dialog {
    /// Shows the dialog. Returns false once it is closed: cancelled, or confirmed (then the
    /// action is sent as a command).
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> bool {
        match self {
            Self::Job(d) => match d.ui(ctx) {
                DialogOutcome::Open => true,
                DialogOutcome::Cancelled => false,
                DialogOutcome::Confirmed(request, jobs) => {
                    commands.send(Command::SendJobAction(request, jobs));
                    false
                }
            },
            Self::Host(d) => match d.ui(ctx) {
                DialogOutcome::Open => true,
                DialogOutcome::Cancelled => false,
                DialogOutcome::Confirmed(request, hosts) => {
                    commands.send(Command::SendHostAction(request, hosts));
                    false
                }
            },
            Self::Frame(job, d) => match d.ui(ctx) {
                FrameDialogOutcome::Open => true,
                FrameDialogOutcome::Cancelled => false,
                FrameDialogOutcome::Confirmed(request, reason) => {
                    commands.send(Command::SendFrameAction(job.clone(), *request, reason));
                    false
                }
            },
        }
    }
}
