//! The jobs table: every column sortable, the row order cached and rebuilt only when the data,
//! the sort or the filter change, selection kept by job id across refreshes and re-sorts, and
//! only the visible rows laid out.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::api::auth::now_epoch;
use crate::api::types::{FrameState, Job, JobState};
use crate::remote::Remote;
use crate::ui::actions::JobAction;
use crate::ui::table::{self, Sort, TableColumn};
use crate::ui::widgets;

/// A column of the jobs table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JobColumn {
    /// Job name.
    Name,
    /// State, "Paused" when paused.
    State,
    /// The job has comments.
    Comment,
    /// Stacked bar by frame state.
    Progress,
    /// Succeeded / total frames.
    Done,
    /// Running frames.
    Running,
    /// Waiting frames.
    Waiting,
    /// Frames waiting on dependencies.
    Depend,
    /// Dead frames.
    Dead,
    /// Eaten frames.
    Eaten,
    /// Priority.
    Priority,
    /// Minimum cores.
    MinCores,
    /// Maximum cores.
    MaxCores,
    /// Cores in use.
    Reserved,
    /// Highest memory of a frame.
    MaxRss,
    /// Owner.
    User,
    /// Shot.
    Shot,
    /// Time since submission.
    Age,
    /// When it finished.
    Finished,
}

impl JobColumn {
    /// Every column, in display order.
    pub const ALL: [Self; 19] = [
        Self::Name,
        Self::State,
        Self::Comment,
        Self::Progress,
        Self::Done,
        Self::Running,
        Self::Waiting,
        Self::Depend,
        Self::Dead,
        Self::Eaten,
        Self::Priority,
        Self::MinCores,
        Self::MaxCores,
        Self::Reserved,
        Self::MaxRss,
        Self::User,
        Self::Shot,
        Self::Age,
        Self::Finished,
    ];
}

impl TableColumn for JobColumn {
    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::State => "state",
            Self::Comment => "comment",
            Self::Progress => "progress",
            Self::Done => "done",
            Self::Running => "running",
            Self::Waiting => "waiting",
            Self::Depend => "depend",
            Self::Dead => "dead",
            Self::Eaten => "eaten",
            Self::Priority => "priority",
            Self::MinCores => "min_cores",
            Self::MaxCores => "max_cores",
            Self::Reserved => "reserved_cores",
            Self::MaxRss => "max_rss",
            Self::User => "user",
            Self::Shot => "shot",
            Self::Age => "age",
            Self::Finished => "finished",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::State => "State",
            Self::Comment => "Note",
            Self::Progress => "Progress",
            Self::Done => "Done",
            Self::Running => "Run",
            Self::Waiting => "Wait",
            Self::Depend => "Depend",
            Self::Dead => "Dead",
            Self::Eaten => "Eaten",
            Self::Priority => "Priority",
            Self::MinCores => "Min cores",
            Self::MaxCores => "Max cores",
            Self::Reserved => "Cores used",
            Self::MaxRss => "Max RSS",
            Self::User => "User",
            Self::Shot => "Shot",
            Self::Age => "Age",
            Self::Finished => "Finished",
        }
    }

    fn content_width(self) -> f32 {
        match self {
            Self::Name => 280.0,
            Self::Progress => 120.0,
            Self::Done | Self::MaxRss | Self::User | Self::Finished => 72.0,
            _ => 40.0,
        }
    }
}

impl JobColumn {
    /// Orders two jobs by this column.
    pub fn compare(self, a: &Job, b: &Job) -> Ordering {
        let (sa, sb) = (&a.job_stats, &b.job_stats);
        let f = |x: f32, y: f32| x.total_cmp(&y);
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::State => state_text(a).cmp(state_text(b)),
            Self::Comment => a.has_comment.cmp(&b.has_comment),
            Self::Progress | Self::Done => done_fraction(a).total_cmp(&done_fraction(b)),
            Self::Running => sa.running_frames.cmp(&sb.running_frames),
            Self::Waiting => sa.waiting_frames.cmp(&sb.waiting_frames),
            Self::Depend => sa.depend_frames.cmp(&sb.depend_frames),
            Self::Dead => sa.dead_frames.cmp(&sb.dead_frames),
            Self::Eaten => sa.eaten_frames.cmp(&sb.eaten_frames),
            Self::Priority => a.priority.cmp(&b.priority),
            Self::MinCores => f(a.min_cores, b.min_cores),
            Self::MaxCores => f(a.max_cores, b.max_cores),
            Self::Reserved => f(sa.reserved_cores, sb.reserved_cores),
            Self::MaxRss => sa.max_rss.cmp(&sb.max_rss),
            Self::User => a.user.cmp(&b.user),
            Self::Shot => a.shot.cmp(&b.shot),
            // Older jobs first when ascending: the earlier submission is the greater age.
            Self::Age => b.start_time.cmp(&a.start_time),
            Self::Finished => a.stop_time.cmp(&b.stop_time),
        }
    }
}

