//! The layers table of a job: sortable, selection by id, a stacked progress bar per layer.

use crate::api::types::Layer;
use crate::remote::Remote;
use crate::ui::frame_actions::LayerOp;
use crate::ui::table::{self, TableState};
use crate::ui::widgets;

pub use crate::ui::columns::LayerColumn;

/// The layers view of one job.
#[derive(Default)]
pub struct LayersView {
    /// The layers.
    pub layers: Remote<Vec<Layer>>,
    /// Sort, selection by layer id, row order.
    pub table: TableState<LayerColumn>,
}

/// Draws a layer's cell in `column`.
pub(crate) fn cell_ui(ui: &mut egui::Ui, column: LayerColumn, l: &Layer, _now: i64) {
    let s = &l.layer_stats;
    let time = |secs: i32| (secs > 0).then(|| widgets::duration(i64::from(secs)));
    let text = match column {
        LayerColumn::Name => Some(l.name.clone()),
        LayerColumn::Type => Some(l.layer_type.as_str().to_lowercase()),
        LayerColumn::Services => Some(l.services.join(", ")),
        LayerColumn::Range => Some(l.range.clone()),
        LayerColumn::Cores => Some(format!("{}", l.min_cores)),
        LayerColumn::Memory => Some(widgets::kb(l.min_memory)),
        LayerColumn::Tags => Some(l.tags.join(" | ")),
        LayerColumn::AvgTime => time(s.avg_frame_sec),
        LayerColumn::HighTime => time(s.high_frame_sec),
        LayerColumn::Progress => {
            let w = ui.available_width();
            widgets::state_bar(ui, &s.state_counts(), w);
            None
        }
        LayerColumn::Total => return table::count(ui, s.total_frames),
        LayerColumn::Done => return table::count(ui, s.succeeded_frames),
        LayerColumn::Running => return table::count(ui, s.running_frames),
        LayerColumn::Depend => return table::count(ui, s.depend_frames),
        LayerColumn::Waiting => return table::count(ui, s.waiting_frames),
        LayerColumn::Eaten => return table::count(ui, s.eaten_frames),
        LayerColumn::Dead => return table::count(ui, s.dead_frames),
    };
    if let Some(text) = text {
        ui.label(text);
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
