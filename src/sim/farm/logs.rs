//! The events the simulator's frame log writer turns into RQD-style logs.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Farm {
    // -----------------------------------------------------------------------------------------
    // Frame logs (the simulator writes them; see `sim::logs`).

    /// Starts recording frame log events, beginning with the logs every frame that has run so
    /// far would have written.
    pub fn enable_log_events(&mut self) {
        let mut events = Vec::new();
        for (j, job) in self.jobs.iter().enumerate() {
            for (f, fr) in job.frames.iter().enumerate() {
                if fr.start <= 0 {
                    continue;
                }
                // Output up to now for a running frame, the whole run for a finished one.
                let until = if fr.state == FrameState::Running {
                    self.generated_at
                } else {
                    fr.stop.max(fr.start)
                };
                events.push(self.log_facts(LogEventKind::Started, j, f, until));
                if fr.state != FrameState::Running {
                    events.push(self.log_facts(LogEventKind::Ended, j, f, fr.stop.max(fr.start)));
                }
            }
        }
        self.log_events = Some(events);
    }

    /// The frame log events since the last call (empty unless enabled).
    pub fn take_log_events(&mut self) -> Vec<FrameLogFacts> {
        self.log_events
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub(super) fn log_event(&mut self, kind: LogEventKind, j: usize, f: usize, now: i32) {
        if self.log_events.is_none() {
            return;
        }
        // Facts are taken now: the frame may start again before the events are collected.
        let facts = self.log_facts(kind, j, f, now);
        if let Some(events) = self.log_events.as_mut() {
            events.push(facts);
        }
    }

    pub(super) fn log_facts(
        &self,
        kind: LogEventKind,
        j: usize,
        f: usize,
        now: i32,
    ) -> FrameLogFacts {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let layer = &job.layers[fr.layer as usize];
        let frame_name = format!("{:04}-{}", fr.number, layer.name);
        FrameLogFacts {
            kind,
            log_path: format!("{}/{}.{frame_name}.rqlog", job.log_dir, job.name),
            job_id: job.id.clone(),
            job_name: job.name.clone(),
            frame_id: derived_id(self.salt, KIND_FRAME, j as u32, f as u32),
            frame_name,
            number: fr.number,
            service: layer.service,
            user: job.user.clone(),
            host: fr
                .last_host
                .and_then(|h| self.hosts.get(h as usize))
                .map_or_else(String::new, |h| h.name.clone()),
            retries: fr.retry,
            start: fr.start,
            stop: if kind == LogEventKind::Ended {
                fr.stop.max(now)
            } else {
                0
            },
            // Frames generated as done have no due time: their run ended at `stop`.
            due: if fr.due > fr.start {
                fr.due
            } else {
                fr.stop.max(fr.start + 300)
            },
            // A running frame stopped by a user has no exit status yet: RQD reports a kill.
            exit: match kind {
                LogEventKind::Ended if fr.exit < 0 => 286,
                LogEventKind::Ended => fr.exit,
                _ => -1,
            },
            max_rss: fr.max_rss,
            now,
        }
    }
}
