//! The frame log viewer: line numbers, search with next/previous and a match count, error and
//! warning lines highlighted, jump to end, follow mode for a running frame (reads only what was
//! appended), earlier attempts, open in an external editor, copy the path.
//!
//! Reading, indexing, searching and tailing run off the UI thread; only visible lines are laid
//! out, so a log of hundreds of megabytes opens without freezing the window.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::logs::{self, Appended, Attempt, LineKind, LoadedLog, LogError, LogText};
use crate::tasks::{Tasks, take_ready};
use crate::ui::{theme, widgets};

/// How often follow mode looks for new output.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);
/// At most this much new output is read per look.
const TAIL_CHUNK: u64 = 64 << 20;

type Work<T> = Promise<Result<T, String>>;

/// A search over the whole text, off the UI thread.
struct Search {
    query: String,
    regex: bool,
    /// The text length it ran over (a grown log is searched again).
    len: usize,
    result: Work<Result<Vec<usize>, String>>,
}

/// The log of one frame.
pub struct LogViewer {
    /// Frame id.
    pub frame_id: String,
    /// e.g. `0001-comp`.
    pub frame_name: String,
    /// The path as Cuebot reports it.
    pub reported: String,
    /// The path on this machine (mapped).
    pub path: PathBuf,
    attempts: Vec<Attempt>,
    attempts_work: Option<Work<Vec<Attempt>>>,
    /// Which attempt is shown (0: current).
    attempt: u32,
    text: Option<Arc<LogText>>,
    read_to: u64,
    loading: Option<Work<Result<LoadedLog, LogError>>>,
    error: Option<String>,
    /// Search text.
    pub query: String,
    /// Treat the query as a regex.
    pub regex: bool,
    matches: Vec<usize>,
    current: usize,
    search_error: Option<String>,
    search: Option<Search>,
    searched: Option<(String, bool, usize)>,
    /// Tail the file.
    pub follow: bool,
    tail: Option<Work<Result<Appended, LogError>>>,
    next_tail: Instant,
    scroll_to: Option<usize>,
    /// A short note on the last button (path copied), or why the editor did not start.
    notice: Option<Result<String, String>>,
    editor: Option<Work<()>>,
    /// The profile's editor command ("Open in editor"); empty: the system's default.
    editor_command: String,
    tasks: Tasks,
}

impl LogViewer {
    /// Starts reading the log of a frame (nothing blocks here).
    pub fn open(
        tasks: &Tasks,
        frame: &crate::api::types::Frame,
        job: &crate::api::types::Job,
        profile: &crate::profiles::Profile,
    ) -> Self {
        let reported = logs::frame_log_path(&job.log_dir, &job.name, &frame.name);
        let running = frame.state == crate::api::types::FrameState::Running;
        Self::open_path(tasks, (&frame.id, &frame.name), reported, profile, running)
    }

    /// Starts reading the log at `reported` (a path as the farm reports it, e.g. a proc's
    /// `logPath`), mapped for this machine by the profile; `id` and `name` name the frame;
    /// `follow` tails it.
    pub fn open_path(
        tasks: &Tasks,
        (id, name): (&str, &str),
        reported: String,
        profile: &crate::profiles::Profile,
        follow: bool,
    ) -> Self {
        let path = logs::map_path(&reported, &profile.path_mappings);
        let mut v = Self {
            frame_id: id.to_owned(),
            frame_name: name.to_owned(),
            reported,
            path,
            attempts: Vec::new(),
            attempts_work: None,
            attempt: 0,
            text: None,
            read_to: 0,
            loading: None,
            error: None,
            query: String::new(),
            regex: false,
            matches: Vec::new(),
            current: 0,
            search_error: None,
            search: None,
            searched: None,
            follow,
            tail: None,
            next_tail: Instant::now() + FOLLOW_EVERY,
            scroll_to: None,
            notice: None,
            editor: None,
            editor_command: profile.log_editor.clone(),
            tasks: tasks.clone(),
        };
        v.reload();
        v
    }

