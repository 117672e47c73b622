//! The refresh of the user's own and the watched jobs: one task per session that runs whatever
//! the view, in front or behind, and wakes the window only when an answer changed something
//! (or My jobs is on screen, whose "updated" label follows each answer). An artist's window
//! left in the background all day costs one or two small requests per interval and no frame.

use std::collections::{BTreeSet, HashSet};
use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::session::list_interval;
use crate::api::requests::{FrameSearchCriteria, JobSearchCriteria};
use crate::api::types::FrameState;
use crate::api::{ApiClient, ApiError};
use crate::tasks::{Inbox, Received, TaskFailed, Tasks};
use crate::watch::{Event, EventKind, EventSwitches, StuckFrames, WatchAnswer, WatchList, Watcher};

/// What the task asks for, set by the window whenever it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The user whose pending jobs are listed (empty: none).
    pub user: String,
    /// The jobs watched.
    pub watch: WatchList,
    /// Watched jobs known finished: not asked for again (a finished job does not change).
    pub finished: Arc<BTreeSet<String>>,
    /// The profile's interval.
    pub interval: Duration,
    /// Every answer is wanted (My jobs on screen), not only those that changed something.
    pub every_answer: bool,
    /// Look for running frames whose log has not been written for this long (`None`: don't).
    pub stuck_after: Option<Duration>,
    /// The user's own jobs count as watched.
    pub watch_mine: bool,
    /// What to tell.
    pub switches: EventSwitches,
}

impl Plan {
    /// The jobs watched for this answer: the list, and the user's own when they count.
    fn watched(&self, answer: &WatchAnswer) -> WatchList {
        let mut list = self.watch.clone();
        if self.watch_mine {
            for job in answer.mine.iter().flatten() {
                list.add(&job.id, &job.name);
            }
        }
        list
    }
}

/// What the task sends back.
#[derive(Debug)]
pub enum Message {
    /// An answer that changed something (or is wanted anyway), and what it means to tell.
    Answer {
        /// What the gateway answered.
        answer: WatchAnswer,
        /// How long it took.
        took: Duration,
        /// What happened to the watched jobs since the last answer.
        events: Vec<Event>,
    },
    /// A refresh failed.
    Failed(ApiError),
}

/// At most this many running watched jobs are looked at for stuck frames at a time (the next
/// look goes on from there): one GetFrames each.
const STUCK_JOBS_PER_LOOK: usize = 20;

impl From<TaskFailed> for Message {
    fn from(e: TaskFailed) -> Self {
        Self::Failed(e.into())
    }
}

/// The running refresh of the watch list.
pub struct Watching {
    plan: tokio::sync::watch::Sender<Plan>,
    now: Arc<tokio::sync::Notify>,
    sending: Arc<AtomicBool>,
    inbox: Inbox<Message>,
    /// How long the gateway took to answer the last refresh.
    pub took: Option<Duration>,
}

/// A fingerprint of an answer: the window is woken only when it changes.
fn fingerprint(answer: &WatchAnswer) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let text = serde_json::to_string(&(&answer.mine, &answer.watched)).unwrap_or_default();
    text.hash(&mut h);
    h.finish()
}

impl Watching {
    /// Starts the task: a first refresh at once, then one per interval.
    pub fn start(tasks: &Tasks, client: ApiClient, plan: Plan) -> Self {
        let (plan_tx, mut plan_rx) = tokio::sync::watch::channel(plan);
        let now = Arc::new(tokio::sync::Notify::new());
        let sending = Arc::new(AtomicBool::new(false));
        let (wake_now, flag) = (now.clone(), sending.clone());
        let inbox = tasks.stream("watching jobs", 16, move |out| async move {
            let mut sent: Option<Instant> = None;
            let mut took = None;
            let mut last = None;
            let mut all = true;
            let mut stuck_looked: Option<Instant> = None;
            let mut stuck_cursor = 0;
            let mut watcher = Watcher::default();
            loop {
                // Stretched while the gateway is slow, as the show-wide lists are.
                let (interval, _) = list_interval(plan_rx.borrow().interval, None, took);
                let at = sent.map_or_else(Instant::now, |s| s + interval);
                tokio::select! {
                    biased;
                    changed = plan_rx.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        // A new plan: the same moment, with what it asks.
                        continue;
                    }
                    () = wake_now.notified() => all = true,
                    () = tokio::time::sleep_until(at.into()) => {}
                }
                let plan = plan_rx.borrow_and_update().clone();
                let started = Instant::now();
                sent = Some(started);
                flag.store(true, Ordering::Relaxed);
                let result = refresh(&client, &plan, all).await;
                flag.store(false, Ordering::Relaxed);
                let forced = std::mem::take(&mut all);
                let answer = match result {
                    Ok(answer) => answer,
                    Err(e) => {
                        // The next answer is passed on whatever it says.
                        last = None;
                        if !out.send(Message::Failed(e)).await {
                            return;
                        }
                        continue;
                    }
                };
                let answered = started.elapsed();
                took = Some(answered);
                // What happened to the watched jobs (the user's own count as watched when the
                // profile says so), dead frames named.
                let list = plan.watched(&answer);
                watcher.retain(&list);
                let now = client.estimated_server_now();
                let jobs = answer.mine.iter().flatten().chain(&answer.watched);
                let mut events = watcher.update(jobs, &list, plan.switches, now);
                name_dead_frames(&client, &mut events).await;
                // Stuck frames are looked for every third of the threshold (at least every
                // interval), and when the user asks for a refresh.
                if let Some(after) = plan.stuck_after
                    && (forced
                        || stuck_looked
                            .is_none_or(|t| t.elapsed() >= (after / 3).max(plan.interval)))
                {
                    stuck_looked = Some(Instant::now());
                    let found =
                        stuck_frames(&client, &list, &answer, after, &mut stuck_cursor).await;
                    events.extend(watcher.stuck(&found, plan.switches, now));
                }
                let print = fingerprint(&answer);
                let changed = last != Some(print);
                last = Some(print);
                if !changed && events.is_empty() && !plan.every_answer {
                    continue;
                }
                // The window is woken for what it shows (My jobs on screen) or tells (events);
                // else the answer waits for its next frame.
                let wake = plan.every_answer || !events.is_empty();
                let message = Message::Answer {
                    answer,
                    took: answered,
                    events,
                };
                let delivered = if wake {
                    out.send(message).await
                } else {
                    out.send_quietly(message).await
                };
                if !delivered {
                    return;
                }
            }
        });
        Self {
            plan: plan_tx,
            now,
            sending,
            inbox,
            took: None,
        }
    }

    /// Changes what the task asks for (nothing happens when it is the same).
    pub fn set_plan(&self, plan: Plan) {
        self.plan.send_if_modified(|p| {
            if *p == plan {
                false
            } else {
                *p = plan;
                true
            }
        });
    }

    /// Refreshes now, asking for every watched job by id (finished ones too).
    pub fn refresh_now(&self) {
        self.now.notify_one();
    }

    /// True while a refresh is out.
    pub fn sending(&self) -> bool {
        self.sending.load(Ordering::Relaxed)
    }

    /// The messages that arrived.
    pub fn take(&mut self) -> Vec<Message> {
        let mut messages = Vec::new();
        while let Received::Message(m) = self.inbox.take() {
            if let Message::Answer { took, .. } = &m {
                self.took = Some(*took);
            }
            messages.push(m);
        }
        messages
    }
}

