//! Small widgets and formatting shared by the views.

use egui::{Rect, Sense, Ui, vec2};

use crate::api::types::FrameState;
use crate::ui::theme;

/// KB as a human size: `812 KB`, `3.0 MB`, `8.0 GB`, `5.6 TB`.
pub fn kb(kb: i64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let v = kb as f64;
    if v >= 1_073_741_824.0 {
        format!("{:.1} TB", v / 1_073_741_824.0)
    } else if v >= 1_048_576.0 {
        format!("{:.1} GB", v / 1_048_576.0)
    } else if v >= 1024.0 {
        format!("{:.1} MB", v / 1024.0)
    } else {
        format!("{kb} KB")
    }
}

/// Seconds as a short duration: `45s`, `12m`, `3h05m`, `2d04h`.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A bar split by frame state, in the state colours, with the counts in its tooltip.
pub fn state_bar(ui: &mut Ui, counts: &[(FrameState, i32)], width: f32) -> egui::Response {
    let height = ui.spacing().interact_size.y * 0.6;
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    let total: i32 = counts.iter().map(|(_, n)| (*n).max(0)).sum();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if total > 0 {
        let mut x = rect.left();
        for (state, n) in counts {
            if *n <= 0 {
                continue;
            }
            #[allow(clippy::cast_precision_loss)]
            let w = rect.width() * (*n as f32) / (total as f32);
            painter.rect_filled(
                Rect::from_min_size(egui::pos2(x, rect.top()), vec2(w, rect.height())),
                0.0,
                theme::frame_state(state),
            );
            x += w;
        }
    }
    let tip: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str().to_lowercase()))
        .collect();
    response.on_hover_text(if tip.is_empty() {
        "no frames".to_owned()
    } else {
        tip.join(", ")
    })
}

/// The mark of a job or host with comments: a small speech bubble; `hover` says where to read
/// them.
pub fn comment_flag(ui: &mut Ui, hover: &str) -> egui::Response {
    let h = ui.spacing().interact_size.y * 0.5;
    let (rect, response) = ui.allocate_exact_size(vec2(h * 1.4, h), Sense::hover());
    let colour = theme::comment(ui);
    let painter = ui.painter();
    let body = Rect::from_min_max(rect.min, egui::pos2(rect.max.x, rect.max.y - h * 0.25));
    painter.rect_filled(body, 2.0, colour);
    painter.add(egui::Shape::convex_polygon(
        vec![
            egui::pos2(body.left() + h * 0.3, body.bottom()),
            egui::pos2(body.left() + h * 0.7, body.bottom()),
            egui::pos2(body.left() + h * 0.3, rect.bottom()),
        ],
        colour,
        egui::Stroke::NONE,
    ));
    response.on_hover_text(hover)
}

/// A usage bar: `used` of `total` filled, the text drawn on it.
pub fn usage_bar(ui: &mut Ui, used: f64, total: f64, text: String) -> egui::Response {
    #[allow(clippy::cast_possible_truncation)]
    let fraction = if total > 0.0 {
        (used / total).clamp(0.0, 1.0) as f32
    } else {
        0.0
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .desired_width(ui.available_width())
            .desired_height(ui.spacing().interact_size.y * 0.8)
            .text(text),
    )
}

/// A frame state as a coloured swatch and its name, the same everywhere.
pub fn state_chip(ui: &mut Ui, state: &FrameState) {
    let size = ui.spacing().interact_size.y * 0.45;
    let (rect, _) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, theme::frame_state(state));
    ui.label(state.as_str());
}

/// Epoch seconds as local `MM-DD HH:MM:SS` (empty for no time).
pub fn local_time(epoch: i32) -> String {
    if epoch <= 0 {
        return String::new();
    }
    local(i64::from(epoch), "%m-%d %H:%M:%S").unwrap_or_default()
}

/// Epoch seconds as a local time of day, `14:02`, with the day before it when that is not
/// today: `11-29 14:02`.
pub fn short_time(epoch: i64) -> String {
    let today = local(crate::api::auth::now_epoch(), "%m-%d");
    match (local(epoch, "%m-%d"), today) {
        (Some(day), Some(today)) if day == today => local(epoch, "%H:%M").unwrap_or_default(),
        _ => local(epoch, "%m-%d %H:%M").unwrap_or_default(),
    }
}

/// Epoch seconds as local `2026-11-28 14:03:07` (the number itself when out of range).
pub fn local_date_time(epoch: i64) -> String {
    local(epoch, "%Y-%m-%d %H:%M:%S").unwrap_or_else(|| epoch.to_string())
}

