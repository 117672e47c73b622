//! Stuck frames of watched jobs: a running frame whose log has not been written for longer than
//! the profile's threshold (LLU) is told once, and not when it was already stuck at the first
//! look. Against the simulator, through the watch list's task.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Target;
use cuedesk::app::watching::{Message, Plan, Watching};
use cuedesk::tasks::Tasks;
use cuedesk::watch::{Event, EventKind, EventSwitches, WatchList};

/// Waits (at most 30 s) for the task's next answers; what they tell.
async fn next_events(watching: &mut Watching) -> Vec<Event> {
    let mut told: Option<Vec<Event>> = None;
    common::wait_until("an answer", || {
        for m in watching.take() {
            if let Message::Answer { events, .. } = m {
                told.get_or_insert_with(Vec::new).extend(events);
            }
        }
        told.is_some()
    })
    .await;
    told.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: stalls frames")]
async fn a_frame_that_stops_writing_its_log_is_told_once() {
    let t = Target::new().await;
    let sim = t.sim();
    let jobs = common::jobs_of(&t, "jdoe").await;
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
        finished: std::sync::Arc::default(),
        interval: Duration::from_secs(1),
        // Every answer passed on, so that each look can be read.
        every_answer: true,
        // Ten minutes: the simulated farm's other running frames wrote their logs lately.
        stuck_after: Some(Duration::from_secs(600)),
        watch_mine: true,
        switches: EventSwitches {
            finished: true,
            dead: true,
            stuck: true,
        },
    };
    let mut watching = Watching::start(&tasks, t.client(), plan);
    // The first look finds the frame stuck since before: nothing is told.
    assert!(next_events(&mut watching).await.is_empty());
    // Another frame hangs: the next look (a refresh asked for) tells it, naming it.
    let now = sim.now();
    let new = sim
        .with_farm(|f| f.stall_frame(&job.id, 2400, now))
        .unwrap();
    watching.refresh_now();
    let events = loop {
        let events = next_events(&mut watching).await;
        if !events.is_empty() {
            break events;
        }
    };
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].title(), format!("{} has a stuck frame", job.name));
    assert!(
        matches!(&events[0].kind, EventKind::Stuck { frame, minutes, others: 0 } if *frame == new && (40..=41).contains(minutes)),
        "{:?}",
        events[0].kind
    );
    assert_ne!(new, old);
    // Looked at again: nothing new to tell.
    watching.refresh_now();
    let _ = next_events(&mut watching).await;
    watching.refresh_now();
    assert!(next_events(&mut watching).await.is_empty());
}
