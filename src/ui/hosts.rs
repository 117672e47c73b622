//! The hosts view: every host of the farm in a sortable, filterable table with usage bars, the
//! farm's summary strip (hosts by state and lock, cores and memory in use), and the selection
//! the host actions act on. Rows are virtual; the order and the totals are rebuilt only when
//! the data, the sort or the filter change.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use egui::Sense;

use crate::api::auth::now_epoch;
use crate::api::types::{HardwareState, Host, LockState};
use crate::profiles::HostsViewState;
use crate::remote::Remote;
use crate::ui::host_actions::HostAction;
use crate::ui::table::{self, Sort, TableColumn};
use crate::ui::{theme, widgets};

/// A host whose last ping is older than this stands out: RQD reports every minute, so five
/// missed reports mean it is gone or stuck.
pub const STALE_PING_SECS: i64 = 300;

/// A column of the hosts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HostColumn {
    /// Host name.
    Name,
    /// Hardware state.
    State,
    /// Lock state.
    Lock,
    /// The host has comments.
    Comment,
    /// Allocation.
    Alloc,
    /// Cores in use of all, as a bar.
    Cores,
    /// Memory booked of all, as a bar.
    Memory,
    /// GPUs in use of all.
    Gpus,
    /// Load average as a share of the cores.
    Load,
    /// Swap in use.
    Swap,
    /// Tags.
    Tags,
    /// Operating system.
    Os,
    /// Time since boot.
    Boot,
    /// Time since the last ping.
    Ping,
}

impl HostColumn {
    /// Every column, in display order.
    pub const ALL: [Self; 14] = [
        Self::Name,
        Self::State,
        Self::Lock,
        Self::Comment,
        Self::Alloc,
        Self::Cores,
        Self::Memory,
        Self::Gpus,
        Self::Load,
        Self::Swap,
        Self::Tags,
        Self::Os,
        Self::Boot,
        Self::Ping,
    ];

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

impl TableColumn for HostColumn {
    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::State => "state",
            Self::Lock => "lock",
            Self::Comment => "comment",
            Self::Alloc => "alloc",
            Self::Cores => "cores",
            Self::Memory => "memory",
            Self::Gpus => "gpus",
            Self::Load => "load",
            Self::Swap => "swap",
            Self::Tags => "tags",
            Self::Os => "os",
            Self::Boot => "boot",
            Self::Ping => "ping",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::State => "State",
            Self::Lock => "Lock state",
            Self::Comment => "Note",
            Self::Alloc => "Allocation",
            Self::Cores => "Cores used",
            Self::Memory => "Memory booked",
            Self::Gpus => "GPUs used",
            Self::Load => "Load",
            Self::Swap => "Swap used",
            Self::Tags => "Tags",
            Self::Os => "OS",
            Self::Boot => "Booted",
            Self::Ping => "Last ping",
        }
    }

    fn content_width(self) -> f32 {
        match self {
            Self::Name => 140.0,
            Self::State => 120.0,
            Self::Lock | Self::Alloc | Self::Tags => 100.0,
            Self::Cores => 110.0,
            Self::Memory => 150.0,
            Self::Swap => 130.0,
            Self::Boot | Self::Ping => 70.0,
            _ => 40.0,
        }
    }
}

/// Cores in use.
pub fn cores_used(h: &Host) -> f32 {
    (h.cores - h.idle_cores).max(0.0)
}

