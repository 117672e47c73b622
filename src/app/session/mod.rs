//! Everything tied to one connected gateway: the views and their data, the dialog, the writes
//! in flight, and the refresh schedule. Dropped whole when the user switches profile, with
//! every request it had out (their answers are dropped with their promises).

use std::path::Path;
use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::requests::{HostSearchCriteria, JobSearchCriteria};
use crate::api::types::{Job, Show};
use crate::api::{ApiClient, ApiError};
use crate::app::Connection;
use crate::profiles::Profile;
use crate::remote::Remote;
use crate::tasks::{Deadline, DeadlineWait, Inflight, Tasks, take_ready};
use crate::tracker::{ActionTracker, Finished, Touched};
use crate::ui::comments::CommentTarget;
use crate::ui::detail::DetailArea;
use crate::ui::dialog::Dialog;
use crate::ui::frames::FrameColumn;
use crate::ui::host_detail::{HostDetail, ProcColumn};
use crate::ui::hosts::HostsView;
use crate::ui::jobs::JobsView;
use crate::ui::layers::LayerColumn;
use crate::ui::table::{Sort, TableColumn as _};
use crate::view_cache::{CacheKey, CachedKind, CachedView, Preread, SavedViews, ViewCache};
use crate::watch::{Event, MyJobs, WatchList};

use super::watching::{Message, Plan, Watching};

mod cache;
mod lists;
mod watch;

/// The views of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainView {
    /// The user's own jobs across every show and the jobs they watch, and the open jobs below.
    Mine,
    /// A show's jobs, and the open jobs below.
    Jobs,
    /// The farm's hosts, and the chosen host's procs below.
    Hosts,
    /// The farm at a glance: frames per show, hosts by state, cores in use, and their history.
    Farm,
}

impl MainView {
    /// How the profile stores it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Jobs => "",
            Self::Hosts => "hosts",
            Self::Farm => "farm",
        }
    }

    fn from_key(key: &str) -> Self {
        match key {
            "mine" => Self::Mine,
            "hosts" => Self::Hosts,
            "farm" => Self::Farm,
            _ => Self::Jobs,
        }
    }
}

/// The interval of a timed refresh (the show-wide lists', the watch list's): `base`, or
/// `background` when the window is in the background (if longer), stretched to five times the gateway's last answer time `took` while that is more
/// than a fifth of it (whole seconds). The second value is `took` when it stretched.
pub(super) fn list_interval(
    base: Duration,
    background: Option<Duration>,
    took: Option<Duration>,
) -> (Duration, Option<Duration>) {
    let base = background.map_or(base, |b| b.max(base));
    match took {
        Some(t) if t * 5 > base => (
            Duration::from_secs((t * 5).as_secs_f64().ceil() as u64),
            Some(t),
        ),
        _ => (base, None),
    }
}

/// What a refresh cancelled before it was sent returns (nobody takes it).
fn cancelled() -> ApiError {
    ApiError::Internal("cancelled before it was sent".to_owned())
}

/// In the background the watched jobs are refreshed three times less often, up to this (a
/// notification is then at most this late).
const WATCH_IN_BACKGROUND: Duration = Duration::from_secs(30);

/// A view is written to the disk cache at most this often (and when the show changes): the
/// rows shown at the next start are at most this much older than the last ones seen.
const CACHE_EVERY: Duration = Duration::from_secs(300);

