//! The farm's summary strip: hosts by state and lock as chips that filter the table, and the
//! cores, memory and GPUs in use of the hosts shown.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::types::{HardwareState, Host, LockState};
use crate::ui::{theme, widgets};

use super::columns::{STALE_PING_SECS, lock_word, number, percent, state_word};
use super::{HostFilter, HostsView};

/// Counts over the whole farm, for the summary strip and the filter menus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FarmSummary {
    /// All hosts.
    pub hosts: usize,
    /// Hosts by hardware state (states with hosts, plus UP and DOWN always).
    pub by_state: Vec<(HardwareState, usize)>,
    /// Hosts by lock state.
    pub by_lock: Vec<(LockState, usize)>,
    /// Every allocation, sorted.
    pub allocs: Vec<String>,
    /// Every tag, sorted.
    pub tags: Vec<String>,
    /// Hosts whose last ping is stale.
    pub stale: usize,
}

impl FarmSummary {
    /// Counts `hosts` as of `now` (epoch seconds).
    pub fn of(hosts: &[Host], now: i64) -> Self {
        let mut states: BTreeMap<HardwareState, usize> = [HardwareState::Up, HardwareState::Down]
            .into_iter()
            .map(|s| (s, 0))
            .collect();
        let mut locks: BTreeMap<LockState, usize> =
            LockState::ALL.iter().cloned().map(|s| (s, 0)).collect();
        let mut allocs = BTreeSet::new();
        let mut tags = BTreeSet::new();
        let mut stale = 0;
        for h in hosts {
            *states.entry(h.state.clone()).or_default() += 1;
            *locks.entry(h.lock_state.clone()).or_default() += 1;
            allocs.insert(h.alloc_name.clone());
            tags.extend(h.tags.iter().cloned());
            if ping_is_stale(h, now) {
                stale += 1;
            }
        }
        Self {
            hosts: hosts.len(),
            by_state: states.into_iter().collect(),
            by_lock: locks.into_iter().collect(),
            allocs: allocs.into_iter().collect(),
            tags: tags.into_iter().collect(),
            stale,
        }
    }
}

/// Totals over the hosts shown.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShownTotals {
    /// Hosts shown.
    pub hosts: usize,
    /// Cores in use.
    pub cores_used: f64,
    /// All cores.
    pub cores: f64,
    /// Memory booked, KB.
    pub memory_used: i64,
    /// All memory, KB.
    pub memory: i64,
    /// GPUs in use.
    pub gpus_used: f64,
    /// All GPUs.
    pub gpus: f64,
}

impl ShownTotals {
    pub(super) fn add(&mut self, h: &Host) {
        self.hosts += 1;
        self.cores_used += f64::from(h.cores_used());
        self.cores += f64::from(h.cores.max(0.0));
        self.memory_used = self.memory_used.saturating_add(h.memory_used());
        self.memory = self.memory.saturating_add(h.memory.max(0));
        self.gpus_used += f64::from((h.gpus - h.idle_gpus).max(0.0));
        self.gpus += f64::from(h.gpus.max(0.0));
    }
}

/// The last ping is older than [`STALE_PING_SECS`] (a host that never pinged is stale too).
pub fn ping_is_stale(h: &Host, now: i64) -> bool {
    now - i64::from(h.ping_time) > STALE_PING_SECS
}

/// What the farm's hosts are counted by (hardware state, lock): a chip of the summary strip
/// and a bar of the farm view per value.
pub trait HostGroup: Ord + Clone {
    /// The value as a word, and its colour.
    fn look(&self) -> (String, egui::Color32);

    /// The set of a filter that holds values of this kind.
    fn filter_set(filter: &mut HostFilter) -> &mut BTreeSet<Self>;

    /// The filter that shows this group's hosts alone.
    fn hosts(&self) -> HostFilter {
        let mut filter = HostFilter::default();
        Self::filter_set(&mut filter).insert(self.clone());
        filter
    }
}

impl HostGroup for HardwareState {
    fn look(&self) -> (String, egui::Color32) {
        (state_word(self), theme::host_state(self))
    }
    fn filter_set(filter: &mut HostFilter) -> &mut BTreeSet<Self> {
        &mut filter.states
    }
}

impl HostGroup for LockState {
    fn look(&self) -> (String, egui::Color32) {
        (lock_word(self), theme::lock_state(self))
    }
    fn filter_set(filter: &mut HostFilter) -> &mut BTreeSet<Self> {
        &mut filter.locks
    }
}

/// A chip per value with its count ("up 12"), each putting the value in `filter` or taking it
/// out.
fn count_chips<T: HostGroup>(
    ui: &mut egui::Ui,
    counts: &[(T, usize)],
    filter: &mut HostFilter,
    hover: &str,
) {
    for (value, n) in counts {
        let (word, colour) = value.look();
        let chip = (value.clone(), format!("{word} {n}"));
        widgets::filter_chip(ui, T::filter_set(filter), chip, colour, hover);
    }
}

const STATE_HOVER: &str = "Show only hosts in this state (click several to combine)";
const LOCK_HOVER: &str = "Show only hosts with this lock (click several to combine)";

impl HostsView {
    /// The summary strip: hosts by state and by lock (click to filter), then what the hosts
    /// shown have in use.
    pub fn summary_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!(
                "Farm: {}",
                crate::text::plural(self.farm.hosts, "host")
            ));
            count_chips(ui, &self.farm.by_state, &mut self.filter, STATE_HOVER);
            ui.separator();
            count_chips(ui, &self.farm.by_lock, &mut self.filter, LOCK_HOVER);
            if self.farm.stale > 0 {
                ui.separator();
                ui.colored_label(
                    theme::error(ui),
                    format!(
                        "{} not pinging",
                        crate::text::plural(self.farm.stale, "host")
                    ),
                )
                .on_hover_text(format!(
                    "No report from RQD for over {} minutes: sort on Last ping to find them",
                    STALE_PING_SECS / 60
                ));
            }
        });
        let s = self.shown;
        ui.horizontal_wrapped(|ui| {
            let scope = if s.hosts == self.farm.hosts {
                "All hosts".to_owned()
            } else {
                format!("{} shown", crate::text::plural(s.hosts, "host"))
            };
            ui.label(scope);
            ui.separator();
            ui.label(format!(
                "cores {} of {} in use ({})",
                number(s.cores_used),
                number(s.cores),
                percent(s.cores_used, s.cores)
            ));
            ui.separator();
            #[allow(clippy::cast_precision_loss)]
            let (used, all) = (s.memory_used as f64, s.memory as f64);
            ui.label(format!(
                "memory {} of {} booked ({})",
                widgets::kb(s.memory_used),
                widgets::kb(s.memory),
                percent(used, all)
            ));
            if s.gpus > 0.0 {
                ui.separator();
                ui.label(format!(
                    "GPUs {} of {} in use",
                    number(s.gpus_used),
                    number(s.gpus)
                ));
            }
        });
    }
}