/// "Paused" for a paused pending job, else the state's name.
pub fn state_text(job: &Job) -> &str {
    match (&job.state, job.is_paused) {
        (JobState::Pending, true) => "Paused",
        (JobState::Pending, false) => "Pending",
        (JobState::Finished, _) => "Finished",
        (other, _) => other.as_str(),
    }
}

fn done_fraction(job: &Job) -> f64 {
    let s = &job.job_stats;
    if s.total_frames <= 0 {
        return 0.0;
    }
    f64::from(s.succeeded_frames + s.eaten_frames) / f64::from(s.total_frames)
}

/// The state counts of a job, for its progress bar.
pub fn state_counts(job: &Job) -> [(FrameState, i32); 6] {
    let s = &job.job_stats;
    widgets::state_counts(
        s.succeeded_frames,
        s.running_frames,
        s.waiting_frames,
        s.depend_frames,
        s.dead_frames,
        s.eaten_frames,
    )
}

/// Sort column and direction of the jobs table.
pub type SortState = Sort<JobColumn>;

/// Which jobs by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StateFilter {
    /// Every job.
    #[default]
    All,
    /// Jobs with running frames.
    Running,
    /// Paused jobs.
    Paused,
    /// Jobs with dead frames.
    HasDead,
    /// Finished jobs (shown when finished jobs are included).
    Finished,
}

impl StateFilter {
    /// Every choice, in menu order.
    pub const ALL: [Self; 5] = [
        Self::All,
        Self::Running,
        Self::Paused,
        Self::HasDead,
        Self::Finished,
    ];

    /// A stable key for saving (empty for "any state").
    pub fn key(self) -> &'static str {
        match self {
            Self::All => "",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::HasDead => "has_dead",
            Self::Finished => "finished",
        }
    }

    /// Menu text.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "any state",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::HasDead => "has dead frames",
            Self::Finished => "finished",
        }
    }

    fn matches(self, job: &Job) -> bool {
        match self {
            Self::All => true,
            Self::Running => job.job_stats.running_frames > 0,
            Self::Paused => job.is_paused,
            Self::HasDead => job.job_stats.dead_frames > 0,
            Self::Finished => job.state == JobState::Finished,
        }
    }
}

/// Which jobs the table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    /// Case-insensitive substring of the name, or a regex when `regex` is set.
    pub text: String,
    /// Treat `text` as a regular expression.
    pub regex: bool,
    /// Only jobs of this user (the profile's user for "my jobs").
    pub user: Option<String>,
    /// By state.
    pub state: StateFilter,
}

impl JobFilter {
    /// The name matcher: `Err` with a sentence when the regex does not compile.
    fn name_regex(&self) -> Result<Option<regex::Regex>, String> {
        if !self.regex || self.text.is_empty() {
            return Ok(None);
        }
        regex::RegexBuilder::new(&self.text)
            .case_insensitive(true)
            .build()
            .map(Some)
            .map_err(|e| {
                format!(
                    "Not a valid regex: {}",
                    e.to_string().lines().last().unwrap_or("")
                )
            })
    }

    /// `lower`: the filter text, lower-cased once for all the rows.
    fn matches(&self, job: &Job, re: Option<&regex::Regex>, lower: &str) -> bool {
        let name = match re {
            Some(re) => re.is_match(&job.name),
            None => self.regex || crate::text::contains_ignore_case(&job.name, lower),
        };
        name && self.user.as_ref().is_none_or(|u| &job.user == u) && self.state.matches(job)
    }
}

/// The jobs table's state.
pub struct JobsView {
    /// The jobs of the current show.
    pub jobs: Remote<Vec<Job>>,
    /// Sort.
    pub sort: SortState,
    /// Filter.
    pub filter: JobFilter,
    /// Selected job ids.
    pub selected: BTreeSet<String>,
    /// Columns the user hid.
    pub hidden: BTreeSet<JobColumn>,
    /// Distinguishes this table's stored column widths (one set per profile).
    pub table_salt: String,
    /// A job the user double-clicked (to keep open in the detail view).
    pub opened: Option<String>,
    /// A job to scroll to once it is listed.
    pub scroll_to: Option<String>,
    filter_error: Option<String>,
    order: Vec<usize>,
    order_key: Option<(u64, SortState, JobFilter)>,
}

