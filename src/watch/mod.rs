//! The jobs a user watches, and what is worth telling them about: a watched job finished (all
//! frames done, with dead or eaten frames, or killed) or has new dead frames.
//!
//! The list is kept per profile. A refresh of it costs at most two GetJobs whatever its size
//! and shows: the user's own pending jobs (`users`), and by id (`ids`, finished included) the
//! watched jobs that are not in that answer and not already known to be finished. A watched job
//! that leaves the pending list is thus looked up by id once, which tells how it ended.
//!
//! [`Watcher`] compares each answer with the last: what was already true when CueDesk started
//! (or when the job was first seen) is never announced, and each event is announced once.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::api::types::{Frame, Job, JobState};

/// A job on the watch list, as the profile keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchedJob {
    /// The gateway's job id (what GetJobs takes in `ids`).
    pub id: String,
    /// Its name, to say which job when it cannot be found any more.
    pub name: String,
}

/// The jobs a profile watches, by id, in the order they were added. Shared on clone (the
/// window hands it to the watch task at each frame): a clone costs nothing and two clones of
/// the same list compare at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchList {
    jobs: Arc<Vec<WatchedJob>>,
    ids: Arc<HashSet<String>>,
}

impl WatchList {
    /// The list a profile saved.
    pub fn from_saved(saved: &[WatchedJob]) -> Self {
        let mut list = Self::default();
        for w in saved {
            list.add(&w.id, &w.name);
        }
        list
    }

    /// The list as the profile saves it.
    pub fn saved(&self) -> &[WatchedJob] {
        &self.jobs
    }

    /// True when `id` is watched.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Watches a job (nothing if it already is). Returns true when it was added.
    pub fn add(&mut self, id: &str, name: &str) -> bool {
        if self.contains(id) {
            return false;
        }
        Arc::make_mut(&mut self.jobs).push(WatchedJob {
            id: id.to_owned(),
            name: name.to_owned(),
        });
        Arc::make_mut(&mut self.ids).insert(id.to_owned());
        true
    }

    /// Stops watching a job.
    pub fn remove(&mut self, id: &str) {
        if self.contains(id) {
            Arc::make_mut(&mut self.jobs).retain(|w| w.id != id);
            Arc::make_mut(&mut self.ids).remove(id);
        }
    }

    /// True when nothing is watched.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// The ids to ask for by id: every watched job not in `pending` (the user's own pending
    /// jobs just listed) and, unless `all`, not in `finished` (jobs already known finished: a
    /// finished job does not change). Sorted, so the same list gives the same request.
    pub fn ids_to_ask(
        &self,
        pending: &HashSet<&str>,
        finished: &BTreeSet<String>,
        all: bool,
    ) -> Vec<String> {
        let mut ids: Vec<String> = self
            .jobs
            .iter()
            .filter(|w| !pending.contains(w.id.as_str()))
            .filter(|w| all || !finished.contains(w.id.as_str()))
            .map(|w| w.id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// What one refresh of the watch list brought back.
#[derive(Debug, Clone, Default)]
pub struct WatchAnswer {
    /// The user's own pending jobs, across every show (`None`: not asked for).
    pub mine: Option<Vec<Job>>,
    /// The watched jobs asked for by id (finished included).
    pub watched: Vec<Job>,
}

/// The rows of the "My jobs" view: every job the user's own pending list or the watch list
/// brought, by id. A finished watched job stays (it is not asked for again) until removed.
#[derive(Debug, Clone, Default)]
pub struct MyJobs {
    jobs: BTreeMap<String, Job>,
    /// The ids of the jobs known finished, kept with `jobs` (shared: see [`WatchList`]).
    finished: Arc<BTreeSet<String>>,
}

impl MyJobs {
    /// Takes an answer: its jobs replace what was known of them. A job that is neither watched
    /// nor in the user's pending list any more leaves.
    pub fn update(&mut self, answer: &WatchAnswer, list: &WatchList) {
        let mine: HashSet<&str> = answer
            .mine
            .iter()
            .flatten()
            .map(|j| j.id.as_str())
            .collect();
        if answer.mine.is_some() {
            self.jobs
                .retain(|id, _| mine.contains(id.as_str()) || list.contains(id));
        }
        for job in answer.mine.iter().flatten().chain(&answer.watched) {
            self.jobs.insert(job.id.clone(), job.clone());
        }
        self.note_finished();
    }

    /// Shows a job the user just chose to watch, as listed where they chose it.
    pub fn insert(&mut self, job: Job) {
        self.jobs.insert(job.id.clone(), job);
        self.note_finished();
    }

    /// Forgets jobs no longer watched and not the user's own pending ones.
    pub fn retain_watched(&mut self, list: &WatchList, user: &str) {
        self.jobs.retain(|id, job| {
            list.contains(id) || (job.user == user && job.state != JobState::Finished)
        });
        self.note_finished();
    }

    fn note_finished(&mut self) {
        let finished: BTreeSet<String> = self
            .jobs
            .values()
            .filter(|j| j.state == JobState::Finished)
            .map(|j| j.id.clone())
            .collect();
        if *self.finished != finished {
            self.finished = Arc::new(finished);
        }
    }

    /// The ids of the jobs known to be finished.
    pub fn finished(&self) -> &Arc<BTreeSet<String>> {
        &self.finished
    }

    /// The rows, by id.
    pub fn rows(&self) -> Vec<Job> {
        self.jobs.values().cloned().collect()
    }

    /// Every job known.
    pub fn jobs(&self) -> impl Iterator<Item = &Job> {
        self.jobs.values()
    }
}

/// What happened to a watched job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Every frame succeeded.
    Succeeded,
    /// Finished with dead or eaten frames.
    Failed {
        /// Dead frames.
        dead: i32,
        /// Eaten frames.
        eaten: i32,
    },
    /// Killed before all its frames ran.
    Killed {
        /// Frames that succeeded.
        done: i32,
        /// Frames in the job.
        total: i32,
    },
    /// A running frame has written no log for longer than the profile's threshold.
    Stuck {
        /// The frame, e.g. `0012-render`.
        frame: String,
        /// Minutes since its log was last written.
        minutes: i64,
        /// More stuck frames of the job found at the same time.
        others: usize,
    },
    /// More frames died since the last refresh.
    Dead {
        /// How many died since.
        new: i32,
        /// Dead frames now.
        total: i32,
        /// The most recent dead frame, once looked up: its layer, number and exit status.
        first: Option<DeadFrame>,
    },
}

/// A dead frame, as a notification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadFrame {
    /// Layer.
    pub layer: String,
    /// Frame number.
    pub number: i32,
    /// Exit status.
    pub exit_status: i32,
}

/// Which kinds of event the user wants to hear about (per profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSwitches {
    /// A job finished, failed or was killed.
    pub finished: bool,
    /// New dead frames.
    pub dead: bool,
    /// Frames stuck (no log written for the profile's threshold).
    pub stuck: bool,
}

