//! The gateway's calls on the farm: queries and changes, by interface.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Farm {
    // -----------------------------------------------------------------------------------------
    // ShowInterface.

    /// GetShows / GetActiveShows.
    pub fn shows(&self, active_only: bool) -> Vec<Show> {
        (0..self.shows.len())
            .filter(|&s| !active_only || self.shows[s].active)
            .map(|s| self.show_wire(s))
            .collect()
    }

    /// FindShow.
    pub fn find_show(&self, name: &str) -> Result<Show, SimError> {
        self.shows
            .iter()
            .position(|s| s.name == name)
            .map(|s| self.show_wire(s))
            .ok_or_else(SimError::no_row)
    }

    // -----------------------------------------------------------------------------------------
    // JobInterface.

    /// GetJobs: filters as Cuebot's JobSearch; pending only unless `include_finished`.
    pub fn get_jobs(&self, r: &JobSearchCriteria) -> Result<Vec<Job>, SimError> {
        let regexes = compile_regexes(&r.regex)?;
        Ok(self
            .jobs_by_name
            .iter()
            .copied()
            .filter(|&j| {
                let job = &self.jobs[j];
                (r.include_finished || job.state == JobState::Pending)
                    && (r.ids.is_empty() || r.ids.contains(&job.id))
                    && (r.jobs.is_empty() || r.jobs.contains(&job.name))
                    && (r.users.is_empty() || r.users.contains(&job.user))
                    && (r.shots.is_empty() || r.shots.contains(&job.shot))
                    && (r.shows.is_empty() || r.shows.contains(&self.shows[job.show].name))
                    && (r.substr.is_empty()
                        || r.substr.iter().any(|s| job.name.contains(s.as_str())))
                    && (regexes.is_empty() || regexes.iter().any(|re| re.is_match(&job.name)))
            })
            .map(|j| self.job_wire(j))
            .collect())
    }

    /// GetJob: any state.
    pub fn get_job(&self, id: &str) -> Result<Job, SimError> {
        self.job_by_id
            .get(id)
            .map(|&j| self.job_wire(j))
            .ok_or_else(SimError::no_row)
    }

    /// FindJob: pending jobs only, name lower-cased as Cuebot does.
    pub fn find_job(&self, name: &str) -> Result<Job, SimError> {
        self.job_by_name
            .get(&name.to_lowercase())
            .copied()
            .filter(|&j| self.jobs[j].state == JobState::Pending)
            .map(|j| self.job_wire(j))
            .ok_or_else(SimError::no_row)
    }

    /// Pause or Resume.
    pub fn set_paused(&mut self, job_id: &str, paused: bool) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        self.jobs[j].paused = paused;
        Ok(())
    }

    /// Kill: the job finishes; its running frames are stopped.
    pub fn kill_job(&mut self, job_id: &str, now: i64) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        let now = clamp_i32(now);
        let running: Vec<usize> = (0..self.jobs[j].frames.len())
            .filter(|&f| self.jobs[j].frames[f].state == FrameState::Running)
            .collect();
        for f in running {
            self.set_frame_state(j, f, FrameState::Waiting, now);
        }
        let job = &mut self.jobs[j];
        if job.state == JobState::Pending {
            job.state = JobState::Finished;
            job.stop_time = now;
        }
        Ok(())
    }

    /// The index of a job that may still change (unknown: 404; finished: read-only).
    pub fn pending_job(&self, job_id: &str) -> Result<usize, SimError> {
        let j = self.job_index(job_id)?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        Ok(j)
    }

    /// Changes a setting of a job that has not finished.
    pub(super) fn edit_pending_job(
        &mut self,
        job_id: &str,
        edit: impl FnOnce(&mut SimJob),
    ) -> Result<(), SimError> {
        let j = self.pending_job(job_id)?;
        edit(&mut self.jobs[j]);
        Ok(())
    }

    /// SetPriority.
    pub fn set_priority(&mut self, job_id: &str, priority: i32) -> Result<(), SimError> {
        self.edit_pending_job(job_id, |job| job.priority = priority)
    }

    /// SetMinCores / SetMaxCores (rounded to whole cores, as Cuebot stores core units).
    pub fn set_cores(&mut self, job_id: &str, cores: f32, max: bool) -> Result<(), SimError> {
        let cores = cores.round().max(0.0);
        self.edit_pending_job(job_id, |job| {
            *if max {
                &mut job.max_cores
            } else {
                &mut job.min_cores
            } = cores;
        })
    }

    pub(super) fn matching_frames(
        &self,
        j: usize,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<usize>, SimError> {
        let job = &self.jobs[j];
        let range = if r.frame_range.trim().is_empty() {
            None
        } else {
            Some(FrameSet::parse(&r.frame_range).map_err(SimError::invalid)?)
        };
        let memory = parse_range_f64(&r.memory_range).map_err(SimError::invalid)?;
        let duration = parse_range_f64(&r.duration_range).map_err(SimError::invalid)?;
        let ids: std::collections::HashSet<usize> = r
            .ids
            .iter()
            .filter_map(|id| self.frame_index(id))
            .filter(|&(jj, _)| jj == j)
            .map(|(_, f)| f)
            .collect();
        Ok(job
            .order
            .iter()
            .map(|&f| f as usize)
            .filter(|&f| {
                let fr = &job.frames[f];
                let layer = &job.layers[fr.layer as usize];
                (r.ids.is_empty() || ids.contains(&f))
                    && (r.layers.is_empty() || r.layers.contains(&layer.name))
                    && (r.frames.is_empty()
                        || r.frames
                            .contains(&format!("{:04}-{}", fr.number, layer.name)))
                    && (r.states.frame_states.is_empty()
                        || r.states.frame_states.contains(&fr.state))
                    && range.as_ref().is_none_or(|s| s.contains(fr.number))
                    && memory.is_none_or(|(lo, hi)| {
                        let gb = fr.max_rss as f64 / 1_048_576.0;
                        gb >= lo && hi.is_none_or(|hi| gb <= hi)
                    })
                    && duration.is_none_or(|(lo, hi)| {
                        let end = if fr.stop > 0 { fr.stop } else { fr.llu };
                        let hours = if fr.start > 0 {
                            f64::from(end - fr.start) / 3600.0
                        } else {
                            0.0
                        };
                        hours >= lo && hi.is_none_or(|hi| hours <= hi)
                    })
            })
            .collect())
    }

    /// GetFrames: one page in Cuebot's order. `limit` 0 gives nothing; `page` ≤ 0 is page 1.
    pub fn get_frames(
        &self,
        job_id: &str,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, SimError> {
        let j = self.job_index(job_id)?;
        self.page_of_frames(j, r)
    }

    pub(super) fn page_of_frames(
        &self,
        j: usize,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, SimError> {
        if r.limit <= 0 {
            return Ok(Vec::new());
        }
        let limit = r.limit as usize;
        let page = r.page.max(1) as usize;
        let skip = (page - 1).saturating_mul(limit);
        Ok(self
            .matching_frames(j, r)?
            .into_iter()
            .skip(skip)
            .take(limit)
            .map(|f| self.frame_wire(j, f))
            .collect())
    }

    /// RetryFrames, EatFrames, KillFrames, MarkDoneFrames or MarkAsWaiting of a job: the frames
    /// matching `r` (empty criteria: **every** frame, Cuebot's unpaged query). Returns how many
    /// frames changed.
    pub fn frames_action(
        &mut self,
        job_id: &str,
        r: &FrameSearchCriteria,
        action: FrameAction,
        now: i64,
    ) -> Result<usize, SimError> {
        let j = self.pending_job(job_id)?;
        let frames = self.matching_frames(j, r)?;
        Ok(self.apply(j, &frames, action, now))
    }

    /// GetLayers.
    pub fn get_layers(&self, job_id: &str) -> Result<Vec<Layer>, SimError> {
        let j = self.job_index(job_id)?;
        Ok((0..self.jobs[j].layers.len())
            .map(|l| self.layer_wire(j, l))
            .collect())
    }

    /// GetUpdatedFrames: frames changed at or after `last_check`, at most 100, in Cuebot's order.
    pub fn updated_frames(
        &self,
        job_id: &str,
        last_check: i32,
        layer_ids: &[String],
    ) -> Result<(JobState, Vec<UpdatedFrame>), SimError> {
        let j = self.job_index(job_id)?;
        let job = &self.jobs[j];
        let layers: Vec<u16> = layer_ids
            .iter()
            .filter_map(|id| self.layer_index(id))
            .filter(|&(jj, _)| jj == j)
            .map(|(_, l)| u16::try_from(l).unwrap_or(u16::MAX))
            .collect();
        let frames = job
            .order
            .iter()
            .map(|&f| f as usize)
            .filter(|&f| {
                let fr = &job.frames[f];
                fr.changed >= last_check && (layers.is_empty() || layers.contains(&fr.layer))
            })
            .take(100)
            .map(|f| self.updated_frame_wire(j, f))
            .collect();
        Ok((job.state.clone(), frames))
    }

    /// GetComments of a job.
    pub fn job_comments(&self, job_id: &str) -> Result<Vec<Comment>, SimError> {
        let j = self.job_index(job_id)?;
        Ok(self.jobs[j].comments.clone())
    }

    pub(super) fn make_comment(&mut self, c: &NewComment, now: i64) -> Comment {
        self.next_comment += 1;
        Comment {
            id: format!(
                "c{:011x}-{:x}",
                self.next_comment,
                splitmix(self.salt ^ self.next_comment) & 0xFFFF_FFFF
            ),
            timestamp: clamp_i32(now),
            user: c.user.clone(),
            subject: c.subject.clone(),
            message: c.message.clone(),
        }
    }

    /// AddComment on a job.
    pub fn add_job_comment(
        &mut self,
        job_id: &str,
        c: &NewComment,
        now: i64,
    ) -> Result<(), SimError> {
        let j = self.job_index(job_id)?;
        let comment = self.make_comment(c, now);
        self.jobs[j].comments.push(comment);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // LayerInterface.

    pub(super) fn layer_frames(&self, layer_id: &str) -> Result<(usize, Vec<usize>), SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        let layer = &self.jobs[j].layers[l];
        Ok((
            j,
            (layer.first as usize..(layer.first + layer.len) as usize).collect(),
        ))
    }

    /// LayerInterface GetFrames (criteria restricted to the layer).
    pub fn get_layer_frames(
        &self,
        layer_id: &str,
        r: &FrameSearchCriteria,
    ) -> Result<Vec<Frame>, SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        let mut r = r.clone();
        r.layers = vec![self.jobs[j].layers[l].name.clone()];
        self.page_of_frames(j, &r)
    }

    /// LayerInterface RetryFrames / EatFrames / KillFrames: every frame of the layer.
    pub fn layer_action(
        &mut self,
        layer_id: &str,
        action: FrameAction,
        now: i64,
    ) -> Result<usize, SimError> {
        let (j, frames) = self.layer_frames(layer_id)?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        Ok(self.apply(j, &frames, action, now))
    }

    /// Applies a frame action: retry sends finished or running frames back to WAITING, eat
    /// turns unfinished frames EATEN, kill stops running frames (they go back to WAITING);
    /// mark done and release as [`FrameAction`] says. Returns how many frames changed.
    pub(super) fn apply(
        &mut self,
        j: usize,
        frames: &[usize],
        action: FrameAction,
        now: i64,
    ) -> usize {
        match action {
            FrameAction::MarkDone => return self.mark_done(j, frames, now),
            FrameAction::Release => return self.release(j, frames, now),
            FrameAction::Retry | FrameAction::Eat | FrameAction::Kill => {}
        }
        let now = clamp_i32(now);
        let mut changed = 0;
        for &f in frames {
            let state = &self.jobs[j].frames[f].state;
            let target = match action {
                FrameAction::Retry
                    if !matches!(state, FrameState::Depend | FrameState::Waiting) =>
                {
                    FrameState::Waiting
                }
                FrameAction::Eat if !matches!(state, FrameState::Succeeded | FrameState::Eaten) => {
                    FrameState::Eaten
                }
                FrameAction::Kill if *state == FrameState::Running => FrameState::Waiting,
                _ => continue,
            };
            self.set_frame_state(j, f, target, now);
            let fr = &mut self.jobs[j].frames[f];
            match action {
                FrameAction::Retry => fr.exit = -1,
                // Killed by a user: SKIP_RETRY's exit status, and the attempt counts.
                FrameAction::Kill => {
                    fr.exit = 286;
                    fr.retry += 1;
                }
                _ => {}
            }
            changed += 1;
        }
        self.update_job_state(j, now);
        changed
    }

    // -----------------------------------------------------------------------------------------
    // FrameInterface.

    /// GetFrame.
    pub fn get_frame(&self, frame_id: &str) -> Result<Frame, SimError> {
        self.frame_index(frame_id)
            .map(|(j, f)| self.frame_wire(j, f))
            .ok_or_else(SimError::no_row)
    }

    /// FrameInterface Retry / Eat / Kill. An unknown id is an uncaught exception in Cuebot (500).
    pub fn frame_action(
        &mut self,
        frame_id: &str,
        action: FrameAction,
        now: i64,
    ) -> Result<(), SimError> {
        let (j, f) = self
            .frame_index(frame_id)
            .ok_or_else(|| SimError::uncaught("frame"))?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        self.apply(j, &[f], action, now);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // HostInterface.

    /// GetHosts.
    pub fn get_hosts(&self, r: &HostSearchCriteria, now: i64) -> Result<Vec<Host>, SimError> {
        let regexes = compile_regexes(&r.regex)?;
        let now = clamp_i32(now);
        Ok((0..self.hosts.len())
            .filter(|&h| {
                let host = &self.hosts[h];
                (r.hosts.is_empty() || r.hosts.contains(&host.name))
                    && (r.ids.is_empty() || r.ids.contains(&host.id))
                    && (r.allocs.is_empty() || r.allocs.iter().any(|a| a == ALLOCS[host.alloc].0))
                    && (r.substr.is_empty()
                        || r.substr.iter().any(|s| host.name.contains(s.as_str())))
                    && (regexes.is_empty() || regexes.iter().any(|re| re.is_match(&host.name)))
                    && (r.states.state.is_empty() || r.states.state.contains(&host.state))
                    && (r.lock_states.state.is_empty() || r.lock_states.state.contains(&host.lock))
            })
            .map(|h| self.host_wire(h, now))
            .collect())
    }

    /// FindHost.
    pub fn find_host(&self, name: &str, now: i64) -> Result<Host, SimError> {
        self.host_by_name
            .get(name)
            .map(|&h| self.host_wire(h, clamp_i32(now)))
            .ok_or_else(SimError::no_row)
    }

    /// GetHost (by id only).
    pub fn get_host(&self, id: &str, now: i64) -> Result<Host, SimError> {
        self.host_index(id)
            .map(|h| self.host_wire(h, clamp_i32(now)))
            .ok_or_else(SimError::no_row)
    }

    /// Lock / Unlock (Unlock leaves a NIMBY lock alone). Unknown id: 500, as in Cuebot.
    pub fn set_locked(&mut self, id: &str, locked: bool) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let host = &mut self.hosts[h];
        match (locked, &host.lock) {
            (true, _) => host.lock = LockState::Locked,
            (false, LockState::Locked) => host.lock = LockState::Open,
            (false, _) => {}
        }
        Ok(())
    }

    /// RebootWhenIdle.
    pub fn reboot_when_idle(&mut self, id: &str) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let host = &mut self.hosts[h];
        if host.state == HardwareState::Up {
            host.state = HardwareState::RebootWhenIdle;
        }
        Ok(())
    }

    /// GetProcs of a host.
    pub fn host_procs(&self, id: &str, now: i64) -> Result<Vec<Proc>, SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let now = clamp_i32(now);
        Ok(self.hosts[h]
            .procs
            .iter()
            .map(|&(j, f)| self.proc_wire(h, j, f, now))
            .collect())
    }

    /// GetComments of a host.
    pub fn host_comments(&self, id: &str) -> Result<Vec<Comment>, SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        Ok(self.hosts[h].comments.clone())
    }

    /// AddComment on a host.
    pub fn add_host_comment(&mut self, id: &str, c: &NewComment, now: i64) -> Result<(), SimError> {
        let h = self
            .host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))?;
        let comment = self.make_comment(c, now);
        self.hosts[h].comments.push(comment);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Introspection for tests and the demo.

    /// Number of jobs (all states).
    pub fn job_count(&self) -> usize {
        self.jobs.len()
    }

    /// Number of frames over all jobs.
    pub fn frame_count(&self) -> usize {
        self.jobs.iter().map(|j| j.frames.len()).sum()
    }

    /// Frames running now.
    pub fn running_count(&self) -> usize {
        self.running.len()
    }

    /// When the farm was generated (epoch s).
    pub fn generated_at(&self) -> i32 {
        self.generated_at
    }
}

