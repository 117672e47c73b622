//! Generating a farm from a seed: shows, hosts, jobs with their layers and frames, as a
//! studio's farm would look part-way through a day.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Farm {
    /// Generates a farm from `spec`, as it would look at `now` (epoch s).
    pub fn generate(spec: &FarmSpec, now: i64) -> Self {
        let now = clamp_i32(now);
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let salt: u64 = rng.random();
        let show_count = spec.shows.clamp(1, SHOW_NAMES.len() * 4);
        let shows: Vec<SimShow> = (0..show_count)
            .map(|i| SimShow {
                id: uuid_from(&mut rng),
                name: if i < SHOW_NAMES.len() {
                    SHOW_NAMES[i].to_owned()
                } else {
                    format!(
                        "{}{}",
                        SHOW_NAMES[i % SHOW_NAMES.len()],
                        i / SHOW_NAMES.len() + 1
                    )
                },
                // The last of several shows is archived, so active and all shows differ.
                active: show_count == 1 || i + 1 < show_count,
                default_max_cores: 200.0,
            })
            .collect();

        let mut farm = Self {
            shows,
            jobs: Vec::with_capacity(spec.jobs + 1),
            job_by_id: HashMap::new(),
            job_by_name: HashMap::new(),
            jobs_by_name: Vec::new(),
            hosts: Vec::new(),
            host_by_id: HashMap::new(),
            host_by_name: HashMap::new(),
            running: BTreeSet::new(),
            rng,
            salt,
            next_comment: 1,
            generated_at: now,
            log_events: None,
        };
        farm.generate_hosts(spec.hosts, now);
        for j in 0..spec.jobs {
            farm.generate_job(j, spec.frames_per_job.max(1), None, now);
        }
        if spec.big_job_frames > 0 {
            farm.generate_job(
                spec.jobs,
                spec.big_job_frames,
                Some("wrangler_stress_test"),
                now,
            );
        }
        let mut by_name: Vec<usize> = (0..farm.jobs.len()).collect();
        by_name.sort_by(|&a, &b| farm.jobs[a].name.cmp(&farm.jobs[b].name));
        farm.jobs_by_name = by_name;
        // Fill the farm: frames already running when the farm is first seen.
        farm.dispatch(now, true);
        farm
    }

    pub(super) fn generate_hosts(&mut self, count: usize, now: i32) {
        for i in 0..count {
            let rng = &mut self.rng;
            let cores = [8.0, 16.0, 16.0, 32.0, 32.0, 64.0][rng.random_range(0..6)];
            let alloc = ALLOC_SHARES[rng.random_range(0..ALLOC_SHARES.len())];
            let roll: f64 = rng.random();
            let state = if roll < 0.04 {
                HardwareState::Down
            } else if roll < 0.06 {
                HardwareState::Repair
            } else {
                HardwareState::Up
            };
            let lock_roll: f64 = rng.random();
            let desktop = alloc == 1;
            let lock = if desktop && lock_roll < 0.3 {
                LockState::NimbyLocked
            } else if lock_roll < 0.08 {
                LockState::Locked
            } else {
                LockState::Open
            };
            // GPU hosts differ (1, 2 or 4 cards), without another draw from the seeded stream.
            let gpus = if alloc == 2 {
                [1.0, 2.0, 4.0][(splitmix(self.salt ^ i as u64) % 3) as usize]
            } else {
                0.0
            };
            let mut tags = vec![ALLOCS[alloc].1.to_owned(), "linux".to_owned()];
            if gpus > 0.0 {
                tags.push("gpu".into());
            }
            let host = SimHost {
                id: uuid_from(rng),
                name: if desktop {
                    format!("ws{:04}", i + 1)
                } else {
                    format!("render{:04}", i + 1)
                },
                alloc,
                cores,
                memory: (cores as i64) * 4 * 1_048_576,
                gpus,
                state: state.clone(),
                lock,
                nimby: desktop,
                tags,
                boot_time: now - rng.random_range(3_600..3_000_000),
                ping_lag: if state == HardwareState::Up {
                    rng.random_range(0..30)
                } else {
                    rng.random_range(900..90_000)
                },
                comments: Vec::new(),
                procs: Vec::new(),
                reboot_at: None,
            };
            self.host_by_id.insert(host.id.clone(), i);
            self.host_by_name.insert(host.name.clone(), i);
            self.hosts.push(host);
        }
    }

    #[allow(clippy::too_many_lines)]
    pub(super) fn generate_job(
        &mut self,
        j: usize,
        frame_count: usize,
        big: Option<&str>,
        now: i32,
    ) {
        let ji = u32::try_from(j).unwrap_or(u32::MAX);
        let rng = &mut self.rng;
        let show = j % self.shows.len();
        let (dept, layer_defs) = if big.is_some() {
            DEPTS[0]
        } else {
            DEPTS[rng.random_range(0..DEPTS.len())]
        };
        let user = if big.is_some() {
            "wrangler"
        } else {
            USERS[rng.random_range(0..USERS.len())]
        };
        let shot = if big.is_some() {
            "sh999".to_owned()
        } else {
            format!("sh{:03}0", rng.random_range(1..60))
        };
        let desc = big.map_or_else(
            || format!("{dept}_v{:03}", rng.random_range(1..40)),
            str::to_owned,
        );
        // `show-shot-user_desc`, unique thanks to the index suffix on collisions.
        let base = format!("{}-{shot}-{user}_{desc}", self.shows[show].name);
        let name = if self.job_by_name.contains_key(&base.to_lowercase()) {
            format!("{base}_{j}")
        } else {
            base
        };
        let id = uuid_from(rng);
        let submitted = now - rng.random_range(600..200_000);
        let finished = big.is_none() && rng.random_bool(0.12);
        let progress: f64 = if finished {
            1.0
        } else {
            rng.random::<f64>() * 0.9
        };
        let paused = !finished && rng.random_bool(0.1);
        let log_dir = format!(
            "/shots/{}/{shot}/logs/{name}--{}",
            self.shows[show].name,
            &id[..8]
        );

        let per_layer = (frame_count / layer_defs.len()).max(1);
        let mut layers = Vec::new();
        let mut frames = Vec::with_capacity(per_layer * layer_defs.len());
        let first_number = if rng.random_bool(0.3) { 1001 } else { 1 };
        for (li, (lname, service, ltype)) in layer_defs.iter().enumerate() {
            let (lname, service, ltype) = (*lname, *service, ltype.clone());
            let len = if li == 0 {
                frame_count - per_layer * (layer_defs.len() - 1)
            } else {
                per_layer
            };
            let len = len.max(1);
            let li16 = u16::try_from(li).unwrap_or(u16::MAX);
            let frame_secs = rng.random_range(FRAME_SECS.0..FRAME_SECS.1);
            let min_cores = if service == "houdini" {
                8.0
            } else if service == "nuke" {
                2.0
            } else {
                4.0
            };
            let layer = SimLayer {
                id: derived_id(self.salt, KIND_LAYER, ji, u32::from(li16)),
                name: lname.to_owned(),
                layer_type: ltype.clone(),
                service,
                min_cores,
                props: LayerProps::new(service, min_cores),
                min_memory: [4, 8, 16][rng.random_range(0..3)] * 1_048_576,
                first: u32::try_from(frames.len()).unwrap_or(u32::MAX),
                len: u32::try_from(len).unwrap_or(u32::MAX),
                first_number,
                dispatch_order: i32::from(li16),
                depends_on: (li > 0 && (ltype != LayerType::Render || dept == "fx_sim"))
                    .then_some(0),
                frame_secs,
                counts: Counts::default(),
                acc: Acc::default(),
            };
            for k in 0..len {
                let number = first_number + i32::try_from(k).unwrap_or(i32::MAX);
                frames.push(SimFrame {
                    number,
                    layer: li16,
                    state: FrameState::Waiting,
                    retry: 0,
                    exit: -1,
                    start: 0,
                    stop: 0,
                    due: 0,
                    max_rss: 0,
                    used_mem: 0,
                    last_host: None,
                    cores: 0.0,
                    llu: 0,
                    changed: now - 3600,
                    dispatch_order: i32::try_from(k).unwrap_or(i32::MAX),
                });
            }
            layers.push(layer);
        }
        // History: the first `progress` of each layer already rendered, a few of them died.
        let host_names = self.hosts.len().max(1);
        for layer in &layers {
            let done = (f64::from(layer.len) * progress) as u32;
            for k in 0..layer.len {
                let f = &mut frames[(layer.first + k) as usize];
                let depends_unmet = layer.depends_on.is_some() && k >= done;
                if k < done {
                    let secs = (layer.frame_secs as f64 * (0.6 + rng.random::<f64>() * 0.8)) as i32;
                    let dead = !finished && rng.random_bool(0.03);
                    f.state = if dead {
                        FrameState::Dead
                    } else {
                        FrameState::Succeeded
                    };
                    f.exit = if dead {
                        [1, 137, 255][rng.random_range(0..3)]
                    } else {
                        0
                    };
                    f.retry = if dead {
                        2
                    } else {
                        i32::from(rng.random_bool(0.05))
                    };
                    f.stop = now - rng.random_range(60..5000);
                    f.start = f.stop - secs;
                    f.max_rss = layer.min_memory / 2 + rng.random_range(0..layer.min_memory);
                    f.last_host = Some(rng.random_range(0..host_names) as u32);
                    f.cores = layer.min_cores;
                    f.llu = f.stop;
                } else if depends_unmet {
                    f.state = FrameState::Depend;
                }
            }
        }
        // An inactive (archived) show has no pending jobs: what is left of its jobs rendered
        // long ago. Drawn from the salt, so the seeded stream (and every other job) is as before.
        let archived = big.is_none() && !finished && !self.shows[show].active;
        if archived {
            for (k, f) in frames.iter_mut().enumerate() {
                if matches!(f.state, FrameState::Succeeded | FrameState::Eaten) {
                    continue;
                }
                let layer = &layers[f.layer as usize];
                let h = splitmix(self.salt ^ (u64::from(ji) << 32) ^ k as u64);
                f.state = FrameState::Succeeded;
                f.exit = 0;
                f.stop = now - 86_400 - (h % 50_000) as i32;
                f.start = f.stop - layer.frame_secs;
                f.max_rss = layer.min_memory / 2 + (h >> 20) as i64 % layer.min_memory.max(1);
                f.last_host = Some((h >> 40) as u32 % host_names as u32);
                f.cores = layer.min_cores;
                f.llu = f.stop;
            }
        }
        let mut order: Vec<u32> = (0..u32::try_from(frames.len()).unwrap_or(u32::MAX)).collect();
        order.sort_by_key(|&i| {
            let f = &frames[i as usize];
            (f.dispatch_order, layers[f.layer as usize].dispatch_order)
        });
        let mut job = SimJob {
            id: id.clone(),
            name,
            show,
            shot,
            user: user.to_owned(),
            uid: rng
                .random_bool(0.9)
                .then(|| 1000 + rng.random_range(0..USERS.len() as i32)),
            priority: [50, 100, 100, 100, 200][rng.random_range(0..5)],
            min_cores: 1.0,
            max_cores: [50.0, 100.0, 200.0][rng.random_range(0..3)],
            log_dir,
            paused,
            auto_eat: rng.random_bool(0.05),
            max_retries: 3,
            min_gpus: 0.0,
            max_gpus: 0.0,
            start_time: submitted,
            stop_time: 0,
            state: JobState::Pending,
            layers,
            frames,
            order,
            comments: Vec::new(),
            counts: Counts::default(),
            acc: Acc::default(),
            waiting: VecDeque::new(),
        };
        for &fi in &job.order {
            let f = &job.frames[fi as usize];
            let layer = &mut job.layers[f.layer as usize];
            job.counts.add(&f.state, 1);
            layer.counts.add(&f.state, 1);
            if matches!(f.state, FrameState::Succeeded | FrameState::Dead) {
                let secs = f.stop - f.start;
                let core_sec = (f64::from(secs) * f64::from(f.cores)) as i64;
                let ok = f.state == FrameState::Succeeded;
                job.acc.record(ok, secs, core_sec, f.max_rss);
                layer.acc.record(ok, secs, core_sec, f.max_rss);
            }
            if f.state == FrameState::Waiting {
                job.waiting.push_back(fi);
            }
        }
        if finished {
            job.state = JobState::Finished;
            job.stop_time = now - rng.random_range(60..3000);
        } else if archived {
            job.state = JobState::Finished;
            job.paused = false;
            job.stop_time = job.frames.iter().map(|f| f.stop).max().unwrap_or(now);
        }
        if rng.random_bool(0.15) {
            self.next_comment += 1;
            job.comments.push(Comment {
                id: format!("c{:011x}", self.next_comment),
                timestamp: submitted + 120,
                user: "wrangler".into(),
                subject: "Priority".into(),
                message: "Bumped for dailies".into(),
            });
        }
        self.job_by_id.insert(id, j);
        self.job_by_name.insert(job.name.to_lowercase(), j);
        self.jobs.push(job);
    }
}