    /// The file of the attempt shown.
    fn shown_path(&self) -> PathBuf {
        if self.attempt == 0 {
            self.path.clone()
        } else {
            logs::attempt_path(&self.path, self.attempt)
        }
    }

    /// Reads the attempt list and the shown attempt again.
    pub fn reload(&mut self) {
        let path = self.path.clone();
        self.attempts_work = Some(self.tasks.blocking("listing the log's attempts", move || {
            logs::attempts(&path).or_else(|_| Ok(Vec::new()))
        }));
        let shown = self.shown_path();
        let reported = self.reported.clone();
        self.loading = Some(self.tasks.blocking("reading a log", move || {
            Ok(logs::load(&shown, &reported, logs::MAX_LOG_BYTES))
        }));
        self.tail = None;
    }

    /// Lines held.
    pub fn line_count(&self) -> usize {
        self.text.as_ref().map_or(0, |t| t.line_count())
    }

    /// The lines matching the search, once it has run.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// Why the log is not shown, as the user should read it.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// True while the file is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(Ok(list)) = self.attempts_work.as_ref().and_then(Promise::ready) {
            self.attempts.clone_from(list);
            self.attempts_work = None;
        }
        if let Some(result) = take_ready(&mut self.loading) {
            match result.and_then(|r| r.map_err(|e| e.to_string())) {
                Ok(loaded) => {
                    self.text = Some(loaded.text);
                    self.read_to = loaded.read_to;
                    self.error = None;
                    self.searched = None;
                    // A log is read from its end: that is where a frame says why it died.
                    self.scroll_to = Some(usize::MAX);
                }
                Err(e) => {
                    self.text = None;
                    self.error = Some(e);
                }
            }
        }
        if let Some(result) = take_ready(&mut self.editor)
            && let Err(e) = result
        {
            tracing::warn!("{e}");
            self.notice = Some(Err(e));
        }
        // New output waits while a search still reads the text: appending then would copy it.
        if self.search.is_none()
            && let Some(result) = take_ready(&mut self.tail)
        {
            match result.and_then(|r| r.map_err(|e| e.to_string())) {
                Ok(Appended::More(bytes, end)) => {
                    if let Some(text) = self.text.as_mut() {
                        Arc::make_mut(text).append(&bytes);
                    }
                    self.read_to = end;
                    if self.follow {
                        self.scroll_to = Some(usize::MAX);
                    }
                }
                Ok(Appended::Nothing) => {}
                Ok(Appended::Replaced) => self.reload(),
                Err(e) => self.error = Some(e),
            }
        }
        // Follow: look for new output every second (only the current attempt grows).
        if self.follow && self.attempt == 0 && self.text.is_some() {
            if self.tail.is_none() && self.loading.is_none() && Instant::now() >= self.next_tail {
                let path = self.path.clone();
                let from = self.read_to;
                self.tail = Some(self.tasks.blocking("following a log", move || {
                    Ok(logs::read_appended(&path, from, TAIL_CHUNK))
                }));
                self.next_tail = Instant::now() + FOLLOW_EVERY;
            }
            ctx.request_repaint_after(self.next_tail.saturating_duration_since(Instant::now()));
        }
        self.poll_search();
    }

    fn poll_search(&mut self) {
        if let Some(s) = &self.search
            && let Some(result) = s.result.ready()
        {
            let found = result.clone().and_then(|r| r);
            let first = self.search.as_ref().is_some_and(|s| {
                self.searched
                    .as_ref()
                    .is_none_or(|(q, r, _)| *q != s.query || *r != s.regex)
            });
            if let Some(s) = self.search.take() {
                self.searched = Some((s.query, s.regex, s.len));
            }
            match found {
                Ok(lines) => {
                    self.matches = lines;
                    self.search_error = None;
                    if first {
                        self.current = 0;
                        self.scroll_to = self.matches.first().copied();
                    } else {
                        self.current = self.current.min(self.matches.len().saturating_sub(1));
                    }
                }
                Err(e) => {
                    self.matches.clear();
                    self.search_error = Some(e);
                }
            }
        }
        let Some(text) = self.text.clone() else {
            return;
        };
        let want = (self.query.clone(), self.regex, text.len_bytes());
        if self.search.is_some() || self.searched.as_ref() == Some(&want) {
            return;
        }
        if self.query.is_empty() {
            self.matches.clear();
            self.search_error = None;
            self.searched = Some(want);
            return;
        }
        let (query, regex) = (self.query.clone(), self.regex);
        let q = query.clone();
        self.search = Some(Search {
            query,
            regex,
            len: text.len_bytes(),
            result: self
                .tasks
                .blocking("searching a log", move || Ok(text.search(&q, regex))),
        });
    }

    fn step_match(&mut self, forward: bool) {
        let n = self.matches.len();
        if n == 0 {
            return;
        }
        self.current = if forward {
            (self.current + 1) % n
        } else {
            (self.current + n - 1) % n
        };
        self.scroll_to = self.matches.get(self.current).copied();
    }

    /// Shows the viewer. Returns false when the user closed it.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        self.poll(ui.ctx());
        let mut open = true;
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!("Log of {}", self.frame_name));
            if self.attempts.len() > 1 {
                let current = self
                    .attempts
                    .iter()
                    .find(|a| a.number == self.attempt)
                    .map_or_else(|| "current attempt".to_owned(), Attempt::label);
                let mut chosen = self.attempt;
                egui::ComboBox::new("log_attempt", "Attempt")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        for a in &self.attempts {
                            ui.selectable_value(&mut chosen, a.number, a.label());
                        }
                    });
                if chosen != self.attempt {
                    self.attempt = chosen;
                    self.follow = false;
                    self.reload();
                }
            }
            if ui
                .add_enabled(self.attempt == 0, egui::Checkbox::new(&mut self.follow, "Follow"))
                .on_hover_text("Show new output as the frame writes it")
                .changed()
                && self.follow
            {
                self.scroll_to = Some(usize::MAX);
            }
            if ui.button("End").on_hover_text("Jump to the last line").clicked() {
                self.scroll_to = Some(usize::MAX);
            }
            if ui.button("Reload").clicked() {
                self.reload();
            }
            if ui.button("Copy path").clicked() {
                ui.ctx().copy_text(self.shown_path().display().to_string());
                self.notice = Some(Ok("Path copied".into()));
            }
            if ui
                .button("Open in editor")
                .on_hover_text(if self.editor_command.is_empty() {
                    "Open with the system's default application (set an editor command in the profile)"
                } else {
                    &self.editor_command
                })
                .clicked()
            {
                let line = self.matches.get(self.current).copied().unwrap_or(0);
                let path = self.shown_path();
                let command = self.editor_command.clone();
                // Starting a program can block (a slow share, a busy desktop): off the UI thread.
                self.notice = None;
                self.editor = Some(self.tasks.blocking("starting the editor", move || {
                    logs::open_external(&command, &path, line)
                }));
            }
            if ui.button("Close").clicked() {
                open = false;
            }
        });
        ui.horizontal(|ui| {
            let hint = "text in the log";
            let edit = widgets::labelled_text(ui, "Search", &mut self.query, hint, 200.0);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.checkbox(&mut self.regex, "Regex");
            if ui.button("Previous").clicked() {
                self.step_match(false);
            }
            if ui.button("Next").clicked() || enter {
                self.step_match(true);
                if enter {
                    edit.request_focus();
                }
            }
            if let Some(e) = &self.search_error {
                ui.colored_label(theme::error(ui), e);
            } else if self.search.is_some() {
                crate::ui::widgets::waiting_ui(ui);
            } else if !self.query.is_empty() {
                let n = self.matches.len();
                if n == 0 {
                    ui.weak("no matches");
                } else {
                    ui.label(format!("match {} of {n}", self.current + 1));
                }
            }
            widgets::outcome_line(ui, self.notice.as_ref());
        });
        ui.weak(self.shown_path().display().to_string());
        if let Some(e) = &self.error {
            ui.colored_label(theme::error(ui), e);
        }
        if self.loading.is_some() && self.text.is_none() {
            crate::ui::widgets::loading_ui(ui, "Reading the log...");
        }
        if let Some(text) = self.text.clone() {
            if text.skipped > 0 {
                ui.weak(format!(
                    "The first {} of this log are not shown (it is over {}).",
                    crate::ui::widgets::kb(i64::try_from(text.skipped / 1024).unwrap_or(0)),
                    crate::ui::widgets::kb(i64::try_from(logs::MAX_LOG_BYTES / 1024).unwrap_or(0)),
                ));
            }
            self.lines_ui(ui, &text);
        }
        open
    }

    fn lines_ui(&mut self, ui: &mut egui::Ui, text: &LogText) {
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let row_height = ui.fonts_mut(|f| f.row_height(&font));
        let spacing = ui.spacing().item_spacing.y;
        let count = text.line_count();
        let digits = count.max(1).to_string().len();
        let mut area = egui::ScrollArea::both()
            .id_salt(("log_lines", &self.frame_id))
            .auto_shrink([false, false]);
        if let Some(line) = self.scroll_to.take() {
            let line = line.min(count.saturating_sub(1));
            // Centre the line, or the end for follow and "End".
            #[allow(clippy::cast_precision_loss)]
            let y = (line as f32) * (row_height + spacing);
            let view = ui.available_height();
            area = area.vertical_scroll_offset((y - view / 2.0).max(0.0));
            if line + 1 >= count {
                area = area.vertical_scroll_offset(y + row_height);
            }
        }
        let current = self.matches.get(self.current).copied();
        let matches = &self.matches;
        let error_colour = theme::error(ui);
        let warn_colour = theme::warning(ui);
        area.show_rows(ui, row_height, count, |ui, range| {
            for i in range {
                let line = text.line(i);
                let colour = match logs::classify(&line) {
                    LineKind::Error => Some(error_colour),
                    LineKind::Warning => Some(warn_colour),
                    LineKind::Normal => None,
                };
                let is_match = matches.binary_search(&i).is_ok();
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new(format!("{:>digits$}", i + 1))
                            .monospace()
                            .weak(),
                    );
                    let mut rich = egui::RichText::new(line.as_ref()).monospace();
                    if let Some(c) = colour {
                        rich = rich.color(c);
                    }
                    if current == Some(i) {
                        // Readable on the selection colour, whatever the line's own colour.
                        rich = rich
                            .color(ui.visuals().selection.stroke.color)
                            .background_color(ui.visuals().selection.bg_fill);
                    } else if is_match {
                        rich = rich.background_color(ui.visuals().faint_bg_color);
                    }
                    ui.add(egui::Label::new(rich).wrap_mode(egui::TextWrapMode::Extend));
                });
            }
        });
    }
}

/// The open log, if any, in a resizable panel on the right of `ui` (half its width at first);
/// closing the viewer empties `log`.
pub fn side_panel(ui: &mut egui::Ui, id: impl egui::AsIdSalt, log: &mut Option<LogViewer>) {
    if log.is_none() {
        return;
    }
    let width = ui.available_width();
    egui::Panel::right(id)
        .resizable(true)
        .default_size(width * 0.5)
        .min_size(240.0)
        .show(ui, |ui| {
            if let Some(viewer) = log.as_mut()
                && !viewer.ui(ui)
            {
                *log = None;
            }
        });
}
