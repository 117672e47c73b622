//! The action history window: what was sent to which farm, when, and how it went. Read and
//! appended off the UI thread ([`crate::history`]).

use std::path::PathBuf;

use poll_promise::Promise;

use crate::history::{HistoryEntry, KEEP, Loaded};
use crate::tasks::{Inflight, Tasks};
use crate::ui::theme;

/// The history, its file, and its window.
pub struct HistoryView {
    /// Entries, oldest first.
    pub entries: Vec<HistoryEntry>,
    path: Option<PathBuf>,
    loading: Option<Promise<Result<Loaded, String>>>,
    writes: Inflight<(), Result<(), String>>,
    /// The window is shown.
    pub open: bool,
    filter: String,
    this_profile_only: bool,
    failures_only: bool,
}

impl HistoryView {
    /// The history kept in `path` (read now, in the background), or in memory only.
    pub fn new(tasks: &Tasks, path: Option<PathBuf>) -> Self {
        let loading = path.clone().map(|p| {
            tasks.blocking("reading the action history", move || {
                crate::history::load(&p, KEEP)
                    .map_err(|e| format!("Cannot read the action history {}: {e}", p.display()))
            })
        });
        Self {
            entries: Vec::new(),
            path,
            loading,
            writes: Inflight::default(),
            open: false,
            filter: String::new(),
            this_profile_only: false,
            failures_only: false,
        }
    }

    /// Adds finished actions and appends them to the file.
    pub fn record(&mut self, tasks: &Tasks, entries: Vec<HistoryEntry>) {
        if entries.is_empty() {
            return;
        }
        for e in &entries {
            tracing::info!(
                profile = %e.profile,
                action = %e.action,
                targets = e.targets.len(),
                ok = e.ok,
                "action: {}",
                e.outcome
            );
        }
        if let Some(path) = self.path.clone() {
            let batch = entries.clone();
            let write = tasks.blocking("writing the action history", move || {
                crate::history::append(&path, &batch)
                    .map_err(|e| format!("Cannot write the action history {}: {e}", path.display()))
            });
            self.writes.push((), write);
        }
        self.entries.extend(entries);
        let excess = self.entries.len().saturating_sub(KEEP);
        self.entries.drain(..excess);
    }

    /// Takes finished file work; returns problems to tell the user.
    pub fn poll(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(p) = self.loading.take() {
            match p.try_take() {
                Err(p) => self.loading = Some(p),
                Ok(Ok(loaded)) => {
                    // Entries recorded while loading may already be in the file.
                    let mut entries = loaded.entries;
                    for e in std::mem::take(&mut self.entries) {
                        if !entries.contains(&e) {
                            entries.push(e);
                        }
                    }
                    self.entries = entries;
                    if loaded.skipped > 0 {
                        tracing::warn!(skipped = loaded.skipped, "unreadable history lines");
                    }
                }
                Ok(Err(e)) => problems.push(e),
            }
        }
        for ((), written) in self.writes.take_finished() {
            if let Err(e) = written {
                problems.push(e);
            }
        }
        problems
    }

    fn shown(&self, profile: Option<&str>) -> Vec<&HistoryEntry> {
        let needle = self.filter.to_lowercase();
        self.entries
            .iter()
            .rev()
            .filter(|e| !self.failures_only || !e.ok)
            .filter(|e| !self.this_profile_only || profile.is_none_or(|p| e.profile == p))
            .filter(|e| {
                needle.is_empty()
                    || crate::text::contains_ignore_case(&e.action, &needle)
                    || crate::text::contains_ignore_case(&e.outcome, &needle)
                    || crate::text::contains_ignore_case(&e.profile, &needle)
                    || e.targets
                        .iter()
                        .any(|t| crate::text::contains_ignore_case(t, &needle))
            })
            .collect()
    }

    /// The window, when open. `profile`: the profile in use, for "This profile only".
    pub fn window_ui(&mut self, ctx: &egui::Context, profile: Option<&str>) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("Action history")
            .open(&mut open)
            .default_size([900.0, 420.0])
            .resizable(true)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label("Search");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.filter)
                            .hint_text("action, job, host, outcome…")
                            .desired_width(220.0),
                    )
                    .labelled_by(l.id);
                    ui.checkbox(&mut self.this_profile_only, "This profile only");
                    ui.checkbox(&mut self.failures_only, "Failures only");
                });
                let shown = self.shown(profile);
                ui.weak(match &self.path {
                    Some(p) => format!(
                        "{} of {} actions, kept in {}",
                        shown.len(),
                        self.entries.len(),
                        p.display()
                    ),
                    None => format!(
                        "{} of {} actions (this run only: profiles are not saved)",
                        shown.len(),
                        self.entries.len()
                    ),
                });
                if self.loading.is_some() {
                    crate::ui::widgets::waiting_ui(ui);
                }
                table_ui(ui, &shown);
            });
        self.open = open;
    }
}

fn table_ui(ui: &mut egui::Ui, shown: &[&HistoryEntry]) {
    use egui_extras::{Column, TableBuilder};
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    TableBuilder::new(ui)
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(150.0))
        .column(Column::initial(100.0))
        .column(Column::initial(90.0))
        .column(Column::initial(260.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(row_h, |mut h| {
            for t in ["Time", "Profile", "Action", "Targets", "Outcome"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(row_h, shown.len(), |mut row| {
                let e = shown[row.index()];
                row.col(|ui| {
                    ui.label(crate::ui::widgets::local_date_time(e.time));
                });
                row.col(|ui| {
                    ui.label(&e.profile).on_hover_text(&e.gateway);
                });
                row.col(|ui| {
                    ui.label(&e.action);
                });
                row.col(|ui| {
                    ui.label(e.targets.join(", "))
                        .on_hover_text(e.targets.join("\n"));
                });
                row.col(|ui| {
                    if e.ok {
                        ui.label(&e.outcome);
                    } else {
                        ui.colored_label(theme::error(ui), &e.outcome);
                    }
                });
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(profile: &str, action: &str, ok: bool) -> HistoryEntry {
        HistoryEntry {
            time: 1_790_000_000,
            profile: profile.into(),
            action: action.into(),
            targets: vec!["shot010_comp".into()],
            ok,
            outcome: format!("{action} done"),
            ..HistoryEntry::default()
        }
    }

    #[test]
    fn filters_by_profile_failures_and_text_newest_first() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let tasks = Tasks::new(rt.handle().clone());
        let mut v = HistoryView::new(&tasks, None);
        v.record(
            &tasks,
            vec![
                e("A", "Kill", true),
                e("B", "Eat", false),
                e("A", "Lock", false),
            ],
        );
        assert_eq!(v.shown(Some("A")).len(), 3);
        assert_eq!(v.shown(None)[0].action, "Lock", "newest first");
        v.this_profile_only = true;
        assert_eq!(v.shown(Some("A")).len(), 2);
        v.failures_only = true;
        assert_eq!(v.shown(Some("A")).len(), 1);
        v.this_profile_only = false;
        v.failures_only = false;
        v.filter = "EAT".into();
        assert_eq!(v.shown(None).len(), 1);
    }
}
