//! Time on the farm: frames finish and start, dependents are released, hosts reboot. Every
//! frame state change goes through `set_frame_state`.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The `due` of a stalled frame: it never finishes and writes no log.
const STALLED: i32 = i32::MAX;

impl Farm {
    // -----------------------------------------------------------------------------------------
    // Time.

    /// Advances the farm to `now`: finishes due frames, starts waiting ones on free hosts,
    /// updates running frames' memory and log times, and cycles rebooting hosts.
    pub fn step(&mut self, now: i64) {
        let now = clamp_i32(now);
        while let Some(&(due, j, f)) = self.running.first() {
            if due > now {
                break;
            }
            self.finish_frame(j as usize, f as usize, due);
        }
        for (j, f) in self
            .running
            .iter()
            .map(|&(_, j, f)| (j, f))
            .collect::<Vec<_>>()
        {
            let job = &mut self.jobs[j as usize];
            let min_memory = job.layers[job.frames[f as usize].layer as usize].min_memory;
            let fr = &mut job.frames[f as usize];
            if fr.due != STALLED && now - fr.llu >= 30 {
                let elapsed = f64::from(now - fr.start);
                fr.used_mem = (min_memory as f64 * (0.3 + (elapsed / 600.0).min(0.6))) as i64;
                fr.max_rss = fr.max_rss.max(fr.used_mem);
                fr.llu = now;
                fr.changed = now;
                self.log_event(LogEventKind::Progress, j as usize, f as usize, now);
            }
        }
        for h in 0..self.hosts.len() {
            let host = &mut self.hosts[h];
            match (&host.state, host.reboot_at) {
                (HardwareState::RebootWhenIdle, _) if host.procs.is_empty() => {
                    host.state = HardwareState::Rebooting;
                    host.reboot_at = Some(now + 120);
                }
                (HardwareState::Rebooting, Some(at)) if now >= at => {
                    host.state = HardwareState::Up;
                    host.boot_time = now;
                    host.reboot_at = None;
                }
                _ => {}
            }
        }
        self.dispatch(now, false);
    }

    /// Names a host of the farm `name` (this workstation, in the demo farm: its "My
    /// workstation" panel can then be tried): an up, unlocked host running frames if there is
    /// one. Returns the host's id.
    pub fn name_host(&mut self, name: &str) -> Option<String> {
        let h = (0..self.hosts.len())
            .find(|&h| {
                let host = &self.hosts[h];
                host.state == HardwareState::Up
                    && host.lock == LockState::Open
                    && !host.procs.is_empty()
            })
            .or_else(|| (!self.hosts.is_empty()).then_some(0))?;
        let host = &mut self.hosts[h];
        self.host_by_name.remove(&host.name);
        name.clone_into(&mut host.name);
        self.host_by_name.insert(host.name.clone(), h);
        Some(host.id.clone())
    }

    /// Stalls a running frame of a job: it stops writing its log (last written `secs_ago`) and
    /// never finishes by itself, as a hung render does (tests and demos of "stuck" frames).
    /// Returns the frame's name.
    pub fn stall_frame(
        &mut self,
        job_id: &str,
        secs_ago: i64,
        now: i64,
    ) -> Result<String, SimError> {
        let j = self.job_index(job_id)?;
        let now = clamp_i32(now);
        let Some(&(due, _, f)) = self.running.iter().find(|&&(_, rj, _)| rj as usize == j) else {
            return Err(SimError::invalid("no running frame to stall"));
        };
        self.running.remove(&(due, j as u32, f));
        let fr = &mut self.jobs[j].frames[f as usize];
        fr.due = STALLED;
        fr.llu = now - i32::try_from(secs_ago).unwrap_or(i32::MAX);
        fr.changed = now;
        let (layer, number) = (fr.layer as usize, fr.number);
        self.running.insert((STALLED, j as u32, f));
        Ok(format!("{number:04}-{}", self.jobs[j].layers[layer].name))
    }

    /// NIMBY-locks the host named `name`, as its render daemon does when someone uses the
    /// machine (tests and demos). Returns false when there is no such host.
    pub fn set_nimby_locked(&mut self, name: &str) -> bool {
        let Some(&h) = self.host_by_name.get(name) else {
            return false;
        };
        self.hosts[h].lock = LockState::NimbyLocked;
        true
    }

