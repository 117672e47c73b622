//! Lookups by id, and the farm's state as the gateway's wire messages.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Farm {
    // -----------------------------------------------------------------------------------------
    // Lookups.

    pub(super) fn job_index(&self, id: &str) -> Result<usize, SimError> {
        self.job_by_id
            .get(id)
            .copied()
            .ok_or_else(SimError::job_not_found)
    }

    pub(super) fn host_index(&self, id: &str) -> Option<usize> {
        self.host_by_id.get(id).copied()
    }

    pub(super) fn frame_index(&self, id: &str) -> Option<(usize, usize)> {
        let (j, f) = parse_derived_id(self.salt, KIND_FRAME, id)?;
        let job = self.jobs.get(j as usize)?;
        ((f as usize) < job.frames.len()).then_some((j as usize, f as usize))
    }

    pub(super) fn layer_index(&self, id: &str) -> Option<(usize, usize)> {
        let (j, l) = parse_derived_id(self.salt, KIND_LAYER, id)?;
        let job = self.jobs.get(j as usize)?;
        ((l as usize) < job.layers.len()).then_some((j as usize, l as usize))
    }

    // -----------------------------------------------------------------------------------------
    // Wire messages.

    pub(super) fn show_wire(&self, s: usize) -> Show {
        let show = &self.shows[s];
        let mut stats = ShowStats::default();
        for job in self.jobs.iter().filter(|j| j.show == s) {
            stats.created_job_count += 1;
            stats.created_frame_count += i64::from(job.counts.total());
            stats.rendered_frame_count += job.acc.rendered_frames;
            stats.failed_frame_count += job.acc.failed_frames;
            if job.state == JobState::Pending {
                stats.pending_jobs += 1;
                stats.running_frames += job.counts.get(&FrameState::Running);
                stats.dead_frames += job.counts.get(&FrameState::Dead);
                stats.pending_frames +=
                    job.counts.get(&FrameState::Waiting) + job.counts.get(&FrameState::Depend);
                stats.reserved_cores += self.reserved_cores(job);
            }
        }
        Show {
            id: show.id.clone(),
            name: show.name.clone(),
            default_min_cores: 1.0,
            default_max_cores: show.default_max_cores,
            comment_email: String::new(),
            booking_enabled: true,
            dispatch_enabled: true,
            active: show.active,
            show_stats: stats,
            default_min_gpus: 0.0,
            default_max_gpus: 100_000.0,
            scheduler_managed: false,
        }
    }

    pub(super) fn reserved_cores(&self, job: &SimJob) -> f32 {
        job.layers
            .iter()
            .map(|l| l.min_cores * l.counts.get(&FrameState::Running) as f32)
            .sum()
    }

    pub(super) fn job_wire(&self, j: usize) -> Job {
        let job = &self.jobs[j];
        let c = &job.counts;
        let a = &job.acc;
        let remaining: i64 = job
            .layers
            .iter()
            .map(|l| {
                let left = l.counts.get(&FrameState::Waiting)
                    + l.counts.get(&FrameState::Depend)
                    + l.counts.get(&FrameState::Running);
                i64::from(left) * i64::from(l.frame_secs) * l.min_cores as i64
            })
            .sum();
        let rendered = a.rendered_frames.max(1);
        Job {
            id: job.id.clone(),
            state: job.state.clone(),
            name: job.name.clone(),
            shot: job.shot.clone(),
            show: self.shows[job.show].name.clone(),
            user: job.user.clone(),
            group: self.shows[job.show].name.clone(),
            facility: "local".into(),
            os: FARM_OS.into(),
            uid: job.uid,
            priority: job.priority,
            min_cores: job.min_cores,
            max_cores: job.max_cores,
            log_dir: job.log_dir.clone(),
            is_paused: job.paused,
            has_comment: !job.comments.is_empty(),
            auto_eat: job.auto_eat,
            start_time: job.start_time,
            stop_time: job.stop_time,
            job_stats: JobStats {
                total_layers: i32::try_from(job.layers.len()).unwrap_or(i32::MAX),
                avg_frame_sec: 0,
                high_frame_sec: a.high_frame_sec,
                avg_core_sec: clamp_i32(a.rendered_core_sec / rendered),
                rendered_frame_count: a.rendered_frames,
                failed_frame_count: a.failed_frames,
                remaining_core_sec: remaining,
                total_core_sec: a.rendered_core_sec + a.failed_core_sec,
                rendered_core_sec: a.rendered_core_sec,
                failed_core_sec: a.failed_core_sec,
                max_rss: a.max_rss,
                reserved_cores: self.reserved_cores(job),
                max_pss: a.max_rss * 7 / 8,
                // The GPU figures stay 0: the simulated farm renders on CPUs.
                ..JobStats::with_frame_counts(c.total(), |s| c.get(&s))
            },
            min_gpus: job.min_gpus,
            max_gpus: job.max_gpus,
            loki_url: String::new(),
            eligible_time: job.start_time,
        }
    }

    pub(super) fn layer_wire(&self, j: usize, l: usize) -> Layer {
        let job = &self.jobs[j];
        let layer = &job.layers[l];
        let c = &layer.counts;
        let a = &layer.acc;
        let last = layer.first_number + i32::try_from(layer.len).unwrap_or(i32::MAX) - 1;
        Layer {
            id: layer.id.clone(),
            name: layer.name.clone(),
            range: format!("{}-{last}", layer.first_number),
            tags: layer.props.tags.clone(),
            min_cores: layer.min_cores,
            max_cores: layer.props.max_cores,
            is_threadable: layer.props.threadable,
            min_memory: layer.min_memory,
            min_gpu_memory: layer.props.min_gpu_memory,
            chunk_size: 1,
            dispatch_order: layer.dispatch_order,
            layer_type: layer.layer_type.clone(),
            services: vec![layer.service.to_owned()],
            memory_optimizer_enabled: false,
            layer_stats: LayerStats {
                avg_frame_sec: clamp_i32(a.total_frame_sec / a.rendered_frames.max(1)),
                low_frame_sec: a.low_frame_sec,
                high_frame_sec: a.high_frame_sec,
                avg_core_sec: clamp_i32(a.rendered_core_sec / a.rendered_frames.max(1)),
                rendered_frame_count: a.rendered_frames,
                failed_frame_count: a.failed_frames,
                remaining_core_sec: i64::from(
                    c.get(&FrameState::Waiting) + c.get(&FrameState::Depend),
                ) * i64::from(layer.frame_secs),
                total_core_sec: a.rendered_core_sec + a.failed_core_sec,
                rendered_core_sec: a.rendered_core_sec,
                failed_core_sec: a.failed_core_sec,
                max_rss: a.max_rss,
                reserved_cores: layer.min_cores * c.get(&FrameState::Running) as f32,
                max_pss: a.max_rss * 7 / 8,
                // The GPU figures stay 0: the simulated farm renders on CPUs.
                ..LayerStats::with_frame_counts(c.total(), |s| c.get(&s))
            },
            parent_id: job.id.clone(),
            limits: layer.props.limits.clone(),
            timeout: layer.props.timeout,
            timeout_llu: layer.props.timeout_llu,
            min_gpus: 0.0,
            max_gpus: 0.0,
            command: format!(
                "/usr/bin/render --service {} --frame #IFRAME#",
                layer.service
            ),
            eligible_time: job.start_time,
            start_time: job.start_time,
            stop_time: if layer.counts.get(&FrameState::Succeeded)
                + layer.counts.get(&FrameState::Eaten)
                == c.total()
            {
                job.stop_time
            } else {
                0
            },
            start_after: 0,
            start_after_reason: String::new(),
        }
    }

    pub(super) fn frame_wire(&self, j: usize, f: usize) -> Frame {
        let job = &self.jobs[j];
        let fr = &job.frames[f];
        let layer = &job.layers[fr.layer as usize];
        let running = fr.state == FrameState::Running;
        Frame {
            id: derived_id(self.salt, KIND_FRAME, j as u32, f as u32),
            name: format!("{:04}-{}", fr.number, layer.name),
            layer_name: layer.name.clone(),
            number: fr.number,
            state: fr.state.clone(),
            retry_count: fr.retry,
            exit_status: fr.exit,
            dispatch_order: fr.dispatch_order,
            start_time: fr.start,
            stop_time: fr.stop,
            max_rss: fr.max_rss,
            used_memory: if running { fr.used_mem } else { 0 },
            reserved_memory: if running { layer.min_memory } else { 0 },
            reserved_gpu_memory: 0,
            last_resource: self.last_resource(fr),
            checkpoint_state: CheckpointState::Disabled,
            checkpoint_count: 0,
            total_core_time: if fr.start > 0 {
                let end = if fr.stop > 0 {
                    fr.stop
                } else {
                    fr.llu.max(fr.start)
                };
                clamp_i32((f64::from(end - fr.start) * f64::from(fr.cores)) as i64)
            } else {
                0
            },
            llu_time: fr.llu,
            total_gpu_time: 0,
            max_gpu_memory: 0,
            used_gpu_memory: 0,
            frame_state_display_override: None,
            max_pss: fr.max_rss * 7 / 8,
            used_pss: if running { fr.used_mem * 7 / 8 } else { 0 },
            eligible_time: job.start_time,
            submission_time: job.start_time,
        }
    }

    pub(super) fn last_resource(&self, fr: &SimFrame) -> String {
        fr.last_host
            .and_then(|h| self.hosts.get(h as usize))
            .map(|h| format!("{}/{:.2}/0", h.name, fr.cores))
            .unwrap_or_default()
    }

    pub(super) fn updated_frame_wire(&self, j: usize, f: usize) -> UpdatedFrame {
        let full = self.frame_wire(j, f);
        UpdatedFrame {
            id: full.id,
            state: full.state,
            retry_count: full.retry_count,
            exit_status: full.exit_status,
            start_time: full.start_time,
            stop_time: full.stop_time,
            max_rss: full.max_rss,
            used_memory: full.used_memory,
            last_resource: full.last_resource,
            llu_time: full.llu_time,
            max_gpu_memory: 0,
            used_gpu_memory: 0,
            frame_state_display_override: None,
            max_pss: full.max_pss,
        }
    }

    pub(super) fn host_wire(&self, h: usize, now: i32) -> Host {
        let host = &self.hosts[h];
        let (used_cores, used_mem) = host.used(&self.jobs);
        let load = if host.state == HardwareState::Up {
            (used_cores * 100.0 * 0.9) as i32 + 5
        } else {
            0
        };
        // Per host and varying: GPU memory by card count, temp space (/mcp) by disk size and
        // what the running frames write; no draw from the seeded stream.
        let h_salt = splitmix(self.salt ^ 0x6d63_7000 ^ h as u64);
        let gpu_kb = (host.gpus as i64) * [16, 24, 48][(h_salt % 3) as usize] * 1_048_576;
        let mcp_kb = [100_i64, 200, 500][((h_salt >> 8) % 3) as usize] * 1_048_576;
        let mcp_free = mcp_kb * (70 - ((h_salt >> 16) % 50) as i64) / 100
            - host.procs.len() as i64 * 2 * 1_048_576;
        Host {
            id: host.id.clone(),
            name: host.name.clone(),
            alloc_name: ALLOCS[host.alloc].0.to_owned(),
            nimby_enabled: host.nimby,
            has_comment: !host.comments.is_empty(),
            cores: host.cores,
            idle_cores: host.cores - used_cores,
            memory: host.memory,
            idle_memory: host.memory - used_mem,
            gpu_memory: gpu_kb,
            idle_gpu_memory: gpu_kb,
            total_swap: 8 * 1_048_576,
            total_memory: host.memory,
            total_gpu_memory: gpu_kb,
            total_mcp: mcp_kb,
            free_swap: 7 * 1_048_576,
            free_memory: host.memory - used_mem * 9 / 10,
            free_mcp: mcp_free.max(0),
            free_gpu_memory: gpu_kb,
            load,
            boot_time: host.boot_time,
            ping_time: now - host.ping_lag,
            os: FARM_OS.into(),
            tags: host.tags.clone(),
            state: host.state.clone(),
            lock_state: host.lock.clone(),
            thread_mode: ThreadMode::Auto,
            gpus: host.gpus,
            idle_gpus: host.gpus,
        }
    }

    pub(super) fn proc_wire(&self, h: usize, j: u32, f: u32, now: i32) -> Proc {
        let host = &self.hosts[h];
        let job = &self.jobs[j as usize];
        let fr = &job.frames[f as usize];
        let layer = &job.layers[fr.layer as usize];
        let frame_name = format!("{:04}-{}", fr.number, layer.name);
        Proc {
            id: derived_id(self.salt, KIND_PROC, j, f),
            name: format!("{}/{:.2}/0", host.name, fr.cores),
            show_name: self.shows[job.show].name.clone(),
            job_name: job.name.clone(),
            frame_name: frame_name.clone(),
            group_name: self.shows[job.show].name.clone(),
            ping_time: now - host.ping_lag.min(30),
            booked_time: fr.start,
            dispatch_time: fr.start,
            reserved_memory: layer.min_memory,
            reserved_gpu_memory: 0,
            used_memory: fr.used_mem,
            reserved_cores: fr.cores,
            unbooked: false,
            log_path: format!("{}/{}.{frame_name}.rqlog", job.log_dir, job.name),
            redirect_target: String::new(),
            services: vec![layer.service.to_owned()],
            used_gpu_memory: 0,
            reserved_gpus: 0.0,
            child_processes: String::new(),
        }
    }
}
