//! `cuedesk watch`: the tutorial's `monitor_job.sh`, done right, for scripts and terminals. One
//! GetJobs by name (finished jobs included) per refresh, whatever the number of jobs; one line
//! per job and refresh; an exit code a script can branch on.

use std::io::Write;
use std::time::Duration;

use crate::api::requests::JobSearchCriteria;
use crate::api::types::{Job, JobState};
use crate::api::{ApiClient, ApiError};
use crate::watch::EventKind;

/// How a watch ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every frame of every job succeeded (or `--once` printed): exit 0.
    Succeeded,
    /// A frame is dead or eaten, or a job was killed: exit 1.
    Failed,
    /// The jobs could not be watched (unknown job, sign-in, gateway): exit 2.
    Error,
}

impl Ending {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Succeeded => 0,
            Self::Failed => 1,
            Self::Error => 2,
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Finished, every frame succeeded.
    Succeeded,
    /// Finished with dead or eaten frames.
    Failed,
    /// Killed before all its frames ran.
    Killed,
    /// Paused.
    Paused,
    /// Frames are running.
    Running,
    /// Nothing runs or waits: only dead frames are left (someone must retry or eat them).
    Dead,
    /// Frames wait for a host or a dependency.
    Waiting,
}

impl Standing {
    /// Where `job` stands (a finished job as [`crate::watch::ending`] tells).
    pub fn of(job: &Job) -> Self {
        let s = &job.job_stats;
        match crate::watch::ending(job) {
            Some(EventKind::Succeeded) => Self::Succeeded,
            Some(EventKind::Killed { .. }) => Self::Killed,
            // With dead or eaten frames (an ending is nothing else).
            Some(_) => Self::Failed,
            None if job.is_paused => Self::Paused,
            None if s.running_frames > 0 => Self::Running,
            None if s.dead_frames > 0 && s.waiting_frames == 0 && s.depend_frames == 0 => {
                Self::Dead
            }
            None => Self::Waiting,
        }
    }

    /// The word printed.
    pub fn word(self) -> &'static str {
        match self {
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Killed => "KILLED",
            Self::Paused => "PAUSED",
            Self::Running => "RUNNING",
            Self::Dead => "DEAD",
            Self::Waiting => "WAITING",
        }
    }

    /// Nothing more will happen without someone acting: finished, or only dead frames left.
    fn settled(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Killed | Self::Dead
        )
    }
}

/// A rough time left: the frames not done yet at the average frame time spread over the frames
/// running now, or (without an average) at the pace the job has kept since it started (`now`,
/// epoch seconds). `None` while nothing runs or nothing has finished.
pub fn time_left(job: &Job, now: i64) -> Option<Duration> {
    let s = &job.job_stats;
    let left = i64::from(s.total_frames - s.succeeded_frames - s.dead_frames - s.eaten_frames);
    if job.state == JobState::Finished || left <= 0 || s.running_frames <= 0 {
        return None;
    }
    let secs = if s.avg_frame_sec > 0 {
        left * i64::from(s.avg_frame_sec) / i64::from(s.running_frames)
    } else {
        let elapsed = now - i64::from(job.start_time);
        let done = i64::from(s.succeeded_frames);
        if done <= 0 || elapsed <= 0 {
            return None;
        }
        left * elapsed / done
    };
    u64::try_from(secs).ok().map(Duration::from_secs)
}

/// One line for a job: name, state, `done/total`, running, dead, and the time left.
pub fn line(job: &Job, now: i64) -> String {
    let s = &job.job_stats;
    let mut text = format!(
        "{}  {}  {}/{} done  {} running  {} dead",
        job.name,
        Standing::of(job).word(),
        s.succeeded_frames,
        s.total_frames,
        s.running_frames,
        s.dead_frames
    );
    if s.eaten_frames > 0 {
        text.push_str(&format!("  {} eaten", s.eaten_frames));
    }
    if let Some(left) = time_left(job, now) {
        let secs = i64::try_from(left.as_secs()).unwrap_or(i64::MAX);
        text.push_str(&format!("  ~{} left", crate::ui::widgets::duration(secs)));
    }
    text
}

/// What a watch needs to know besides the client.
#[derive(Debug, Clone)]
pub struct WatchRequest {
    /// Job names.
    pub names: Vec<String>,
    /// Time between refreshes.
    pub interval: Duration,
    /// Print once and stop.
    pub once: bool,
}

