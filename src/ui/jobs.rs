//! The jobs table: every column sortable, the row order cached and rebuilt only when the data,
//! the sort or the filter change, selection kept by job id across refreshes and re-sorts, and
//! only the visible rows laid out.

use crate::api::types::{Job, JobState};
use crate::remote::Remote;
use crate::ui::actions::JobAction;
use crate::ui::table::{self, Sort, TableState};
use crate::ui::widgets;
use crate::watch::WatchList;

pub use crate::ui::columns::JobColumn;

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
#[derive(Default)]
pub struct JobsView {
    /// The jobs of the current show.
    pub jobs: Remote<Vec<Job>>,
    /// Sort, selection by job id, hidden columns, row order.
    pub table: TableState<JobColumn, JobFilter>,
    /// Filter.
    pub filter: JobFilter,
    /// A job the user double-clicked (to keep open in the detail view).
    pub opened: Option<String>,
    filter_error: Option<String>,
}

/// Draws a job's cell in `column`.
pub(crate) fn cell_ui(ui: &mut egui::Ui, column: JobColumn, job: &Job, now: i64) {
    let s = &job.job_stats;
    match column {
        JobColumn::Name => {
            ui.label(&job.name);
        }
        JobColumn::State => {
            ui.label(job.state_text());
        }
        JobColumn::Comment => {
            if job.has_comment {
                widgets::comment_flag(ui, "Has comments: open the job to read them");
            }
        }
        JobColumn::Progress => {
            let w = ui.available_width();
            widgets::state_bar(ui, &job.job_stats.state_counts(), w);
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
    }
}

impl JobsView {
    /// A view laid out as `state` says (unknown keys are ignored); `user` is the "my jobs" user.
    pub fn from_state(state: &crate::profiles::JobsViewState, user: &str) -> Self {
        let mut table = TableState::from_saved(
            &state.sort_column,
            state.sort_descending,
            &state.hidden_columns,
        );
        table.selected = state.selected.iter().cloned().collect();
        Self {
            table,
            filter: JobFilter {
                text: state.filter_text.clone(),
                regex: state.filter_regex,
                user: state.my_jobs.then(|| user.to_owned()),
                state: StateFilter::ALL
                    .into_iter()
                    .find(|f| f.key() == state.state_filter)
                    .unwrap_or_default(),
            },
            ..Self::default()
        }
    }

    /// The layout and filters to save (the include-finished flag belongs to the session).
    pub fn state(&self, include_finished: bool) -> crate::profiles::JobsViewState {
        let (sort_column, sort_descending, hidden_columns) = self.table.saved_layout();
        crate::profiles::JobsViewState {
            sort_column,
            sort_descending,
            hidden_columns,
            filter_text: self.filter.text.clone(),
            filter_regex: self.filter.regex,
            my_jobs: self.filter.user.is_some(),
            state_filter: self.filter.state.key().to_owned(),
            include_finished,
            selected: self.table.selected.iter().cloned().collect(),
            ..Default::default()
        }
    }

    fn rows(&self) -> &[Job] {
        self.jobs.data().map_or(&[], Vec::as_slice)
    }

    /// Rebuilds the row order if the data, the sort or the filter changed since last time.
    pub fn update_order(&mut self) {
        if self.table.is_current(self.jobs.generation(), &self.filter) {
            return;
        }
        let (re, error) = crate::text::name_filter(&self.filter.text, self.filter.regex);
        self.filter_error = error;
        let lower = self.filter.text.to_lowercase();
        let filter = &self.filter;
        self.table.update_order(
            self.jobs.data().map_or(&[], Vec::as_slice),
            self.jobs.data().is_some(),
            self.jobs.generation(),
            filter,
            |j| filter.matches(j, re.as_ref(), &lower),
        );
    }

    /// Why the filter text is not used (an invalid regex).
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// True when the filter lets `job` through.
    pub fn admits(&self, job: &Job) -> bool {
        let (re, _) = crate::text::name_filter(&self.filter.text, self.filter.regex);
        self.filter
            .matches(job, re.as_ref(), &self.filter.text.to_lowercase())
    }

    /// The jobs in display order (as of the last [`Self::update_order`]).
    pub fn visible(&self) -> impl Iterator<Item = &Job> {
        self.table.visible(self.rows())
    }

    /// Takes a finished response; the row order follows new data at once.
    pub fn poll(&mut self) {
        if self.jobs.poll() {
            self.update_order();
        }
    }

    /// How many shown jobs are selected (what an action would act on), without cloning them.
    pub fn selected_count(&self) -> usize {
        self.table.selected_count(self.rows())
    }

    /// The selected jobs, in display order.
    pub fn selected_jobs(&self) -> Vec<Job> {
        self.table.selected_rows(self.rows())
    }

    /// Clicking a header sorts by it; clicking it again reverses.
    pub fn click_header(&mut self, column: JobColumn) {
        self.table.sort.click(column);
    }

    /// Selects every job shown.
    pub fn select_all(&mut self) {
        let jobs = self.jobs.data().map_or(&[][..], Vec::as_slice);
        self.table.select_all(jobs);
    }

    /// Draws the table with a star in front of each job (filled when `watch` has it),
    /// scrolling sideways when it is wider than the window. Returns what a row asked for: an
    /// action from its right-click menu (for the selection), or to watch or stop watching.
    pub fn table_ui(
        &mut self,
        ui: &mut egui::Ui,
        read_only: bool,
        watch: &WatchList,
    ) -> Option<RowRequest> {
        self.update_order();
        let jobs = self.jobs.data().map_or(&[][..], Vec::as_slice);
        let actions = JobAction::ALL.map(|a| (a, a.label()));
        let stars = table::Stars {
            is_starred: &|id| watch.contains(id),
            hover: (
                "Watched: listed in My jobs, and you are told when it ends or frames die. Click to stop watching",
                "Watch this job: list it in My jobs and tell me when it ends or frames die",
            ),
            verbs: ("Stop watching", "Watch"),
        };
        let response = self
            .table
            .ui_starred(ui, "jobs", jobs, &stars, |ui, job, selected| {
                // The menu acts on the selection, or on the row when it is not selected.
                let watched = if selected.contains(&job.id) {
                    selected.iter().all(|id| watch.contains(id))
                } else {
                    watch.contains(&job.id)
                };
                let label = if watched { "Stop watching" } else { "Watch" };
                if ui.button(label).clicked() {
                    let rows = if selected.contains(&job.id) {
                        jobs.iter()
                            .filter(|j| selected.contains(&j.id))
                            .cloned()
                            .collect()
                    } else {
                        vec![job.clone()]
                    };
                    return Some(RowRequest::Watch(rows, !watched));
                }
                if ui.button("Copy name").clicked() {
                    ui.ctx().copy_text(job.name.clone());
                    ui.close();
                }
                ui.separator();
                table::menu_actions(ui, &actions, read_only).map(RowRequest::Action)
            });
        if response.opened.is_some() {
            self.opened = response.opened;
        }
        if let Some(id) = response.starred {
            let job = jobs.iter().find(|j| j.id == id).cloned();
            return job.map(|j| RowRequest::Watch(vec![j], !watch.contains(&id)));
        }
        response.action
    }
}

/// What a row of the jobs table asked for.
#[derive(Debug)]
pub enum RowRequest {
    /// An action on the selection.
    Action(JobAction),
    /// Watch these jobs (true) or stop watching them: the row whose star was clicked, or from
    /// the right-click menu the selection (the row when it is not selected).
    Watch(Vec<Job>, bool),
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
        // Equal priorities keep name order; descending, ties are still in name order.
        for expected in [["a", "c", "b"], ["b", "a", "c"]] {
            v.click_header(JobColumn::Priority);
            v.update_order();
            assert_eq!(names(&v), expected, "sort {:?}", v.table.sort);
        }
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
        v.table.hidden.insert(JobColumn::Shot);
        v.table.selected.insert("id-7".into());
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
                back.table.sort,
                back.filter.clone(),
                back.table.hidden.clone(),
                back.table.selected.clone()
            ),
            (
                v.table.sort,
                v.filter.clone(),
                v.table.hidden.clone(),
                v.table.selected.clone()
            )
        );
        let unknown = crate::profiles::JobsViewState {
            sort_column: "gone".into(),
            hidden_columns: vec!["name".into()],
            ..Default::default()
        };
        let v = JobsView::from_state(&unknown, "jdoe");
        assert_eq!(v.table.sort.column, JobColumn::Name);
        assert!(
            v.table.hidden.is_empty(),
            "the name column cannot be hidden"
        );
    }

    #[test]
    fn selection_is_by_id_and_dropped_when_the_job_goes() {
        let mut v = loaded(vec![job("a", 1, 0), job("b", 2, 0)]);
        v.table.selected.insert("id-b".into());
        v.click_header(JobColumn::Priority);
        v.update_order();
        assert_eq!(v.selected_jobs()[0].name, "b");
        *v.jobs.data_mut().unwrap() = vec![job("a", 1, 0)];
        v.update_order();
        assert!(v.table.selected.is_empty());
    }
}