/// What a frame action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameAction {
    /// Back to WAITING.
    Retry,
    /// To EATEN.
    Eat,
    /// Stop a running frame.
    Kill,
    /// To SUCCEEDED without rendering (running ones are stopped); what waits on them goes
    /// ahead.
    MarkDone,
    /// Frames held by a dependency (DEPEND) to WAITING, whatever they wait on.
    Release,
}

/// `"2-4"` → (2, Some(4)); `"2"` → (2, None) meaning "at least"; `""` → no filter.
pub(super) fn parse_range_f64(s: &str) -> Result<Option<(f64, Option<f64>)>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{s:?} is not a range like 2-4 or 2");
    match s.split_once('-') {
        Some((lo, hi)) => Ok(Some((
            lo.trim().parse().map_err(|_| bad())?,
            Some(hi.trim().parse().map_err(|_| bad())?),
        ))),
        None => Ok(Some((s.parse().map_err(|_| bad())?, None))),
    }
}

/// The criteria's `regex` patterns; a bad one is a 400, as Cuebot's search rejects it.
fn compile_regexes(patterns: &[String]) -> Result<Vec<Regex>, SimError> {
    patterns
        .iter()
        .map(|p| Regex::new(p).map_err(|e| SimError::invalid(format!("invalid regex {p:?}: {e}"))))
        .collect()
}
