//! Every frame of a job, kept current cheaply.
//!
//! The first load pages through GetFrames (page and limit always sent) and hands each page over
//! as it arrives. After that a refresh asks GetUpdatedFrames for what changed since the
//! previous answer's `serverTime` and patches the rows in place. It reloads everything instead
//! when a delta cannot be trusted:
//! - the delta call failed (a `lastCheck` the gateway would hang on is refused locally),
//! - it came back full (Cuebot sends at most 100 changed frames),
//! - it names a frame we do not have, or the job's frame count changed (the job changed shape).
//!
//! Each refresh reports what it cost in requests. Pages arrive over a bounded channel and are
//! applied within a time budget per frame, so a 100,000-frame job never stalls the window.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::tasks::{Inbox, Received, TaskFailed, Tasks};

use crate::api::requests::FrameSearchCriteria;
use crate::api::types::{Frame, FrameState, UpdatedFrame};
use crate::api::{ApiClient, ApiError};
use crate::text::plural;

/// Frames per GetFrames page.
pub const PAGE_SIZE: i32 = 1000;
/// Cuebot's cap on the frames one GetUpdatedFrames answer holds.
pub const DELTA_CAP: usize = 100;
/// How long the first GetUpdatedFrames (the delta baseline) may take before loading goes on
/// without it. A gateway whose clock is far from ours would hang on it.
const BASELINE_WAIT: Duration = Duration::from_secs(3);

/// Pages that may wait in the channel before the load waits for the window to take them.
const PAGES_IN_FLIGHT: usize = 4;
/// At most this long is spent applying pages in one frame; the rest waits for the next frame.
const FRAME_BUDGET: Duration = Duration::from_millis(5);

/// A job's frames by id, in the gateway's order.
#[derive(Debug, Clone, Default)]
pub struct FrameTable {
    frames: Vec<Frame>,
    by_id: HashMap<String, usize>,
    generation: u64,
}

impl FrameTable {
    /// A table of these frames.
    pub fn from_frames(frames: Vec<Frame>) -> Self {
        let mut t = Self::default();
        t.extend(frames);
        t
    }

    /// Adds a page; a frame already present is replaced (pages can overlap while frames move).
    pub fn extend(&mut self, page: Vec<Frame>) {
        for f in page {
            match self.by_id.get(&f.id) {
                Some(&i) => self.frames[i] = f,
                None => {
                    self.by_id.insert(f.id.clone(), self.frames.len());
                    self.frames.push(f);
                }
            }
        }
        self.generation += 1;
    }

    /// Patches rows from a delta. Fails, changing nothing, when a frame is unknown.
    pub fn apply_updates(&mut self, updates: &[UpdatedFrame]) -> Result<(), String> {
        if let Some(u) = updates.iter().find(|u| !self.by_id.contains_key(&u.id)) {
            return Err(format!("frame {} is new to this table", u.id));
        }
        for u in updates {
            if let Some(&i) = self.by_id.get(&u.id) {
                self.frames[i].apply_update(u);
            }
        }
        if !updates.is_empty() {
            self.generation += 1;
        }
        Ok(())
    }

    /// The frames, in the gateway's order.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// How many frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// No frames.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The frame with this id.
    pub fn get(&self, id: &str) -> Option<&Frame> {
        self.by_id.get(id).map(|&i| &self.frames[i])
    }

    /// Bumped on every change: derived caches compare it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Frames per state.
    pub fn counts(&self) -> HashMap<FrameState, usize> {
        let mut c = HashMap::new();
        for f in &self.frames {
            *c.entry(f.state.clone()).or_insert(0) += 1;
        }
        c
    }
}

/// How a refresh brought the table up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshKind {
    /// Every frame, in this many pages.
    Full {
        /// GetFrames pages.
        pages: u32,
        /// Why not a delta (`None` for the first load).
        reason: Option<String>,
    },
    /// Only changed frames.
    Delta {
        /// Frames that changed.
        changed: usize,
    },
}

/// What the last refresh did and cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshReport {
    /// Full or delta.
    pub kind: RefreshKind,
    /// Requests sent for the frames.
    pub requests: u32,
}

impl RefreshReport {
    /// A sentence for the status line.
    pub fn text(&self) -> String {
        let requests = plural(self.requests as usize, "request");
        match &self.kind {
            RefreshKind::Delta { changed } => {
                format!("updated {} ({requests})", plural(*changed, "frame"))
            }
            RefreshKind::Full {
                pages,
                reason: None,
            } => format!("loaded in {} ({requests})", plural(*pages as usize, "page")),
            RefreshKind::Full {
                pages,
                reason: Some(why),
            } => format!(
                "reloaded in {} because {why} ({requests})",
                plural(*pages as usize, "page")
            ),
        }
    }
}

enum Msg {
    Page(Vec<Frame>),
    Loaded {
        baseline: Option<i32>,
        pages: u32,
        requests: u32,
    },
    Delta {
        updates: Vec<UpdatedFrame>,
        server_time: i32,
    },
    Failed(ApiError),
}

