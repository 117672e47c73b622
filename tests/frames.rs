//! Every frame of a job, against the simulator over loopback HTTP: paging gets each frame
//! exactly once, and GetUpdatedFrames deltas keep the table equal to a full reload.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::Target;
use cuedesk::api::requests::FrameSearchCriteria;
use cuedesk::api::types::{Frame, FrameState};
use cuedesk::frames::{FrameSync, PAGE_SIZE, RefreshKind};
use cuedesk::sim::FarmSpec;
use cuedesk::tasks::Tasks;
use tokio::sync::Notify;

/// What the frames table shows of a frame (GetUpdatedFrames carries exactly these).
fn shown(f: &Frame) -> impl PartialEq + std::fmt::Debug {
    (
        f.id.clone(),
        f.name.clone(),
        f.state.clone(),
        f.retry_count,
        f.exit_status,
        f.start_time,
        f.stop_time,
        f.max_rss,
        f.used_memory,
        f.last_resource.clone(),
        f.llu_time,
    )
}

/// Polls `sync` until its refresh is done; woken by the refresh's own tasks, never by a timer.
async fn settle(sync: &mut FrameSync, client: &cuedesk::api::ApiClient, notify: &Arc<Notify>) {
    let tasks = tasks_for(notify);
    loop {
        sync.poll(&tasks, client);
        if !sync.is_busy() {
            return;
        }
        tokio::time::timeout(Duration::from_secs(30), notify.notified())
            .await
            .expect("the refresh never finished");
    }
}

/// The simulator's extra job with exactly `frames` frames.
async fn big_job(client: &cuedesk::api::ApiClient, frames: i32) -> cuedesk::api::types::Job {
    client
        .get_jobs(&cuedesk::api::requests::JobSearchCriteria::default())
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.job_stats.total_frames == frames)
        .unwrap()
}

