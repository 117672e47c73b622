//! The refresh of the show-wide list on screen: one waiting for its moment at a time, for the
//! view shown; a view no longer shown has its refresh cancelled.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Session {
    /// True while a refresh of `view`'s list waits or is in flight.
    pub(super) fn list_loading(&self, view: MainView) -> bool {
        match view {
            MainView::Mine => self.watching.as_ref().is_some_and(Watching::sending),
            MainView::Jobs => self.jobs.jobs.is_pending() || self.shows.is_pending(),
            MainView::Hosts => self.hosts.hosts.is_pending(),
            MainView::Farm => self.hosts.hosts.is_pending() || self.shows.is_pending(),
        }
    }

    /// When `view`'s list last got an answer, good or not.
    pub(super) fn list_answered_at(&self, view: MainView) -> Option<Instant> {
        match view {
            MainView::Mine => self.mine.jobs.answered_at(),
            MainView::Jobs => self.jobs.jobs.answered_at().max(self.shows.answered_at()),
            MainView::Hosts => self.hosts.hosts.answered_at(),
            MainView::Farm => self.hosts.hosts.answered_at().max(self.shows.answered_at()),
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
    pub(super) fn schedule_list(&mut self, tasks: &Tasks) {
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
                    MainView::Farm => {
                        self.hosts.hosts.set_due(at);
                        self.shows.set_due(at);
                    }
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
                MainView::Farm => {
                    // The show list every time: its show stats are the overview's frames.
                    self.shows_wanted = true;
                    let shows = self.refresh_shows(tasks, at, &wait);
                    self.refresh_hosts(tasks, at, &wait) | shows
                }
                MainView::Mine => false,
            };
            if started {
                self.list_wait = Some((self.view, deadline));
            }
            self.refresh_due = false;
        }
    }

    /// Cancels the refresh waiting to be sent; its answer, if it comes, is dropped.
    pub(super) fn cancel_list_wait(&mut self) {
        if let Some((view, _)) = self.list_wait.take() {
            match view {
                MainView::Jobs => {
                    self.jobs.jobs.cancel();
                    self.shows.cancel();
                }
                MainView::Hosts => self.hosts.hosts.cancel(),
                MainView::Farm => {
                    self.hosts.hosts.cancel();
                    self.shows.cancel();
                }
                MainView::Mine => {}
            }
        }
    }

    /// Starts a refresh of the chosen show's jobs; the show list while it has not arrived (or
    /// the user asked). Timed refreshes cost one GetJobs.
    pub(super) fn refresh_jobs(&mut self, tasks: &Tasks, at: Instant, wait: &DeadlineWait) -> bool {
        let mut started = self.refresh_shows(tasks, at, wait);
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

    /// Starts a refresh of the show list when the user asked, or while it has not arrived.
    pub(super) fn refresh_shows(
        &mut self,
        tasks: &Tasks,
        at: Instant,
        wait: &DeadlineWait,
    ) -> bool {
        let wanted = std::mem::take(&mut self.shows_wanted);
        if !(wanted || self.shows.data().is_none() || self.shows.error().is_some()) {
            return false;
        }
        let client = self.client.clone();
        let wait = wait.clone();
        self.shows.request_at(at, || {
            tasks.spawn("loading the shows", async move {
                if !wait.reached().await {
                    return Err(cancelled());
                }
                let mut shows = client.get_shows().await?;
                // Active shows first, then by name.
                shows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.name.cmp(&b.name)));
                Ok(shows)
            })
        })
    }

    pub(super) fn refresh_hosts(
        &mut self,
        tasks: &Tasks,
        at: Instant,
        wait: &DeadlineWait,
    ) -> bool {
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
}