/// The running frames of watched jobs whose logs have not been written for `after`: one
/// GetFrames (running frames) per watched job with running frames, at most
/// [`STUCK_JOBS_PER_LOOK`] jobs a look, going on from `cursor` at the next.
async fn stuck_frames(
    client: &ApiClient,
    watched: &WatchList,
    answer: &WatchAnswer,
    after: Duration,
    cursor: &mut usize,
) -> Vec<StuckFrames> {
    let running: Vec<&crate::api::types::Job> = answer
        .mine
        .iter()
        .flatten()
        .chain(&answer.watched)
        .filter(|j| watched.contains(&j.id) && j.job_stats.running_frames > 0)
        .collect();
    if running.is_empty() {
        return Vec::new();
    }
    let start = *cursor % running.len();
    let take = running.len().min(STUCK_JOBS_PER_LOOK);
    *cursor = start + take;
    let now = client.estimated_server_now();
    let limit = i64::try_from(after.as_secs()).unwrap_or(i64::MAX);
    let mut found = Vec::new();
    for job in running.iter().cycle().skip(start).take(take) {
        let criteria = FrameSearchCriteria::first_in(FrameState::Running, 500);
        match client.get_frames(&job.id, &criteria).await {
            Ok(frames) => {
                let frames: Vec<_> = frames
                    .into_iter()
                    .filter(|f| f.is_stuck(limit, now))
                    .collect();
                if !frames.is_empty() {
                    found.push(StuckFrames {
                        job_id: job.id.clone(),
                        job: job.name.clone(),
                        show: job.show.clone(),
                        frames,
                    });
                }
            }
            Err(e) => tracing::warn!("cannot look for stuck frames of {}: {e}", job.name),
        }
    }
    found
}

/// Names the dead frame of each "new dead frames" event: one GetFrames (dead frames, a page of
/// 100) per such event; the one that died last is named.
async fn name_dead_frames(client: &ApiClient, events: &mut [Event]) {
    for event in events {
        let EventKind::Dead { first, .. } = &mut event.kind else {
            continue;
        };
        let criteria = FrameSearchCriteria::first_in(FrameState::Dead, 100);
        match client.get_frames(&event.job_id, &criteria).await {
            Ok(frames) => *first = crate::watch::latest_dead(&frames),
            Err(e) => tracing::warn!("cannot name the dead frames of {}: {e}", event.job),
        }
    }
}

/// One refresh: the user's own pending jobs (when a user is named), then by id the watched
/// jobs that answer left out and that may still change (`all`: finished ones too).
async fn refresh(client: &ApiClient, plan: &Plan, all: bool) -> Result<WatchAnswer, ApiError> {
    let mine = if plan.user.is_empty() {
        None
    } else {
        let criteria = JobSearchCriteria {
            users: vec![plan.user.clone()],
            ..Default::default()
        };
        Some(client.get_jobs(&criteria).await?)
    };
    let pending: HashSet<&str> = mine.iter().flatten().map(|j| j.id.as_str()).collect();
    let asked = plan.watch.ids_to_ask(&pending, &plan.finished, all);
    let watched = if asked.is_empty() {
        Vec::new()
    } else {
        let criteria = JobSearchCriteria {
            ids: asked,
            include_finished: true,
            ..Default::default()
        };
        client.get_jobs(&criteria).await?
    };
    Ok(WatchAnswer { mine, watched })
}
