//! The only place that defines colours: frame states as CueGUI shows them, so users read them
//! at a glance, the same in progress bars, state cells and chips.

#![allow(clippy::disallowed_methods)] // The one place colours are defined.

use egui::Color32;

use crate::api::types::{FrameState, HardwareState, LockState};

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

/// The colour of a host's hardware state: up is quiet, anything else stands out.
pub fn host_state(state: &HardwareState) -> Color32 {
    match state {
        HardwareState::Up => Color32::from_rgb(55, 200, 55),
        HardwareState::Down => Color32::from_rgb(255, 60, 60),
        HardwareState::Repair => Color32::from_rgb(230, 120, 30),
        HardwareState::Rebooting | HardwareState::RebootWhenIdle => {
            Color32::from_rgb(135, 207, 235)
        }
        HardwareState::Other(_) => Color32::GRAY,
    }
}

/// The colour of a host's lock state.
pub fn lock_state(state: &LockState) -> Color32 {
    match state {
        LockState::Open => Color32::from_rgb(55, 200, 55),
        LockState::Locked => Color32::from_rgb(230, 170, 30),
        LockState::NimbyLocked => Color32::from_rgb(160, 32, 240),
        LockState::Other(_) => Color32::GRAY,
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

/// No colour: a chip that is off has no fill.
pub const NONE: Color32 = Color32::TRANSPARENT;

/// Text on a state's colour (the state colours are light: dark text reads on all of them).
pub fn on_colour() -> Color32 {
    Color32::BLACK
}