/// Everything tied to one connected gateway.
pub struct Session {
    /// The profile connected with.
    pub profile: Profile,
    /// Its client.
    pub client: ApiClient,
    /// The gateway's shows, active first.
    pub shows: Remote<Vec<Show>>,
    /// The user asked for a refresh: the show list is fetched again too.
    shows_wanted: bool,
    /// The show whose jobs are listed.
    pub show: Option<String>,
    /// Ask the gateway for finished jobs too.
    pub include_finished: bool,
    /// The window is unfocused or minimized: the show-wide lists refresh less often.
    pub background: bool,
    /// The jobs of the chosen show.
    pub jobs: JobsView,
    /// "My jobs": the user's own pending jobs across every show and the watched jobs (its
    /// rows are set from `my_jobs` at each answer of the watch list).
    pub mine: JobsView,
    /// The jobs the user watches.
    pub watch: WatchList,
    /// What the last answers said of the user's own and the watched jobs.
    my_jobs: MyJobs,
    /// The refresh of the user's own and the watched jobs: it runs whatever the view (the
    /// watched jobs stay current), from the first time there is something to watch.
    watching: Option<Watching>,
    /// What happened to watched jobs, for the app to tell the user.
    pub events: Vec<Event>,
    /// The next refresh of the list on screen (of the view it is for), waiting in its task
    /// until due, then in flight until its answer is taken.
    list_wait: Option<(MainView, Deadline)>,
    /// When the last refresh of the list on screen was sent.
    list_sent: Option<Instant>,
    /// How long the gateway took to answer the last refresh of the list on screen.
    list_took: Option<Duration>,
    /// Refresh the view on screen now, whenever it was last asked for.
    refresh_due: bool,
    /// The profile's views on disk, if it keeps them.
    cache: Option<ViewCache>,
    /// The saved views being read at start: jobs, then hosts.
    saved: Option<Promise<Result<SavedViews, String>>>,
    /// Cache files being written.
    cache_writes: Inflight<CachedKind, Result<(), String>>,
    /// When the jobs view was last written to the cache, and for which show.
    jobs_written: Option<(Instant, Option<String>)>,
    /// When the hosts view was last written to the cache.
    hosts_written: Option<Instant>,
    /// Every write in flight, from any panel.
    pub actions: ActionTracker,
    /// The dialog in front of an action, if one is open.
    pub dialog: Option<Dialog>,
    /// The view shown; only its data is polled.
    pub view: MainView,
    /// The farm's hosts.
    pub hosts: HostsView,
    /// The farm overview: its history and counts.
    pub overview: crate::ui::overview::Overview,
    /// The host shown below the hosts table.
    pub host_detail: Option<HostDetail>,
    /// How procs tables are sorted (the last sort the user chose).
    pub procs_sort: Sort<ProcColumn>,
    /// A job to show in the jobs view, being looked up by name.
    pub jump: Option<(String, Promise<Result<Job, ApiError>>)>,
    /// The open jobs.
    pub detail: DetailArea,
    /// The job last shown because it was selected alone (not shown again once closed).
    pub previewed: Option<String>,
    /// Where the detail panel was drawn last frame.
    pub detail_rect: Option<egui::Rect>,
    /// This workstation, when it is a render host of the farm.
    pub workstation: crate::ui::workstation::Workstation,
}

