//! The wrangler's calls: job settings, frame order and state, dependencies, layer properties,
//! host tags, allocation and hardware state, procs, and the allocations list.
//!
//! Dependencies are the layers' frame-by-frame ones (`depends_on`): one `FRAME_BY_FRAME`,
//! `INTERNAL` depend per waiting layer, active while frames of that layer still wait on it.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::api::requests::LayerSetting;
use crate::api::types::{Allocation, AllocationStats, Depend, DependTarget, DependType, Order};

/// What a frame-order change does to the frames it names.
#[derive(Debug, Clone)]
pub enum Reorder {
    /// ReorderFrames: first, last or reversed.
    Order(Order),
    /// StaggerFrames by this increment.
    Stagger(i32),
}

impl Farm {
    // -----------------------------------------------------------------------------------------
    // Job settings.

    /// SetAutoEat.
    pub fn set_auto_eat(&mut self, job_id: &str, on: bool) -> Result<(), SimError> {
        self.edit_pending_job(job_id, |job| job.auto_eat = on)
    }

    /// SetMaxRetries.
    pub fn set_max_retries(&mut self, job_id: &str, retries: i32) -> Result<(), SimError> {
        self.edit_pending_job(job_id, |job| job.max_retries = retries.max(0))
    }

    /// SetMinGpus / SetMaxGpus.
    pub fn set_gpus(&mut self, job_id: &str, gpus: i32, max: bool) -> Result<(), SimError> {
        let gpus = gpus.max(0) as f32;
        self.edit_pending_job(job_id, |job| {
            *if max {
                &mut job.max_gpus
            } else {
                &mut job.min_gpus
            } = gpus;
        })
    }

    // -----------------------------------------------------------------------------------------
    // Frame state and order.

    pub(super) fn mark_done(&mut self, j: usize, frames: &[usize], now: i64) -> usize {
        let now = clamp_i32(now);
        let mut changed = 0;
        for &f in frames {
            if matches!(
                self.jobs[j].frames[f].state,
                FrameState::Succeeded | FrameState::Eaten
            ) {
                continue;
            }
            self.set_frame_state(j, f, FrameState::Succeeded, now);
            let fr = &mut self.jobs[j].frames[f];
            fr.exit = 0;
            fr.stop = now;
            self.release_dependents(j, f, now);
            changed += 1;
        }
        self.update_job_state(j, now);
        changed
    }

    pub(super) fn release(&mut self, j: usize, frames: &[usize], now: i64) -> usize {
        let now = clamp_i32(now);
        let held: Vec<usize> = frames
            .iter()
            .copied()
            .filter(|&f| self.jobs[j].frames[f].state == FrameState::Depend)
            .collect();
        for &f in &held {
            self.set_frame_state(j, f, FrameState::Waiting, now);
        }
        held.len()
    }

