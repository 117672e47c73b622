//! How the hosts table draws its cells (its columns and their sort orders are in
//! `ui/columns.rs`), and the words for hardware and lock states.

use egui::Sense;

use super::summary::ping_is_stale;
use crate::api::types::{HardwareState, Host, LockState};
use crate::ui::{theme, widgets};

pub use crate::ui::columns::HostColumn;

/// A host whose last ping is older than this stands out: RQD reports every minute, so five
/// missed reports mean it is gone or stuck.
pub const STALE_PING_SECS: i64 = 300;

/// A hardware state as a word for chips and menus.
pub fn state_word(s: &HardwareState) -> String {
    s.as_str().to_lowercase().replace('_', " ")
}

/// A lock state as a word for chips and menus.
pub fn lock_word(s: &LockState) -> String {
    match s {
        LockState::NimbyLocked => "nimby".to_owned(),
        other => other.as_str().to_lowercase(),
    }
}

pub(crate) fn cell_ui(ui: &mut egui::Ui, column: HostColumn, h: &Host, now: i64) {
    match column {
        HostColumn::Name => {
            ui.label(&h.name);
        }
        HostColumn::State => {
            swatch(ui, theme::host_state(&h.state));
            ui.label(h.state.as_str());
        }
        HostColumn::Lock => {
            swatch(ui, theme::lock_state(&h.lock_state));
            ui.label(h.lock_state.as_str());
        }
        HostColumn::Comment => {
            if h.has_comment {
                widgets::comment_flag(ui, "Has comments: select the host to read them");
            }
        }
        HostColumn::Alloc => {
            ui.label(&h.alloc_name);
        }
        HostColumn::Cores => {
            let used = h.cores_used();
            widgets::usage_bar(
                ui,
                f64::from(used),
                f64::from(h.cores),
                format!(
                    "{} / {}",
                    number(f64::from(used)),
                    number(f64::from(h.cores))
                ),
            )
            .on_hover_text(format!("{} cores idle", number(f64::from(h.idle_cores))));
        }
        HostColumn::Memory => {
            let used = h.memory_used();
            #[allow(clippy::cast_precision_loss)]
            let (u, t) = (used as f64, h.memory as f64);
            widgets::usage_bar(
                ui,
                u,
                t,
                format!("{} / {}", widgets::kb(used), widgets::kb(h.memory)),
            )
            .on_hover_text(format!(
                "{} idle for booking; {} free on the host",
                widgets::kb(h.idle_memory),
                widgets::kb(h.free_memory)
            ));
        }
        HostColumn::Gpus => {
            if h.gpus > 0.0 {
                ui.label(format!(
                    "{} / {}",
                    number(f64::from((h.gpus - h.idle_gpus).max(0.0))),
                    number(f64::from(h.gpus))
                ));
            } else {
                ui.weak("-");
            }
        }
        HostColumn::Load => {
            let p = h.load_percent();
            let why = "More load than cores: the host is oversubscribed";
            widgets::warn_label(ui, format!("{p:.0}%"), p > 100.0, why);
        }
        HostColumn::Swap => {
            if h.total_swap > 0 {
                ui.label(format!(
                    "{} / {}",
                    widgets::kb(h.swap_used()),
                    widgets::kb(h.total_swap)
                ));
            } else {
                ui.weak("-");
            }
        }
        HostColumn::Tags => {
            ui.label(h.tags.join(" "));
        }
        HostColumn::Os => {
            ui.label(&h.os);
        }
        HostColumn::Boot => {
            if h.boot_time > 0 {
                ui.label(format!(
                    "{} ago",
                    widgets::duration(now - i64::from(h.boot_time))
                ))
                .on_hover_text(crate::ui::widgets::local_time(h.boot_time));
            }
        }
        HostColumn::Ping => {
            if h.ping_time <= 0 {
                ui.colored_label(theme::error(ui), "never");
            } else {
                let text = format!("{} ago", widgets::duration(now - i64::from(h.ping_time)));
                if ping_is_stale(h, now) {
                    ui.colored_label(theme::error(ui), text)
                        .on_hover_text("RQD has not reported for a while: the host may be down");
                } else {
                    ui.label(text);
                }
            }
        }
    }
}

pub(super) fn swatch(ui: &mut egui::Ui, colour: egui::Color32) {
    let size = ui.spacing().interact_size.y * 0.45;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

/// `12`, `12.5`: whole numbers without decimals.
pub(super) fn number(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

pub(super) fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.0}%", part / whole * 100.0)
    } else {
        "0%".to_owned()
    }
}
