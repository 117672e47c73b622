//! The layers table of a job: sortable, selection by id, a stacked progress bar per layer.

use std::cmp::Ordering;

use crate::api::types::{FrameState, Layer};
use crate::remote::Remote;
use crate::ui::frame_actions::LayerOp;
use crate::ui::table::{self, Sort, TableColumn, TableRow, TableState};
use crate::ui::widgets;

/// A column of the layers table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerColumn {
    /// Name.
    Name,
    /// Render, util, post…
    Type,
    /// Services.
    Services,
    /// Frame range.
    Range,
    /// Minimum cores.
    Cores,
    /// Minimum memory.
    Memory,
    /// Tags.
    Tags,
    /// Stacked bar by frame state.
    Progress,
    /// Total frames.
    Total,
    /// Succeeded frames.
    Done,
    /// Running frames.
    Running,
    /// Frames waiting on dependencies.
    Depend,
    /// Waiting frames.
    Waiting,
    /// Eaten frames.
    Eaten,
    /// Dead frames.
    Dead,
    /// Average frame time.
    AvgTime,
    /// Highest frame time.
    HighTime,
}

const ALL: [LayerColumn; 17] = [
    LayerColumn::Name,
    LayerColumn::Type,
    LayerColumn::Services,
    LayerColumn::Range,
    LayerColumn::Cores,
    LayerColumn::Memory,
    LayerColumn::Tags,
    LayerColumn::Progress,
    LayerColumn::Total,
    LayerColumn::Done,
    LayerColumn::Running,
    LayerColumn::Depend,
    LayerColumn::Waiting,
    LayerColumn::Eaten,
    LayerColumn::Dead,
    LayerColumn::AvgTime,
    LayerColumn::HighTime,
];

impl TableColumn for LayerColumn {
    fn all() -> &'static [Self] {
        &ALL
    }

    fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Type => "type",
            Self::Services => "services",
            Self::Range => "range",
            Self::Cores => "cores",
            Self::Memory => "memory",
            Self::Tags => "tags",
            Self::Progress => "progress",
            Self::Total => "total",
            Self::Done => "done",
            Self::Running => "running",
            Self::Depend => "depend",
            Self::Waiting => "waiting",
            Self::Eaten => "eaten",
            Self::Dead => "dead",
            Self::AvgTime => "avg_time",
            Self::HighTime => "high_time",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Name => "Layer",
            Self::Type => "Type",
            Self::Services => "Services",
            Self::Range => "Range",
            Self::Cores => "Cores",
            Self::Memory => "Memory",
            Self::Tags => "Tags",
            Self::Progress => "Progress",
            Self::Total => "Total",
            Self::Done => "Done",
            Self::Running => "Run",
            Self::Depend => "Depend",
            Self::Waiting => "Wait",
            Self::Eaten => "Eaten",
            Self::Dead => "Dead",
            Self::AvgTime => "Avg time",
            Self::HighTime => "High time",
        }
    }

    fn content_width(self) -> f32 {
        match self {
            Self::Name => 140.0,
            Self::Progress => 120.0,
            Self::Services | Self::Tags | Self::Range => 90.0,
            Self::Type | Self::Memory => 60.0,
            _ => 40.0,
        }
    }
}

impl LayerColumn {
    /// Orders two layers by this column.
    pub fn compare(self, a: &Layer, b: &Layer) -> Ordering {
        let (sa, sb) = (&a.layer_stats, &b.layer_stats);
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::Type => a.layer_type.as_str().cmp(b.layer_type.as_str()),
            Self::Services => a.services.cmp(&b.services),
            Self::Range => a.range.cmp(&b.range),
            Self::Cores => a.min_cores.total_cmp(&b.min_cores),
            Self::Memory => a.min_memory.cmp(&b.min_memory),
            Self::Tags => a.tags.cmp(&b.tags),
            Self::Progress | Self::Done => done_fraction(a).total_cmp(&done_fraction(b)),
            Self::Total => sa.total_frames.cmp(&sb.total_frames),
            Self::Running => sa.running_frames.cmp(&sb.running_frames),
            Self::Depend => sa.depend_frames.cmp(&sb.depend_frames),
            Self::Waiting => sa.waiting_frames.cmp(&sb.waiting_frames),
            Self::Eaten => sa.eaten_frames.cmp(&sb.eaten_frames),
            Self::Dead => sa.dead_frames.cmp(&sb.dead_frames),
            Self::AvgTime => sa.avg_frame_sec.cmp(&sb.avg_frame_sec),
            Self::HighTime => sa.high_frame_sec.cmp(&sb.high_frame_sec),
        }
    }
}

