//! The one dialog the window shows at a time, in front of a job, host, frame or edit action. A
//! confirmation becomes a command that sends exactly what the dialog named.

use crate::api::types::Job;
use crate::command::{Command, CommandSender};
use crate::ui::actions::ActionDialog;
use crate::ui::edits::EditDialog;
use crate::ui::frame_actions::FrameDialog;
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
        let command = match self {
            Self::Job(d) => d.ui(ctx).map(|(r, jobs)| Command::SendJobAction(r, jobs)),
            Self::Host(d) => d
                .ui(ctx)
                .map(|(r, hosts)| Command::SendHostAction(r, hosts)),
            Self::Frame(job, d) => d
                .ui(ctx)
                .map(|(r, reason)| Command::SendFrameAction(job.clone(), *r, reason)),
            Self::Edit(d) => d.ui(ctx, commands).map(|r| Command::SendEdit(Box::new(r))),
        };
        match command {
            Decision::Open => true,
            Decision::Cancelled => false,
            Decision::Confirmed(command) => {
                commands.send(command);
                false
            }
        }
    }
}

/// What the user decided in an action dialog this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<T> {
    /// Still open.
    Open,
    /// Closed without acting (Cancel, Escape or a click outside).
    Cancelled,
    /// Confirmed: exactly what the dialog named.
    Confirmed(T),
}

impl<T> Decision<T> {
    /// The same outcome, with what was confirmed turned into `f`'s.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Decision<U> {
        match self {
            Self::Open => Decision::Open,
            Self::Cancelled => Decision::Cancelled,
            Self::Confirmed(t) => Decision::Confirmed(f(t)),
        }
    }
}

/// Shows an action dialog: a modal `width` points wide, which `body` draws (ending with
/// [`confirm_row`]). Escape or a click outside cancel it.
pub fn modal<T>(
    ctx: &egui::Context,
    id: impl std::hash::Hash + std::fmt::Debug,
    width: f32,
    body: impl FnOnce(&mut egui::Ui) -> Decision<T>,
) -> Decision<T> {
    let mut outcome = Decision::Open;
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_max_width(width);
        outcome = body(ui);
    });
    if modal.should_close() && matches!(outcome, Decision::Open) {
        Decision::Cancelled
    } else {
        outcome
    }
}

/// The bottom of every action dialog: what is missing before it can be confirmed (when
/// something is), the confirm button (greyed out until then) and Cancel. Confirming gives what
/// `confirmed` makes (nothing: the dialog stays open).
pub fn confirm_row<T>(
    ui: &mut egui::Ui,
    confirm: &str,
    missing: Option<&str>,
    confirmed: impl FnOnce() -> Option<T>,
) -> Decision<T> {
    if let Some(why) = missing {
        ui.weak(why);
    }
    let mut outcome = Decision::Open;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(missing.is_none(), egui::Button::new(confirm))
            .clicked()
        {
            outcome = confirmed().map_or(Decision::Open, Decision::Confirmed);
        }
        if ui.button("Cancel").clicked() {
            outcome = Decision::Cancelled;
        }
    });
    outcome
}
