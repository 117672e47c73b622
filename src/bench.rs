//! Measuring CueDesk at farm scale: data made by the simulator's farm generator (the same
//! generator the tests and `--demo` use), a headless egui frame (layout and tessellation, no
//! window), and `cuedesk bench-load`, which loads a big farm from a simulated gateway through
//! the real client and view state and reports the peak RSS.
//!
//! The criterion benchmarks in `benches/` and `BENCHMARKS.md` use these.

use std::time::{Duration, Instant};

use crate::api::requests::{
    FrameSearchCriteria, FramesResponse, HostSearchCriteria, HostsResponse, JobSearchCriteria,
    JobsResponse,
};
use crate::api::types::{Frame, Host, Job};
use crate::sim::{FarmSpec, farm::Farm};

/// When the generated farms "are": a fixed time, so the data is the same on every run.
pub const EPOCH: i64 = 1_790_000_000;

/// The seeded farm at [`EPOCH`]: `shows` shows of `jobs` jobs of `frames_per_job` frames, on
/// `hosts` hosts, plus one job of `big_job_frames` frames when that is not 0.
fn generate(
    shows: usize,
    jobs: usize,
    frames_per_job: usize,
    hosts: usize,
    big_job_frames: usize,
) -> Farm {
    let spec = FarmSpec {
        seed: 7,
        shows,
        jobs,
        frames_per_job,
        hosts,
        big_job_frames,
    };
    Farm::generate(&spec, EPOCH)
}

/// `jobs` jobs of 10 frames each (finished ones included, as with "Include finished").
pub fn jobs(jobs: usize) -> Vec<Job> {
    let farm = generate(8, jobs, 10, 50, 0);
    farm.get_jobs(&JobSearchCriteria {
        include_finished: true,
        ..Default::default()
    })
    .unwrap_or_default()
}

/// The frames of one job of `frames` frames, in Cuebot's order.
pub fn frames(frames: usize) -> Vec<Frame> {
    let farm = generate(1, 0, 0, 400, frames);
    let Some(job) = farm
        .get_jobs(&JobSearchCriteria::default())
        .ok()
        .and_then(|j| j.into_iter().max_by_key(|j| j.job_stats.total_frames))
    else {
        return Vec::new();
    };
    farm.get_frames(
        &job.id,
        &FrameSearchCriteria {
            page: 1,
            limit: i32::try_from(frames).unwrap_or(i32::MAX),
            ..Default::default()
        },
    )
    .unwrap_or_default()
}

/// `hosts` hosts, some of them busy.
pub fn hosts(hosts: usize) -> Vec<Host> {
    let farm = generate(2, 40, 100, hosts, 0);
    farm.get_hosts(&HostSearchCriteria::default(), EPOCH)
        .unwrap_or_default()
}

/// A GetJobs response body as the gateway sends it.
pub fn jobs_body(jobs: Vec<Job>) -> Vec<u8> {
    serde_json::to_vec(&JobsResponse { jobs: jobs.into() }).unwrap_or_default()
}

/// A GetFrames response body as the gateway sends it.
pub fn frames_body(frames: Vec<Frame>) -> Vec<u8> {
    serde_json::to_vec(&FramesResponse {
        frames: frames.into(),
    })
    .unwrap_or_default()
}

/// A GetHosts response body as the gateway sends it.
pub fn hosts_body(hosts: Vec<Host>) -> Vec<u8> {
    serde_json::to_vec(&HostsResponse {
        hosts: hosts.into(),
    })
    .unwrap_or_default()
}

/// Runs one egui frame of `ui` in a 1920×1080 window with no window system, tessellation
/// included (what a real frame costs the CPU before the GPU). Returns the number of clipped
/// primitives, so the work cannot be optimised away.
pub fn headless_frame(ctx: &egui::Context, mut draw: impl FnMut(&mut egui::Ui)) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |root| {
        egui::CentralPanel::default_margins().show(root, |ui| draw(ui));
    });
    // No GPU to upload the font atlas to.
    output.textures_delta.clear();
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

