//! The views on disk: shown at start until the first answer, written when they change.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Session {
    /// Shows the views read from the disk cache, where no answer has come yet. The saved show
    /// is listed when the profile names none.
    pub(super) fn take_saved_views(&mut self) {
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
    pub(super) fn save_views(&mut self, tasks: &Tasks) {
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
}
