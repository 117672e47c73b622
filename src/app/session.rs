//! Everything tied to one connected gateway: the views and their data, the dialog, the writes
//! in flight, and the refresh schedule. Dropped whole when the user switches profile, with
//! every request it had out (their answers are dropped with their promises).

use std::time::{Duration, Instant};

use poll_promise::Promise;

use crate::api::requests::{HostSearchCriteria, JobSearchCriteria};
use crate::api::types::{Job, Show};
use crate::api::{ApiClient, ApiError};
use crate::app::Connection;
use crate::profiles::Profile;
use crate::remote::Remote;
use crate::tasks::{Tasks, take_ready};
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

/// The two views of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainView {
    /// A show's jobs, and the open jobs below.
    Jobs,
    /// The farm's hosts, and the chosen host's procs below.
    Hosts,
}

impl MainView {
    /// How the profile stores it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Jobs => "",
            Self::Hosts => "hosts",
        }
    }

    fn from_key(key: &str) -> Self {
        if key == "hosts" {
            Self::Hosts
        } else {
            Self::Jobs
        }
    }
}

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
    /// The window is minimized: refresh less often.
    pub minimized: bool,
    /// The jobs of the chosen show.
    pub jobs: JobsView,
    /// When the view on screen is next refreshed.
    pub next_refresh: Instant,
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
}

impl Session {
    /// A session on `connection`, nothing requested yet.
    pub fn new(connection: Connection) -> Result<Self, ApiError> {
        let Connection {
            profile,
            credentials,
        } = connection;
        let client = ApiClient::new(profile.client_config(credentials))?;
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
            ..DetailArea::default()
        };
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
            minimized: false,
            jobs,
            next_refresh: Instant::now(),
            actions: ActionTracker::default(),
            dialog: None,
            hosts,
            host_detail: None,
            procs_sort,
            jump: None,
            detail,
            previewed: None,
            detail_rect: None,
        })
    }

    /// How often the view on screen is refreshed.
    pub fn refresh_interval(&self) -> Duration {
        let secs = self.profile.refresh_interval_secs.max(1);
        // Nobody is looking at a minimized window: a tenth of the polling.
        Duration::from_secs(if self.minimized { secs * 10 } else { secs })
    }

    /// Refreshes the view on screen at the next logic pass; `manual` also refreshes the job
    /// or host open below it and the show list.
    pub fn refresh_now(&mut self, manual: bool) {
        self.next_refresh = Instant::now();
        if manual {
            // The show list again too, on the next jobs refresh.
            self.shows_wanted = true;
            match self.view {
                MainView::Jobs => {
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
            self.next_refresh = Instant::now();
        }
    }

    /// The one place refreshes are sent: the view on screen when due, and the job or host
    /// open below it when due. Takes finished answers first. Returns the earliest moment
    /// something is due again, for the caller's repaint.
    pub fn run_refreshes(&mut self, tasks: &Tasks) -> Instant {
        self.shows.poll();
        let listed = self.jobs.jobs.generation();
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
        // Choose a show once the list is known: the profile's, else the first active one.
        if self.show.is_none()
            && let Some(first) = self.shows.data().and_then(|s| s.first())
        {
            self.show = Some(first.name.clone());
            self.next_refresh = Instant::now();
        }
        if Instant::now() >= self.next_refresh {
            match self.view {
                MainView::Jobs => self.refresh_jobs(tasks),
                MainView::Hosts => self.refresh_hosts(tasks),
            }
            self.next_refresh = Instant::now() + self.refresh_interval();
        }
        // The job or host shown below refreshes on the same interval; what is hidden waits.
        let interval = self.refresh_interval();
        let below = match self.view {
            MainView::Jobs => self
                .detail
                .active_mut()
                .map(|d| d.logic(tasks, &self.client, interval)),
            MainView::Hosts => self
                .host_detail
                .as_mut()
                .map(|d| d.logic(tasks, &self.client, interval)),
        };
        below.map_or(self.next_refresh, |b| b.min(self.next_refresh))
    }

    /// Starts a refresh of the chosen show's jobs; the show list while it has not arrived (or
    /// the user asked). Timed refreshes cost one GetJobs.
    fn refresh_jobs(&mut self, tasks: &Tasks) {
        let wanted = std::mem::take(&mut self.shows_wanted);
        if wanted || self.shows.data().is_none() || self.shows.error().is_some() {
            let client = self.client.clone();
            self.shows.request(|| {
                tasks.spawn("loading the shows", async move {
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
            self.jobs.jobs.request(|| {
                tasks.spawn("loading the jobs", async move {
                    client.get_jobs(&criteria).await
                })
            });
        }
    }

    fn refresh_hosts(&mut self, tasks: &Tasks) {
        let client = self.client.clone();
        self.hosts.hosts.request(|| {
            tasks.spawn("loading the hosts", async move {
                client.get_hosts(&HostSearchCriteria::default()).await
            })
        });
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
        self.next_refresh = Instant::now();
        cleared
    }

    /// A write came back: the views showing what it touched refresh.
    pub fn action_finished(&mut self, finished: &Finished) {
        self.next_refresh = Instant::now();
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
