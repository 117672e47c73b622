//! The window, driven headless through AccessKit (egui_kittest) against the in-process
//! simulator: click by label, read what is shown.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::Profile;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

fn profile(t: &Target, name: &str) -> Profile {
    Profile {
        name: name.into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        ..Profile::default()
    }
}

fn harness(connection: Connection) -> Harness<'static, CueDeskApp> {
    common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)))
}

async fn demo_show_jobs(t: &Target) -> Vec<cuedesk::api::types::Job> {
    t.client()
        .get_jobs(&JobSearchCriteria {
            shows: vec!["demo_show".into()],
            ..Default::default()
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_and_lists_the_jobs_of_the_show() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let first = jobs.first().unwrap().name.clone();
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the first job", |h| {
        h.query_by_label(&first).is_some()
    });
    assert_eq!(h.get_by_label("Show").value().as_deref(), Some("demo_show"));
    h.get_by_label_contains(&format!("of {} jobs", jobs.len()));
    h.get_by_label(&t.url);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_says_the_secret_does_not_match() {
    let t = Target::new().await;
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", "not-the-secret"),
    });
    // GetShows and GetJobs both fail; either may be answered first, so wait for both marks.
    step_until(&mut h, "the auth error and the failed refresh", |h| {
        h.query_by_label_contains("Secret does not match").is_some()
            && h.query_by_label("refresh failed").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_header_sorts_and_clicking_again_reverses() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let lowest = jobs
        .iter()
        .min_by_key(|j| (j.priority, j.name.clone()))
        .unwrap()
        .name
        .clone();
    let highest = jobs.iter().rev().max_by_key(|j| j.priority).unwrap();
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&jobs[0].name).is_some()
    });

    h.get_by_label("Priority").click();
    h.step();
    h.step();
    let y = |h: &Harness<'_, CueDeskApp>, name: &str| h.get_by_label(name).rect().min.y;
    let top_row = h.get_by_label("Priority ^").rect().max.y;
    assert!(
        y(&h, &lowest) > top_row && y(&h, &lowest) < top_row + 40.0,
        "lowest priority first"
    );

    h.get_by_label("Priority ^").click();
    h.step();
    h.step();
    h.get_by_label("Priority v");
    let top_row = h.get_by_label("Priority v").rect().max.y;
    let first_shown = h
        .state()
        .session
        .as_ref()
        .unwrap()
        .jobs
        .visible()
        .next()
        .unwrap()
        .clone();
    assert_eq!(first_shown.priority, highest.priority);
    assert!(
        y(&h, &first_shown.name) < top_row + 40.0,
        "highest priority first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn pausing_a_job_shows_it_paused_after_the_refresh() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let job = jobs.iter().find(|j| !j.is_paused).unwrap();
    let target = job.name.clone();
    // The job's owner pauses it: no other-user confirmation.
    let me = Profile {
        username: job.user.clone(),
        ..profile(&t, "Studio")
    };
    let mut h = harness(Connection {
        profile: me,
        credentials: Credentials::secret(job.user.clone(), t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| h.query_by_label(&target).is_some());
    let paused_before = h.query_all_by_label("Paused").count();

    h.get_by_label(&target).click();
    step_until(&mut h, "the selection", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
    h.get_by_label("Pause").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label("Paused 1 job").is_some()
    });
    step_until(&mut h, "the refreshed state", |h| {
        h.query_all_by_label("Paused").count() == paused_before + 1
    });
    let job = t.client().find_job(&target).await.unwrap();
    assert!(job.is_paused, "the gateway has it paused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: needs two gateways with different farms"
)]
async fn switching_gateway_swaps_the_job_list() {
    let a = Target::new().await;
    let b = Target::with_farm(cuedesk::sim::FarmSpec {
        seed: 777,
        ..common::test_farm()
    })
    .await;
    let only_a = demo_show_jobs(&a).await[0].name.clone();
    let b_jobs = demo_show_jobs(&b).await;
    assert!(
        b_jobs.iter().all(|j| j.name != only_a),
        "the two farms differ"
    );
    let mut h = harness(Connection {
        profile: profile(&a, "Site A"),
        credentials: Credentials::secret("jdoe", a.secret.clone()),
    });
    step_until(&mut h, "site A's jobs", |h| {
        h.query_by_label(&only_a).is_some()
    });
    h.state_mut().connect(Connection {
        profile: profile(&b, "Site B"),
        credentials: Credentials::secret("jdoe", b.secret.clone()),
    });
    step_until(&mut h, "site B's jobs", |h| {
        h.query_by_label(&b_jobs[0].name).is_some()
    });
    assert!(h.query_by_label(&only_a).is_none());
    h.get_by_label("Site B");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn kill_asks_for_a_reason_and_the_job_leaves_the_list() {
    let t = Target::new().await;
    let sim = t.sim();
    let jobs = demo_show_jobs(&t).await;
    let target = jobs
        .iter()
        .find(|j| j.user == "jdoe")
        .unwrap_or(&jobs[0])
        .clone();
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&target.name).is_some()
    });
    h.get_by_label(&target.name).click();
    step_until(&mut h, "the selection", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
    h.get_by_label("Kill…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label("Say why the jobs are killed").is_some()
    });
    if target.user != "jdoe" {
        h.get_by_label("Act on other users' jobs").click();
        h.step();
    }
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Reason")
        .focus();
    h.step();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Reason")
        .type_text("wrong camera");
    step_until(&mut h, "a valid reason", |h| {
        h.query_by_label("Say why the jobs are killed").is_none()
    });
    h.get_by_label("Kill").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label("Killed 1 job").is_some()
    });
    step_until(&mut h, "the refreshed list", |h| {
        h.query_by_label(&target.name).is_none()
    });
    let body = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/job.JobInterface/Kill")
        .unwrap()
        .body;
    assert!(
        body.contains(r#""username":"jdoe""#) && body.contains(r#""reason":"wrong camera""#),
        "{body}"
    );
    // The kill is in the action history: profile, action, the job, the outcome.
    h.get_by_label("History").click();
    step_until(&mut h, "the history", |h| {
        h.query_by_label("Action history").is_some()
    });
    h.get_by_label("1 of 1 actions (this run only: profiles are not saved)");
    // The profile's name is also in the top bar; the action is also a toolbar button.
    assert!(h.query_all_by_label("Studio").count() >= 2);
    assert!(h.query_all_by_label("Kill").count() >= 1);
    // The job has left the jobs list: the one row naming it is the history's.
    h.get_by_label(&target.name);
    assert!(h.query_all_by_label("Killed 1 job").count() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn other_users_jobs_need_an_explicit_confirmation() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let theirs = jobs
        .iter()
        .find(|j| j.user != "jdoe" && !j.is_paused)
        .unwrap()
        .clone();
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&theirs.name).is_some()
    });
    h.get_by_label(&theirs.name).click();
    step_until(&mut h, "the selection", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
    h.get_by_label("Pause").click();
    step_until(&mut h, "the confirmation", |h| {
        h.query_by_label("Act on other users' jobs").is_some()
    });
    h.get_by_label_contains("belong to other users");
    // Nothing is sent until the user ticks the box and confirms.
    assert!(!t.client().get_job(&theirs.id).await.unwrap().is_paused);
    h.get_by_label("Act on other users' jobs").click();
    h.step();
    h.get_all_by_label("Pause").last().unwrap().click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label("Paused 1 job").is_some()
    });
    assert!(t.client().get_job(&theirs.id).await.unwrap().is_paused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn state_filter_include_finished_and_hidden_columns() {
    let t = Target::new().await;
    // One job of the show is finished (killed), the rest pending.
    let finished = demo_show_jobs(&t).await.pop().unwrap();
    let why = cuedesk::api::KillReason {
        username: "jdoe".into(),
        reason: "test".into(),
    };
    t.client().kill_job(&finished.id, &why).await.unwrap();
    let jobs = demo_show_jobs(&t).await;
    let paused = jobs.iter().filter(|j| j.is_paused).count();
    assert!(
        paused > 0 && paused < jobs.len(),
        "the seeded show has some paused jobs"
    );
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&jobs[0].name).is_some()
    });
    assert!(
        h.query_by_label(&finished.name).is_none(),
        "finished jobs are not listed by default"
    );

    h.get_by_label("State filter").click();
    step_until(&mut h, "the state menu", |h| {
        h.query_by_label("paused").is_some()
    });
    h.get_by_label("paused").click();
    step_until(&mut h, "the filter", |h| {
        h.query_by_label_contains(&format!("{paused} of {} jobs", jobs.len()))
            .is_some()
    });
    assert_eq!(h.query_all_by_label("Pending").count(), 0);

    h.get_by_label("Include finished").click();
    h.get_by_label("State filter").click();
    step_until(&mut h, "the state menu", |h| {
        h.query_by_label("any state").is_some()
    });
    h.get_by_label("any state").click();
    step_until(&mut h, "the finished job", |h| {
        h.query_by_label(&finished.name).is_some()
    });

    let header = |h: &Harness<'_, CueDeskApp>| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, "Max RSS")
            .is_some()
    };
    assert!(header(&h));
    h.get_by_label("Columns").click();
    step_until(&mut h, "the columns menu", |h| {
        h.query_by_role_and_label(egui::accesskit::Role::CheckBox, "Max RSS")
            .is_some()
    });
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Max RSS")
        .click();
    step_until(&mut h, "the hidden column", |h| !header(h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_select_all_clear_and_open_kill() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&jobs[0].name).is_some()
    });
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    step_until(&mut h, "all selected", |h| {
        h.query_by_label_contains(&format!("{} selected", jobs.len()))
            .is_some()
    });
    h.key_press(egui::Key::Delete);
    let heading = format!("Kill {} jobs", jobs.len());
    step_until(&mut h, "the kill dialog", |h| {
        h.query_by_label(&heading).is_some()
    });
    h.get_by_label("Cancel").click();
    step_until(&mut h, "the dialog closed", |h| {
        h.query_by_label(&heading).is_none()
    });
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "none selected", |h| {
        h.query_by_label_contains("0 selected").is_some()
    });
    assert_eq!(
        demo_show_jobs(&t).await.len(),
        jobs.len(),
        "cancel killed nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn timed_refreshes_cost_one_get_jobs_each() {
    let t = Target::new().await;
    let sim = t.sim();
    let jobs = demo_show_jobs(&t).await;
    let fast = Profile {
        refresh_interval_secs: 1,
        ..profile(&t, "Studio")
    };
    let mut h = harness(Connection {
        profile: fast,
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label(&jobs[0].name).is_some()
    });
    sim.clear_requests();
    let get_jobs = |sim: &cuedesk::sim::SimServer| {
        sim.requests()
            .iter()
            .filter(|r| r.path == "/job.JobInterface/GetJobs")
            .count()
    };
    step_until(&mut h, "two timed refreshes", |_| get_jobs(sim) >= 2);
    let paths: Vec<String> = sim.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().all(|p| p == "/job.JobInterface/GetJobs"),
        "only GetJobs on a timed refresh: {paths:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_names_the_version_commit_and_build_date() {
    let t = Target::new().await;
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    h.step();
    h.get_by_label("About").click();
    step_until(&mut h, "the About dialog", |h| {
        h.query_by_label_contains("Version ").is_some()
    });
    h.get_by_label_contains(&format!("Version {} (commit ", env!("CARGO_PKG_VERSION")));
    h.get_by_label_contains(", built 20");
    h.get_by_label("Close").click();
    step_until(&mut h, "the dialog closed", |h| {
        h.query_by_label_contains("Version ").is_none()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_panics_leaves_a_working_window_and_says_so() {
    let t = Target::new().await;
    let jobs = demo_show_jobs(&t).await;
    let listed = format!("of {} jobs", jobs.len());
    let mut h = harness(Connection {
        profile: profile(&t, "Studio"),
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed).is_some()
    });
    // A bug in a background task: it panics instead of sending its result.
    let app = h.state_mut();
    let tasks = app.tasks().clone();
    app.session.as_mut().unwrap().actions.send(
        &tasks,
        cuedesk::history::HistoryEntry::default(),
        cuedesk::tracker::Touched::Jobs,
        async { panic!("a deliberate test panic") },
    );
    step_until(&mut h, "the failure in words", |h| {
        h.query_by_label_contains(
            "CueDesk failed while sending an action (a deliberate test panic)",
        )
        .is_some()
    });
    // The window goes on working: a refresh still lists the jobs, with no error.
    h.get_by_label("Refresh").click();
    step_until(&mut h, "the jobs again", |h| {
        h.query_by_label_contains(&listed).is_some() && h.query_by_label("refresh failed").is_none()
    });
    assert!(h.query_by_label_contains("updated").is_some());
}
