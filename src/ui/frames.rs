//! The frames table of a job: every frame, virtual rows, sortable on every column, filtered by
//! state chips (with live counts), layers, a frame range and text.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::api::framespec::FrameSet;
use crate::api::types::{Frame, FrameState};
use crate::frames::FrameSync;
use crate::text::contains_ignore_case;
use crate::ui::frame_actions::FrameOp;
use crate::ui::table::{self, Sort, TableState};
use crate::ui::{theme, widgets};

pub use crate::ui::columns::FrameColumn;

fn is_stuck(f: &Frame, minutes: u64, now: i64) -> bool {
    f.is_stuck(
        i64::try_from(minutes.saturating_mul(60)).unwrap_or(i64::MAX),
        now,
    )
}

/// The states offered as chips, in CueGUI's order.
pub const STATE_CHIPS: [FrameState; 7] = [
    FrameState::Running,
    FrameState::Dead,
    FrameState::Waiting,
    FrameState::Depend,
    FrameState::Succeeded,
    FrameState::Eaten,
    FrameState::Checkpoint,
];

/// Which frames the table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameFilter {
    /// Only these states (none: every state).
    pub states: BTreeSet<FrameState>,
    /// Only these layers (none: every layer).
    pub layers: BTreeSet<String>,
    /// A frame spec: `1-100`, `1-100x5`, `1,5,9`.
    pub range: String,
    /// Case-insensitive text in the frame name, host or exit status.
    pub text: String,
    /// Only running frames whose log has not been written for this many minutes (LLU).
    pub stuck: Option<u64>,
}

/// The frames view of one job.
pub struct FramesView {
    /// The frames and their refresh.
    pub sync: FrameSync,
    /// Sort, selection by frame id, row order.
    pub table: TableState<FrameColumn, FrameFilter>,
    /// Filter.
    pub filter: FrameFilter,
    order_built: Option<Instant>,
    range_error: Option<String>,
    counts: Vec<(FrameState, usize)>,
    counts_generation: Option<u64>,
    /// Running frames silent for longer than [`Self::stuck_minutes`], as of the last count.
    stuck_count: usize,
    /// A running frame whose log has not been written for this long is stuck.
    pub stuck_minutes: u64,
}

/// What the user asked of the frames table this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameCommand {
    /// Open this frame's log.
    OpenLog(String),
    /// Retry, eat or kill the selection.
    Act(FrameOp),
    /// Copy this frame's log path.
    CopyLogPath(String),
}

impl FramesView {
    /// An empty view of a job's frames.
    pub fn new(job_id: &str) -> Self {
        Self {
            sync: FrameSync::new(job_id),
            table: TableState::new(Sort::by(FrameColumn::Order)),
            filter: FrameFilter::default(),
            order_built: None,
            range_error: None,
            counts: Vec::new(),
            counts_generation: None,
            stuck_count: 0,
            stuck_minutes: 30,
        }
    }

