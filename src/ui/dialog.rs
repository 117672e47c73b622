//! The one dialog the window shows at a time, in front of a job, host, frame or edit action. A
//! confirmation becomes a command that sends exactly what the dialog named.

use crate::api::types::Job;
use crate::command::{Command, CommandSender};
use crate::ui::actions::{ActionDialog, DialogOutcome};
use crate::ui::edits::{EditDialog, EditOutcome};
use crate::ui::frame_actions::{FrameDialog, FrameDialogOutcome};
use crate::ui::host_actions::HostDialog;

/// A dialog in front of an action.
pub enum Dialog {
    /// In front of a job action.
    Job(ActionDialog),
    /// In front of a host action.
    Host(Box<HostDialog>),
    /// In front of a frame or layer action on this job.
    Frame(Box<Job>, Box<FrameDialog>),
    /// In front of a wrangler's edit (reorder, layer properties, output paths, proc).
    Edit(Box<EditDialog>),
}

impl Dialog {
    /// Shows the dialog. Returns false once it is closed: cancelled, or confirmed (then the
    /// action is sent as a command).
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> bool {
        match self {
            Self::Job(d) => still_open(d.ui(ctx), commands, Command::SendJobAction),
            Self::Host(d) => still_open(d.ui(ctx), commands, Command::SendHostAction),
            Self::Frame(job, d) => match d.ui(ctx) {
                FrameDialogOutcome::Open => true,
                FrameDialogOutcome::Cancelled => false,
                FrameDialogOutcome::Confirmed(request, reason) => {
                    commands.send(Command::SendFrameAction(job.clone(), *request, reason));
                    false
                }
            },
            Self::Edit(d) => match d.ui(ctx, commands) {
                EditOutcome::Open => true,
                EditOutcome::Closed => false,
                EditOutcome::Confirmed(request) => {
                    commands.send(Command::SendEdit(Box::new(request)));
                    false
                }
            },
        }
    }
}

/// True while the dialog is open; a confirmation is sent as the command `send` makes of it.
fn still_open<R, T>(
    outcome: DialogOutcome<R, T>,
    commands: &CommandSender,
    send: impl FnOnce(R, Vec<T>) -> Command,
) -> bool {
    match outcome {
        DialogOutcome::Open => true,
        DialogOutcome::Cancelled => false,
        DialogOutcome::Confirmed(request, targets) => {
            commands.send(send(request, targets));
            false
        }
    }
}

/// What a dialog's buttons were asked this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pressed {
    /// Neither.
    Nothing,
    /// The confirm button (only possible when nothing is missing).
    Confirm,
    /// Cancel, or Escape, or a click outside (the modal closed).
    Cancel,
}

/// The bottom of every action dialog: what is missing before it can be confirmed (when
/// something is), the confirm button (greyed out until then) and Cancel. Each dialog reads the modal's own close request (Escape, a click outside) as Cancel.
pub fn confirm_row(ui: &mut egui::Ui, confirm: &str, missing: Option<&str>) -> Pressed {
    if let Some(why) = missing {
        ui.weak(why);
    }
    let mut pressed = Pressed::Nothing;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(missing.is_none(), egui::Button::new(confirm))
            .clicked()
        {
            pressed = Pressed::Confirm;
        }
        if ui.button("Cancel").clicked() {
            pressed = Pressed::Cancel;
        }
    });
    pressed
}