/// Something to tell the user about a watched job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The job's id.
    pub job_id: String,
    /// Its name.
    pub job: String,
    /// Its show.
    pub show: String,
    /// What happened.
    pub kind: EventKind,
    /// When it was seen (epoch seconds).
    pub at: i64,
}

impl Event {
    /// The notification's title.
    pub fn title(&self) -> String {
        let what = match &self.kind {
            EventKind::Succeeded => "finished",
            EventKind::Failed { .. } => "finished with failures",
            EventKind::Killed { .. } => "was killed",
            EventKind::Stuck { others: 0, .. } => "has a stuck frame",
            EventKind::Stuck { .. } => "has stuck frames",
            EventKind::Dead { new: 1, .. } => "has a dead frame",
            EventKind::Dead { .. } => "has dead frames",
        };
        format!("{} {what}", self.job)
    }

    /// The notification's text.
    pub fn body(&self) -> String {
        let frames = |n: i32| if n == 1 { "frame" } else { "frames" };
        match &self.kind {
            EventKind::Succeeded => format!("Every frame succeeded ({}).", self.show),
            EventKind::Failed { dead, eaten } => {
                let mut parts = Vec::new();
                if *dead > 0 {
                    parts.push(format!("{dead} dead {}", frames(*dead)));
                }
                if *eaten > 0 {
                    parts.push(format!("{eaten} eaten {}", frames(*eaten)));
                }
                format!("{} ({}).", parts.join(", "), self.show)
            }
            EventKind::Killed { done, total } => {
                format!("{done} of {total} frames had succeeded ({}).", self.show)
            }
            EventKind::Stuck {
                frame,
                minutes,
                others,
            } => {
                let mut text = format!(
                    "Frame {frame} has written no log for {} ({}).",
                    crate::ui::widgets::duration(minutes * 60),
                    self.show
                );
                if *others > 0 {
                    text.push_str(&format!(" {others} more {} too.", frames(*others as i32)));
                }
                text
            }
            EventKind::Dead { new, total, first } => {
                let mut text = format!("{new} more dead {} ({total} now)", frames(*new));
                if let Some(f) = first {
                    text.push_str(&format!(
                        ": layer {}, frame {} exited with status {}",
                        f.layer, f.number, f.exit_status
                    ));
                }
                text.push('.');
                text
            }
        }
    }

    /// True for the events that mean something went wrong.
    pub fn is_bad(&self) -> bool {
        !matches!(self.kind, EventKind::Succeeded)
    }
}

