//! What the sortable tables share: a column trait, the sort state, the clickable header, and
//! click-to-select by id.

use std::collections::BTreeSet;

use egui::RichText;

/// A column of a sortable table.
pub trait TableColumn: Copy + Eq + std::fmt::Debug + 'static {
    /// Every column, in display order.
    fn all() -> &'static [Self];
    /// A stable key for saving.
    fn key(self) -> &'static str;
    /// Header text.
    fn title(self) -> &'static str;
    /// Width of the content, before the title is taken into account.
    fn content_width(self) -> f32;

    /// Wide enough for the content and for the title with its sort arrow.
    fn initial_width(self) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let title = self.title().len() as f32 * 7.5 + 20.0;
        self.content_width().max(title)
    }

    /// The column with this key.
    fn from_key(key: &str) -> Option<Self> {
        Self::all().iter().copied().find(|c| c.key() == key)
    }
}

/// Sort column and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    /// The column sorted on.
    pub column: C,
    /// Ascending or descending.
    pub ascending: bool,
}

impl<C: TableColumn> Sort<C> {
    /// Ascending on `column`.
    pub fn by(column: C) -> Self {
        Self {
            column,
            ascending: true,
        }
    }

    /// Clicking a header sorts by it; clicking it again reverses.
    pub fn click(&mut self, column: C) {
        if self.column == column {
            self.ascending = !self.ascending;
        } else {
            *self = Self::by(column);
        }
    }

    /// From saved keys (unknown keys give `default`).
    pub fn from_saved(column: &str, descending: bool, default: C) -> Self {
        Self {
            column: C::from_key(column).unwrap_or(default),
            ascending: !descending,
        }
    }

    /// Applies the direction to an ascending comparison.
    pub fn order(self, o: std::cmp::Ordering) -> std::cmp::Ordering {
        if self.ascending { o } else { o.reverse() }
    }
}

/// A sortable table as every view draws it: striped, resizable, rows that sense clicks,
/// cells centred vertically, one clipped, resizable column per entry of `columns`.
pub fn builder<'a, C: TableColumn>(
    ui: &'a mut egui::Ui,
    id_salt: impl egui::AsIdSalt,
    columns: &[C],
) -> egui_extras::TableBuilder<'a> {
    let mut table = egui_extras::TableBuilder::new(ui)
        .id_salt(id_salt)
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for c in columns {
        table = table.column(
            egui_extras::Column::initial(c.initial_width())
                .at_least(30.0)
                .clip(true),
        );
    }
    table
}

/// Draws the header cells; returns the column whose title was clicked.
pub fn header<C: TableColumn>(
    header: &mut egui_extras::TableRow<'_, '_>,
    columns: &[C],
    sort: Sort<C>,
) -> Option<C> {
    let mut clicked = None;
    for &c in columns {
        header.col(|ui| {
            let arrow = match (sort.column == c, sort.ascending) {
                (true, true) => " ^",
                (true, false) => " v",
                (false, _) => "",
            };
            if ui
                .add(
                    egui::Button::new(RichText::new(format!("{}{arrow}", c.title())).strong())
                        .frame(false),
                )
                .on_hover_text("Sort; click again to reverse")
                .clicked()
            {
                clicked = Some(c);
            }
        });
    }
    clicked
}

/// A click on a row: alone it selects the row, with Ctrl/Cmd or Shift it toggles it.
pub fn click_select(selected: &mut BTreeSet<String>, id: String, extend: bool) {
    if !extend {
        selected.clear();
        selected.insert(id);
    } else if !selected.remove(&id) {
        selected.insert(id);
    }
}

/// What happened to a table's rows this frame, by row id.
#[derive(Debug, Default)]
pub struct RowClicks {
    /// A row clicked, and whether Ctrl/Cmd or Shift was held.
    pub clicked: Option<(String, bool)>,
    /// A row right-clicked.
    pub menu: Option<String>,
}

impl RowClicks {
    /// Records the clicks on a row.
    pub fn record(&mut self, response: &egui::Response, id: &str) {
        if response.clicked() {
            let extend = response
                .ctx
                .input(|i| i.modifiers.command || i.modifiers.shift);
            self.clicked = Some((id.to_owned(), extend));
        }
        if response.secondary_clicked() {
            self.menu = Some(id.to_owned());
        }
    }

    /// Applies them: a click selects; right-clicking outside the selection selects that row
    /// alone (its menu acts on it).
    pub fn apply(self, selected: &mut BTreeSet<String>) {
        if let Some((id, extend)) = self.clicked {
            click_select(selected, id, extend);
        }
        if let Some(id) = self.menu
            && !selected.contains(&id)
        {
            selected.clear();
            selected.insert(id);
        }
    }
}

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

/// A count that reads as nothing when zero.
pub fn count(ui: &mut egui::Ui, n: i32) {
    if n > 0 {
        ui.label(n.to_string());
    } else {
        ui.weak("0");
    }
}

/// The keys every table's toolbar answers to (F5 is the window's).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TableKeys {
    /// Ctrl+A: select every row shown.
    pub select_all: bool,
    /// Esc: select nothing.
    pub clear: bool,
    /// Delete: the table's destructive action (kill), which asks first.
    pub delete: bool,
}

impl TableKeys {
    /// Takes the keys pressed this frame, unless a text field has the keyboard or a dialog is
    /// open.
    pub fn read(ui: &egui::Ui) -> Self {
        if ui.ctx().egui_wants_keyboard_input() || crate::ui::widgets::modal_open(ui.ctx()) {
            return Self::default();
        }
        ui.input_mut(|i| Self {
            select_all: i.consume_key(egui::Modifiers::COMMAND, egui::Key::A),
            clear: i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
            delete: i.consume_key(egui::Modifiers::NONE, egui::Key::Delete),
        })
    }
}