fn local(epoch: i64, format: &str) -> Option<String> {
    jiff::Timestamp::from_second(epoch).ok().map(|t| {
        t.to_zoned(jiff::tz::TimeZone::system())
            .strftime(format)
            .to_string()
    })
}

/// True while a modal dialog is shown (as of the previous frame): keys then belong to it.
pub fn modal_open(ctx: &egui::Context) -> bool {
    ctx.memory(|m| m.top_modal_layer().is_some())
}

/// Something is on its way: an arc that turns an eighth at a time, four times a second. A
/// frame is asked for only at the next step (egui's spinner asks for every frame, which under
/// software rendering costs a core for as long as a slow gateway takes).
pub fn waiting_ui(ui: &mut Ui) -> egui::Response {
    const STEPS_PER_SEC: f64 = 4.0;
    let size = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    if ui.is_rect_visible(rect) {
        #[allow(clippy::cast_possible_truncation)]
        let step = (ui.input(|i| i.time) * STEPS_PER_SEC).floor() as i64;
        #[allow(clippy::cast_precision_loss)]
        let start = (step % 8) as f32 * std::f32::consts::FRAC_PI_4;
        let radius = rect.height() / 2.0 - 2.0;
        let points: Vec<egui::Pos2> = (0..=12)
            .map(|k| {
                #[allow(clippy::cast_precision_loss)]
                let a = start + k as f32 / 12.0 * std::f32::consts::PI * 1.5;
                rect.center() + radius * vec2(a.cos(), a.sin())
            })
            .collect();
        let stroke = egui::Stroke::new(2.0, ui.visuals().strong_text_color());
        ui.painter().add(egui::Shape::line(points, stroke));
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(1.0 / STEPS_PER_SEC));
    }
    response
}

/// "Loading jobs…" with a spinner, shown while a table has nothing yet.
pub fn loading_ui(ui: &mut egui::Ui, text: &str) {
    ui.horizontal(|ui| {
        waiting_ui(ui);
        ui.label(text);
    });
}

/// A toggle chip in a state's colour: filled when on, the text in the colour when off.
pub fn chip(ui: &mut Ui, on: bool, text: String, colour: egui::Color32) -> egui::Response {
    let text = egui::RichText::new(text).color(if on { theme::on_colour() } else { colour });
    ui.add(
        egui::Button::selectable(on, text)
            .fill(if on { colour } else { theme::NONE })
            .corner_radius(8.0),
    )
}

/// A chip that puts `value` in the filter `chosen` or takes it out (click several to combine).
pub fn filter_chip<T: Ord>(
    ui: &mut Ui,
    chosen: &mut std::collections::BTreeSet<T>,
    (value, text): (T, String),
    colour: egui::Color32,
    hover: &str,
) {
    let on = chosen.contains(&value);
    if chip(ui, on, text, colour).on_hover_text(hover).clicked() && !chosen.remove(&value) {
        chosen.insert(value);
    }
}

/// `text` as a label, or in the warning colour with `why` on hover when `warn` is true.
pub fn warn_label(ui: &mut Ui, text: String, warn: bool, why: &str) {
    if warn {
        ui.colored_label(crate::ui::theme::warning(ui), text)
            .on_hover_text(why);
    } else {
        ui.label(text);
    }
}

/// "Clear filters", shown while any filter differs from its default.
pub fn clear_filters<F: Default + PartialEq>(ui: &mut Ui, filter: &mut F) {
    if *filter != F::default() && ui.button("Clear filters").clicked() {
        *filter = F::default();
    }
}

/// The outcome of something the user did: a success in plain words, a failure in the error
/// colour, nothing when there is none yet.
pub fn outcome_line(ui: &mut Ui, outcome: Option<&Result<String, String>>) {
    match outcome {
        Some(Ok(text)) => {
            ui.label(text);
        }
        Some(Err(e)) => {
            ui.colored_label(crate::ui::theme::error(ui), e);
        }
        None => {}
    }
}

/// A line in the error colour, when there is an error to show.
pub fn error_line(ui: &mut Ui, error: Option<&str>) {
    if let Some(e) = error {
        ui.colored_label(crate::ui::theme::error(ui), e);
    }
}

/// A label and the one-line field it names (screen readers and tests find the field by it).
pub fn labelled_text(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    width: f32,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(label.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(kb(812), "812 KB");
        assert_eq!(kb(3 * 1024), "3.0 MB");
        assert_eq!(kb(8_388_608), "8.0 GB");
        assert_eq!(kb(6 * 1_073_741_824), "6.0 TB");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(3 * 3600 + 300), "3h05m");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d04h");
    }
}