fn cores_used_fraction(h: &Host) -> f32 {
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

fn memory_used_fraction(h: &Host) -> f64 {
    if h.memory > 0 {
        #[allow(clippy::cast_precision_loss)]
        let f = memory_used(h) as f64 / h.memory as f64;
        f
    } else {
        0.0
    }
}

/// Swap in use, KB.
fn swap_used(h: &Host) -> i64 {
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
    fn name_regex(&self) -> Result<Option<regex::Regex>, String> {
        if !self.regex || self.text.is_empty() {
            return Ok(None);
        }
        regex::RegexBuilder::new(&self.text)
            .case_insensitive(true)
            .build()
            .map(Some)
            .map_err(|e| {
                format!(
                    "Not a valid regex: {}",
                    e.to_string().lines().last().unwrap_or("")
                )
            })
    }

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
    fn add(&mut self, h: &Host) {
        self.hosts += 1;
        self.cores_used += f64::from(cores_used(h));
        self.cores += f64::from(h.cores.max(0.0));
        self.memory_used = self.memory_used.saturating_add(memory_used(h));
        self.memory = self.memory.saturating_add(h.memory.max(0));
        self.gpus_used += f64::from((h.gpus - h.idle_gpus).max(0.0));
        self.gpus += f64::from(h.gpus.max(0.0));
    }
}

/// The last ping is older than [`STALE_PING_SECS`] (a host that never pinged is stale too).
pub fn ping_is_stale(h: &Host, now: i64) -> bool {
    now - i64::from(h.ping_time) > STALE_PING_SECS
}

/// The hosts view's state.
pub struct HostsView {
    /// Every host.
    pub hosts: Remote<Vec<Host>>,
    /// Sort.
    pub sort: Sort<HostColumn>,
    /// Filter.
    pub filter: HostFilter,
    /// Selected host ids.
    pub selected: BTreeSet<String>,
    /// Columns the user hid.
    pub hidden: BTreeSet<HostColumn>,
    /// Distinguishes this table's stored column widths (one set per profile).
    pub table_salt: String,
    /// A host selected alone, to show below the table.
    pub focused: Option<String>,
    filter_error: Option<String>,
    order: Vec<usize>,
    order_key: Option<(u64, Sort<HostColumn>, HostFilter)>,
    farm: FarmSummary,
    shown: ShownTotals,
}

impl Default for HostsView {
    fn default() -> Self {
        Self {
            hosts: Remote::default(),
            sort: Sort::by(HostColumn::Name),
            filter: HostFilter::default(),
            selected: BTreeSet::new(),
            hidden: BTreeSet::new(),
            table_salt: String::new(),
            focused: None,
            filter_error: None,
            order: Vec::new(),
            order_key: None,
            farm: FarmSummary::default(),
            shown: ShownTotals::default(),
        }
    }
}

impl HostsView {
    /// A view laid out as `state` says (unknown keys are ignored).
    pub fn from_state(state: &HostsViewState) -> Self {
        Self {
            sort: Sort::from_saved(&state.sort_column, state.sort_descending, HostColumn::Name),
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
            hidden: state
                .hidden_columns
                .iter()
                .filter_map(|k| HostColumn::from_key(k))
                .filter(|c| *c != HostColumn::Name)
                .collect(),
            ..Self::default()
        }
    }

    /// The layout and filters to save (the procs sort is the host detail's).
    pub fn state(&self) -> HostsViewState {
        HostsViewState {
            sort_column: if self.sort.column == HostColumn::Name {
                String::new()
            } else {
                self.sort.column.key().to_owned()
            },
            sort_descending: !self.sort.ascending,
            hidden_columns: self.hidden.iter().map(|c| c.key().to_owned()).collect(),
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
        let key = (self.hosts.generation(), self.sort, self.filter.clone());
        if self.order_key.as_ref() == Some(&key) {
            return;
        }
        let data_changed = self.order_key.as_ref().is_none_or(|(g, _, _)| *g != key.0);
        let re = match self.filter.name_regex() {
            Ok(re) => {
                self.filter_error = None;
                re
            }
            Err(e) => {
                self.filter_error = Some(e);
                None
            }
        };
        let hosts: &[Host] = self.hosts.data().map_or(&[], Vec::as_slice);
        if data_changed {
            self.farm = FarmSummary::of(hosts, now_epoch());
        }
        let lower = self.filter.text.to_lowercase();
        let mut order: Vec<usize> = (0..hosts.len())
            .filter(|&i| self.filter.matches(&hosts[i], re.as_ref(), &lower))
            .collect();
        let sort = self.sort;
        // Stable: equal keys keep the gateway's order; names break ties after that.
        order.sort_by(|&a, &b| {
            sort.order(sort.column.compare(&hosts[a], &hosts[b]))
                .then_with(|| hosts[a].name.cmp(&hosts[b].name))
        });
        let mut shown = ShownTotals::default();
        for &i in &order {
            shown.add(&hosts[i]);
        }
        self.shown = shown;
        self.order = order;
        self.order_key = Some(key);
        if let Some(hosts) = self.hosts.data() {
            let ids: BTreeSet<&str> = hosts.iter().map(|h| h.id.as_str()).collect();
            self.selected.retain(|id| ids.contains(id.as_str()));
        }
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

    /// The hosts in display order (as of the last [`Self::update_order`]).
    pub fn visible(&self) -> impl Iterator<Item = &Host> {
        let hosts = self.hosts.data().map_or(&[][..], Vec::as_slice);
        self.order.iter().filter_map(move |&i| hosts.get(i))
    }

    /// The host with this id, shown or not.
    pub fn get(&self, id: &str) -> Option<&Host> {
        self.hosts.data()?.iter().find(|h| h.id == id)
    }

    /// How many shown hosts are selected.
    pub fn selected_count(&self) -> usize {
        self.visible()
            .filter(|h| self.selected.contains(&h.id))
            .count()
    }

    /// The selected hosts, in display order.
    pub fn selected_hosts(&self) -> Vec<Host> {
        self.visible()
            .filter(|h| self.selected.contains(&h.id))
            .cloned()
            .collect()
    }

    /// The columns shown, in order.
    pub fn visible_columns(&self) -> Vec<HostColumn> {
        HostColumn::ALL
            .into_iter()
            .filter(|c| !self.hidden.contains(c))
            .collect()
    }

    /// The filter row: name, allocation and tag filters, the columns menu.
    pub fn filter_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Filter");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.text)
                    .hint_text("host name")
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut self.filter.regex, "Regex");
            let allocs: Vec<(String, String)> = self
                .farm
                .allocs
                .iter()
                .map(|a| (a.clone(), a.clone()))
                .collect();
            table::multi_select(
                ui,
                "Allocation filter",
                "all allocations",
                &allocs,
                &mut self.filter.allocs,
            );
            let tags: Vec<(String, String)> = self
                .farm
                .tags
                .iter()
                .map(|t| (t.clone(), t.clone()))
                .collect();
            table::multi_select(ui, "Tag filter", "any tag", &tags, &mut self.filter.tags);
            table::columns_menu(ui, &mut self.hidden);
            if self.filter != HostFilter::default() && ui.button("Clear filters").clicked() {
                self.filter = HostFilter::default();
            }
        });
        if let Some(e) = self.filter_error() {
            ui.colored_label(theme::error(ui), e);
        }
    }

    /// The summary strip: hosts by state and by lock (click to filter), then what the hosts
    /// shown have in use.
    pub fn summary_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!(
                "Farm: {}",
                crate::text::plural(self.farm.hosts, "host")
            ));
            for (state, n) in self.farm.by_state.clone() {
                let on = self.filter.states.contains(&state);
                let text = format!("{} {n}", state_word(&state));
                if chip(ui, on, text, theme::host_state(&state))
                    .on_hover_text("Show only hosts in this state (click several to combine)")
                    .clicked()
                    && !self.filter.states.remove(&state)
                {
                    self.filter.states.insert(state);
                }
            }
            ui.separator();
            for (lock, n) in self.farm.by_lock.clone() {
                let on = self.filter.locks.contains(&lock);
                let text = format!("{} {n}", lock_word(&lock));
                if chip(ui, on, text, theme::lock_state(&lock))
                    .on_hover_text("Show only hosts with this lock (click several to combine)")
                    .clicked()
                    && !self.filter.locks.remove(&lock)
                {
                    self.filter.locks.insert(lock);
                }
            }
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

    /// Draws the table, scrolling sideways when it is wider than the window. Returns an action
    /// chosen from a row's right-click menu (for the selection).
    pub fn table_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<HostAction> {
        egui::ScrollArea::horizontal()
            .id_salt("hosts_sideways")
            .show(ui, |ui| self.table_inner_ui(ui, read_only))
            .inner
    }

    fn table_inner_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<HostAction> {
        self.update_order();
        let now = now_epoch();
        let row_height = ui.spacing().interact_size.y;
        ui.style_mut().interaction.selectable_labels = false;
        let mut clicked_header = None;
        let mut clicks = table::RowClicks::default();
        let mut menu_action = None;
        let columns = self.visible_columns();
        let table = table::builder(ui, ("hosts", &self.table_salt), &columns);
        let hosts = self.hosts.data().map_or(&[][..], Vec::as_slice);
        let order = &self.order;
        let selected = &self.selected;
        let sort = self.sort;
        table
            .header(row_height, |mut header| {
                clicked_header = table::header(&mut header, &columns, sort);
            })
            .body(|body| {
                body.rows(row_height, order.len(), |mut row| {
                    let Some(h) = order.get(row.index()).and_then(|&i| hosts.get(i)) else {
                        return;
                    };
                    row.set_selected(selected.contains(&h.id));
                    for &c in &columns {
                        row.col(|ui| cell_ui(ui, c, h, now));
                    }
                    let response = row.response();
                    clicks.record(&response, &h.id);
                    response.context_menu(|ui| {
                        for action in HostAction::ALL {
                            if ui
                                .add_enabled(!read_only, egui::Button::new(action.label()))
                                .clicked()
                            {
                                menu_action = Some(action);
                                ui.close();
                            }
                        }
                    });
                });
            });
        if let Some(c) = clicked_header {
            self.sort.click(c);
        }
        let single_click = clicks
            .clicked
            .as_ref()
            .filter(|(_, extend)| !extend)
            .map(|(id, _)| id.clone());
        clicks.apply(&mut self.selected);
        // A host clicked alone is shown below the table.
        if let Some(id) = single_click {
            self.focused = Some(id);
        }
        menu_action
    }
}