/// Tasks on the test's runtime that notify `notify` when a result is ready.
fn tasks_for(notify: &Arc<Notify>) -> Tasks {
    let n = notify.clone();
    Tasks::with_waker(
        tokio::runtime::Handle::current(),
        Arc::new(move || n.notify_one()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn paging_returns_every_frame_of_a_20000_frame_job_exactly_once() {
    let t = Target::with_farm(FarmSpec {
        big_job_frames: 20_000,
        ..common::test_farm()
    })
    .await;
    let sim = t.sim();
    let client = t.client();
    let big = big_job(&client, 20_000).await;
    sim.clear_requests();

    let notify = Arc::new(Notify::new());
    let mut sync = FrameSync::new(&big.id);
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;

    let ids: HashSet<&str> = sync
        .table()
        .frames()
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(sync.table().len(), 20_000);
    assert_eq!(ids.len(), 20_000, "no frame twice");
    let pages = 20_000 / PAGE_SIZE as usize + 1;
    let report = sync.report().unwrap();
    assert_eq!(
        report.kind,
        RefreshKind::Full {
            pages: u32::try_from(pages).unwrap(),
            reason: None
        }
    );
    // Every GetFrames carried page and limit; the count matches what the report says.
    let frame_calls: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/GetFrames"))
        .collect();
    assert_eq!(frame_calls.len(), pages);
    for (i, r) in frame_calls.iter().enumerate() {
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["req"]["page"], i + 1);
        assert_eq!(body["req"]["limit"], PAGE_SIZE);
    }
    assert_eq!(
        report.requests as usize,
        sim.requests().len(),
        "the report counts every request the load sent"
    );
    // The same frames, in the same order, as one direct pass.
    let direct = client
        .get_all_frames(&big.id, &FrameSearchCriteria::default(), 5000)
        .await
        .unwrap();
    let a: Vec<_> = direct.iter().map(|f| f.id.as_str()).collect();
    let b: Vec<_> = sync
        .table()
        .frames()
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(a, b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn deltas_produce_the_same_table_as_a_full_reload() {
    let t = Target::new().await;
    let sim = t.sim();
    let client = t.client();
    let job = common::job_with(&client, FrameState::Running)
        .await
        .unwrap();
    let notify = Arc::new(Notify::new());
    let mut sync = FrameSync::new(&job.id);
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;
    assert!(matches!(
        sync.report().unwrap().kind,
        RefreshKind::Full { reason: None, .. }
    ));

    let mut deltas_with_changes = 0;
    for round in 0..12 {
        // Frames finish, fail and start; every third round a user retries the dead ones.
        sim.advance(15);
        if round % 3 == 2 {
            let dead = FrameSearchCriteria {
                states: vec![FrameState::Dead].into(),
                ..Default::default()
            };
            // Finished jobs are read-only; the retry may be refused, the comparison holds.
            let _ = client.retry_job_frames(&job.id, &dead).await;
        }
        sim.clear_requests();
        sync.refresh(&tasks_for(&notify), &client);
        settle(&mut sync, &client, &notify).await;
        let report = sync.report().unwrap().clone();
        let RefreshKind::Delta { changed } = report.kind else {
            panic!("round {round}: expected a delta, got {report:?}");
        };
        assert_eq!(report.requests, 1);
        assert_eq!(sim.requests().len(), 1, "a delta refresh is one request");
        if changed > 0 {
            deltas_with_changes += 1;
        }
        let full = client
            .get_all_frames(&job.id, &FrameSearchCriteria::default(), 1000)
            .await
            .unwrap();
        let from_deltas: Vec<_> = sync.table().frames().iter().map(shown).collect();
        let reloaded: Vec<_> = full.iter().map(shown).collect();
        assert_eq!(from_deltas, reloaded, "round {round}");
    }
    assert!(deltas_with_changes > 3, "the farm moved during the test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn a_stale_or_full_delta_falls_back_to_a_full_reload() {
    let t = Target::with_farm(FarmSpec {
        big_job_frames: 3000,
        ..common::test_farm()
    })
    .await;
    let sim = t.sim();
    // A short deadline: a delta the gateway would hang on fails in two seconds.
    let mut config = cuedesk::api::ClientConfig::new(
        t.url.clone(),
        cuedesk::api::Credentials::secret("cuedesk-test", t.secret.clone()),
    );
    config.request_timeout = Duration::from_secs(3);
    let client = cuedesk::api::ApiClient::new(config).unwrap();
    let big = big_job(&client, 3000).await;
    let notify = Arc::new(Notify::new());
    let mut sync = FrameSync::new(&big.id);
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;

    // More than Cuebot's 100 changed frames: the delta cannot be complete.
    client
        .eat_job_frames(
            &big.id,
            &FrameSearchCriteria {
                states: vec![FrameState::Waiting].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;
    let report = sync.report().unwrap().clone();
    assert!(
        matches!(&report.kind, RefreshKind::Full { reason: Some(r), .. } if r.contains("100 or more")),
        "{report:?}"
    );
    assert_eq!(
        report.requests,
        1 + 1 + 3 + 1,
        "delta + baseline + 3 pages + the last"
    );
    let eaten = sync
        .table()
        .frames()
        .iter()
        .filter(|f| f.state == FrameState::Eaten)
        .count();
    assert!(eaten > 100);

    // Cuebot's clock jumps a minute: the previous serverTime is too old and Cuebot would never
    // answer. The call carries a deadline, fails, and everything is reloaded...
    sim.shift_clock(70);
    sim.clear_requests();
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;
    let report = sync.report().unwrap().clone();
    assert!(
        matches!(&report.kind, RefreshKind::Full { reason: Some(r), .. } if r.contains("update call failed")),
        "{report:?}"
    );
    let first = sim.requests().into_iter().next().unwrap();
    assert!(first.path.ends_with("/GetUpdatedFrames"));
    assert_eq!(first.grpc_timeout.as_deref(), Some("2000m"));
    // ...with a baseline by the gateway's clock (its Date header), so deltas work again.
    sim.advance(5);
    sync.refresh(&tasks_for(&notify), &client);
    settle(&mut sync, &client, &notify).await;
    assert!(
        matches!(sync.report().unwrap().kind, RefreshKind::Delta { .. }),
        "{:?}",
        sync.report()
    );
}
