//! What the window costs when nobody touches it: the requests of timed refreshes (whatever the
//! number of jobs), and the frames it asks egui for when nothing is due.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::Profile;
use cuedesk::sim::FarmSpec;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// One show of over 100 pending jobs (of 120, some have finished).
fn hundred_jobs() -> FarmSpec {
    FarmSpec {
        seed: 11,
        shows: 1,
        jobs: 120,
        frames_per_job: 40,
        hosts: 30,
        big_job_frames: 0,
    }
}

async fn harness(t: &Target, refresh_secs: u64) -> (Harness<'static, CueDeskApp>, Vec<String>) {
    let jobs = t
        .client()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap();
    let profile = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: jobs[0].show.clone(),
        refresh_interval_secs: refresh_secs,
        ..Profile::default()
    };
    let connection = Connection {
        credentials: Credentials::secret("jdoe", t.secret.clone()),
        profile,
    };
    let h = common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)));
    (h, jobs.into_iter().map(|j| j.name).collect())
}

/// What egui was asked for after the last frame: how long until the next repaint.
fn repaint_delay(h: &Harness<'_, CueDeskApp>) -> Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::ZERO, |v| v.repaint_delay)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn monitoring_a_hundred_jobs_costs_one_request_per_refresh() {
    let t = Target::with_farm(hundred_jobs()).await;
    let sim = t.sim();
    // One-second refreshes: six of them stand for a minute at the default ten seconds.
    let (mut h, names) = harness(&t, 1).await;
    assert!(names.len() >= 100, "{} pending jobs", names.len());
    let listed = format!("of {} jobs", names.len());
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed).is_some()
    });
    // A job open below, its frames loaded: from then on a delta per refresh.
    h.get_by_label(&names[0]).click();
    step_until(&mut h, "the frames", |h| {
        h.query_by_label_contains("Frames loaded").is_some()
    });
    sim.clear_requests();
    let sent = || -> Vec<(String, String)> {
        sim.requests()
            .into_iter()
            .map(|r| (r.path, r.body))
            .collect()
    };
    // GetJobs of the show (the list), or of the user's own and watched jobs (the watch list).
    let list = |s: &[(String, String)]| {
        s.iter()
            .filter(|(p, b)| p == "/job.JobInterface/GetJobs" && b.contains("\"shows\""))
            .count()
    };
    let deltas = |s: &[(String, String)]| {
        s.iter()
            .filter(|(p, _)| p == "/job.JobInterface/GetUpdatedFrames")
            .count()
    };
    let watch = |s: &[(String, String)]| {
        s.iter()
            .filter(|(p, b)| p == "/job.JobInterface/GetJobs" && !b.contains("\"shows\""))
            .count()
    };
    step_until(&mut h, "six timed refreshes", |_| {
        let s = sent();
        list(&s) >= 6 && deltas(&s) >= 6
    });
    let s = sent();
    let other: Vec<&String> = s
        .iter()
        .map(|(p, _)| p)
        .filter(|p| *p != "/job.JobInterface/GetJobs" && *p != "/job.JobInterface/GetUpdatedFrames")
        .collect();
    assert!(other.is_empty(), "only the lists and the delta: {other:?}");
    // Six refreshes (the last one may be on its way): the show's list and the open job's
    // delta, and the user's own jobs (watched by default: all pending, so no request by id).
    // CueWeb's pattern would be 100 jobs × 12 polls = 1,200 in a minute.
    assert!(list(&s) <= 7, "{} lists: {s:?}", list(&s));
    assert!(deltas(&s) <= 7, "{} deltas", deltas(&s));
    assert!(watch(&s) <= 2 * 7, "{} watch requests", watch(&s));
    assert!(s.len() <= 21, "{} requests: {s:?}", s.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: needs its one-show farm of a hundred jobs"
)]
async fn an_idle_window_asks_for_no_frame_before_the_next_refresh() {
    let t = Target::with_farm(hundred_jobs()).await;
    let (mut h, names) = harness(&t, 30).await;
    let listed = format!("of {} jobs", names.len());
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed).is_some()
    });
    h.get_by_label(&names[0]).click();
    step_until(&mut h, "the frames", |h| {
        h.query_by_label_contains("Frames loaded").is_some()
    });
    // Once the answers are in and nothing moves, the next frame egui is asked for is the next
    // refresh, 30 s away: an idle window paints one frame per refresh and uses no CPU between.
    step_until(&mut h, "an idle window", |h| {
        repaint_delay(h) > Duration::from_secs(20)
    });
    for _ in 0..5 {
        h.step();
        let delay = repaint_delay(&h);
        assert!(
            delay > Duration::from_secs(20) && delay <= Duration::from_secs(30),
            "asked to repaint after {delay:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: slows the gateway's answers down"
)]
async fn a_slow_refresh_asks_for_no_frames_while_it_is_out() {
    let t = Target::with_farm(hundred_jobs()).await;
    let (mut h, names) = harness(&t, 1).await;
    let listed = format!("of {} jobs", names.len());
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed).is_some()
    });
    // From now on the gateway takes 3 s an answer. The window is drawn every 50 ms anyway (as
    // if the user moved the mouse over it) and after each frame we read what egui was asked
    // for: nothing animates while the refresh is out, so no frame is wanted until its answer.
    let sim = t.sim();
    sim.faults().push_n(
        &cuedesk::sim::faults::Fault::Latency(Duration::from_secs(3)),
        3,
    );
    sim.clear_requests();
    let mut seen: Option<std::time::Instant> = None;
    let mut requests = 0;
    let mut in_flight = 0;
    let mut refreshing_shown = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(45);
    while in_flight < 10 {
        assert!(std::time::Instant::now() < deadline, "no slow refresh seen");
        h.step();
        let now = sim.requests().len();
        if now > requests {
            requests = now;
            seen = Some(std::time::Instant::now());
        }
        // Well inside the 3 s the answer takes (the request reached the gateway before `seen`).
        let out = seen.is_some_and(|s| s.elapsed() < Duration::from_secs(2))
            && h.state().session.as_ref().unwrap().list_in_flight();
        if out {
            in_flight += 1;
            refreshing_shown |= h.query_by_label_contains("refreshing").is_some();
            let delay = repaint_delay(&h);
            assert!(
                delay >= Duration::from_secs(1),
                "frame {in_flight} while the refresh was out asked for another after {delay:?}"
            );
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    assert!(refreshing_shown, "the status bar says a refresh is out");
    // Once it has answered, the status bar says why refreshes are further apart.
    step_until(&mut h, "the slow gateway named", |h| {
        h.query_by_label_contains("gateway slow").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: counts the simulator's requests and ends frames"
)]
async fn watching_wakes_the_window_only_when_a_watched_job_changed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use cuedesk::app::watching::{Message, Plan, Watching};
    use cuedesk::tasks::Tasks;
    use cuedesk::watch::WatchList;

    let t = Target::new().await;
    let sim = t.sim();
    let mine = common::jobs_of(&t, "jdoe").await;
    let mut watch = WatchList::default();
    for j in &mine {
        watch.add(&j.id, &j.name);
    }
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let tasks = Tasks::with_waker(
        tokio::runtime::Handle::current(),
        Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
    );
    let plan = Plan {
        user: "jdoe".into(),
        watch,
        finished: std::sync::Arc::default(),
        interval: Duration::from_secs(1),
        every_answer: false,
        stuck_after: None,
        watch_mine: false,
        switches: cuedesk::watch::EventSwitches {
            finished: true,
            dead: true,
            stuck: true,
        },
    };
    let mut watching = Watching::start(&tasks, t.client(), plan);
    let refreshes = || {
        sim.requests()
            .iter()
            .filter(|r| r.body.contains("\"users\""))
            .count()
    };
    let mut answers = 0;
    common::wait_until("the first answer", || {
        answers += watching
            .take()
            .iter()
            .filter(|m| matches!(m, Message::Answer { .. }))
            .count();
        answers > 0
    })
    .await;
    let woken = wakes.load(Ordering::SeqCst);
    // Three more refreshes that change nothing: no wake-up, nothing to take.
    let seen = refreshes();
    common::wait_until("three more refreshes", || refreshes() >= seen + 3).await;
    assert_eq!(wakes.load(Ordering::SeqCst), woken, "woken for nothing");
    assert!(watching.take().is_empty());
    // A watched job's frames die: the next answer wakes the window.
    let now = sim.now();
    sim.with_farm(|f| {
        f.end_frames(&mine[0].id, 1, cuedesk::api::types::FrameState::Dead, now)
            .unwrap()
    });
    common::wait_until("a wake-up for the change", || {
        wakes.load(Ordering::SeqCst) != woken
    })
    .await;
    // It says what happened: a dead frame, named.
    let changed = watching.take();
    let [Message::Answer { events, .. }] = changed.as_slice() else {
        panic!("{changed:?}");
    };
    assert!(
        events[0].body().contains("exited with status 1"),
        "{events:?}"
    );
}