fn cell_ui(ui: &mut egui::Ui, column: HostColumn, h: &Host, now: i64) {
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

fn swatch(ui: &mut egui::Ui, colour: egui::Color32) {
    let size = ui.spacing().interact_size.y * 0.45;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

/// A toggle chip in a state's colour (filled when on).
fn chip(ui: &mut egui::Ui, on: bool, text: String, colour: egui::Color32) -> egui::Response {
    let text = egui::RichText::new(text).color(if on { egui::Color32::BLACK } else { colour });
    ui.add(
        egui::Button::selectable(on, text)
            .fill(if on {
                colour
            } else {
                egui::Color32::TRANSPARENT
            })
            .corner_radius(8.0),
    )
}

/// `12`, `12.5`: whole numbers without decimals.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.0}%", part / whole * 100.0)
    } else {
        "0%".to_owned()
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
        v.sort.click(HostColumn::Cores);
        v.sort.click(HostColumn::Cores);
        v.update_order();
        assert_eq!(
            names(&v),
            ["render03", "render01", "gpu01", "render02", "ws01"],
            "busiest first when descending; ties by name"
        );
        let h = host("x", HardwareState::Up, LockState::Open, 8.0);
        assert!(
            (load_percent(&h) - 50.0).abs() < 0.01,
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
        v.sort.click(HostColumn::Load);
        v.sort.click(HostColumn::Load);
        v.hidden.insert(HostColumn::Os);
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
            (back.sort, back.filter.clone(), back.hidden.clone()),
            (v.sort, v.filter.clone(), v.hidden.clone())
        );
    }

    #[test]
    fn selection_is_by_id_and_dropped_when_the_host_goes() {
        let mut v = farm();
        v.selected.insert("id-render02".into());
        v.selected.insert("id-render03".into());
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