/// What `cuedesk bench-load` measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Jobs loaded.
    pub jobs: usize,
    /// Time for GetJobs, decode included.
    pub jobs_time: Duration,
    /// Frames loaded.
    pub frames: usize,
    /// Requests the frame load took.
    pub frame_requests: u64,
    /// Time for every page of frames, decode and table included.
    pub frames_time: Duration,
    /// Peak resident memory of this process, KB (`VmHWM`), if the OS says.
    pub peak_rss_kb: Option<u64>,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "jobs:   {} in {:.0} ms (one GetJobs, finished ones included)",
            self.jobs,
            self.jobs_time.as_secs_f64() * 1000.0
        )?;
        writeln!(
            f,
            "frames: {} in {:.0} ms ({} requests)",
            self.frames,
            self.frames_time.as_secs_f64() * 1000.0,
            self.frame_requests
        )?;
        match self.peak_rss_kb {
            Some(kb) => write!(f, "peak RSS: {:.1} MB (VmHWM)", kb as f64 / 1024.0),
            None => write!(f, "peak RSS: not known on this OS"),
        }
    }
}

/// The peak resident set size of this process in KB, from `/proc/self/status` (Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Loads every pending job, then every frame of the biggest one, through the same client and
/// state code the window uses (the jobs in a [`crate::ui::jobs::JobsView`] with its row order
/// built, the frames through [`crate::frames::FrameSync`] into a
/// [`crate::ui::frames::FramesView`]).
pub async fn load(client: &crate::api::ApiClient) -> Result<LoadReport, crate::api::ApiError> {
    let start = Instant::now();
    // Finished jobs too, as with "Include finished": every job of the farm.
    let jobs = client
        .get_jobs(&JobSearchCriteria {
            include_finished: true,
            ..Default::default()
        })
        .await?;
    let jobs_time = start.elapsed();
    let big = jobs
        .iter()
        .max_by_key(|j| j.job_stats.total_frames)
        .cloned();
    let mut view = crate::ui::jobs::JobsView::default();
    view.jobs.set(jobs);
    view.update_order();
    let job_count = view.jobs.data().map_or(0, Vec::len);
    let Some(big) = big else {
        return Ok(LoadReport {
            jobs: job_count,
            jobs_time,
            frames: 0,
            frame_requests: 0,
            frames_time: Duration::ZERO,
            peak_rss_kb: peak_rss_kb(),
        });
    };
    let before = client.requests_sent();
    let start = Instant::now();
    let frames = client
        .get_all_frames(
            &big.id,
            &FrameSearchCriteria::default(),
            crate::frames::PAGE_SIZE,
        )
        .await?;
    let mut frames_view = crate::ui::frames::FramesView::new(&big.id);
    frames_view.sync =
        crate::frames::FrameSync::with_table(crate::frames::FrameTable::from_frames(frames));
    frames_view.update_order();
    let frames_time = start.elapsed();
    let report = LoadReport {
        jobs: job_count,
        jobs_time,
        frames: frames_view.sync.table().len(),
        frame_requests: client.requests_sent() - before,
        frames_time,
        peak_rss_kb: peak_rss_kb(),
    };
    // Both stay alive until the peak is read.
    drop((view, frames_view));
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures_have_the_sizes_asked_for() {
        assert_eq!(super::jobs(300).len(), 300);
        assert_eq!(super::frames(2_000).len(), 2_000);
        assert_eq!(super::hosts(120).len(), 120);
        let body = super::frames_body(super::frames(10));
        let back: crate::api::requests::FramesResponse = serde_json::from_slice(&body).unwrap();
        assert_eq!(back.frames.frames.len(), 10);
    }

    #[test]
    fn a_headless_frame_draws_something() {
        let ctx = egui::Context::default();
        let n = super::headless_frame(&ctx, |ui| {
            ui.label("hello");
        });
        assert!(n > 0);
    }
}
