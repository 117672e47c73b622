//! What the sortable tables share: a column trait, the sort state, the clickable header, and
//! click-to-select by id.

use std::collections::BTreeSet;

use egui::RichText;

mod menus;

pub use menus::*;

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
/// cells centred vertically, a narrow star column first if `star`, one resizable column per
/// entry of `columns`.
///
/// Cells are not clipped: their text is cut short with "…" instead ([`fit_cell`]). A clipped
/// cell is a clip rectangle of its own, so one draw call per cell: under software rendering
/// (VMs, remote desktops) that made each frame of a full table cost three times as much.
pub fn builder<'a, C: TableColumn>(
    ui: &'a mut egui::Ui,
    id_salt: impl egui::AsIdSalt,
    star: bool,
    columns: &[C],
) -> egui_extras::TableBuilder<'a> {
    let mut table = egui_extras::TableBuilder::new(ui)
        .id_salt(id_salt)
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    if star {
        table = table.column(egui_extras::Column::exact(22.0).resizable(false));
    }
    for c in columns {
        table = table.column(
            egui_extras::Column::initial(c.initial_width())
                .at_least(30.0)
                .clip(false),
        );
    }
    table
}

/// Text in a cell is cut short with "…" at the cell's edge (except while egui measures the
/// columns' natural widths).
pub fn fit_cell(ui: &mut egui::Ui) {
    if !ui.is_sizing_pass() {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
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
            fit_cell(ui);
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

/// How a column orders the rows of type `R` (the columns are in [`crate::ui::columns`]).
pub trait SortBy<R> {
    /// Orders two rows by this column, ascending; `now` (epoch seconds) for columns of elapsed
    /// time.
    fn compare(self, a: &R, b: &R, now: i64) -> std::cmp::Ordering;
}

/// A row a table shows: its id (selection is kept by id, across refreshes and re-sorts), its
/// columns (which say how it sorts), and how it draws a cell.
pub trait TableRow: Sized {
    /// The table's columns.
    type Column: TableColumn + SortBy<Self>;

    /// The row's stable id.
    fn id(&self) -> &str;

    /// What the row is called, for screen readers (the id unless the row has a name).
    fn name(&self) -> &str {
        self.id()
    }

    /// Orders rows the sort finds equal, whatever its direction (none: the gateway's order).
    fn tie_break(&self, _other: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }

    /// Draws this row's cell in `column`; `now` is the epoch second the frame is drawn at.
    fn cell_ui(&self, ui: &mut egui::Ui, column: Self::Column, now: i64);
}

/// What a table's rows asked for this frame.
#[derive(Debug)]
pub struct TableResponse<A> {
    /// An action chosen from a row's right-click menu (for the selection).
    pub action: Option<A>,
    /// The id of a row double-clicked.
    pub opened: Option<String>,
    /// The id of a row clicked alone (no Ctrl/Cmd or Shift).
    pub clicked: Option<String>,
    /// The id of a row whose star was clicked (tables drawn with [`TableState::ui_starred`]).
    pub starred: Option<String>,
}

/// The star a table draws in front of each row (see [`TableState::ui_starred`]).
pub struct Stars<'a> {
    /// True for the rows starred.
    pub is_starred: &'a dyn Fn(&str) -> bool,
    /// The star's hover text: starred, not starred.
    pub hover: (&'a str, &'a str),
    /// What a click does, before the row's name (for screen readers): starred, not starred.
    pub verbs: (&'a str, &'a str),
}

/// The state every table keeps: sort, selection by id, hidden columns, the cached display
/// order (rebuilt only when the data, the sort or the filter `F` change) and the salt that
/// keeps its column widths apart per profile.
#[derive(Debug, Clone)]
pub struct TableState<C, F = ()> {
    /// Sort column and direction.
    pub sort: Sort<C>,
    /// Selected row ids.
    pub selected: BTreeSet<String>,
    /// Columns the user hid.
    pub hidden: BTreeSet<C>,
    /// Distinguishes the stored column widths (one set per profile).
    pub salt: String,
    /// A row to scroll to once it is shown.
    pub scroll_to: Option<String>,
    order: Vec<usize>,
    key: Option<(u64, Sort<C>, F)>,
}

/// A table sorted ascending by its first column.
impl<C: TableColumn + Ord, F: Clone + PartialEq> Default for TableState<C, F> {
    fn default() -> Self {
        Self::new(Sort::by(C::all()[0]))
    }
}

impl<C: TableColumn + Ord, F: Clone + PartialEq> TableState<C, F> {
    /// A table sorted ascending by `column`.
    pub fn new(sort: Sort<C>) -> Self {
        Self {
            sort,
            selected: BTreeSet::new(),
            hidden: BTreeSet::new(),
            salt: String::new(),
            scroll_to: None,
            order: Vec::new(),
            key: None,
        }
    }

    /// A table laid out as a profile saved it: sort key (empty or unknown: the first column),
    /// direction, hidden columns (unknown keys ignored; the first column cannot be hidden).
    pub fn from_saved(sort_key: &str, descending: bool, hidden: &[String]) -> Self {
        let first = C::all()[0];
        let mut table = Self::new(Sort::from_saved(sort_key, descending, first));
        table.hidden = hidden
            .iter()
            .filter_map(|k| C::from_key(k))
            .filter(|c| *c != first)
            .collect();
        table
    }

    /// The layout as a profile saves it: sort key (empty for the first column), descending,
    /// hidden column keys.
    pub fn saved_layout(&self) -> (String, bool, Vec<String>) {
        let key = if self.sort.column == C::all()[0] {
            String::new()
        } else {
            self.sort.column.key().to_owned()
        };
        let hidden = self.hidden.iter().map(|c| c.key().to_owned()).collect();
        (key, !self.sort.ascending, hidden)
    }

    /// True when the order is current for `generation` and `filter`.
    pub fn is_current(&self, generation: u64, filter: &F) -> bool {
        self.key
            .as_ref()
            .is_some_and(|(g, s, f)| *g == generation && *s == self.sort && f == filter)
    }

    /// True when the order was built for this sort and `filter`: only the data changed since.
    pub fn only_data_changed(&self, filter: &F) -> bool {
        self.key
            .as_ref()
            .is_some_and(|(_, s, f)| *s == self.sort && f == filter)
    }

    /// Rebuilds the display order when the data `generation`, the sort or the `filter` changed
    /// since the last call: the rows `admit` lets through, sorted (stably: ties keep the
    /// gateway's order). When the data is `complete`, selected ids that left it are dropped (a
    /// selection restored from the profile waits for the first answer, and a selection waits
    /// for a load to end). Returns true when the order was rebuilt.
    pub fn update_order<R: TableRow<Column = C>>(
        &mut self,
        rows: &[R],
        complete: bool,
        generation: u64,
        filter: &F,
        admit: impl Fn(&R) -> bool,
    ) -> bool
    where
        C: SortBy<R>,
    {
        if self.is_current(generation, filter) {
            return false;
        }
        let mut order: Vec<usize> = (0..rows.len()).filter(|&i| admit(&rows[i])).collect();
        let sort = self.sort;
        let now = crate::api::auth::now_epoch();
        order.sort_by(|&a, &b| {
            sort.order(sort.column.compare(&rows[a], &rows[b], now))
                .then_with(|| rows[a].tie_break(&rows[b]))
        });
        self.order = order;
        self.key = Some((generation, self.sort, filter.clone()));
        // Only a selection needs the ids (a set of 100,000 of them costs milliseconds).
        if complete && !self.selected.is_empty() {
            let ids: std::collections::HashSet<&str> = rows.iter().map(TableRow::id).collect();
            self.selected.retain(|id| ids.contains(id.as_str()));
        }
        true
    }

    /// The rows shown, in display order (as of the last [`Self::update_order`]).
    pub fn visible<'a, R>(&'a self, rows: &'a [R]) -> impl Iterator<Item = &'a R> + 'a {
        self.order.iter().filter_map(move |&i| rows.get(i))
    }

    /// How many rows are shown.
    pub fn shown(&self) -> usize {
        self.order.len()
    }

    /// How many shown rows are selected (what an action would act on), without cloning them.
    pub fn selected_count<R: TableRow>(&self, rows: &[R]) -> usize {
        self.visible(rows)
            .filter(|r| self.selected.contains(r.id()))
            .count()
    }

    /// The selected rows, in display order.
    pub fn selected_rows<R: TableRow + Clone>(&self, rows: &[R]) -> Vec<R> {
        self.visible(rows)
            .filter(|r| self.selected.contains(r.id()))
            .cloned()
            .collect()
    }

    /// Selects every row shown.
    pub fn select_all<R: TableRow>(&mut self, rows: &[R]) {
        self.selected = self.visible(rows).map(|r| r.id().to_owned()).collect();
    }

    /// The columns shown, in order.
    pub fn visible_columns(&self) -> Vec<C> {
        C::all()
            .iter()
            .copied()
            .filter(|c| !self.hidden.contains(c))
            .collect()
    }

    /// Draws the rows of `rows` in display order, only those on screen, scrolling sideways when
    /// wider than `ui`: a header click sorts, a click selects (Ctrl/Cmd or Shift to add), a
    /// right-click opens `menu` for the selection, a double-click opens the row. `name` keeps
    /// the table's widgets apart; `fill` makes it take the whole height however few the rows.
    pub fn ui<R: TableRow<Column = C>, A>(
        &mut self,
        ui: &mut egui::Ui,
        name: &'static str,
        rows: &[R],
        fill: bool,
        menu: impl Fn(&mut egui::Ui, &R) -> Option<A>,
    ) -> TableResponse<A> {
        egui::ScrollArea::horizontal()
            .id_salt((name, "sideways"))
            .show(ui, |ui| {
                self.rows_ui(ui, name, rows, fill, None, &|ui, r, _| menu(ui, r))
            })
            .inner
    }

    /// [`Self::ui`] with a star in front of each row, filled for the rows `stars` says are
    /// starred; a click on it toggles it (the response's `starred`) without selecting the row.
    /// The menu is also given the selected ids.
    pub fn ui_starred<R: TableRow<Column = C>, A>(
        &mut self,
        ui: &mut egui::Ui,
        name: &'static str,
        rows: &[R],
        stars: &Stars<'_>,
        menu: impl Fn(&mut egui::Ui, &R, &BTreeSet<String>) -> Option<A>,
    ) -> TableResponse<A> {
        egui::ScrollArea::horizontal()
            .id_salt((name, "sideways"))
            .show(ui, |ui| {
                self.rows_ui(ui, name, rows, false, Some(stars), &menu)
            })
            .inner
    }

    fn rows_ui<R: TableRow<Column = C>, A>(
        &mut self,
        ui: &mut egui::Ui,
        name: &'static str,
        rows: &[R],
        fill: bool,
        stars: Option<&Stars<'_>>,
        menu: &impl Fn(&mut egui::Ui, &R, &BTreeSet<String>) -> Option<A>,
    ) -> TableResponse<A> {
        let now = crate::api::auth::now_epoch();
        let row_height = ui.spacing().interact_size.y;
        // A click anywhere on a row selects it: cells are not text-selectable.
        ui.style_mut().interaction.selectable_labels = false;
        let columns = self.visible_columns();
        // A row asked for (Go to job) is scrolled to once it is shown.
        let scroll_to = self
            .scroll_to
            .as_ref()
            .and_then(|id| self.visible(rows).position(|r| r.id() == id));
        if scroll_to.is_some() {
            self.scroll_to = None;
        }
        let mut table = builder(ui, (name, &self.salt), stars.is_some(), &columns);
        if fill {
            table = table.auto_shrink([false, false]);
        }
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
        }
        let mut clicked_header = None;
        let mut clicks = RowClicks::default();
        let mut response = TableResponse {
            action: None,
            opened: None,
            clicked: None,
            starred: None,
        };
        let (order, selected, sort) = (&self.order, &self.selected, self.sort);
        table
            .header(row_height, |mut header| {
                if stars.is_some() {
                    header.col(|ui| {
                        ui.label("★");
                    });
                }
                clicked_header = self::header(&mut header, &columns, sort);
            })
            .body(|body| {
                body.rows(row_height, order.len(), |mut row| {
                    let Some(r) = order.get(row.index()).and_then(|&i| rows.get(i)) else {
                        return;
                    };
                    row.set_selected(selected.contains(r.id()));
                    if let Some(stars) = stars {
                        row.col(|ui| {
                            let on = (stars.is_starred)(r.id());
                            let (star, hover, verb) = if on {
                                (
                                    RichText::new("★").color(ui.visuals().warn_fg_color),
                                    stars.hover.0,
                                    stars.verbs.0,
                                )
                            } else {
                                (RichText::new("☆"), stars.hover.1, stars.verbs.1)
                            };
                            let star = ui.add(egui::Button::new(star).frame(false));
                            // Read out as what a click does, e.g. "Watch comp_v012".
                            star.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("{verb} {}", r.name()),
                                )
                            });
                            if star.on_hover_text(hover).clicked() {
                                response.starred = Some(r.id().to_owned());
                            }
                        });
                    }
                    for &c in &columns {
                        row.col(|ui| {
                            fit_cell(ui);
                            r.cell_ui(ui, c, now);
                        });
                    }
                    let row_response = row.response();
                    clicks.record(&row_response, r.id());
                    if row_response.double_clicked() {
                        response.opened = Some(r.id().to_owned());
                    }
                    row_response.context_menu(|ui| {
                        if let Some(a) = menu(ui, r, selected) {
                            response.action = Some(a);
                            ui.close();
                        }
                    });
                });
            });
        if let Some(c) = clicked_header {
            self.sort.click(c);
        }
        response.clicked = clicks
            .clicked
            .as_ref()
            .filter(|(_, extend)| !extend)
            .map(|(id, _)| id.clone());
        clicks.apply(&mut self.selected);
        response
    }
}

/// Declares a table's column enum: each column with its doc, its saved key, its title and the
/// width of its content. Gives `ALL` (display order) and the [`TableColumn`] impl.
macro_rules! columns {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$doc:meta])* $column:ident => $key:literal, $title:literal, $width:expr;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$doc])* $column,)*
        }

        impl $name {
            /// Every column, in display order.
            pub const ALL: [Self; [$(stringify!($column)),*].len()] = [$(Self::$column),*];
        }

        impl $crate::ui::table::TableColumn for $name {
            fn all() -> &'static [Self] {
                &Self::ALL
            }

            fn key(self) -> &'static str {
                match self {
                    $(Self::$column => $key,)*
                }
            }

            fn title(self) -> &'static str {
                match self {
                    $(Self::$column => $title,)*
                }
            }

            fn content_width(self) -> f32 {
                match self {
                    $(Self::$column => $width,)*
                }
            }
        }
    };
}

pub(crate) use columns;
