//! The layers of a job as a graph: a node per layer, coloured by where its frames are (dead,
//! running, waiting on a dependency, waiting, done), and an arrow from each layer to the
//! layers that wait on it. Layers are laid out in columns by how many layers they wait on
//! behind them. A node is a button: clicking it selects that layer.

use std::collections::HashMap;

use crate::api::types::{Depend, FrameState, Layer};
use crate::ui::theme;

const NODE: egui::Vec2 = egui::vec2(170.0, 40.0);
const GAP: egui::Vec2 = egui::vec2(70.0, 16.0);

/// The state a layer's node is coloured by: the one that needs looking at first.
pub fn layer_state(layer: &Layer) -> FrameState {
    let s = &layer.layer_stats;
    if s.dead_frames > 0 {
        FrameState::Dead
    } else if s.running_frames > 0 {
        FrameState::Running
    } else if s.depend_frames > 0 {
        FrameState::Depend
    } else if s.waiting_frames > 0 {
        FrameState::Waiting
    } else if s.total_frames > 0 && s.eaten_frames == s.total_frames {
        FrameState::Eaten
    } else {
        FrameState::Succeeded
    }
}

/// The edges among `layers`: (waited on, waiting), by index, from the dependencies whose both
/// ends are layers of this job.
pub fn edges(layers: &[Layer], depends: &[Depend]) -> Vec<(usize, usize)> {
    let index: HashMap<&str, usize> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.as_str(), i))
        .collect();
    let mut out: Vec<(usize, usize)> = depends
        .iter()
        .filter(|d| d.depend_er_job == d.depend_on_job || d.depend_on_job.is_empty())
        .filter_map(|d| {
            let on = *index.get(d.depend_on_layer.as_str())?;
            let er = *index.get(d.depend_er_layer.as_str())?;
            (on != er).then_some((on, er))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Each layer's column: 0 for a layer that waits on nothing, else one more than the deepest
/// layer it waits on (a cycle, which Cuebot refuses, stops at the layer count).
pub fn columns(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut column = vec![0; count];
    for _ in 0..count {
        let mut changed = false;
        for &(on, er) in edges {
            if column[er] < column[on] + 1 && column[on] + 1 < count.max(1) {
                column[er] = column[on] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    column
}

/// Draws the graph. Returns the name of the layer whose node was clicked.
pub fn ui(ui: &mut egui::Ui, layers: &[Layer], depends: &[Depend]) -> Option<String> {
    if layers.is_empty() {
        return None;
    }
    let edges = edges(layers, depends);
    let column = columns(layers.len(), &edges);
    let mut row_in_column: HashMap<usize, usize> = HashMap::new();
    let cells: Vec<(usize, usize)> = column
        .iter()
        .map(|&c| {
            let r = row_in_column.entry(c).or_default();
            *r += 1;
            (c, *r - 1)
        })
        .collect();
    let columns_used = column.iter().max().map_or(1, |m| m + 1);
    let rows_used = row_in_column.values().max().copied().unwrap_or(1);
    let size = egui::vec2(
        columns_used as f32 * (NODE.x + GAP.x),
        rows_used as f32 * (NODE.y + GAP.y),
    );
    let mut clicked = None;
    egui::ScrollArea::horizontal()
        .id_salt("layer_graph")
        .show(ui, |ui| {
            let (area, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let rect_of = |i: usize| {
                let (c, r) = cells[i];
                egui::Rect::from_min_size(
                    area.min + egui::vec2(c as f32 * (NODE.x + GAP.x), r as f32 * (NODE.y + GAP.y)),
                    NODE,
                )
            };
            let stroke = egui::Stroke::new(1.5, ui.visuals().weak_text_color());
            for &(on, er) in &edges {
                let (from, to) = (rect_of(on), rect_of(er));
                let start = from.right_center();
                let end = to.left_center();
                ui.painter().line_segment([start, end], stroke);
                // An arrowhead at the layer that waits.
                let dir = (end - start).normalized();
                let side = egui::vec2(-dir.y, dir.x) * 5.0;
                let back = end - dir * 9.0;
                ui.painter().add(egui::Shape::convex_polygon(
                    vec![end, back + side, back - side],
                    stroke.color,
                    egui::Stroke::NONE,
                ));
            }
            for (i, layer) in layers.iter().enumerate() {
                let state = layer_state(layer);
                let s = &layer.layer_stats;
                let text = egui::RichText::new(format!(
                    "{}\n{}/{} done",
                    layer.name, s.succeeded_frames, s.total_frames
                ))
                .color(theme::on_colour());
                let button = egui::Button::new(text).fill(theme::frame_state(&state));
                let response = ui.put(rect_of(i), button).on_hover_text(format!(
                    "{}: {} — click to select it in the layers table",
                    layer.name,
                    state.as_str().to_lowercase()
                ));
                if response.clicked() {
                    clicked = Some(layer.name.clone());
                }
            }
        });
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{DependType, LayerStats};

    fn layer(name: &str) -> Layer {
        Layer {
            name: name.into(),
            ..Layer::default()
        }
    }

    fn depend(er: &str, on: &str) -> Depend {
        Depend {
            depend_type: DependType::FrameByFrame,
            depend_er_job: "j".into(),
            depend_on_job: "j".into(),
            depend_er_layer: er.into(),
            depend_on_layer: on.into(),
            ..Depend::default()
        }
    }

    #[test]
    fn layers_are_placed_after_what_they_wait_on() {
        let layers = [layer("sim"), layer("render"), layer("comp"), layer("alone")];
        let deps = [
            depend("render", "sim"),
            depend("comp", "render"),
            depend("comp", "sim"),
            // Another job's layer is not an edge of this graph.
            Depend {
                depend_on_job: "other".into(),
                ..depend("alone", "sim")
            },
        ];
        let e = edges(&layers, &deps);
        assert_eq!(e, [(0, 1), (0, 2), (1, 2)]);
        assert_eq!(columns(layers.len(), &e), [0, 1, 2, 0]);
        // A cycle does not loop forever.
        assert_eq!(columns(2, &[(0, 1), (1, 0)]).len(), 2);
    }

    #[test]
    fn a_node_is_coloured_by_what_needs_looking_at_first() {
        let mut l = layer("comp");
        l.layer_stats = LayerStats {
            total_frames: 10,
            succeeded_frames: 5,
            running_frames: 2,
            dead_frames: 1,
            ..LayerStats::default()
        };
        assert_eq!(layer_state(&l), FrameState::Dead);
        l.layer_stats.dead_frames = 0;
        assert_eq!(layer_state(&l), FrameState::Running);
        l.layer_stats = LayerStats {
            total_frames: 3,
            succeeded_frames: 3,
            ..LayerStats::default()
        };
        assert_eq!(layer_state(&l), FrameState::Succeeded);
    }
}