    /// Ends up to `count` frames of a job at once that have not ended yet (waiting, running
    /// or depending, in dispatch order), as the farm would over time: `Succeeded`, `Dead`
    /// (exit status 1) or `Eaten`. For tests and scripted demos of what a user is told when a
    /// job ends or frames die. Returns how many frames changed.
    pub fn end_frames(
        &mut self,
        job_id: &str,
        count: usize,
        state: FrameState,
        now: i64,
    ) -> Result<usize, SimError> {
        let j = self.job_index(job_id)?;
        let now = clamp_i32(now);
        let open: Vec<usize> = (0..self.jobs[j].frames.len())
            .filter(|&f| {
                matches!(
                    self.jobs[j].frames[f].state,
                    FrameState::Waiting | FrameState::Running | FrameState::Depend
                )
            })
            .take(count)
            .collect();
        for &f in &open {
            self.set_frame_state(j, f, state.clone(), now);
            let fr = &mut self.jobs[j].frames[f];
            fr.stop = now;
            fr.exit = i32::from(state == FrameState::Dead);
        }
        // The waiting queue skips frames that are no longer waiting.
        self.update_job_state(j, now);
        Ok(open.len())
    }

    pub(super) fn finish_frame(&mut self, j: usize, f: usize, at: i32) {
        let roll: f64 = self.rng.random();
        let (retry, start, cores, layer_idx, min_memory) = {
            let fr = &self.jobs[j].frames[f];
            let layer = &self.jobs[j].layers[fr.layer as usize];
            (fr.retry, fr.start, fr.cores, fr.layer, layer.min_memory)
        };
        let ok = roll >= 0.06;
        let secs = at - start;
        let core_sec = (f64::from(secs) * f64::from(cores)) as i64;
        let rss = min_memory / 2 + (min_memory as f64 * roll * 0.7) as i64;
        {
            let job = &mut self.jobs[j];
            job.acc.record(ok, secs, core_sec, rss);
            job.layers[layer_idx as usize]
                .acc
                .record(ok, secs, core_sec, rss);
            let fr = &mut job.frames[f];
            fr.exit = if ok {
                0
            } else if roll < 0.02 {
                137
            } else {
                1
            };
            fr.max_rss = fr.max_rss.max(rss);
            fr.stop = at;
            fr.llu = at;
        }
        let next = if ok {
            FrameState::Succeeded
        } else if retry + 1 < self.jobs[j].max_retries {
            FrameState::Waiting
        } else if self.jobs[j].auto_eat {
            FrameState::Eaten
        } else {
            FrameState::Dead
        };
        self.set_frame_state(j, f, next.clone(), at);
        if next == FrameState::Waiting {
            self.jobs[j].frames[f].retry += 1;
        }
        if ok {
            self.release_dependents(j, f, at);
        }
        self.update_job_state(j, at);
    }

    pub(super) fn release_dependents(&mut self, j: usize, f: usize, now: i32) {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let offset = f as u32 - job.layers[fr.layer as usize].first;
        let dependents: Vec<usize> = job
            .layers
            .iter()
            .filter(|l| l.depends_on == Some(fr.layer) && offset < l.len)
            .map(|l| (l.first + offset) as usize)
            .filter(|&d| job.frames[d].state == FrameState::Depend)
            .collect();
        for d in dependents {
            self.set_frame_state(j, d, FrameState::Waiting, now);
        }
    }

    pub(super) fn update_job_state(&mut self, j: usize, now: i32) {
        let job = &mut self.jobs[j];
        if job.state != JobState::Pending {
            return;
        }
        let c = &job.counts;
        let open = c.get(&FrameState::Waiting)
            + c.get(&FrameState::Running)
            + c.get(&FrameState::Depend)
            + c.get(&FrameState::Setup)
            + c.get(&FrameState::Dead)
            + c.get(&FrameState::Checkpoint);
        if open == 0 {
            job.state = JobState::Finished;
            job.stop_time = now;
        }
    }

