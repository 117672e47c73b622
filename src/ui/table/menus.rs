//! The toolbar and menu pieces the tables share: action buttons, the "More" and "Columns"
//! menus, multi-select filters, counts.

use std::collections::BTreeSet;

use super::TableColumn;

/// A row of action buttons (label, and what it does for the tooltip when not empty), enabled
/// when something is selected and the profile may change things. Returns the one clicked.
pub fn action_buttons<A: Copy>(
    ui: &mut egui::Ui,
    actions: &[(A, &str, &str)],
    selected: usize,
    read_only: bool,
    what: &str,
) -> Option<A> {
    let mut chosen = None;
    for &(action, label, hover) in actions {
        let disabled = if read_only {
            "This profile is read-only".to_owned()
        } else {
            format!("Select {what} first")
        };
        let mut button = ui
            .add_enabled(selected > 0 && !read_only, egui::Button::new(label))
            .on_disabled_hover_text(disabled);
        if !hover.is_empty() {
            button = button.on_hover_text(hover);
        }
        if button.clicked() {
            chosen = Some(action);
        }
    }
    chosen
}

/// The toolbar's "More" menu, for the actions a toolbar has no room for: `add` fills it and
/// returns what was chosen.
pub fn more_menu<R: Default>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    // Always open: its entries say what they need (a selection, a profile that may change
    // things). A disabled scope around it would not wrap with the toolbar.
    ui.menu_button("More", add).inner.unwrap_or_default()
}

/// The "Columns" menu: a checkbox for each column but the first, which cannot be hidden.
pub fn columns_menu<C: TableColumn + Ord>(ui: &mut egui::Ui, hidden: &mut BTreeSet<C>) {
    ui.menu_button("Columns", |ui| {
        for &c in C::all().iter().skip(1) {
            let mut shown = !hidden.contains(&c);
            if ui.checkbox(&mut shown, c.title()).changed() {
                if shown {
                    hidden.remove(&c);
                } else {
                    hidden.insert(c);
                }
            }
        }
    });
}

/// A drop-down of checkboxes named `label`; nothing ticked means no filter (`any_text`).
pub fn multi_select<T: Ord + Clone>(
    ui: &mut egui::Ui,
    label: &str,
    any_text: &str,
    options: &[(T, String)],
    chosen: &mut BTreeSet<T>,
) {
    let text = match chosen.len() {
        0 => any_text.to_owned(),
        1 => options
            .iter()
            .find(|(v, _)| chosen.contains(v))
            .map_or_else(|| "1 chosen".to_owned(), |(_, t)| t.clone()),
        n => format!("{n} chosen"),
    };
    egui::ComboBox::new(label, label)
        .selected_text(text)
        .show_ui(ui, |ui| {
            for (value, text) in options {
                let mut on = chosen.contains(value);
                if ui.checkbox(&mut on, text).changed() {
                    if on {
                        chosen.insert(value.clone());
                    } else {
                        chosen.remove(value);
                    }
                }
            }
        });
}

/// [`multi_select`] over names shown as they are (allocations, tags, layers).
pub fn multi_select_names(
    ui: &mut egui::Ui,
    label: &str,
    any_text: &str,
    names: &[String],
    chosen: &mut BTreeSet<String>,
) {
    let options: Vec<(String, String)> = names.iter().map(|n| (n.clone(), n.clone())).collect();
    multi_select(ui, label, any_text, &options, chosen);
}

/// A count that reads as nothing when zero.
pub fn count(ui: &mut egui::Ui, n: i32) {
    if n > 0 {
        ui.label(n.to_string());
    } else {
        ui.weak("0");
    }
}

/// Menu entries for `actions` (label each), enabled unless `read_only`. Returns the one clicked.
pub fn menu_actions<A: Copy>(
    ui: &mut egui::Ui,
    actions: &[(A, &str)],
    read_only: bool,
) -> Option<A> {
    let mut chosen = None;
    for &(action, label) in actions {
        if ui
            .add_enabled(!read_only, egui::Button::new(label))
            .clicked()
        {
            chosen = Some(action);
        }
    }
    chosen
}
