//! The layers table of a job: sortable, selection by id, a stacked progress bar per layer.

use std::cmp::Ordering;

use crate::api::types::Layer;
use crate::remote::Remote;
use crate::ui::frame_actions::LayerOp;
use crate::ui::table::{self, Sort, TableRow, TableState};
use crate::ui::widgets;

crate::ui::table::columns! {
    /// A column of the layers table.
    pub enum LayerColumn {
        /// Name.
        Name => "name", "Layer", 140.0;
        /// Render, util, post…
        Type => "type", "Type", 60.0;
        /// Services.
        Services => "services", "Services", 90.0;
        /// Frame range.
        Range => "range", "Range", 90.0;
        /// Minimum cores.
        Cores => "cores", "Cores", 40.0;
        /// Minimum memory.
        Memory => "memory", "Memory", 60.0;
        /// Tags.
        Tags => "tags", "Tags", 90.0;
        /// Stacked bar by frame state.
        Progress => "progress", "Progress", 120.0;
        /// Total frames.
        Total => "total", "Total", 40.0;
        /// Succeeded frames.
        Done => "done", "Done", 40.0;
        /// Running frames.
        Running => "running", "Run", 40.0;
        /// Frames waiting on dependencies.
        Depend => "depend", "Depend", 40.0;
        /// Waiting frames.
        Waiting => "waiting", "Wait", 40.0;
        /// Eaten frames.
        Eaten => "eaten", "Eaten", 40.0;
        /// Dead frames.
        Dead => "dead", "Dead", 40.0;
        /// Average frame time.
        AvgTime => "avg_time", "Avg time", 40.0;
        /// Highest frame time.
        HighTime => "high_time", "High time", 40.0;
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
            Self::Progress | Self::Done => a
                .layer_stats
                .done_fraction()
                .total_cmp(&b.layer_stats.done_fraction()),
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
                widgets::state_bar(ui, &l.layer_stats.state_counts(), w);
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
    /// Selects the layer named `name` alone (a node of the layer graph was clicked).
    pub fn select_by_name(&mut self, name: &str) {
        if let Some(l) = self
            .layers
            .data()
            .and_then(|all| all.iter().find(|l| l.name == name))
        {
            self.table.selected = std::iter::once(l.id.clone()).collect();
        }
    }

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
