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

/// A count that reads as nothing when zero.
pub fn count(ui: &mut egui::Ui, n: i32) {
    if n > 0 {
        ui.label(n.to_string());
    } else {
        ui.weak("0");
    }
}