impl Session {
    /// A session on `connection`, nothing requested yet.
    pub fn new(
        connection: Connection,
        tasks: &Tasks,
        cache_dir: Option<&Path>,
        preread: Option<Preread>,
    ) -> Result<Self, ApiError> {
        let Connection {
            profile,
            credentials,
        } = connection;
        let client = ApiClient::new(profile.client_config(credentials))?;
        let workstation = crate::ui::workstation::Workstation::look_up(
            tasks,
            &client,
            crate::ui::workstation::local_names(),
        );
        let cache = cache_dir
            .filter(|_| profile.cache_views)
            .map(|dir| ViewCache::new(dir, CacheKey::of(&profile)));
        // Read while the window opened, when that was this profile's; else now.
        let preread = preread
            .filter(|p| cache.as_ref().is_some_and(|c| c.key() == p.key()))
            .map(Preread::into_receiver);
        let saved_views = cache.clone().map(|cache| match preread {
            Some(views) => match views.try_recv() {
                Ok(read) => Promise::from_ready(Ok(read)),
                Err(_) => tasks.blocking("reading the saved views", move || {
                    Ok(views.recv().unwrap_or_else(|_| cache.load_all()))
                }),
            },
            None => tasks.blocking("reading the saved views", move || Ok(cache.load_all())),
        });
        let show = (!profile.default_show.is_empty()).then(|| profile.default_show.clone());
        let saved = &profile.jobs_view;
        let mut jobs = JobsView::from_state(saved, &profile.username);
        // Column widths are kept per profile (egui's persisted memory, saved by eframe).
        jobs.table.salt.clone_from(&profile.name);
        let detail = DetailArea {
            sorts: Some((
                Sort::from_saved(
                    &saved.layers_sort,
                    saved.layers_descending,
                    LayerColumn::Name,
                ),
                Sort::from_saved(
                    &saved.frames_sort,
                    saved.frames_descending,
                    FrameColumn::Order,
                ),
            )),
            stuck_minutes: profile.watching.stuck_minutes,
            ..DetailArea::default()
        };
        let mut mine = JobsView::from_state(&profile.mine_view, &profile.username);
        mine.table.salt = format!("{}/mine", profile.name);
        let watch = WatchList::from_saved(&profile.watched);
        let mut hosts = HostsView::from_state(&profile.hosts_view);
        hosts.table.salt.clone_from(&profile.name);
        let procs_sort = Sort::from_saved(
            &profile.hosts_view.procs_sort,
            profile.hosts_view.procs_descending,
            ProcColumn::Job,
        );
        Ok(Self {
            include_finished: saved.include_finished,
            view: MainView::from_key(&profile.view),
            profile,
            client,
            shows: Remote::default(),
            shows_wanted: false,
            show,
            background: false,
            jobs,
            mine,
            watch,
            my_jobs: MyJobs::default(),
            watching: None,
            events: Vec::new(),
            list_wait: None,
            list_sent: None,
            list_took: None,
            refresh_due: true,
            cache,
            saved: saved_views,
            cache_writes: Inflight::default(),
            jobs_written: None,
            hosts_written: None,
            actions: ActionTracker::default(),
            dialog: None,
            hosts,
            overview: crate::ui::overview::Overview::default(),
            host_detail: None,
            procs_sort,
            jump: None,
            detail,
            previewed: None,
            detail_rect: None,
            workstation,
        })
    }

    /// When the rows on screen were saved, while they come from the cache (no answer yet):
    /// local time, `14:02`.
    pub fn stale_since(&self) -> Option<String> {
        let saved = match self.view {
            MainView::Mine => None,
            MainView::Jobs => self.jobs.jobs.saved_at(),
            MainView::Hosts | MainView::Farm => self.hosts.hosts.saved_at(),
        }?;
        Some(crate::ui::widgets::short_time(saved))
    }

    /// How often the job or host open below is refreshed: the profile's interval.
    pub fn refresh_interval(&self) -> Duration {
        Duration::from_secs(self.profile.refresh_interval_secs.max(1))
    }

    /// How often the show-wide list on screen is refreshed: the profile's interval, or its
    /// background interval while the window is in the background; stretched to five times
    /// the last answer's time while the gateway takes more than a fifth of it. The second
    /// value is that last answer's time when it stretched the interval.
    pub fn list_interval(&self) -> (Duration, Option<Duration>) {
        if self.view == MainView::Mine {
            return self.watch_interval();
        }
        list_interval(
            self.refresh_interval(),
            self.background
                .then(|| Duration::from_secs(self.profile.background_refresh_secs.max(1))),
            self.list_took,
        )
    }

    /// How often the user's own and the watched jobs are refreshed: the profile's interval in
    /// front, three times less often behind (up to [`WATCH_IN_BACKGROUND`]), stretched like the
    /// lists' while the gateway is slow.
    fn watch_interval(&self) -> (Duration, Option<Duration>) {
        list_interval(
            self.refresh_interval(),
            self.watch_background(),
            self.watching.as_ref().and_then(|w| w.took),
        )
    }

    /// The watch list's interval while the window is in the background: three times the
    /// profile's, at most [`WATCH_IN_BACKGROUND`] (never shorter than the profile's).
    fn watch_background(&self) -> Option<Duration> {
        self.background
            .then(|| (self.refresh_interval() * 3).min(WATCH_IN_BACKGROUND))
    }

