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

/// The views of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainView {
    /// The user's own jobs across every show and the jobs they watch, and the open jobs below.
    Mine,
    /// A show's jobs, and the open jobs below.
    Jobs,
    /// The farm's hosts, and the chosen host's procs below.
    Hosts,
}

impl MainView {
    /// How the profile stores it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Jobs => "",
            Self::Hosts => "hosts",
        }
    }

    fn from_key(key: &str) -> Self {
        match key {
            "mine" => Self::Mine,
            "hosts" => Self::Hosts,
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
            MainView::Hosts => self.hosts.hosts.saved_at(),
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
        };
        [below, workstation].into_iter().flatten().min()
    }

    /// True while a refresh of `view`'s list waits or is in flight.
    fn list_loading(&self, view: MainView) -> bool {
        match view {
            MainView::Mine => self.watching.as_ref().is_some_and(Watching::sending),
            MainView::Jobs => self.jobs.jobs.is_pending() || self.shows.is_pending(),
            MainView::Hosts => self.hosts.hosts.is_pending(),
        }
    }

    /// When `view`'s list last got an answer, good or not.
    fn list_answered_at(&self, view: MainView) -> Option<Instant> {
        match view {
            MainView::Mine => self.mine.jobs.answered_at(),
            MainView::Jobs => self.jobs.jobs.answered_at().max(self.shows.answered_at()),
            MainView::Hosts => self.hosts.hosts.answered_at(),
        }
    }

    /// True while the refresh of the list on screen has been sent and not answered yet.
    pub fn list_in_flight(&self) -> bool {
        if self.view == MainView::Mine {
            return self.list_loading(MainView::Mine);
        }
        self.list_wait
            .as_ref()
            .is_some_and(|(view, due)| *view == self.view && due.reached())
            && self.list_loading(self.view)
    }

    /// Keeps exactly one refresh of the list on screen waiting for its moment: the last one
    /// sent plus the interval (which moves with the focus and the gateway's speed), or now
    /// when one is wanted now. A refresh of a view no longer shown is cancelled, even in flight
    /// (its answer is dropped; the view refreshes when shown again), so the view on screen
    /// never waits behind it. One asked with what is no longer wanted is cancelled if not yet
    /// sent; once sent it is let finish and the next one leaves at once.
    fn schedule_list(&mut self, tasks: &Tasks) {
        let (interval, _) = self.list_interval();
        if let Some((view, due)) = &self.list_wait {
            let view = *view;
            if !self.list_loading(view) {
                // Answered (or reset by a change of show): the next one is scheduled below.
                if due.reached() {
                    self.list_sent = Some(due.at());
                    if let Some(at) = self.list_answered_at(view)
                        && at >= due.at()
                    {
                        self.list_took = Some(at - due.at());
                    }
                }
                self.list_wait = None;
            } else if view != self.view || (self.refresh_due && !due.reached()) {
                self.cancel_list_wait();
            } else if !due.reached() {
                let at = self.list_sent.map_or_else(Instant::now, |t| t + interval);
                due.move_to(at);
                match view {
                    MainView::Jobs => {
                        self.jobs.jobs.set_due(at);
                        self.shows.set_due(at);
                    }
                    MainView::Hosts => self.hosts.hosts.set_due(at),
                    MainView::Mine => {}
                }
            }
        }
        // My jobs are the watch list's: see `schedule_watch`.
        if self.view != MainView::Mine && self.list_wait.is_none() && !self.list_loading(self.view)
        {
            let at = match self.list_sent {
                Some(sent) if !self.refresh_due => sent + interval,
                _ => Instant::now(),
            };
            let (deadline, wait) = Deadline::new(at);
            let started = match self.view {
                MainView::Jobs => self.refresh_jobs(tasks, at, &wait),
                MainView::Hosts => self.refresh_hosts(tasks, at, &wait),
                MainView::Mine => false,
            };
            if started {
                self.list_wait = Some((self.view, deadline));
            }
            self.refresh_due = false;
        }
    }

    /// Cancels the refresh waiting to be sent; its answer, if it comes, is dropped.
    fn cancel_list_wait(&mut self) {
        if let Some((view, _)) = self.list_wait.take() {
            match view {
                MainView::Jobs => {
                    self.jobs.jobs.cancel();
                    self.shows.cancel();
                }
                MainView::Hosts => self.hosts.hosts.cancel(),
                MainView::Mine => {}
            }
        }
    }

    /// Keeps the refresh of the user's own and the watched jobs running with what it should
    /// ask for, whatever the view (notifications need the watched jobs current); started the
    /// first time there is something to watch or My jobs is shown.
    fn schedule_watch(&mut self, tasks: &Tasks) {
        let mine = self.view == MainView::Mine;
        let wanted = mine || self.profile.watching.watch_mine || !self.watch.is_empty();
        if !wanted && self.watching.is_none() {
            return;
        }
        let plan = Plan {
            user: if mine || self.profile.watching.watch_mine {
                self.profile.username.clone()
            } else {
                String::new()
            },
            watch: self.watch.clone(),
            finished: self.my_jobs.finished().clone(),
            // Less often in the background: an artist with hundreds of pending jobs would
            // otherwise receive more than the show's list.
            interval: list_interval(self.refresh_interval(), self.watch_background(), None).0,
            every_answer: mine,
            watch_mine: self.profile.watching.watch_mine,
            switches: self.profile.watching.switches(),
            stuck_after: self.profile.watching.stuck_after(),
        };
        match &self.watching {
            Some(w) => {
                w.set_plan(plan);
                if mine && self.refresh_due {
                    w.refresh_now();
                }
            }
            None => self.watching = Some(Watching::start(tasks, self.client.clone(), plan)),
        }
        if mine {
            self.refresh_due = false;
        }
    }

    /// Takes what the refresh of the watch list brought: the user's own jobs are watched
    /// (when the profile says so), My jobs are updated, and what happened is told.
    fn take_watch_answer(&mut self) {
        let Some(watching) = self.watching.as_mut() else {
            return;
        };
        for message in watching.take() {
            match message {
                Message::Answer { answer, events, .. } => {
                    if self.profile.watching.watch_mine {
                        for job in answer.mine.iter().flatten() {
                            self.watch.add(&job.id, &job.name);
                        }
                    }
                    self.my_jobs.update(&answer, &self.watch);
                    self.events.extend(events);
                    self.show_my_jobs();
                }
                Message::Failed(e) => self.mine.jobs.fail(e),
            }
        }
    }

    /// Puts what is known of the user's own and the watched jobs in the My jobs table; the
    /// open jobs take their new state from it.
    fn show_my_jobs(&mut self) {
        let rows = self.my_jobs.rows();
        for tab in &mut self.detail.tabs {
            if let Some(job) = rows.iter().find(|j| j.id == tab.job.id) {
                tab.update_job(job);
            }
        }
        self.mine.jobs.set(rows);
        self.mine.update_order();
    }

    /// Shows a job of My jobs: the view, the job selected, scrolled to and open below
    /// (nothing when it is no longer listed).
    pub fn show_in_mine(&mut self, id: &str) {
        let Some(job) = self.my_jobs.jobs().find(|j| j.id == id).cloned() else {
            return;
        };
        self.set_view(MainView::Mine);
        self.mine.filter = crate::ui::jobs::JobFilter::default();
        self.mine.table.selected = std::iter::once(job.id.clone()).collect();
        self.mine.table.scroll_to = Some(job.id.clone());
        self.previewed = Some(job.id.clone());
        self.detail.show_job(&job, true, &self.profile.name);
    }

    /// How many finished jobs My jobs lists.
    pub fn finished_watched(&self) -> usize {
        self.my_jobs.finished().len()
    }

    /// Watches `jobs` (or stops watching them): My jobs shows them at once, and the next
    /// refresh asks for them.
    pub fn set_watched(&mut self, jobs: &[Job], watch: bool) {
        for job in jobs {
            if watch {
                self.watch.add(&job.id, &job.name);
                self.my_jobs.insert(job.clone());
            } else {
                self.watch.remove(&job.id);
            }
        }
        self.my_jobs
            .retain_watched(&self.watch, &self.profile.username);
        self.show_my_jobs();
    }

    /// Stops watching every finished job: they leave My jobs.
    pub fn remove_finished(&mut self) -> usize {
        let finished: Vec<String> = self.my_jobs.finished().iter().cloned().collect();
        for id in &finished {
            self.watch.remove(id);
        }
        self.my_jobs
            .retain_watched(&self.watch, &self.profile.username);
        self.show_my_jobs();
        finished.len()
    }

    /// Shows the views read from the disk cache, where no answer has come yet. The saved show
    /// is listed when the profile names none.
    fn take_saved_views(&mut self) {
        let Some(Ok((jobs, hosts))) = take_ready(&mut self.saved) else {
            return;
        };
        if let Some(view) = jobs
            && view.include_finished == self.include_finished
            && (self.show.is_none() || self.show == view.show)
            && self.jobs.jobs.updated_at().is_none()
        {
            if self.show.is_none() {
                // The jobs of that show are asked for now, beside the show list.
                self.show.clone_from(&view.show);
                self.refresh_due = true;
            }
            self.shows.set_saved(view.shows, view.saved_at);
            self.jobs.jobs.set_saved(view.jobs, view.saved_at);
        }
        if let Some(view) = hosts {
            self.hosts.hosts.set_saved(view.hosts, view.saved_at);
        }
    }

    /// Writes the views that changed to the disk cache: the first answer, a new show, then at
    /// most every [`CACHE_EVERY`]. Off the UI thread; a failure is logged, nothing else.
    fn save_views(&mut self, tasks: &Tasks) {
        for (kind, result) in self.cache_writes.take_finished() {
            if let Err(e) = result {
                tracing::warn!("cannot save the {kind:?} view for the next start: {e}");
            }
        }
        let Some(cache) = &self.cache else {
            return;
        };
        let now = crate::api::auth::now_epoch();
        let mut views = Vec::new();
        if let Some(jobs) = self.jobs.jobs.data()
            && self.jobs.jobs.saved_at().is_none()
            && self
                .jobs_written
                .as_ref()
                .is_none_or(|(at, show)| *show != self.show || at.elapsed() >= CACHE_EVERY)
        {
            self.jobs_written = Some((Instant::now(), self.show.clone()));
            let view = CachedView {
                saved_at: now,
                show: self.show.clone(),
                include_finished: self.include_finished,
                shows: self.shows.data().cloned().unwrap_or_default(),
                jobs: jobs.clone(),
                ..CachedView::default()
            };
            views.push((CachedKind::Jobs, view));
        }
        if let Some(hosts) = self.hosts.hosts.data()
            && self.hosts.hosts.saved_at().is_none()
            && self
                .hosts_written
                .is_none_or(|at| at.elapsed() >= CACHE_EVERY)
        {
            self.hosts_written = Some(Instant::now());
            let hosts = hosts.clone();
            views.push((
                CachedKind::Hosts,
                CachedView {
                    saved_at: now,
                    hosts,
                    ..CachedView::default()
                },
            ));
        }
        for (kind, view) in views {
            let cache = cache.clone();
            let write = tasks.blocking("saving a view for the next start", move || {
                cache.save(kind, view).map_err(|e| e.to_string())
            });
            self.cache_writes.push(kind, write);
        }
    }

    /// Starts a refresh of the chosen show's jobs; the show list while it has not arrived (or
    /// the user asked). Timed refreshes cost one GetJobs.
    fn refresh_jobs(&mut self, tasks: &Tasks, at: Instant, wait: &DeadlineWait) -> bool {
        let mut started = false;
        let wanted = std::mem::take(&mut self.shows_wanted);
        if wanted || self.shows.data().is_none() || self.shows.error().is_some() {
            let client = self.client.clone();
            let wait = wait.clone();
            started |= self.shows.request_at(at, || {
                tasks.spawn("loading the shows", async move {
                    if !wait.reached().await {
                        return Err(cancelled());
                    }
                    let mut shows = client.get_shows().await?;
                    // Active shows first, then by name.
                    shows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
                    Ok(shows)
                })
            });
        }
        if let Some(show) = self.show.clone() {
            let client = self.client.clone();
            let criteria = JobSearchCriteria {
                shows: vec![show],
                include_finished: self.include_finished,
                ..Default::default()
            };
            let wait = wait.clone();
            started |= self.jobs.jobs.request_at(at, || {
                tasks.spawn("loading the jobs", async move {
                    if !wait.reached().await {
                        return Err(cancelled());
                    }
                    client.get_jobs(&criteria).await
                })
            });
        }
        started
    }

    fn refresh_hosts(&mut self, tasks: &Tasks, at: Instant, wait: &DeadlineWait) -> bool {
        let client = self.client.clone();
        let wait = wait.clone();
        self.hosts.hosts.request_at(at, || {
            tasks.spawn("loading the hosts", async move {
                if !wait.reached().await {
                    return Err(cancelled());
                }
                client.get_hosts(&HostSearchCriteria::default()).await
            })
        })
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
