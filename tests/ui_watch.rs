//! The artist's view, driven headless against the simulator: My jobs across every show, the
//! watch star, what the bell lists when a watched job ends, and what watching costs.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::api::types::{FrameState, Job};
use cuedesk::app::{Connection, CueDeskApp, MainView};
use cuedesk::profiles::Profile;
use cuedesk::sim::FarmSpec;
use cuedesk::watch::WatchedJob;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

fn profile(t: &Target, view: MainView) -> Profile {
    Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        view: view.key().into(),
        refresh_interval_secs: 1,
        ..Profile::default()
    }
}

fn harness(t: &Target, profile: Profile) -> Harness<'static, CueDeskApp> {
    let connection = Connection {
        profile,
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    };
    common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)))
}

async fn pending(t: &Target, criteria: JobSearchCriteria) -> Vec<Job> {
    t.client().get_jobs(&criteria).await.unwrap()
}

async fn show_jobs(t: &Target, show: &str) -> Vec<Job> {
    pending(
        t,
        JobSearchCriteria {
            shows: vec![show.into()],
            ..Default::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: knows the simulated farm's users"
)]
async fn my_jobs_lists_the_users_jobs_across_every_show() {
    let t = Target::new().await;
    let mine = common::jobs_of(&t, "jdoe").await;
    let shows: std::collections::BTreeSet<&str> = mine.iter().map(|j| j.show.as_str()).collect();
    assert!(shows.len() >= 2, "jdoe's jobs are in {shows:?}");
    let mut h = harness(&t, profile(&t, MainView::Mine));
    let count = format!("{} of {} jobs", mine.len(), mine.len());
    step_until(&mut h, "jdoe's jobs", |h| {
        h.query_by_label_contains(&count).is_some()
    });
    for job in &mine {
        h.get_by_label(&job.name);
        // Watched by default (the profile's "Watch my own jobs"): a filled star.
        h.get_by_label(&format!("Stop watching {}", job.name));
    }
    // Nobody else's job is listed, though the show of the profile has others.
    let others = show_jobs(&t, "demo_show").await;
    let other = others.iter().find(|j| j.user != "jdoe").unwrap();
    assert!(h.query_by_label(&other.name).is_none());
    assert_eq!(h.state().session.as_ref().unwrap().view, MainView::Mine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: knows the simulated farm's users"
)]
async fn a_job_starred_in_a_show_is_listed_in_my_jobs_until_unstarred() {
    let t = Target::new().await;
    let show = show_jobs(&t, "demo_show").await;
    let theirs = show.iter().find(|j| j.user != "jdoe").unwrap().clone();
    let mut h = harness(&t, profile(&t, MainView::Jobs));
    let star = format!("Watch {}", theirs.name);
    step_until(&mut h, "the show's jobs", |h| {
        h.query_by_label(&star).is_some()
    });
    h.get_by_label(&star).click();
    step_until(&mut h, "a filled star", |h| {
        h.query_by_label(&format!("Stop watching {}", theirs.name))
            .is_some()
    });
    assert!(
        h.state()
            .session
            .as_ref()
            .unwrap()
            .watch
            .contains(&theirs.id),
        "on the profile's watch list"
    );
    // Clicking the star did not select the row: no job opened below.
    assert!(h.query_by_label("Frames loaded").is_none());
    h.get_by_label("My jobs").click();
    step_until(&mut h, "their job in My jobs", |h| {
        h.query_by_label(&theirs.name).is_some()
    });
    // Unstarred from My jobs, it leaves the list (it is not the user's own).
    h.get_by_label(&format!("Stop watching {}", theirs.name))
        .click();
    step_until(&mut h, "the job gone from My jobs", |h| {
        h.query_by_label(&theirs.name).is_none()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: ends jobs and kills frames in the simulated farm"
)]
async fn the_bell_lists_what_happened_to_watched_jobs_once_and_nothing_from_before() {
    let t = Target::new().await;
    let sim = t.sim();
    let mine = common::jobs_of(&t, "jdoe").await;
    // One that can finish well (no dead frame), one whose frames die.
    let done = mine
        .iter()
        .find(|j| j.job_stats.dead_frames == 0)
        .expect("a job of jdoe without dead frames")
        .clone();
    let dying = mine.iter().find(|j| j.id != done.id).unwrap().clone();
    // Dead frames already there at start are never announced.
    let had_dead = mine
        .iter()
        .find(|j| j.id != dying.id && j.job_stats.dead_frames > 0)
        .cloned();
    let mut h = harness(&t, profile(&t, MainView::Mine));
    let count = format!("of {} jobs", mine.len());
    step_until(&mut h, "jdoe's jobs", |h| {
        h.query_by_label_contains(&count).is_some()
    });
    let now = sim.now();
    sim.with_farm(|f| {
        f.end_frames(&done.id, usize::MAX, FrameState::Succeeded, now)
            .unwrap();
        f.end_frames(&dying.id, 2, FrameState::Dead, now).unwrap();
    });
    step_until(&mut h, "two notifications", |h| {
        h.state().notifications().len() >= 2
    });
    // Two more refreshes: nothing is said again.
    let asked = |h: &Harness<'_, CueDeskApp>| h.state().notifications().len();
    let requests = sim.requests().len();
    step_until(&mut h, "two more refreshes", |_| {
        sim.requests()
            .iter()
            .skip(requests)
            .filter(|r| r.body.contains("users"))
            .count()
            >= 2
    });
    assert_eq!(asked(&h), 2);
    let told: Vec<(String, String)> = h
        .state()
        .notifications()
        .iter()
        .map(|n| (n.event.title(), n.event.body()))
        .collect();
    let finished = told
        .iter()
        .find(|(title, _)| *title == format!("{} finished", done.name))
        .unwrap_or_else(|| panic!("{told:?}"));
    assert!(finished.1.starts_with("Every frame succeeded"));
    let dead = told
        .iter()
        .find(|(title, _)| *title == format!("{} has dead frames", dying.name))
        .unwrap_or_else(|| panic!("{told:?}"));
    assert!(
        dead.1.starts_with("2 more dead frames") && dead.1.contains("exited with status 1"),
        "names the frame: {}",
        dead.1
    );
    if let Some(job) = had_dead {
        assert!(!told.iter().any(|(title, _)| title.contains(&job.name)));
    }
    // The bell shows the count of unseen ones, and lists them.
    h.get_by_label("🔔 2").click();
    h.run();
    h.get_by_label(&format!("{} finished", done.name));
    // In the bell's list (and in the toast while it lasts).
    assert!(
        h.query_all_by_label_contains("exited with status 1")
            .count()
            >= 1
    );
    // "Open" shows the job in My jobs, open below.
    h.get_all_by_label("Open").next().unwrap().click();
    step_until(&mut h, "the job open below", |h| {
        h.query_by_label_contains("Frames loaded").is_some()
    });
    // The finished job leaves with "Remove finished".
    h.get_by_label("Remove finished").click();
    // Its name stays in the tab below; its row (and star) leave.
    step_until(&mut h, "the finished job's row removed", |h| {
        h.query_by_label(&format!("Stop watching {}", done.name))
            .is_none()
    });
    assert!(!h.state().session.as_ref().unwrap().watch.contains(&done.id));
    h.get_by_label(&format!("Stop watching {}", dying.name));
}

/// Three active shows (and an archived fourth) with plenty of jobs, for the watch list's
/// request budget.
fn three_shows() -> FarmSpec {
    FarmSpec {
        seed: 7,
        shows: 4,
        jobs: 430,
        frames_per_job: 10,
        hosts: 20,
        big_job_frames: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: counts the simulator's requests"
)]
async fn watching_200_jobs_across_three_shows_costs_two_requests_per_refresh() {
    let t = Target::with_farm(three_shows()).await;
    let sim = t.sim();
    let all = pending(&t, JobSearchCriteria::default()).await;
    let watched: Vec<&Job> = all.iter().filter(|j| j.user != "jdoe").take(200).collect();
    assert_eq!(watched.len(), 200);
    let shows: std::collections::BTreeSet<&str> = watched.iter().map(|j| j.show.as_str()).collect();
    assert_eq!(shows.len(), 3);
    let mut p = profile(&t, MainView::Hosts);
    p.watched = watched
        .iter()
        .map(|j| WatchedJob {
            id: j.id.clone(),
            name: j.name.clone(),
        })
        .collect();
    let mut h = harness(&t, p);
    step_until(&mut h, "the hosts", |h| {
        h.query_by_label_contains("hosts, 0 selected").is_some()
    });
    sim.clear_requests();
    let get_jobs = || {
        sim.requests()
            .into_iter()
            .filter(|r| r.path == "/job.JobInterface/GetJobs")
            .map(|r| r.body)
            .collect::<Vec<String>>()
    };
    // Watching goes on in the hosts view (and in the background): one refresh a second.
    step_until(&mut h, "five refreshes of the watch list", |_| {
        get_jobs().iter().filter(|b| b.contains("users")).count() >= 5
    });
    let bodies = get_jobs();
    let ticks = bodies.iter().filter(|b| b.contains("users")).count();
    let by_id: Vec<&String> = bodies.iter().filter(|b| b.contains("\"ids\"")).collect();
    assert!(
        bodies.len() <= 2 * ticks + 1,
        "{} GetJobs for {ticks} refreshes",
        bodies.len()
    );
    // The 200 are asked for by id in one request, each time (none has finished).
    assert!(by_id.len() >= ticks - 1 && by_id.len() <= ticks + 1);
    let one: serde_json::Value = serde_json::from_str(by_id[0]).unwrap();
    assert_eq!(one["r"]["ids"].as_array().unwrap().len(), 200);
    assert_eq!(one["r"]["includeFinished"], true);
    // Nothing else was asked: no show-wide list of jobs from the hosts view.
    assert!(bodies.iter().all(|b| !b.contains("shows")), "{bodies:?}");
}

/// A simulated host named after this machine (NIMBY-locked if `nimby`), and the window with
/// its "My workstation" panel opened.
fn my_workstation(t: &Target, nimby: bool) -> (String, Harness<'static, CueDeskApp>) {
    let name = cuedesk::ui::workstation::local_names()
        .into_iter()
        .next()
        .unwrap();
    t.sim().with_farm(|f| {
        f.name_host(&name).unwrap();
        if nimby {
            f.set_nimby_locked(&name);
        }
    });
    let mut h = harness(t, profile(t, MainView::Jobs));
    step_until(&mut h, "the workstation found", |h| {
        h.query_by_label("My workstation").is_some()
    });
    h.get_by_label("My workstation").click();
    (name, h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: names a simulated host after this machine"
)]
async fn my_workstation_is_locked_for_the_farm_after_a_confirmation() {
    let t = Target::new().await;
    let (name, mut h) = my_workstation(&t, false);
    let before = t.client().find_host(&name).await.unwrap();
    assert_eq!(before.lock_state, cuedesk::api::types::LockState::Open);
    step_until(&mut h, "the panel", |h| {
        h.query_by_label("Lock for the farm…").is_some()
    });
    h.get_by_label("Open: the farm may render on it");
    // Frames run on it: locking asks first, and says what happens to them.
    h.get_by_label_contains("running on it");
    h.get_by_label("Lock for the farm…").click();
    h.run();
    h.get_by_label_contains("will finish; no new frame will start until you unlock it");
    h.get_by_label("Lock it").click();
    step_until(&mut h, "the lock shown", |h| {
        h.query_by_label("Locked for the farm: no new frames")
            .is_some()
    });
    let after = t.client().find_host(&name).await.unwrap();
    assert_eq!(after.lock_state, cuedesk::api::types::LockState::Locked);
    // Unlocking needs no confirmation.
    h.get_by_label("Unlock for the farm").click();
    step_until(&mut h, "open again", |h| {
        h.query_by_label("Open: the farm may render on it")
            .is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: sets a NIMBY lock")]
async fn a_nimby_lock_is_explained_and_not_offered_to_unlock() {
    let t = Target::new().await;
    let (_, mut h) = my_workstation(&t, true);
    step_until(&mut h, "the panel", |h| {
        h.query_by_label_contains("Only the daemon can clear a NIMBY lock")
            .is_some()
    });
    assert!(h.query_by_label("Unlock for the farm").is_none());
}
