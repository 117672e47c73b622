//! The only place that defines colours: frame states as CueGUI shows them, so users read them
//! at a glance, the same in progress bars, state cells and chips.

use egui::Color32;

use crate::api::types::FrameState;

/// The colour of a frame state (CueGUI's defaults).
pub fn frame_state(state: &FrameState) -> Color32 {
    match state {
        FrameState::Dead => Color32::from_rgb(255, 0, 0),
        FrameState::Depend | FrameState::Setup => Color32::from_rgb(160, 32, 240),
        FrameState::Eaten => Color32::from_rgb(150, 0, 0),
        FrameState::Running => Color32::from_rgb(200, 200, 55),
        FrameState::Succeeded => Color32::from_rgb(55, 200, 55),
        FrameState::Waiting => Color32::from_rgb(135, 207, 235),
        FrameState::Checkpoint => Color32::from_rgb(61, 98, 247),
        FrameState::Other(_) => Color32::GRAY,
    }
}

/// Text that reports a failure.
pub fn error(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// Text that warns.
pub fn warning(ui: &egui::Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// The comment flag.
pub fn comment(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(240, 190, 80)
    } else {
        Color32::from_rgb(200, 130, 0)
    }
}