    /// Starts waiting frames on hosts with free cores: highest priority first, at most one new
    /// frame per host per step (`fill` at generation time fills the hosts).
    pub(super) fn dispatch(&mut self, now: i32, fill: bool) {
        let mut candidates: Vec<usize> = (0..self.jobs.len())
            .filter(|&j| {
                let job = &self.jobs[j];
                job.state == JobState::Pending
                    && !job.paused
                    && job.counts.get(&FrameState::Waiting) > 0
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        candidates.sort_by_key(|&j| std::cmp::Reverse(self.jobs[j].priority));
        let mut cursor = 0usize;
        for h in 0..self.hosts.len() {
            if !self.hosts[h].dispatchable() {
                continue;
            }
            let rounds = if fill { 16 } else { 1 };
            for _ in 0..rounds {
                let (used_cores, used_mem) = self.hosts[h].used(&self.jobs);
                let host = &self.hosts[h];
                let free_cores = host.cores - used_cores;
                let free_mem = host.memory - used_mem;
                let mut started = false;
                for attempt in 0..candidates.len().min(8) {
                    let j = candidates[(cursor + attempt) % candidates.len()];
                    if let Some(f) = self.next_waiting(j, free_cores, free_mem) {
                        self.start_frame(j, f, h, now, fill);
                        cursor = (cursor + attempt + 1) % candidates.len();
                        started = true;
                        break;
                    }
                }
                if !started {
                    break;
                }
            }
        }
    }

    pub(super) fn next_waiting(
        &mut self,
        j: usize,
        free_cores: f32,
        free_mem: i64,
    ) -> Option<usize> {
        let job = &mut self.jobs[j];
        let reserved: f32 = job.counts.get(&FrameState::Running) as f32;
        while let Some(&f) = job.waiting.front() {
            let fr = &job.frames[f as usize];
            if fr.state != FrameState::Waiting {
                job.waiting.pop_front();
                continue;
            }
            let layer = &job.layers[fr.layer as usize];
            if layer.min_cores > free_cores || layer.min_memory > free_mem {
                return None;
            }
            if (reserved + 1.0) * layer.min_cores > job.max_cores {
                return None;
            }
            job.waiting.pop_front();
            return Some(f as usize);
        }
        None
    }

    pub(super) fn start_frame(
        &mut self,
        j: usize,
        f: usize,
        h: usize,
        now: i32,
        already_running: bool,
    ) {
        let jobs_len_ok = j < self.jobs.len();
        if !jobs_len_ok {
            return;
        }
        let (secs, cores, min_memory) = {
            let job = &self.jobs[j];
            let layer = &job.layers[job.frames[f].layer as usize];
            let jitter = 0.6 + self.rng.random::<f64>() * 0.8;
            (
                (f64::from(layer.frame_secs) * jitter) as i32,
                layer.min_cores,
                layer.min_memory,
            )
        };
        let elapsed = if already_running {
            self.rng.random_range(0..secs.max(1))
        } else {
            0
        };
        {
            let fr = &mut self.jobs[j].frames[f];
            fr.start = now - elapsed;
            fr.stop = 0;
            fr.due = fr.start + secs.max(1);
            fr.cores = cores;
            fr.exit = -1;
            fr.last_host = Some(u32::try_from(h).unwrap_or(u32::MAX));
            fr.used_mem = min_memory / 3;
            fr.llu = now;
        }
        self.set_frame_state(j, f, FrameState::Running, now);
        let (ju, fu) = (j as u32, f as u32);
        self.hosts[h].procs.push((ju, fu));
        let due = self.jobs[j].frames[f].due;
        self.running.insert((due, ju, fu));
        self.log_event(LogEventKind::Started, j, f, now);
    }

    /// The one place a frame's state changes: counters, procs, queues and change times follow.
    pub(super) fn set_frame_state(&mut self, j: usize, f: usize, new: FrameState, now: i32) {
        let job = &mut self.jobs[j];
        let fr = &mut job.frames[f];
        let old = std::mem::replace(&mut fr.state, new.clone());
        fr.changed = now;
        if old == FrameState::Running {
            self.running.remove(&(fr.due, j as u32, f as u32));
            if let Some(host) = fr.last_host.and_then(|h| self.hosts.get_mut(h as usize)) {
                host.procs.retain(|&p| p != (j as u32, f as u32));
            }
            if new != FrameState::Succeeded && new != FrameState::Dead {
                fr.stop = now;
            }
        }
        if new == FrameState::Waiting {
            job.waiting.push_back(f as u32);
        }
        let layer = &mut job.layers[fr.layer as usize];
        job.counts.add(&old, -1);
        job.counts.add(&new, 1);
        layer.counts.add(&old, -1);
        layer.counts.add(&new, 1);
        if old == FrameState::Running {
            self.log_event(LogEventKind::Ended, j, f, now);
        }
    }
}