/// Watches `request.names` until every job has finished or has only dead frames left (or
/// once), printing to `out`; errors
/// go to `err` in words. Network failures are retried twice (a gateway restarting) before the
/// watch gives up.
pub async fn watch(
    client: &ApiClient,
    request: &WatchRequest,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Ending {
    let criteria = JobSearchCriteria {
        jobs: request.names.clone(),
        include_finished: true,
        ..Default::default()
    };
    let mut failures = 0;
    loop {
        let jobs = match client.get_jobs(&criteria).await {
            Ok(jobs) => {
                failures = 0;
                jobs
            }
            Err(e) if e.is_transient() && failures < 2 && !request.once => {
                failures += 1;
                writeln!(err, "cuedesk watch: {} (trying again)", e.user_message()).ok();
                tokio::time::sleep(request.interval).await;
                continue;
            }
            Err(e) => return fail(err, &e),
        };
        // Every name must be a job; a name can be reused (an old finished job): the newest.
        let mut shown = Vec::new();
        for name in &request.names {
            let Some(job) = jobs
                .iter()
                .filter(|j| &j.name == name)
                .max_by_key(|j| j.start_time)
            else {
                writeln!(
                    err,
                    "cuedesk watch: no job named {name:?} (finished jobs included): check the name"
                )
                .ok();
                return Ending::Error;
            };
            shown.push(job);
        }
        let now = crate::api::auth::now_epoch();
        for job in &shown {
            writeln!(out, "{}", line(job, now)).ok();
        }
        out.flush().ok();
        if request.once {
            return Ending::Succeeded;
        }
        // Done when every job has finished, or has only dead frames left (it would wait for
        // someone to retry or eat them).
        let standing: Vec<Standing> = shown.iter().copied().map(Standing::of).collect();
        if standing.iter().all(|s| s.settled()) {
            let bad = standing.iter().any(|s| *s != Standing::Succeeded);
            return if bad {
                Ending::Failed
            } else {
                Ending::Succeeded
            };
        }
        tokio::time::sleep(request.interval).await;
    }
}

fn fail(err: &mut impl Write, e: &ApiError) -> Ending {
    writeln!(err, "cuedesk watch: {}", e.user_message()).ok();
    Ending::Error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(state: JobState, done: i32, dead: i32, eaten: i32, running: i32) -> Job {
        let mut j = Job {
            name: "comp_v012".into(),
            state,
            ..Job::default()
        };
        let s = &mut j.job_stats;
        s.total_frames = 100;
        s.succeeded_frames = done;
        s.dead_frames = dead;
        s.eaten_frames = eaten;
        s.running_frames = running;
        s.waiting_frames = 100 - done - dead - eaten - running;
        s.avg_frame_sec = 120;
        j
    }

    #[test]
    fn a_line_says_where_the_job_stands_and_roughly_how_long_it_has_left() {
        let mut j = job(JobState::Pending, 40, 2, 0, 10);
        // 58 frames of 2 minutes over 10 running: about 11 minutes.
        assert_eq!(
            line(&j, 0),
            "comp_v012  RUNNING  40/100 done  10 running  2 dead  ~11m left"
        );
        // No average: 40 frames done in 20 minutes, 58 left: about 29 minutes.
        j.job_stats.avg_frame_sec = 0;
        j.start_time = 1000;
        assert_eq!(time_left(&j, 1000 + 1200), Some(Duration::from_secs(1740)));
        for (case, standing) in [
            (job(JobState::Finished, 100, 0, 0, 0), Standing::Succeeded),
            (job(JobState::Finished, 97, 0, 3, 0), Standing::Failed),
            (job(JobState::Finished, 30, 0, 0, 0), Standing::Killed),
            // Only dead frames left: settled, and a failure.
            (job(JobState::Pending, 97, 3, 0, 0), Standing::Dead),
        ] {
            assert_eq!(Standing::of(&case), standing, "{:?}", case.job_stats);
        }
        assert_eq!(
            line(&job(JobState::Finished, 97, 0, 3, 0), 0),
            "comp_v012  FAILED  97/100 done  0 running  0 dead  3 eaten"
        );
        assert_eq!(Ending::Failed.code(), 1);
    }
}