    /// Rebuilds the row order if the data, sort or filter changed. While pages stream in, at
    /// most five times a second: a 100,000-frame load is not re-sorted a hundred times.
    pub fn update_order(&mut self) {
        let generation = self.sync.table().generation();
        if self.table.is_current(generation, &self.filter) {
            return;
        }
        if self.table.only_data_changed(&self.filter)
            && self.sync.loading_progress().is_some()
            && self
                .order_built
                .is_some_and(|t| t.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        let range = if self.filter.range.trim().is_empty() {
            self.range_error = None;
            None
        } else {
            match FrameSet::parse(&self.filter.range) {
                Ok(set) => {
                    self.range_error = None;
                    Some(set)
                }
                Err(e) => {
                    self.range_error = Some(format!("Frame range: {e}"));
                    None
                }
            }
        };
        let text = self.filter.text.trim().to_lowercase();
        let exit: Option<i32> = text.parse().ok();
        let now = crate::api::auth::now_epoch();
        let f = &self.filter;
        // The selection is checked against the frames once a load has ended.
        let complete = self.sync.is_loaded() && self.sync.loading_progress().is_none();
        // Stable: equal keys keep the gateway's (dispatch) order.
        self.table
            .update_order(self.sync.table().frames(), complete, generation, f, |fr| {
                (f.states.is_empty() || f.states.contains(&fr.state))
                    && (f.layers.is_empty() || f.layers.contains(&fr.layer_name))
                    && range.as_ref().is_none_or(|r| r.contains(fr.number))
                    && f.stuck.is_none_or(|m| is_stuck(fr, m, now))
                    && (text.is_empty()
                        || contains_ignore_case(&fr.name, &text)
                        || contains_ignore_case(&fr.last_resource, &text)
                        || exit == Some(fr.exit_status))
            });
        self.order_built = Some(Instant::now());
    }

    /// Frames per state, for the chips (recounted when the data changes).
    pub fn counts(&mut self) -> &[(FrameState, usize)] {
        let generation = self.sync.table().generation();
        if self.counts_generation != Some(generation) {
            let all = self.sync.table().counts();
            self.counts = STATE_CHIPS
                .iter()
                .map(|s| (s.clone(), all.get(s).copied().unwrap_or(0)))
                .collect();
            let now = crate::api::auth::now_epoch();
            self.stuck_count = self
                .sync
                .table()
                .frames()
                .iter()
                .filter(|f| is_stuck(f, self.stuck_minutes, now))
                .count();
            self.counts_generation = Some(generation);
        }
        &self.counts
    }

    /// Why the range filter is not used.
    pub fn range_error(&self) -> Option<&str> {
        self.range_error.as_deref()
    }

    /// The frames shown, in display order.
    pub fn visible(&self) -> impl Iterator<Item = &Frame> {
        self.table.visible(self.sync.table().frames())
    }

    /// How many frames are shown (as of the last [`Self::update_order`]).
    pub fn visible_count(&self) -> usize {
        self.table.shown()
    }

    /// Selects every dead frame (of the whole job, not only those shown).
    pub fn select_all_dead(&mut self) {
        self.table.selected = self
            .sync
            .table()
            .frames()
            .iter()
            .filter(|f| f.state == FrameState::Dead)
            .map(|f| f.id.clone())
            .collect();
    }

    /// The selected frames, in display order.
    pub fn selected_frames(&self) -> Vec<Frame> {
        self.table.selected_rows(self.sync.table().frames())
    }

    /// The state chips and the other filters.
    pub fn filter_ui(&mut self, ui: &mut egui::Ui, layer_names: &[String]) {
        ui.horizontal_wrapped(|ui| {
            let counts = self.counts().to_vec();
            for (state, n) in counts {
                let text = format!("{} {n}", state.as_str().to_lowercase());
                let colour = theme::frame_state(&state);
                let hover = "Show only frames in this state (click several to combine)";
                widgets::filter_chip(ui, &mut self.filter.states, (state, text), colour, hover);
            }
            let mut stuck = self.filter.stuck.is_some();
            let hover = format!(
                "Running frames whose log has not been written for {} minutes or more (LLU), as CueWeb's Stuck Frames",
                self.stuck_minutes
            );
            if ui
                .toggle_value(&mut stuck, format!("stuck {}", self.stuck_count))
                .on_hover_text(hover)
                .changed()
            {
                self.filter.stuck = stuck.then_some(self.stuck_minutes);
            }
            ui.separator();
            table::multi_select_names(
                ui,
                "Layer filter",
                "all layers",
                layer_names,
                &mut self.filter.layers,
            );
            widgets::labelled_text(ui, "Range", &mut self.filter.range, "1-100x5", 80.0);
            let hint = "frame, host, exit";
            widgets::labelled_text(ui, "Find", &mut self.filter.text, hint, 120.0);
            widgets::clear_filters(ui, &mut self.filter);
        });
        widgets::error_line(ui, self.range_error());
    }

    /// Draws the table. Returns what the user asked for (open a log, an action).
    pub fn table_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<FrameCommand> {
        self.update_order();
        let frames = self.sync.table().frames();
        // Fill the detail panel, however few the rows (the panel keeps its size).
        let response = self.table.ui(ui, "frames", frames, true, |ui, f| {
            if ui.button("View log").clicked() {
                return Some(FrameCommand::OpenLog(f.id.clone()));
            }
            if ui.button("Copy log path").clicked() {
                return Some(FrameCommand::CopyLogPath(f.id.clone()));
            }
            ui.separator();
            let ops = FrameOp::ALL.map(|o| (o, o.label()));
            table::menu_actions(ui, &ops, read_only).map(FrameCommand::Act)
        });
        response
            .opened
            .map(FrameCommand::OpenLog)
            .or(response.action)
    }
}

/// Draws a frame's cell in `column`.
pub(crate) fn cell_ui(ui: &mut egui::Ui, c: FrameColumn, f: &Frame, now: i64) {
    match c {
        FrameColumn::Order => {
            ui.weak(f.dispatch_order.to_string());
        }
        FrameColumn::Frame => {
            ui.label(f.number.to_string());
        }
        FrameColumn::Layer => {
            ui.label(&f.layer_name);
        }
        FrameColumn::State => {
            widgets::state_chip(ui, &f.state);
        }
        FrameColumn::Host => {
            ui.label(&f.last_resource);
        }
        FrameColumn::Retries => table::count(ui, f.retry_count),
        FrameColumn::Exit => {
            if f.exit_status > 0 {
                ui.colored_label(theme::error(ui), f.exit_status.to_string());
            } else if f.exit_status == 0 {
                ui.label("0");
            }
        }
        FrameColumn::Start => {
            ui.label(widgets::local_time(f.start_time));
        }
        FrameColumn::Stop => {
            ui.label(widgets::local_time(f.stop_time));
        }
        FrameColumn::Runtime => {
            if f.start_time > 0 {
                ui.label(widgets::duration(f.run_secs(now)));
            }
        }
        FrameColumn::Llu => {
            if let Some(s) = f.llu_secs(now) {
                ui.label(widgets::duration(s));
            }
        }
        FrameColumn::Memory => {
            if f.used_memory > 0 {
                ui.label(widgets::kb(f.used_memory));
            }
        }
        FrameColumn::MaxRss => {
            if f.max_rss > 0 {
                ui.label(widgets::kb(f.max_rss));
            }
        }
        FrameColumn::Checkpoint => {
            ui.weak(f.checkpoint_state.as_str().to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::FrameTable;

    fn frame(n: i32, layer: &str, state: FrameState) -> Frame {
        Frame {
            id: format!("{n}-{layer}"),
            name: format!("{n:04}-{layer}"),
            layer_name: layer.into(),
            number: n,
            dispatch_order: n,
            state,
            ..Frame::default()
        }
    }

    fn view(frames: Vec<Frame>) -> FramesView {
        let mut v = FramesView::new("job");
        v.sync = FrameSync::with_table(FrameTable::from_frames(frames));
        v
    }

    fn shown(v: &FramesView) -> Vec<String> {
        v.visible().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn filters_combine_and_sorting_is_stable() {
        let mut v = view(vec![
            frame(1, "comp", FrameState::Dead),
            frame(2, "comp", FrameState::Succeeded),
            frame(3, "comp", FrameState::Dead),
            frame(1, "beauty", FrameState::Dead),
            frame(5, "beauty", FrameState::Waiting),
        ]);
        v.update_order();
        assert_eq!(shown(&v).len(), 5);
        v.filter.states.insert(FrameState::Dead);
        v.update_order();
        assert_eq!(shown(&v), ["1-comp", "1-beauty", "3-comp"]);
        v.filter.layers.insert("comp".into());
        v.filter.range = "1-3x2".into();
        v.update_order();
        assert_eq!(shown(&v), ["1-comp", "3-comp"]);
        v.filter.range = "x".into();
        v.update_order();
        assert!(v.range_error().is_some(), "a bad range says so");
        v.filter = FrameFilter::default();
        v.table.sort.click(FrameColumn::State);
        v.update_order();
        // DEAD < SUCCEEDED < WAITING, ties in the gateway's order.
        assert_eq!(
            shown(&v),
            ["1-comp", "3-comp", "1-beauty", "2-comp", "5-beauty"]
        );
        let counts = v.counts().to_vec();
        assert!(counts.contains(&(FrameState::Dead, 3)));
        v.select_all_dead();
        assert_eq!(v.table.selected.len(), 3);
    }
}