enum Running {
    Idle,
    /// A full load; `fresh` collects the pages of a reload so the old rows stay until it is done.
    Full {
        rx: Inbox<Msg>,
        fresh: Option<FrameTable>,
        reason: Option<String>,
        extra_requests: u32,
    },
    Delta {
        rx: Inbox<Msg>,
    },
}

impl From<TaskFailed> for Msg {
    fn from(e: TaskFailed) -> Self {
        Self::Failed(e.into())
    }
}

/// Keeps a job's [`FrameTable`] current: first load, deltas, reloads.
pub struct FrameSync {
    job_id: String,
    table: FrameTable,
    running: Running,
    /// The `serverTime` of the last delta (or of the load's baseline).
    baseline: Option<i32>,
    loaded: bool,
    error: Option<ApiError>,
    report: Option<RefreshReport>,
    updated_at: Option<Instant>,
    /// Frames the job has (from its stats), to tell when it changed shape.
    expected: Option<usize>,
}

impl FrameSync {
    /// Nothing loaded yet.
    pub fn new(job_id: impl Into<String>) -> Self {
        Self {
            job_id: job_id.into(),
            table: FrameTable::default(),
            running: Running::Idle,
            baseline: None,
            loaded: false,
            error: None,
            report: None,
            updated_at: None,
            expected: None,
        }
    }

    /// A view of frames already loaded (no delta baseline: the next refresh reloads).
    pub fn with_table(table: FrameTable) -> Self {
        Self {
            job_id: String::new(),
            table,
            running: Running::Idle,
            baseline: None,
            loaded: true,
            error: None,
            report: None,
            updated_at: None,
            expected: None,
        }
    }

    /// The frames as last known (kept while a refresh runs or after it fails).
    pub fn table(&self) -> &FrameTable {
        &self.table
    }

    /// The frames arrived at least once.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// A refresh is running.
    pub fn is_busy(&self) -> bool {
        !matches!(self.running, Running::Idle)
    }

    /// Frames received by the running first load or reload.
    pub fn loading_progress(&self) -> Option<usize> {
        match &self.running {
            Running::Full { fresh: Some(t), .. } => Some(t.len()),
            Running::Full { fresh: None, .. } => Some(self.table.len()),
            _ => None,
        }
    }