/// How a finished job ended: every frame succeeded, with dead or eaten frames, or killed before
/// all its frames ran. `None` while it is not finished.
pub fn ending(job: &Job) -> Option<EventKind> {
    let s = &job.job_stats;
    if job.state != JobState::Finished {
        return None;
    }
    Some(
        if s.succeeded_frames + s.dead_frames + s.eaten_frames < s.total_frames {
            EventKind::Killed {
                done: s.succeeded_frames,
                total: s.total_frames,
            }
        } else if s.dead_frames > 0 || s.eaten_frames > 0 {
            EventKind::Failed {
                dead: s.dead_frames,
                eaten: s.eaten_frames,
            }
        } else {
            EventKind::Succeeded
        },
    )
}

/// What the watcher remembers of a job.
#[derive(Debug, Clone, Copy)]
struct Seen {
    finished: bool,
    dead: i32,
}

/// Tells what changed in the watched jobs since the last refresh.
#[derive(Debug, Default)]
pub struct Watcher {
    seen: HashMap<String, Seen>,
    /// Frames found stuck, by id: each is told once.
    stuck: HashSet<String>,
    /// The first look for stuck frames was made (what it found was true at start).
    stuck_looked: bool,
}

/// The running frames of a watched job whose logs have not been written for too long.
#[derive(Debug, Clone)]
pub struct StuckFrames {
    /// The job's id.
    pub job_id: String,
    /// Its name.
    pub job: String,
    /// Its show.
    pub show: String,
    /// The stuck frames.
    pub frames: Vec<Frame>,
}

impl Watcher {
    /// Takes the watched jobs as just listed; returns what happened to them since the last
    /// time, as `switches` allow. A job seen for the first time is only remembered.
    pub fn update<'a>(
        &mut self,
        jobs: impl IntoIterator<Item = &'a Job>,
        list: &WatchList,
        switches: EventSwitches,
        now: i64,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        for job in jobs {
            if !list.contains(&job.id) {
                continue;
            }
            let s = &job.job_stats;
            let now_seen = Seen {
                finished: job.state == JobState::Finished,
                dead: s.dead_frames,
            };
            let Some(before) = self.seen.insert(job.id.clone(), now_seen) else {
                continue;
            };
            let event = |kind| Event {
                job_id: job.id.clone(),
                job: job.name.clone(),
                show: job.show.clone(),
                kind,
                at: now,
            };
            if now_seen.finished && !before.finished {
                if switches.finished
                    && let Some(kind) = ending(job)
                {
                    events.push(event(kind));
                }
            } else if now_seen.dead > before.dead && !now_seen.finished && switches.dead {
                events.push(event(EventKind::Dead {
                    new: now_seen.dead - before.dead,
                    total: now_seen.dead,
                    first: None,
                }));
            }
        }
        events
    }

    /// Takes a look for stuck frames (`now` on the gateway's clock): a frame newly stuck is
    /// told once; what the first look finds was already true and is not told.
    pub fn stuck(
        &mut self,
        found: &[StuckFrames],
        switches: EventSwitches,
        now: i64,
    ) -> Vec<Event> {
        let first = !std::mem::replace(&mut self.stuck_looked, true);
        let mut events = Vec::new();
        for job in found {
            let new: Vec<&Frame> = job
                .frames
                .iter()
                .filter(|f| self.stuck.insert(f.id.clone()))
                .collect();
            if first || new.is_empty() || !switches.stuck {
                continue;
            }
            let oldest = new
                .iter()
                .min_by_key(|f| f.llu_time)
                .copied()
                .unwrap_or(new[0]);
            events.push(Event {
                job_id: job.job_id.clone(),
                job: job.job.clone(),
                show: job.show.clone(),
                kind: EventKind::Stuck {
                    frame: oldest.name.clone(),
                    minutes: (now - i64::from(oldest.llu_time)) / 60,
                    others: new.len() - 1,
                },
                at: now,
            });
        }
        events
    }

    /// Forgets the jobs no longer in `list`: if one is watched again, its state then is the new
    /// starting point.
    pub fn retain(&mut self, list: &WatchList) {
        self.seen.retain(|id, _| list.contains(id));
    }
}

/// The dead frame a "new dead frames" notification names: the one that died last (ties: the
/// lowest number).
pub fn latest_dead(frames: &[Frame]) -> Option<DeadFrame> {
    frames
        .iter()
        .max_by(|a, b| {
            a.stop_time
                .cmp(&b.stop_time)
                .then_with(|| b.number.cmp(&a.number))
        })
        .map(|f| DeadFrame {
            layer: f.layer_name.clone(),
            number: f.number,
            exit_status: f.exit_status,
        })
}

#[cfg(test)]
mod tests;