    /// Refreshes the view on screen at the next logic pass; `manual` also refreshes the job
    /// or host open below it and the show list.
    pub fn refresh_now(&mut self, manual: bool) {
        self.refresh_due = true;
        if manual {
            // The show list again too, on the next jobs refresh.
            self.shows_wanted = true;
            match self.view {
                MainView::Mine | MainView::Jobs => {
                    if let Some(d) = self.detail.active_mut() {
                        d.refresh_soon();
                    }
                }
                MainView::Hosts => {
                    if let Some(d) = self.host_detail.as_mut() {
                        d.refresh_soon();
                    }
                }
                MainView::Farm => {}
            }
        }
    }

    /// Shows another view, refreshed at once (its data may be old).
    pub fn set_view(&mut self, view: MainView) {
        if self.view != view {
            self.view = view;
            self.refresh_due = true;
        }
    }

    /// The one place refreshes are sent: the view on screen when due, and the job or host
    /// open below it when due. Takes finished answers first. Returns when the job or host
    /// open below is due again, for the caller's repaint: the list's own refresh waits in its
    /// task and wakes the window only when its answer lands.
    pub fn run_refreshes(&mut self, tasks: &Tasks) -> Option<Instant> {
        self.shows.poll();
        let listed = self.jobs.jobs.generation();
        let hosts_listed = self.hosts.hosts.generation();
        self.jobs.poll();
        // The open jobs take their new state from the list: no GetJob of their own.
        if self.jobs.jobs.generation() != listed
            && let Some(jobs) = self.jobs.jobs.data()
        {
            for tab in &mut self.detail.tabs {
                if let Some(job) = jobs.iter().find(|j| j.id == tab.job.id) {
                    tab.update_job(job);
                }
            }
        }
        if self.hosts.poll()
            && let Some(d) = self.host_detail.as_mut()
            && let Some(h) = self.hosts.get(&d.host.id)
        {
            d.host = h.clone();
        }
        if self.jobs.jobs.generation() != listed || self.hosts.hosts.generation() != hosts_listed {
            // The list it replaced was freed: a 5,000-job show is megabytes that glibc would
            // otherwise keep (spread over the arenas of the threads that decoded them).
            let trimming = Instant::now();
            crate::tasks::return_freed_memory();
            tracing::debug!(
                "freed memory returned in {} µs",
                trimming.elapsed().as_micros()
            );
        }
        // Choose a show once the list is known: the profile's, else the first active one.
        if self.show.is_none()
            && let Some(first) = self.shows.data().and_then(|s| s.first())
        {
            self.show = Some(first.name.clone());
            self.refresh_due = true;
        }
        self.overview.history.sample(
            &self.shows,
            &self.hosts.hosts,
            crate::api::auth::now_epoch(),
        );
        self.take_saved_views();
        self.save_views(tasks);
        self.take_watch_answer();
        self.schedule_list(tasks);
        self.schedule_watch(tasks);
        // The job or host shown below refreshes on the same interval; what is hidden waits.
        let interval = self.refresh_interval();
        let workstation = self.workstation.logic(tasks, &self.client, interval);
        let below = match self.view {
            MainView::Mine | MainView::Jobs => self
                .detail
                .active_mut()
                .map(|d| d.logic(tasks, &self.client, interval)),
            MainView::Hosts => self
                .host_detail
                .as_mut()
                .map(|d| d.logic(tasks, &self.client, interval)),
            MainView::Farm => None,
        };
        [below, workstation].into_iter().flatten().min()
    }

    /// Takes the answer of a "go to job" lookup: shows the job, or says why it cannot.
    /// Returns what to tell the user.
    pub fn poll_jump(&mut self) -> Option<(String, bool)> {
        let (name, mut slot) = self.jump.take().map(|(n, p)| (n, Some(p)))?;
        match take_ready(&mut slot) {
            None => {
                self.jump = slot.map(|p| (name, p));
                None
            }
            Some(Ok(job)) => self.show_in_jobs(&job).then(|| {
                (
                    format!("Cleared the jobs filter to show {}", job.name),
                    false,
                )
            }),
            Some(Err(e)) => Some((
                format!("Cannot go to job {name}: {}", e.user_message()),
                true,
            )),
        }
    }