fn done_fraction(l: &Layer) -> f64 {
    let s = &l.layer_stats;
    if s.total_frames <= 0 {
        return 0.0;
    }
    f64::from(s.succeeded_frames + s.eaten_frames) / f64::from(s.total_frames)
}

/// The state counts of a layer, for its progress bar.
pub fn state_counts(l: &Layer) -> [(FrameState, i32); 6] {
    let s = &l.layer_stats;
    widgets::state_counts(
        s.succeeded_frames,
        s.running_frames,
        s.waiting_frames,
        s.depend_frames,
        s.dead_frames,
        s.eaten_frames,
    )
}

/// The layers view of one job.
pub struct LayersView {
    /// The layers.
    pub layers: Remote<Vec<Layer>>,
    /// Sort, selection by layer id, row order.
    pub table: TableState<LayerColumn>,
}

impl Default for LayersView {
    fn default() -> Self {
        Self {
            layers: Remote::default(),
            table: TableState::new(Sort::by(LayerColumn::Name)),
        }
    }
}

impl TableRow for Layer {
    type Column = LayerColumn;

    fn id(&self) -> &str {
        &self.id
    }

    fn compare(&self, other: &Self, column: LayerColumn, _now: i64) -> Ordering {
        column.compare(self, other)
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: LayerColumn, _now: i64) {
        let (l, s) = (self, &self.layer_stats);
        match column {
            LayerColumn::Name => {
                ui.label(&l.name);
            }
            LayerColumn::Type => {
                ui.label(l.layer_type.as_str().to_lowercase());
            }
            LayerColumn::Services => {
                ui.label(l.services.join(", "));
            }
            LayerColumn::Range => {
                ui.label(&l.range);
            }
            LayerColumn::Cores => {
                ui.label(format!("{}", l.min_cores));
            }
            LayerColumn::Memory => {
                ui.label(widgets::kb(l.min_memory));
            }
            LayerColumn::Tags => {
                ui.label(l.tags.join(" | "));
            }
            LayerColumn::Progress => {
                let w = ui.available_width();
                widgets::state_bar(ui, &state_counts(l), w);
            }
            LayerColumn::Total => table::count(ui, s.total_frames),
            LayerColumn::Done => table::count(ui, s.succeeded_frames),
            LayerColumn::Running => table::count(ui, s.running_frames),
            LayerColumn::Depend => table::count(ui, s.depend_frames),
            LayerColumn::Waiting => table::count(ui, s.waiting_frames),
            LayerColumn::Eaten => table::count(ui, s.eaten_frames),
            LayerColumn::Dead => table::count(ui, s.dead_frames),
            LayerColumn::AvgTime => {
                if s.avg_frame_sec > 0 {
                    ui.label(widgets::duration(i64::from(s.avg_frame_sec)));
                }
            }
            LayerColumn::HighTime => {
                if s.high_frame_sec > 0 {
                    ui.label(widgets::duration(i64::from(s.high_frame_sec)));
                }
            }
        }
    }
}

impl LayersView {
    fn update_order(&mut self) {
        // Stable: ties keep the gateway's (dispatch) order.
        self.table.update_order(
            self.layers.data().map_or(&[], Vec::as_slice),
            self.layers.data().is_some(),
            self.layers.generation(),
            &(),
            |_| true,
        );
    }

    /// The layer names, in the gateway's order (for the frame filter).
    pub fn names(&self) -> Vec<String> {
        self.layers
            .data()
            .map(|ls| ls.iter().map(|l| l.name.clone()).collect())
            .unwrap_or_default()
    }

    /// The selected layers, in display order.
    pub fn selected_layers(&mut self) -> Vec<Layer> {
        self.update_order();
        let layers = self.layers.data().map_or(&[][..], Vec::as_slice);
        self.table.selected_rows(layers)
    }

    /// Draws the table; returns an action chosen from a row's menu.
    pub fn table_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<LayerOp> {
        self.update_order();
        let layers = self.layers.data().map_or(&[][..], Vec::as_slice);
        let ops = LayerOp::ALL.map(|o| (o, o.label()));
        // Fill the detail panel, however few the rows (the panel keeps its size).
        self.table
            .ui(ui, "layers", layers, true, |ui, _| {
                table::menu_actions(ui, &ops, read_only)
            })
            .action
    }
}
