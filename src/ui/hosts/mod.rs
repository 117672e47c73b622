//! The hosts view: every host of the farm in a sortable, filterable table with usage bars, the
//! farm's summary strip (hosts by state and lock, cores and memory in use), and the selection
//! the host actions act on. Rows are virtual; the order and the totals are rebuilt only when
//! the data, the sort or the filter change.
mod columns;
mod summary;

use std::collections::BTreeSet;

use crate::api::auth::now_epoch;
use crate::api::types::{HardwareState, Host, LockState};
use crate::profiles::HostsViewState;
use crate::remote::Remote;
use crate::ui::host_actions::HostAction;
use crate::ui::table::{self, TableState};
use crate::ui::widgets;

pub use columns::*;
pub use summary::{FarmSummary, HostGroup, ShownTotals, ping_is_stale};

/// Which hosts the table shows; an empty set is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFilter {
    /// Case-insensitive substring of the name, or a regex when `regex` is set.
    pub text: String,
    /// Treat `text` as a regular expression.
    pub regex: bool,
    /// Hardware states.
    pub states: BTreeSet<HardwareState>,
    /// Lock states.
    pub locks: BTreeSet<LockState>,
    /// Allocations (`facility.alloc`).
    pub allocs: BTreeSet<String>,
    /// Hosts with any of these tags.
    pub tags: BTreeSet<String>,
}

impl HostFilter {
    fn matches(&self, h: &Host, re: Option<&regex::Regex>, lower: &str) -> bool {
        let name = match re {
            Some(re) => re.is_match(&h.name),
            None => self.regex || crate::text::contains_ignore_case(&h.name, lower),
        };
        name && (self.states.is_empty() || self.states.contains(&h.state))
            && (self.locks.is_empty() || self.locks.contains(&h.lock_state))
            && (self.allocs.is_empty() || self.allocs.contains(&h.alloc_name))
            && (self.tags.is_empty() || h.tags.iter().any(|t| self.tags.contains(t)))
    }
}

/// The hosts view's state.
#[derive(Default)]
pub struct HostsView {
    /// Every host.
    pub hosts: Remote<Vec<Host>>,
    /// Sort, selection by host id, hidden columns, row order.
    pub table: TableState<HostColumn, HostFilter>,
    /// Filter.
    pub filter: HostFilter,
    /// A host selected alone, to show below the table.
    pub focused: Option<String>,
    filter_error: Option<String>,
    /// The data generation the farm summary was counted from.
    farm_generation: Option<u64>,
    farm: FarmSummary,
    shown: ShownTotals,
}

impl HostsView {
    /// A view laid out as `state` says (unknown keys are ignored).
    pub fn from_state(state: &HostsViewState) -> Self {
        Self {
            table: TableState::from_saved(
                &state.sort_column,
                state.sort_descending,
                &state.hidden_columns,
            ),
            filter: HostFilter {
                text: state.filter_text.clone(),
                regex: state.filter_regex,
                states: state
                    .states
                    .iter()
                    .map(|s| HardwareState::from_name(s))
                    .collect(),
                locks: state
                    .lock_states
                    .iter()
                    .map(|s| LockState::from_name(s))
                    .collect(),
                allocs: state.allocs.iter().cloned().collect(),
                tags: state.tags.iter().cloned().collect(),
            },
            ..Self::default()
        }
    }

    /// The layout and filters to save (the procs sort is the host detail's).
    pub fn state(&self) -> HostsViewState {
        let (sort_column, sort_descending, hidden_columns) = self.table.saved_layout();
        HostsViewState {
            sort_column,
            sort_descending,
            hidden_columns,
            filter_text: self.filter.text.clone(),
            filter_regex: self.filter.regex,
            states: self
                .filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            lock_states: self
                .filter
                .locks
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            allocs: self.filter.allocs.iter().cloned().collect(),
            tags: self.filter.tags.iter().cloned().collect(),
            ..HostsViewState::default()
        }
    }

    /// Takes a finished response; the order and the counts follow new data at once.
    pub fn poll(&mut self) -> bool {
        let new = self.hosts.poll();
        if new {
            self.update_order();
        }
        new
    }

    /// Rebuilds the row order and the totals if the data, the sort or the filter changed.
    pub fn update_order(&mut self) {
        let generation = self.hosts.generation();
        if self.table.is_current(generation, &self.filter) {
            return;
        }
        let (re, error) = crate::text::name_filter(&self.filter.text, self.filter.regex);
        self.filter_error = error;
        let hosts: &[Host] = self.hosts.data().map_or(&[], Vec::as_slice);
        if self.farm_generation != Some(generation) {
            self.farm = FarmSummary::of(hosts, now_epoch());
            self.farm_generation = Some(generation);
        }
        let lower = self.filter.text.to_lowercase();
        let filter = &self.filter;
        self.table.update_order(
            hosts,
            self.hosts.data().is_some(),
            generation,
            filter,
            |h| filter.matches(h, re.as_ref(), &lower),
        );
        let mut shown = ShownTotals::default();
        for h in self.table.visible(hosts) {
            shown.add(h);
        }
        self.shown = shown;
    }