    /// Why the last refresh failed.
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
    }

    /// What the last finished refresh did and cost.
    pub fn report(&self) -> Option<&RefreshReport> {
        self.report.as_ref()
    }

    /// When the table was last brought up to date.
    pub fn updated_at(&self) -> Option<Instant> {
        self.updated_at
    }

    /// Tells how many frames the job has (its stats' total), to spot a change of shape.
    pub fn set_expected(&mut self, total: Option<usize>) {
        self.expected = total;
    }

    /// Brings the table up to date: a delta when one can be trusted, else a full (re)load.
    /// Does nothing while a refresh runs.
    pub fn refresh(&mut self, tasks: &Tasks, client: &ApiClient) {
        if self.is_busy() {
            return;
        }
        let shape_changed = self
            .expected
            .is_some_and(|n| self.loaded && n != self.table.len());
        match self.baseline {
            _ if !self.loaded => self.start_full(tasks, client, None, 0),
            _ if shape_changed => self.start_full(
                tasks,
                client,
                Some("the job's frame count changed".into()),
                0,
            ),
            None => self.start_full(
                tasks,
                client,
                Some("the gateway gave no update time".into()),
                0,
            ),
            Some(last_check) => {
                let client = client.clone();
                let job_id = self.job_id.clone();
                let rx = tasks.stream("updating the frames", 1, |out| async move {
                    let msg = match client.get_updated_frames(&job_id, last_check, &[]).await {
                        Ok(r) => Msg::Delta {
                            updates: r.updated_frames.updated_frames,
                            server_time: r.server_time,
                        },
                        Err(e) => Msg::Failed(e),
                    };
                    out.send(msg).await;
                });
                self.running = Running::Delta { rx };
            }
        }
    }

    fn start_full(
        &mut self,
        tasks: &Tasks,
        client: &ApiClient,
        reason: Option<String>,
        extra_requests: u32,
    ) {
        let client = client.clone();
        let job_id = self.job_id.clone();
        let rx = tasks.stream("loading the frames", PAGES_IN_FLIGHT, |out| async move {
            // The baseline for the next delta, taken before the first page so that no change
            // made during the load is missed.
            let baseline = tokio::time::timeout(
                BASELINE_WAIT,
                client.get_updated_frames(
                    &job_id,
                    i32::try_from(client.estimated_server_now()).unwrap_or(i32::MAX),
                    &[],
                ),
            )
            .await
            .ok()
            .and_then(Result::ok)
            .map(|r| r.server_time);
            let mut pager = client.frame_pager(&job_id, &FrameSearchCriteria::default(), PAGE_SIZE);
            loop {
                match pager.next_page().await {
                    Ok(Some(page)) => {
                        if !out.send(Msg::Page(page)).await {
                            return; // the view was closed
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        out.send(Msg::Failed(e)).await;
                        return;
                    }
                }
            }
            let pages = u32::try_from(pager.pages_fetched()).unwrap_or(0);
            out.send(Msg::Loaded {
                baseline,
                pages,
                requests: pages + 1,
            })
            .await;
        });
        let fresh = self.loaded.then(FrameTable::default);
        self.running = Running::Full {
            rx,
            fresh,
            reason,
            extra_requests,
        };
    }

    /// Takes what arrived, for about 5 ms at most (what is left waits for the next frame, which
    /// is asked for). Returns true when the table changed. May start a reload when a delta
    /// cannot be used.
    pub fn poll(&mut self, tasks: &Tasks, client: &ApiClient) -> bool {
        let mut changed = false;
        let started = Instant::now();
        loop {
            if started.elapsed() > FRAME_BUDGET {
                tasks.wake();
                return changed;
            }
            let msg = match &mut self.running {
                Running::Idle => return changed,
                Running::Full { rx, .. } | Running::Delta { rx } => match rx.take() {
                    Received::Message(m) => m,
                    Received::Empty => return changed,
                    Received::Closed => {
                        self.running = Running::Idle;
                        return changed;
                    }
                },
            };
            match msg {
                Msg::Page(page) => {
                    if let Running::Full { fresh, .. } = &mut self.running {
                        match fresh {
                            Some(t) => t.extend(page),
                            None => {
                                self.table.extend(page);
                                changed = true;
                            }
                        }
                    }
                }
                Msg::Loaded {
                    baseline,
                    pages,
                    requests,
                } => {
                    let Running::Full {
                        fresh,
                        reason,
                        extra_requests,
                        ..
                    } = std::mem::replace(&mut self.running, Running::Idle)
                    else {
                        continue;
                    };
                    // The generation only grows, also across the swap to a reloaded table: row
                    // orders cached against the old table are then always rebuilt.
                    let next = self.table.generation + 1;
                    if let Some(t) = fresh {
                        self.table = t;
                    }
                    self.table.generation = next.max(self.table.generation + 1);
                    changed = true;
                    self.loaded = true;
                    self.baseline = baseline;
                    self.error = None;
                    self.updated_at = Some(Instant::now());
                    self.report = Some(RefreshReport {
                        kind: RefreshKind::Full { pages, reason },
                        requests: requests + extra_requests,
                    });
                }
                Msg::Delta {
                    updates,
                    server_time,
                } => {
                    self.running = Running::Idle;
                    let why = if updates.len() >= DELTA_CAP {
                        Some(format!("{DELTA_CAP} or more frames changed"))
                    } else {
                        self.table
                            .apply_updates(&updates)
                            .err()
                            .map(|_| "a frame appeared that was not loaded".to_owned())
                    };
                    if let Some(reason) = why {
                        self.start_full(tasks, client, Some(reason), 1);
                        continue;
                    }
                    changed |= !updates.is_empty();
                    self.baseline = Some(server_time);
                    self.error = None;
                    self.updated_at = Some(Instant::now());
                    self.report = Some(RefreshReport {
                        kind: RefreshKind::Delta {
                            changed: updates.len(),
                        },
                        requests: 1,
                    });
                }
                Msg::Failed(e) => {
                    let was_delta = matches!(self.running, Running::Delta { .. });
                    self.running = Running::Idle;
                    if was_delta {
                        // The delta could not be had: everything, from scratch, instead.
                        let reason = format!("the update call failed: {}", e.user_message());
                        self.start_full(tasks, client, Some(reason), 1);
                        continue;
                    }
                    tracing::warn!("loading frames failed: {e}");
                    self.error = Some(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(id: &str, state: FrameState) -> Frame {
        Frame {
            id: id.into(),
            state,
            ..Frame::default()
        }
    }

    #[test]
    fn pages_merge_by_id_and_deltas_patch_known_frames_only() {
        let mut t = FrameTable::from_frames(vec![
            frame("a", FrameState::Waiting),
            frame("b", FrameState::Dead),
        ]);
        t.extend(vec![
            frame("b", FrameState::Running),
            frame("c", FrameState::Waiting),
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get("b").unwrap().state, FrameState::Running);
        let g = t.generation();
        let up = UpdatedFrame {
            id: "a".into(),
            state: FrameState::Succeeded,
            ..UpdatedFrame::default()
        };
        t.apply_updates(std::slice::from_ref(&up)).unwrap();
        assert_eq!(t.get("a").unwrap().state, FrameState::Succeeded);
        assert!(t.generation() > g);
        let unknown = UpdatedFrame {
            id: "zz".into(),
            ..up
        };
        assert!(t.apply_updates(&[unknown]).is_err());
        assert_eq!(t.counts()[&FrameState::Waiting], 1);
    }

    #[test]
    fn reports_read_as_sentences() {
        let r = RefreshReport {
            kind: RefreshKind::Delta { changed: 1 },
            requests: 1,
        };
        assert_eq!(r.text(), "updated 1 frame (1 request)");
        let r = RefreshReport {
            kind: RefreshKind::Full {
                pages: 3,
                reason: Some("100 or more frames changed".into()),
            },
            requests: 5,
        };
        assert_eq!(
            r.text(),
            "reloaded in 3 pages because 100 or more frames changed (5 requests)"
        );
    }
}
