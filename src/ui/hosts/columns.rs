//! The hosts table's columns: how each is sorted and drawn, and the figures they show.

use std::cmp::Ordering;

use egui::Sense;

use super::summary::ping_is_stale;
use crate::api::types::{HardwareState, Host, LockState};
use crate::ui::{theme, widgets};

/// A host whose last ping is older than this stands out: RQD reports every minute, so five
/// missed reports mean it is gone or stuck.
pub const STALE_PING_SECS: i64 = 300;

crate::ui::table::columns! {
    /// A column of the hosts table.
    pub enum HostColumn {
        /// Host name.
        Name => "name", "Name", 140.0;
        /// Hardware state.
        State => "state", "State", 120.0;
        /// Lock state.
        Lock => "lock", "Lock state", 100.0;
        /// The host has comments.
        Comment => "comment", "Note", 40.0;
        /// Allocation.
        Alloc => "alloc", "Allocation", 100.0;
        /// Cores in use of all, as a bar.
        Cores => "cores", "Cores used", 110.0;
        /// Memory booked of all, as a bar.
        Memory => "memory", "Memory booked", 150.0;
        /// GPUs in use of all.
        Gpus => "gpus", "GPUs used", 40.0;
        /// Load average as a share of the cores.
        Load => "load", "Load", 40.0;
        /// Swap in use.
        Swap => "swap", "Swap used", 130.0;
        /// Tags.
        Tags => "tags", "Tags", 100.0;
        /// Operating system.
        Os => "os", "OS", 40.0;
        /// Time since boot.
        Boot => "boot", "Booted", 70.0;
        /// Time since the last ping.
        Ping => "ping", "Last ping", 70.0;
    }
}

impl HostColumn {
    /// Orders two hosts by this column.
    pub fn compare(self, a: &Host, b: &Host) -> Ordering {
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::State => a.state.cmp(&b.state),
            Self::Lock => a.lock_state.cmp(&b.lock_state),
            Self::Comment => a.has_comment.cmp(&b.has_comment),
            Self::Alloc => a.alloc_name.cmp(&b.alloc_name),
            Self::Cores => cores_used_fraction(a)
                .total_cmp(&cores_used_fraction(b))
                .then(a.cores.total_cmp(&b.cores)),
            Self::Memory => memory_used_fraction(a)
                .total_cmp(&memory_used_fraction(b))
                .then(a.memory.cmp(&b.memory)),
            Self::Gpus => (a.gpus - a.idle_gpus)
                .total_cmp(&(b.gpus - b.idle_gpus))
                .then(a.gpus.total_cmp(&b.gpus)),
            Self::Load => load_percent(a).total_cmp(&load_percent(b)),
            Self::Swap => swap_used(a).cmp(&swap_used(b)),
            Self::Tags => a.tags.cmp(&b.tags),
            Self::Os => a.os.cmp(&b.os),
            // Longest up first when ascending: the earlier boot is the greater uptime.
            Self::Boot => b.boot_time.cmp(&a.boot_time),
            // Freshest ping first when ascending.
            Self::Ping => b.ping_time.cmp(&a.ping_time),
        }
    }
}

/// Cores in use.
pub fn cores_used(h: &Host) -> f32 {
    (h.cores - h.idle_cores).max(0.0)
}

pub(super) fn cores_used_fraction(h: &Host) -> f32 {
    if h.cores > 0.0 {
        cores_used(h) / h.cores
    } else {
        0.0
    }
}

/// Memory booked by frames, KB.
pub fn memory_used(h: &Host) -> i64 {
    h.memory.saturating_sub(h.idle_memory).max(0)
}

pub(super) fn memory_used_fraction(h: &Host) -> f64 {
    if h.memory > 0 {
        #[allow(clippy::cast_precision_loss)]
        let f = memory_used(h) as f64 / h.memory as f64;
        f
    } else {
        0.0
    }
}

/// Swap in use, KB.
pub(super) fn swap_used(h: &Host) -> i64 {
    (h.total_swap - h.free_swap).max(0)
}

/// The load average as a share of the cores, in percent (Cuebot sends load × 100).
pub fn load_percent(h: &Host) -> f32 {
    if h.cores > 0.0 {
        #[allow(clippy::cast_precision_loss)]
        let load = h.load as f32;
        load / h.cores
    } else {
        0.0
    }
}

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

pub(super) fn cell_ui(ui: &mut egui::Ui, column: HostColumn, h: &Host, now: i64) {
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
            let used = cores_used(h);
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
            let used = memory_used(h);
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
            let p = load_percent(h);
            let text = format!("{p:.0}%");
            if p > 100.0 {
                ui.colored_label(theme::warning(ui), text)
                    .on_hover_text("More load than cores: the host is oversubscribed");
            } else {
                ui.label(text);
            }
        }
        HostColumn::Swap => {
            if h.total_swap > 0 {
                ui.label(format!(
                    "{} / {}",
                    widgets::kb(swap_used(h)),
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