    /// Why the filter text is not used (an invalid regex).
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// Counts over the whole farm.
    pub fn farm(&self) -> &FarmSummary {
        &self.farm
    }

    /// Totals over the hosts shown.
    pub fn shown(&self) -> ShownTotals {
        self.shown
    }

    fn rows(&self) -> &[Host] {
        self.hosts.data().map_or(&[], Vec::as_slice)
    }

    /// The hosts in display order (as of the last [`Self::update_order`]).
    pub fn visible(&self) -> impl Iterator<Item = &Host> {
        self.table.visible(self.rows())
    }

    /// The host with this id, shown or not.
    pub fn get(&self, id: &str) -> Option<&Host> {
        self.hosts.data()?.iter().find(|h| h.id == id)
    }

    /// How many shown hosts are selected.
    pub fn selected_count(&self) -> usize {
        self.table.selected_count(self.rows())
    }

    /// The selected hosts, in display order.
    pub fn selected_hosts(&self) -> Vec<Host> {
        self.table.selected_rows(self.rows())
    }

    /// Selects every host shown.
    pub fn select_all(&mut self) {
        let hosts = self.hosts.data().map_or(&[][..], Vec::as_slice);
        self.table.select_all(hosts);
    }

    /// The filter row: name, allocation and tag filters, the columns menu.
    pub fn filter_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Filter", &mut self.filter.text, "host name", 160.0);
            ui.checkbox(&mut self.filter.regex, "Regex");
            let (allocs, tags) = (&self.farm.allocs, &self.farm.tags);
            let filter = &mut self.filter;
            table::multi_select_names(
                ui,
                "Allocation filter",
                "all allocations",
                allocs,
                &mut filter.allocs,
            );
            table::multi_select_names(ui, "Tag filter", "any tag", tags, &mut filter.tags);
            table::columns_menu(ui, &mut self.table.hidden);
            widgets::clear_filters(ui, &mut self.filter);
        });
        widgets::error_line(ui, self.filter_error());
    }

    /// Draws the table, scrolling sideways when it is wider than the window. Returns an action
    /// chosen from a row's right-click menu (for the selection).
    pub fn table_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<HostAction> {
        self.update_order();
        let hosts = self.hosts.data().map_or(&[][..], Vec::as_slice);
        let actions = HostAction::ALL.map(|a| (a, a.label()));
        let response = self.table.ui(ui, "hosts", hosts, false, |ui, _| {
            table::menu_actions(ui, &actions, read_only)
        });
        // A host clicked alone is shown below the table.
        if response.clicked.is_some() {
            self.focused = response.clicked;
        }
        response.action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, state: HardwareState, lock: LockState, used: f32) -> Host {
        Host {
            id: format!("id-{name}"),
            name: name.into(),
            alloc_name: "local.general".into(),
            cores: 16.0,
            idle_cores: 16.0 - used,
            memory: 64 * 1_048_576,
            idle_memory: 32 * 1_048_576,
            load: (used * 100.0) as i32,
            state,
            lock_state: lock,
            tags: vec!["general".into()],
            ping_time: 1_000,
            ..Host::default()
        }
    }

    fn loaded(hosts: Vec<Host>) -> HostsView {
        let mut v = HostsView::default();
        v.hosts.set(hosts);
        v.update_order();
        v
    }

    fn names(v: &HostsView) -> Vec<String> {
        v.visible().map(|h| h.name.clone()).collect()
    }

    fn farm() -> HostsView {
        let mut gpu = host("gpu01", HardwareState::Up, LockState::Open, 4.0);
        gpu.alloc_name = "local.gpu".into();
        gpu.tags = vec!["gpu".into()];
        loaded(vec![
            host("render03", HardwareState::Up, LockState::Locked, 16.0),
            host("render01", HardwareState::Up, LockState::Open, 8.0),
            host("render02", HardwareState::Down, LockState::Open, 0.0),
            host("ws01", HardwareState::Up, LockState::NimbyLocked, 0.0),
            gpu,
        ])
    }

    #[test]
    fn filters_combine_and_an_empty_set_filters_nothing() {
        let mut v = farm();
        v.update_order();
        assert_eq!(
            names(&v),
            ["gpu01", "render01", "render02", "render03", "ws01"]
        );
        v.filter.locks.insert(LockState::Locked);
        v.update_order();
        assert_eq!(names(&v), ["render03"]);
        v.filter.locks.insert(LockState::NimbyLocked);
        v.update_order();
        assert_eq!(names(&v), ["render03", "ws01"], "several locks combine");
        v.filter = HostFilter {
            text: "^render0[12]$".into(),
            regex: true,
            ..HostFilter::default()
        };
        v.update_order();
        assert_eq!(names(&v), ["render01", "render02"]);
        v.filter = HostFilter::default();
        v.filter.states.insert(HardwareState::Up);
        v.filter.allocs.insert("local.general".into());
        v.update_order();
        assert_eq!(names(&v), ["render01", "render03", "ws01"]);
        v.filter = HostFilter::default();
        v.filter.tags.insert("gpu".into());
        v.update_order();
        assert_eq!(names(&v), ["gpu01"]);
        v.filter = HostFilter {
            text: "(".into(),
            regex: true,
            ..HostFilter::default()
        };
        v.update_order();
        assert_eq!(names(&v).len(), 5, "an invalid regex hides nothing");
        assert!(v.filter_error().unwrap().starts_with("Not a valid regex"));
    }

    #[test]
    fn usage_columns_sort_by_share_and_load_is_per_core() {
        let mut v = farm();
        v.table.sort.click(HostColumn::Cores);
        v.table.sort.click(HostColumn::Cores);
        v.update_order();
        assert_eq!(
            names(&v),
            ["render03", "render01", "gpu01", "render02", "ws01"],
            "busiest first when descending; ties by name"
        );
        let h = host("x", HardwareState::Up, LockState::Open, 8.0);
        assert!(
            (h.load_percent() - 50.0).abs() < 0.01,
            "load 8.00 on 16 cores"
        );
    }

    #[test]
    fn the_summary_counts_the_farm_and_totals_the_hosts_shown() {
        let mut v = farm();
        v.update_order();
        let f = v.farm();
        assert_eq!(f.hosts, 5);
        assert!(f.by_state.contains(&(HardwareState::Up, 4)));
        assert!(f.by_state.contains(&(HardwareState::Down, 1)));
        assert!(f.by_lock.contains(&(LockState::Locked, 1)));
        assert!(f.by_lock.contains(&(LockState::NimbyLocked, 1)));
        assert_eq!(f.allocs, ["local.general", "local.gpu"]);
        assert_eq!(f.tags, ["general", "gpu"]);
        assert_eq!(f.stale, 5, "pinged at epoch 1000: long ago");
        assert!((v.shown().cores_used - 28.0).abs() < 0.01);
        assert!((v.shown().cores - 80.0).abs() < 0.01);
        v.filter.states.insert(HardwareState::Down);
        v.update_order();
        assert_eq!(v.farm().hosts, 5, "the farm counts ignore the filter");
        assert_eq!(v.shown().hosts, 1);
        assert!(v.shown().cores_used.abs() < 0.01);
        assert_eq!(v.shown().memory, 64 * 1_048_576);
    }

    #[test]
    fn the_layout_round_trips_through_saved_state() {
        let mut v = HostsView::default();
        v.table.sort.click(HostColumn::Load);
        v.table.sort.click(HostColumn::Load);
        v.table.hidden.insert(HostColumn::Os);
        v.filter.states.insert(HardwareState::Repair);
        v.filter.locks.insert(LockState::NimbyLocked);
        v.filter.allocs.insert("local.desktop".into());
        v.filter.tags.insert("gpu".into());
        v.filter.text = "ws".into();
        let saved = v.state();
        assert_eq!(saved.sort_column, "load");
        assert_eq!(saved.states, ["REPAIR"]);
        assert_eq!(saved.lock_states, ["NIMBY_LOCKED"]);
        let back = HostsView::from_state(&saved);
        assert_eq!(
            (
                back.table.sort,
                back.filter.clone(),
                back.table.hidden.clone()
            ),
            (v.table.sort, v.filter.clone(), v.table.hidden.clone())
        );
    }

    #[test]
    fn selection_is_by_id_and_dropped_when_the_host_goes() {
        let mut v = farm();
        v.table.selected.insert("id-render02".into());
        v.table.selected.insert("id-render03".into());
        v.update_order();
        assert_eq!(v.selected_count(), 2);
        *v.hosts.data_mut().unwrap() =
            vec![host("render03", HardwareState::Up, LockState::Open, 0.0)];
        v.update_order();
        assert_eq!(
            v.selected_hosts()
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>(),
            ["render03"]
        );
    }
}