impl Default for JobsView {
    fn default() -> Self {
        Self {
            jobs: Remote::default(),
            sort: Sort::by(JobColumn::Name),
            filter: JobFilter::default(),
            selected: BTreeSet::new(),
            hidden: BTreeSet::new(),
            table_salt: String::new(),
            opened: None,
            scroll_to: None,
            filter_error: None,
            order: Vec::new(),
            order_key: None,
        }
    }
}

impl JobsView {
    /// A view laid out as `state` says (unknown keys are ignored); `user` is the "my jobs" user.
    pub fn from_state(state: &crate::profiles::JobsViewState, user: &str) -> Self {
        Self {
            sort: Sort::from_saved(&state.sort_column, state.sort_descending, JobColumn::Name),
            filter: JobFilter {
                text: state.filter_text.clone(),
                regex: state.filter_regex,
                user: state.my_jobs.then(|| user.to_owned()),
                state: StateFilter::ALL
                    .into_iter()
                    .find(|f| f.key() == state.state_filter)
                    .unwrap_or_default(),
            },
            hidden: state
                .hidden_columns
                .iter()
                .filter_map(|k| JobColumn::from_key(k))
                .filter(|c| *c != JobColumn::Name)
                .collect(),
            selected: state.selected.iter().cloned().collect(),
            ..Self::default()
        }
    }

    /// The layout and filters to save (the include-finished flag belongs to the session).
    pub fn state(&self, include_finished: bool) -> crate::profiles::JobsViewState {
        crate::profiles::JobsViewState {
            sort_column: if self.sort.column == JobColumn::Name {
                String::new()
            } else {
                self.sort.column.key().to_owned()
            },
            sort_descending: !self.sort.ascending,
            hidden_columns: self.hidden.iter().map(|c| c.key().to_owned()).collect(),
            filter_text: self.filter.text.clone(),
            filter_regex: self.filter.regex,
            my_jobs: self.filter.user.is_some(),
            state_filter: self.filter.state.key().to_owned(),
            include_finished,
            selected: self.selected.iter().cloned().collect(),
            ..Default::default()
        }
    }

    /// Rebuilds the row order if the data, the sort or the filter changed since last time.
    pub fn update_order(&mut self) {
        let key = (self.jobs.generation(), self.sort, self.filter.clone());
        if self.order_key.as_ref() == Some(&key) {
            return;
        }
        let re = match self.filter.name_regex() {
            Ok(re) => {
                self.filter_error = None;
                re
            }
            Err(e) => {
                // An invalid regex filters nothing by name; the message says why.
                self.filter_error = Some(e);
                None
            }
        };
        let jobs: &[Job] = self.jobs.data().map_or(&[], Vec::as_slice);
        let lower = self.filter.text.to_lowercase();
        let mut order: Vec<usize> = (0..jobs.len())
            .filter(|&i| self.filter.matches(&jobs[i], re.as_ref(), &lower))
            .collect();
        let sort = self.sort;
        // Stable: equal keys keep the gateway's (name) order.
        order.sort_by(|&a, &b| sort.order(sort.column.compare(&jobs[a], &jobs[b])));
        self.order = order;
        self.order_key = Some(key);
        // Selection survives refreshes, but not the job's disappearance (judged only once the
        // gateway has answered: a selection restored from the profile waits for the data).
        if let Some(jobs) = self.jobs.data() {
            let ids: BTreeSet<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
            self.selected.retain(|id| ids.contains(id.as_str()));
        }
    }

    /// Why the filter text is not used (an invalid regex).
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// True when the filter lets `job` through.
    pub fn admits(&self, job: &Job) -> bool {
        let re = self.filter.name_regex().ok().flatten();
        self.filter
            .matches(job, re.as_ref(), &self.filter.text.to_lowercase())
    }

    /// The columns shown, in order.
    pub fn visible_columns(&self) -> Vec<JobColumn> {
        JobColumn::ALL
            .into_iter()
            .filter(|c| !self.hidden.contains(c))
            .collect()
    }