    /// ReorderFrames / StaggerFrames of a job (`layer` None) or of one layer: the frames whose
    /// numbers are in `range` move in the dispatch order; the others keep theirs.
    pub fn reorder_frames(
        &mut self,
        j: usize,
        layer: Option<usize>,
        range: &str,
        how: &Reorder,
    ) -> Result<(), SimError> {
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        let set = crate::api::framespec::FrameSet::parse(range).map_err(SimError::invalid)?;
        if let Reorder::Stagger(n) = *how
            && n < 1
        {
            return Err(SimError::invalid("the stagger increment must be 1 or more"));
        }
        let job = &mut self.jobs[j];
        let order: Vec<usize> = job.order.iter().map(|&f| f as usize).collect();
        let chosen = |f: usize| {
            let fr = &job.frames[f];
            layer.is_none_or(|l| usize::from(fr.layer) == l) && set.contains(fr.number)
        };
        let mut picked: Vec<usize> = order.iter().copied().filter(|&f| chosen(f)).collect();
        let rest: Vec<usize> = order.iter().copied().filter(|&f| !chosen(f)).collect();
        let sequence: Vec<usize> = match how {
            Reorder::Order(Order::First) => picked.into_iter().chain(rest).collect(),
            Reorder::Order(Order::Last) | Reorder::Order(Order::Other(_)) => {
                rest.into_iter().chain(picked).collect()
            }
            Reorder::Order(Order::Reverse) | Reorder::Stagger(_) => {
                if let Reorder::Stagger(n) = *how {
                    // Every n-th frame first (1, 1+n, 1+2n…), then 2, 2+n…: as Cuebot staggers.
                    let n = n as usize;
                    picked.sort_by_key(|&f| job.frames[f].number);
                    let mut staggered = Vec::with_capacity(picked.len());
                    for start in 0..n {
                        staggered.extend(picked.iter().skip(start).step_by(n));
                    }
                    picked = staggered;
                } else {
                    picked.reverse();
                }
                // The picked frames take the places they held, in their new order.
                let mut next = picked.into_iter();
                order
                    .iter()
                    .map(|&f| {
                        if chosen(f) {
                            next.next().unwrap_or(f)
                        } else {
                            f
                        }
                    })
                    .collect()
            }
        };
        for (pos, &f) in sequence.iter().enumerate() {
            job.frames[f].dispatch_order = i32::try_from(pos).unwrap_or(i32::MAX);
        }
        job.order = sequence.iter().map(|&f| f as u32).collect();
        job.waiting = job
            .order
            .iter()
            .copied()
            .filter(|&f| job.frames[f as usize].state == FrameState::Waiting)
            .collect();
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Dependencies.

    fn depend_wire(&self, j: usize, l: usize) -> Option<Depend> {
        let job = &self.jobs[j];
        let layer = &job.layers[l];
        let on = job.layers.get(usize::from(layer.depends_on?))?;
        Some(Depend {
            id: derived_id(self.salt, KIND_DEPEND, j as u32, l as u32),
            depend_type: DependType::FrameByFrame,
            target: DependTarget::Internal,
            any_frame: false,
            active: !layer.props.depend_satisfied && layer.counts.get(&FrameState::Depend) > 0,
            depend_er_job: job.name.clone(),
            depend_er_layer: layer.name.clone(),
            depend_er_frame: String::new(),
            depend_on_job: job.name.clone(),
            depend_on_layer: on.name.clone(),
            depend_on_frame: String::new(),
        })
    }

    /// GetWhatThisDependsOn / GetWhatDependsOnThis of a job. The farm's dependencies are all
    /// inside one job, so both lists are the job's own.
    pub fn job_depends(&self, job_id: &str) -> Result<Vec<Depend>, SimError> {
        let j = self.job_index(job_id)?;
        Ok((0..self.jobs[j].layers.len())
            .filter_map(|l| self.depend_wire(j, l))
            .collect())
    }

    /// DependInterface Satisfy: the frames held by it go ahead, and it holds nothing more.
    pub fn satisfy_depend(&mut self, depend_id: &str, now: i64) -> Result<(), SimError> {
        let (j, l) = parse_derived_id(self.salt, KIND_DEPEND, depend_id)
            .map(|(j, l)| (j as usize, l as usize))
            .filter(|&(j, l)| {
                self.jobs
                    .get(j)
                    .and_then(|job| job.layers.get(l))
                    .is_some_and(|layer| layer.depends_on.is_some())
            })
            .ok_or_else(|| SimError::uncaught("depend"))?;
        self.drop_layer_depend(j, l, now);
        Ok(())
    }

    fn drop_layer_depend(&mut self, j: usize, l: usize, now: i64) {
        let layer = &mut self.jobs[j].layers[l];
        layer.props.depend_satisfied = true;
        let frames: Vec<usize> =
            (layer.first as usize..(layer.first + layer.len) as usize).collect();
        self.release(j, &frames, now);
    }

    /// JobInterface DropDepends: every dependency of the job of `target` (all of the farm's
    /// are internal, so EXTERNAL drops nothing).
    pub fn drop_job_depends(
        &mut self,
        job_id: &str,
        target: &DependTarget,
        now: i64,
    ) -> Result<(), SimError> {
        let j = self.pending_job(job_id)?;
        if *target == DependTarget::External {
            return Ok(());
        }
        for l in 0..self.jobs[j].layers.len() {
            let layer = &self.jobs[j].layers[l];
            if layer.depends_on.is_some() && !layer.props.depend_satisfied {
                self.drop_layer_depend(j, l, now);
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Layers.

    /// A layer of a pending job, by id (unknown: 404 as GetLayer; finished: read-only).
    pub fn pending_layer(&self, layer_id: &str) -> Result<(usize, usize), SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        if self.jobs[j].state == JobState::Finished {
            return Err(SimError::finished_readonly());
        }
        Ok((j, l))
    }

    /// A LayerInterface setter.
    pub fn edit_layer(&mut self, layer_id: &str, edit: LayerSetting) -> Result<(), SimError> {
        let (j, l) = self.pending_layer(layer_id)?;
        let layer = &mut self.jobs[j].layers[l];
        match edit {
            LayerSetting::MinCores(c) => layer.min_cores = c.max(0.0),
            LayerSetting::MaxCores(c) => layer.props.max_cores = c.max(0.0),
            LayerSetting::MinMemory(kb) => layer.min_memory = kb.max(0),
            LayerSetting::MinGpuMemory(kb) => layer.props.min_gpu_memory = kb.max(0),
            LayerSetting::Threadable(on) => layer.props.threadable = on,
            LayerSetting::Tags(tags) => layer.props.tags = tags,
            LayerSetting::Timeout(m) => layer.props.timeout = m.max(0),
            LayerSetting::TimeoutLlu(m) => layer.props.timeout_llu = m.max(0),
        }
        Ok(())
    }

    /// GetOutputPaths: where the layer's renders go, as a render command would write them.
    pub fn output_paths(&self, layer_id: &str) -> Result<Vec<String>, SimError> {
        let (j, l) = self.layer_index(layer_id).ok_or_else(SimError::no_row)?;
        let job = &self.jobs[j];
        let layer = &job.layers[l];
        let show = &self.shows[job.show].name;
        let base = format!(
            "/shots/{show}/{}/renders/{}/{}",
            job.shot, job.name, layer.name
        );
        Ok(match layer.service {
            "nuke" => vec![format!("{base}/{}.#.exr", layer.name)],
            "maya" => vec![format!("{base}/{}.#.mov", layer.name)],
            "houdini" => vec![format!("{base}/cache/{}.#.bgeo.sc", layer.name)],
            _ => vec![
                format!("{base}/beauty/{}.#.exr", layer.name),
                format!("{base}/aovs/{}_aovs.#.exr", layer.name),
            ],
        })
    }

    // -----------------------------------------------------------------------------------------
    // Hosts, procs and allocations.

    fn host_for_change(&self, id: &str) -> Result<usize, SimError> {
        self.host_index(id)
            .ok_or_else(|| SimError::uncaught("host"))
    }

    /// AddTags / RemoveTags.
    pub fn edit_host_tags(&mut self, id: &str, tags: &[String], add: bool) -> Result<(), SimError> {
        let h = self.host_for_change(id)?;
        let host = &mut self.hosts[h];
        for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            let has = host.tags.iter().any(|t| t == tag);
            if add && !has {
                host.tags.push(tag.to_owned());
            } else if !add {
                host.tags.retain(|t| t != tag);
            }
        }
        Ok(())
    }

    /// SetAllocation, by the allocation's id.
    pub fn set_allocation(&mut self, id: &str, allocation_id: &str) -> Result<(), SimError> {
        let h = self.host_for_change(id)?;
        let a = (0..ALLOCS.len())
            .find(|&a| self.allocation_id(a) == allocation_id)
            .ok_or_else(|| SimError::uncaught("allocation"))?;
        self.hosts[h].alloc = a;
        Ok(())
    }

    /// SetHardwareState. REPAIR or DOWN stop new frames (running ones go on, as in Cuebot).
    pub fn set_hardware_state(&mut self, id: &str, state: HardwareState) -> Result<(), SimError> {
        let h = self.host_for_change(id)?;
        if state.number().is_none() {
            return Err(SimError::invalid(
                "proto: invalid value for enum field state",
            ));
        }
        let host = &mut self.hosts[h];
        host.state = state;
        host.reboot_at = None;
        Ok(())
    }

    /// Reboot: the host's running frames are killed (back to waiting) and it comes back in
    /// two minutes.
    pub fn reboot_now(&mut self, id: &str, now: i64) -> Result<(), SimError> {
        let h = self.host_for_change(id)?;
        let procs = self.hosts[h].procs.clone();
        for (j, f) in procs {
            self.apply(j as usize, &[f as usize], FrameAction::Kill, now);
        }
        let host = &mut self.hosts[h];
        host.state = HardwareState::Rebooting;
        host.reboot_at = Some(clamp_i32(now) + 120);
        Ok(())
    }

    fn proc_frame(&self, proc_id: &str) -> Result<(usize, usize), SimError> {
        parse_derived_id(self.salt, KIND_PROC, proc_id)
            .map(|(j, f)| (j as usize, f as usize))
            .filter(|&(j, f)| {
                self.jobs
                    .get(j)
                    .and_then(|job| job.frames.get(f))
                    .is_some_and(|fr| fr.state == FrameState::Running)
            })
            .ok_or_else(|| SimError::uncaught("proc"))
    }

    /// ProcInterface Kill: the proc's frame is killed (back to waiting) and the proc freed.
    pub fn kill_proc(&mut self, proc_id: &str, now: i64) -> Result<(), SimError> {
        let (j, f) = self.proc_frame(proc_id)?;
        self.apply(j, &[f], FrameAction::Kill, now);
        Ok(())
    }

    /// Unbook: without `kill` the frame finishes and the proc takes no other frame of the job
    /// (the simulator frees procs at the end of each frame anyway); with `kill`, as Kill.
    pub fn unbook_proc(&mut self, proc_id: &str, kill: bool, now: i64) -> Result<(), SimError> {
        let (j, f) = self.proc_frame(proc_id)?;
        if kill {
            self.apply(j, &[f], FrameAction::Kill, now);
        }
        Ok(())
    }

    /// RedirectToJob: the target job must be pending. With `kill` the frame is killed now and
    /// the host picks from the target job first at the next dispatch. Returns whether it was set.
    pub fn redirect_proc(
        &mut self,
        proc_id: &str,
        job_id: &str,
        kill: bool,
        now: i64,
    ) -> Result<bool, SimError> {
        let (j, f) = self.proc_frame(proc_id)?;
        let target = self.job_index(job_id)?;
        if self.jobs[target].state == JobState::Finished {
            return Ok(false);
        }
        if kill {
            self.apply(j, &[f], FrameAction::Kill, now);
        }
        Ok(true)
    }

    fn allocation_id(&self, a: usize) -> String {
        derived_id(self.salt, KIND_ALLOC, 0, a as u32)
    }

    /// AllocationInterface GetAll, with counts from the hosts in each.
    pub fn allocations(&self) -> Vec<Allocation> {
        ALLOCS
            .iter()
            .enumerate()
            .map(|(a, (name, tag))| {
                let mut stats = AllocationStats::default();
                for host in self.hosts.iter().filter(|h| h.alloc == a) {
                    let (used, _) = host.used(&self.jobs);
                    let up = host.state == HardwareState::Up;
                    let locked = host.lock != LockState::Open;
                    stats.hosts += 1;
                    stats.cores += host.cores;
                    stats.gpus += host.gpus;
                    stats.running_cores += used;
                    if locked {
                        stats.locked_hosts += 1;
                        stats.locked_cores += host.cores;
                        stats.locked_gpus += host.gpus;
                    }
                    if !up {
                        stats.down_hosts += 1;
                    }
                    if up && !locked {
                        stats.available_cores += host.cores;
                        stats.idle_cores += host.cores - used;
                        stats.available_gpus += host.gpus;
                        stats.idle_gpus += host.gpus;
                    }
                }
                Allocation {
                    id: self.allocation_id(a),
                    name: (*name).to_owned(),
                    tag: (*tag).to_owned(),
                    facility: "local".into(),
                    billable: a != 1,
                    stats,
                }
            })
            .collect()
    }
}
