//! The watch list in the session: its refresh task, what it brings (My jobs, events), and
//! watching or not.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Session {
    /// Keeps the refresh of the user's own and the watched jobs running with what it should
    /// ask for, whatever the view (notifications need the watched jobs current); started the
    /// first time there is something to watch or My jobs is shown.
    pub(super) fn schedule_watch(&mut self, tasks: &Tasks) {
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
    pub(super) fn take_watch_answer(&mut self) {
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
    pub(super) fn show_my_jobs(&mut self) {
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
}