    /// Shows `job` in the jobs view: its show, selected, scrolled to and open below. Returns
    /// true when the jobs filter had to be cleared to list it.
    pub fn show_in_jobs(&mut self, job: &Job) -> bool {
        self.set_view(MainView::Jobs);
        if self.show.as_deref() != Some(job.show.as_str()) {
            self.show = Some(job.show.clone());
            self.jobs.jobs.reset();
        }
        let cleared = !self.jobs.admits(job);
        if cleared {
            self.jobs.filter = crate::ui::jobs::JobFilter::default();
        }
        self.jobs.table.selected = std::iter::once(job.id.clone()).collect();
        self.jobs.table.scroll_to = Some(job.id.clone());
        self.previewed = Some(job.id.clone());
        self.detail.show_job(job, true, &self.profile.name);
        self.refresh_due = true;
        cleared
    }

    /// A write came back: the views showing what it touched refresh.
    pub fn action_finished(&mut self, finished: &Finished) {
        self.refresh_due = true;
        if let Touched::Comments(target) = &finished.touched {
            for pane in self.comment_panes(target) {
                pane.finished(&finished.outcome);
            }
        }
        match &finished.touched {
            Touched::Jobs => {}
            Touched::Job(id) | Touched::Comments(CommentTarget::Job(id)) => {
                if let Some(d) = self.detail.tabs.iter_mut().find(|d| &d.job.id == id) {
                    d.refresh_soon();
                }
            }
            // A comment made with the hosts' "Comment…" shows in the host's comments.
            Touched::Hosts | Touched::Comments(CommentTarget::Host(_)) => {
                if let Some(d) = self.host_detail.as_mut() {
                    d.refresh_soon();
                }
                self.workstation.refresh_soon();
            }
        }
    }

    /// The comment panes open on `target`.
    fn comment_panes(
        &mut self,
        target: &CommentTarget,
    ) -> impl Iterator<Item = &mut crate::ui::comments::CommentsPane> {
        let jobs = self.detail.tabs.iter_mut().map(|d| &mut d.comments);
        let host = self.host_detail.iter_mut().map(|d| &mut d.comments);
        jobs.chain(host).filter(move |p| p.target() == target)
    }

    /// The history line of an action sent now with this profile.
    pub fn history_entry(
        &self,
        action: &str,
        targets: Vec<String>,
    ) -> crate::history::HistoryEntry {
        crate::history::HistoryEntry::sent(
            &self.profile.name,
            self.client.base_url(),
            action,
            targets,
        )
    }

    /// The jobs view's layout and filters, and the hosts view's, as the profile saves them.
    pub fn view_state(
        &self,
    ) -> (
        crate::profiles::JobsViewState,
        crate::profiles::HostsViewState,
    ) {
        let mut state = self.jobs.state(self.include_finished);
        if let Some((layers, frames)) = self.detail.sorts {
            state.layers_sort = layers.column.key().to_owned();
            state.layers_descending = !layers.ascending;
            state.frames_sort = frames.column.key().to_owned();
            state.frames_descending = !frames.ascending;
        }
        let mut hosts_state = self.hosts.state();
        hosts_state.procs_sort = self.procs_sort.column.key().to_owned();
        hosts_state.procs_descending = !self.procs_sort.ascending;
        (state, hosts_state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn the_list_refreshes_less_often_in_the_background_and_while_the_gateway_is_slow() {
        // In front, a quick gateway: the profile's interval.
        assert_eq!(
            list_interval(S(10), None, Some(Duration::from_millis(300))),
            (S(10), None)
        );
        // In the background: the background interval, never shorter than the normal one.
        assert_eq!(list_interval(S(10), Some(S(60)), None), (S(60), None));
        assert_eq!(list_interval(S(90), Some(S(60)), None), (S(90), None));
        // A gateway that takes more than a fifth of the interval: five times its time.
        let slow = Duration::from_millis(3200);
        assert_eq!(list_interval(S(10), None, Some(slow)), (S(16), Some(slow)));
        // …which the background interval may already cover.
        assert_eq!(list_interval(S(10), Some(S(60)), Some(slow)), (S(60), None));
        // Quick again: back to the profile's interval.
        assert_eq!(list_interval(S(10), None, Some(S(1))), (S(10), None));
    }
}