    /// The jobs in display order (as of the last [`Self::update_order`]).
    pub fn visible(&self) -> impl Iterator<Item = &Job> {
        let jobs = self.jobs.data().map_or(&[][..], Vec::as_slice);
        self.order.iter().filter_map(move |&i| jobs.get(i))
    }

    /// Takes a finished response; the row order follows new data at once.
    pub fn poll(&mut self) {
        if self.jobs.poll() {
            self.update_order();
        }
    }

    /// How many shown jobs are selected (what an action would act on), without cloning them.
    pub fn selected_count(&self) -> usize {
        self.visible()
            .filter(|j| self.selected.contains(&j.id))
            .count()
    }

    /// The selected jobs, in display order.
    pub fn selected_jobs(&self) -> Vec<Job> {
        self.visible()
            .filter(|j| self.selected.contains(&j.id))
            .cloned()
            .collect()
    }

    /// Clicking a header sorts by it; clicking it again reverses.
    pub fn click_header(&mut self, column: JobColumn) {
        self.sort.click(column);
    }

    /// Draws the table, scrolling sideways when it is wider than the window. Returns an action
    /// chosen from a row's right-click menu (for the selection).
    pub fn table_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<JobAction> {
        egui::ScrollArea::horizontal()
            .id_salt("jobs_sideways")
            .show(ui, |ui| self.table_inner_ui(ui, read_only))
            .inner
    }

    fn table_inner_ui(&mut self, ui: &mut egui::Ui, read_only: bool) -> Option<JobAction> {
        self.update_order();
        let now = now_epoch();
        let row_height = ui.spacing().interact_size.y;
        // A click anywhere on a row selects it: cells are not text-selectable.
        ui.style_mut().interaction.selectable_labels = false;
        let mut clicked_header = None;
        let mut clicks = table::RowClicks::default();
        let mut menu_action = None;
        let mut opened = None;
        let columns = self.visible_columns();
        let mut table = table::builder(ui, ("jobs", &self.table_salt), &columns);
        let jobs = self.jobs.data().map_or(&[][..], Vec::as_slice);
        // A job asked for (Go to job) is scrolled to once it is listed.
        if let Some(id) = &self.scroll_to
            && let Some(row) = self
                .order
                .iter()
                .position(|&i| jobs.get(i).is_some_and(|j| &j.id == id))
        {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
            self.scroll_to = None;
        }
        let order = &self.order;
        let selected = &self.selected;
        let sort = self.sort;
        table
            .header(row_height, |mut header| {
                clicked_header = table::header(&mut header, &columns, sort);
            })
            .body(|body| {
                body.rows(row_height, order.len(), |mut row| {
                    let Some(job) = order.get(row.index()).and_then(|&i| jobs.get(i)) else {
                        return;
                    };
                    row.set_selected(selected.contains(&job.id));
                    let s = &job.job_stats;
                    for &c in &columns {
                        row.col(|ui| match c {
                            JobColumn::Name => {
                                ui.label(&job.name);
                            }
                            JobColumn::State => {
                                ui.label(state_text(job));
                            }
                            JobColumn::Comment => {
                                if job.has_comment {
                                    widgets::comment_flag(
                                        ui,
                                        "Has comments: open the job to read them",
                                    );
                                }
                            }
                            JobColumn::Progress => {
                                let w = ui.available_width();
                                widgets::state_bar(ui, &state_counts(job), w);
                            }
                            JobColumn::Done => {
                                ui.label(format!("{}/{}", s.succeeded_frames, s.total_frames));
                            }
                            JobColumn::Running => table::count(ui, s.running_frames),
                            JobColumn::Waiting => table::count(ui, s.waiting_frames),
                            JobColumn::Depend => table::count(ui, s.depend_frames),
                            JobColumn::Dead => table::count(ui, s.dead_frames),
                            JobColumn::Eaten => table::count(ui, s.eaten_frames),
                            JobColumn::Priority => {
                                ui.label(job.priority.to_string());
                            }
                            JobColumn::MinCores => {
                                ui.label(format!("{}", job.min_cores));
                            }
                            JobColumn::MaxCores => {
                                ui.label(format!("{}", job.max_cores));
                            }
                            JobColumn::Reserved => {
                                ui.label(format!("{}", s.reserved_cores));
                            }
                            JobColumn::MaxRss => {
                                ui.label(widgets::kb(s.max_rss));
                            }
                            JobColumn::User => {
                                ui.label(&job.user);
                            }
                            JobColumn::Shot => {
                                ui.label(&job.shot);
                            }
                            JobColumn::Age => {
                                ui.label(widgets::duration(now - i64::from(job.start_time)));
                            }
                            JobColumn::Finished => {
                                if job.stop_time > 0 {
                                    ui.label(format!(
                                        "{} ago",
                                        widgets::duration(now - i64::from(job.stop_time))
                                    ));
                                }
                            }
                        });
                    }
                    let response = row.response();
                    clicks.record(&response, &job.id);
                    if response.double_clicked() {
                        opened = Some(job.id.clone());
                    }
                    response.context_menu(|ui| {
                        for action in JobAction::ALL {
                            if ui
                                .add_enabled(!read_only, egui::Button::new(action.label()))
                                .clicked()
                            {
                                menu_action = Some(action);
                                ui.close();
                            }
                        }
                    });
                });
            });
        if let Some(c) = clicked_header {
            self.click_header(c);
        }
        if opened.is_some() {
            self.opened = opened;
        }
        clicks.apply(&mut self.selected);
        menu_action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, priority: i32, dead: i32) -> Job {
        let mut j = Job {
            id: format!("id-{name}"),
            name: name.into(),
            priority,
            ..Job::default()
        };
        j.job_stats.dead_frames = dead;
        j
    }

