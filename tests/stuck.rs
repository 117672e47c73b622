//! Stuck frames of watched jobs: a running frame whose log has not been written for longer than
//! the profile's threshold (LLU) is told once, and not when it was already stuck at the first
//! look. Against the simulator, through the watch list's task.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Target;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::app::watching::{Message, Plan, Watching};
use cuedesk::tasks::Tasks;
use cuedesk::watch::{EventKind, EventSwitches, StuckFrames, WatchList, Watcher};

/// Waits (at most 30 s) for the task's next look for stuck frames.
async fn next_look(watching: &mut Watching) -> (Vec<StuckFrames>, i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for m in watching.take() {
            if let Message::Stuck(found, now) = m {
                return (found, now);
            }
        }
        assert!(Instant::now() < deadline, "no look for stuck frames");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: stalls frames")]
async fn a_frame_that_stops_writing_its_log_is_told_once() {
    let t = Target::new().await;
    let sim = t.sim();
    let jobs = t
        .client()
        .get_jobs(&JobSearchCriteria {
            users: vec!["jdoe".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let running: Vec<_> = jobs
        .iter()
        .filter(|j| j.job_stats.running_frames > 1)
        .collect();
    assert!(!running.is_empty());
    let job = running[0];
    let mut watch = WatchList::default();
    for j in &jobs {
        watch.add(&j.id, &j.name);
    }
    // Already stuck when watching starts: never told.
    let now = sim.now();
    let old = sim
        .with_farm(|f| f.stall_frame(&job.id, 7200, now))
        .unwrap();
    let tasks = Tasks::with_waker(tokio::runtime::Handle::current(), Arc::new(|| {}));
    let plan = Plan {
        user: "jdoe".into(),
        watch,
        finished: std::collections::HashSet::new(),
        interval: Duration::from_secs(1),
        every_answer: false,
        // Ten minutes: the simulated farm's other running frames wrote their logs lately.
        stuck_after: Some(Duration::from_secs(600)),
    };
    let mut watching = Watching::start(&tasks, t.client(), plan);
    let switches = EventSwitches {
        finished: true,
        dead: true,
        stuck: true,
    };
    let mut watcher = Watcher::default();
    let (found, now) = next_look(&mut watching).await;
    let names: Vec<&str> = found
        .iter()
        .flat_map(|s| s.frames.iter().map(|f| f.name.as_str()))
        .collect();
    assert_eq!(names, [old.as_str()]);
    assert!(
        watcher.stuck(&found, switches, now).is_empty(),
        "stuck at start"
    );
    // Another frame hangs: the next look (a refresh asked for) tells it, naming it.
    let now = sim.now();
    let new = sim
        .with_farm(|f| f.stall_frame(&job.id, 2400, now))
        .unwrap();
    watching.refresh_now();
    let (found, now) = next_look(&mut watching).await;
    let events = watcher.stuck(&found, switches, now);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].title(), format!("{} has a stuck frame", job.name));
    assert!(
        matches!(&events[0].kind, EventKind::Stuck { frame, minutes, others: 0 } if *frame == new && (40..=41).contains(minutes)),
        "{:?}",
        events[0].kind
    );
    // Looked at again: nothing new to tell.
    watching.refresh_now();
    let (found, now) = next_look(&mut watching).await;
    assert!(watcher.stuck(&found, switches, now).is_empty());
}