    fn loaded(jobs: Vec<Job>) -> JobsView {
        let mut v = JobsView::default();
        v.jobs.set(jobs);
        v
    }

    fn names(v: &JobsView) -> Vec<String> {
        v.visible().map(|j| j.name.clone()).collect()
    }

    #[test]
    fn sorting_is_stable_and_reversible_and_cached() {
        let mut v = loaded(vec![job("a", 50, 0), job("b", 100, 2), job("c", 50, 1)]);
        v.update_order();
        assert_eq!(names(&v), ["a", "b", "c"]);
        v.click_header(JobColumn::Priority);
        v.update_order();
        assert_eq!(
            names(&v),
            ["a", "c", "b"],
            "equal priorities keep name order"
        );
        v.click_header(JobColumn::Priority);
        v.update_order();
        assert_eq!(
            names(&v),
            ["b", "a", "c"],
            "descending; ties still in name order"
        );
        v.filter.state = StateFilter::HasDead;
        v.update_order();
        assert_eq!(names(&v), ["b", "c"]);
        v.filter = JobFilter {
            text: "^[ab]$".into(),
            regex: true,
            ..JobFilter::default()
        };
        v.update_order();
        assert_eq!(names(&v), ["b", "a"]);
        v.filter.text = "(".into();
        v.update_order();
        assert_eq!(names(&v).len(), 3, "an invalid regex hides nothing");
        assert!(v.filter_error().unwrap().starts_with("Not a valid regex"));
    }

    #[test]
    fn the_layout_round_trips_through_saved_state() {
        let mut v = JobsView::default();
        v.click_header(JobColumn::MaxRss);
        v.click_header(JobColumn::MaxRss);
        v.hidden.insert(JobColumn::Shot);
        v.selected.insert("id-7".into());
        v.filter = JobFilter {
            text: "comp".into(),
            regex: true,
            user: Some("jdoe".into()),
            state: StateFilter::HasDead,
        };
        let saved = v.state(true);
        assert_eq!(saved.sort_column, "max_rss");
        assert!(saved.sort_descending && saved.include_finished);
        let back = JobsView::from_state(&saved, "jdoe");
        assert_eq!(
            (
                back.sort,
                back.filter.clone(),
                back.hidden.clone(),
                back.selected.clone()
            ),
            (
                v.sort,
                v.filter.clone(),
                v.hidden.clone(),
                v.selected.clone()
            )
        );
        let unknown = crate::profiles::JobsViewState {
            sort_column: "gone".into(),
            hidden_columns: vec!["name".into()],
            ..Default::default()
        };
        let v = JobsView::from_state(&unknown, "jdoe");
        assert_eq!(v.sort.column, JobColumn::Name);
        assert!(v.hidden.is_empty(), "the name column cannot be hidden");
    }

    #[test]
    fn selection_is_by_id_and_dropped_when_the_job_goes() {
        let mut v = loaded(vec![job("a", 1, 0), job("b", 2, 0)]);
        v.selected.insert("id-b".into());
        v.click_header(JobColumn::Priority);
        v.update_order();
        assert_eq!(v.selected_jobs()[0].name, "b");
        *v.jobs.data_mut().unwrap() = vec![job("a", 1, 0)];
        v.update_order();
        assert!(v.selected.is_empty());
    }
}
