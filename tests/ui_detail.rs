//! The job detail in the window, headless (egui_kittest) against the in-process simulator:
//! frames by state, retrying dead frames, frame logs, comments.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::api::types::{Job, JobState};
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::{PathMapping, Profile};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// A pending job with dead frames, and a profile that opens its show as its owner.
async fn job_with_dead_frames(t: &Target) -> (Job, Profile) {
    let jobs = t
        .client()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap();
    let job = jobs
        .into_iter()
        .filter(|j| j.state == JobState::Pending && j.job_stats.dead_frames > 0)
        .min_by_key(|j| j.job_stats.dead_frames)
        .unwrap();
    let profile = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: job.user.clone(),
        default_show: job.show.clone(),
        ..Profile::default()
    };
    (job, profile)
}

fn harness(t: &Target, profile: Profile) -> Harness<'static, CueDeskApp> {
    let connection = Connection {
        credentials: Credentials::secret(profile.username.clone(), t.secret.clone()),
        profile,
    };
    common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)))
}

/// Clicks the job in the jobs table and waits for all its frames in the detail view.
fn open_job(h: &mut Harness<'static, CueDeskApp>, job: &Job) {
    step_until(h, "the job in the table", |h| {
        h.query_by_label(&job.name).is_some()
    });
    h.get_by_label(&job.name).click();
    let total = job.job_stats.total_frames;
    step_until(h, "all the frames", |h| {
        h.query_by_label_contains(&format!("{total} of {total} frames"))
            .is_some()
    });
}

/// Maps the farm's log prefix to where the simulator writes the logs.
fn map_logs(t: &Target, profile: &mut Profile) {
    let (root, prefix) = t.sim.as_ref().unwrap().log_root().unwrap();
    profile.path_mappings = vec![PathMapping {
        from: prefix.to_owned(),
        to: root.display().to_string(),
    }];
}

/// Opens the log of the first dead frame (in the gateway's order).
fn view_first_dead_log(h: &mut Harness<'static, CueDeskApp>) {
    h.get_by_label("Select all dead").click();
    h.step();
    h.get_by_label("View log").click();
}

fn fill(h: &mut Harness<'_, CueDeskApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .set_text_value_accesskit(text);
    h.step();
    h.step();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn dead_frames_filtered_and_retried_are_waiting_after_the_refresh() {
    let t = Target::new().await;
    let (job, profile) = job_with_dead_frames(&t).await;
    let dead = job.job_stats.dead_frames;
    let waiting = job.job_stats.waiting_frames;
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);

    h.get_by_label(&format!("dead {dead}")).click();
    step_until(&mut h, "only the dead frames", |h| {
        h.query_by_label_contains(&format!("{dead} of {} frames", job.job_stats.total_frames))
            .is_some()
    });
    assert_eq!(h.query_all_by_label("DEAD").count(), dead as usize);
    h.get_by_label("Select all dead").click();
    step_until(&mut h, "the selection", |h| {
        h.query_by_label_contains(&format!("selected: {dead}"))
            .is_some()
    });
    h.get_by_label("Retry frames").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label(&format!(
            "Retried {dead} frame{}",
            if dead == 1 { "" } else { "s" }
        ))
        .is_some()
    });
    // The refresh after the action is a delta: no dead frame left, the retried ones waiting.
    step_until(&mut h, "the refreshed counts", |h| {
        h.query_by_label("dead 0").is_some()
    });
    h.get_by_label(&format!("waiting {}", waiting + dead));
    h.get_by_label_contains("Frames updated");
    // Only the waiting frames: the retried ones are among them.
    h.get_by_label("dead 0").click();
    h.step();
    h.step();
    h.get_by_label(&format!("waiting {}", waiting + dead))
        .click();
    step_until(&mut h, "the waiting frames", |h| {
        h.query_by_label_contains(&format!(
            "{} of {} frames",
            waiting + dead,
            job.job_stats.total_frames
        ))
        .is_some()
    });
    assert!(h.query_all_by_label("WAITING").count() > 0);
    assert_eq!(h.query_all_by_label("DEAD").count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the frame logs the simulator writes on this machine"
)]
async fn a_frame_log_opens_and_search_finds_the_error() {
    let t = Target::with_logs().await;
    let (job, mut profile) = job_with_dead_frames(&t).await;
    map_logs(&t, &mut profile);
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);

    view_first_dead_log(&mut h);
    // The log opens at its end: RQD's footer, where a frame says how it ended.
    step_until(&mut h, "the log", |h| {
        h.query_by_label_contains("renderhost").is_some()
    });
    h.get_by_label_contains("Log of ");
    // RQD's footer has the exit status once per attempt.
    fill(&mut h, "Search", "exitstatus");
    step_until(&mut h, "the match count", |h| {
        h.query_by_label("match 1 of 1").is_some()
    });
    // The view scrolled to the match, at the end, where the error is.
    let dead = &first_dead(&t, &job).await;
    h.get_by_label_contains(&format!("exitStatus          {}", dead.exit_status));
    assert!(h.query_all_by_label_contains("ERROR: ").next().is_some());
    fill(&mut h, "Search", "no such text anywhere");
    step_until(&mut h, "no matches", |h| {
        h.query_by_label("no matches").is_some()
    });
    // A frame that ran before has its earlier attempts to pick from.
    assert_eq!(
        h.query_by_label("Attempt").is_some(),
        dead.retry_count > 0,
        "attempt picker for a frame with {} retries",
        dead.retry_count
    );
}

/// The first dead frame of a job in the gateway's order (the one "View log" opens).
async fn first_dead(t: &Target, job: &Job) -> cuedesk::api::types::Frame {
    t.client()
        .get_all_frames(
            &job.id,
            &cuedesk::api::requests::FrameSearchCriteria {
                states: vec![cuedesk::api::types::FrameState::Dead].into(),
                ..Default::default()
            },
            1000,
        )
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_is_not_there_says_which_path_was_tried_and_how_to_map_it() {
    let t = Target::with_logs().await;
    // No path mapping: the farm's /shots/... paths do not exist on this machine.
    let (job, profile) = job_with_dead_frames(&t).await;
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    view_first_dead_log(&mut h);
    step_until(&mut h, "the missing-log message", |h| {
        h.query_by_label_contains("No log at /shots/").is_some()
    });
    // The sentence names the file it tried and says what to do.
    let shown = |h: &Harness<'_, CueDeskApp>, text: &str| {
        h.query_all_by_label_contains(text).next().is_some()
    };
    assert!(shown(&h, &format!("/{}.", job.name)));
    assert!(shown(&h, "add a path mapping to the profile"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn a_comment_added_in_the_detail_is_listed_and_on_the_gateway() {
    let t = Target::new().await;
    let (job, profile) = job_with_dead_frames(&t).await;
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    h.get_by_label("Comments").click();
    h.step();
    fill(&mut h, "Subject", "Dead frames on sh010");
    h.get_by_role_and_label(Role::MultilineTextInput, "Comment")
        .set_text_value_accesskit("Missing cache; rerun the sim first.");
    h.step();
    h.get_by_label("Add comment").click();
    step_until(&mut h, "the new comment", |h| {
        h.query_by_label("Dead frames on sh010").is_some()
    });
    h.get_by_label("Missing cache; rerun the sim first.");
    let comments = t.client().get_job_comments(&job.id).await.unwrap();
    assert!(
        comments
            .iter()
            .any(|c| c.subject == "Dead frames on sh010" && c.user == job.user)
    );
    let listed = t.client().get_job(&job.id).await.unwrap();
    assert!(
        listed.has_comment,
        "the jobs table's flag comes from hasComment"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn follow_shows_what_a_running_frame_writes() {
    let t = Target::with_logs().await;
    let sim = t.sim();
    let client = t.client();
    let job = common::job_with(&client, cuedesk::api::types::FrameState::Running)
        .await
        .unwrap();
    let mut profile = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: job.user.clone(),
        default_show: job.show.clone(),
        ..Profile::default()
    };
    map_logs(&t, &mut profile);
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    let running = job.job_stats.running_frames;
    h.get_by_label(&format!("running {running}")).click();
    step_until(&mut h, "the running frames", |h| {
        h.query_all_by_label("RUNNING").count() > 0
    });
    h.query_all_by_label("RUNNING").next().unwrap().click();
    h.step();
    h.get_by_label("View log").click();
    let lines = |h: &Harness<'_, CueDeskApp>| {
        h.state()
            .session
            .as_ref()
            .and_then(|s| s.detail.active())
            .and_then(|d| d.log.as_ref())
            .map_or(0, cuedesk::ui::logview::LogViewer::line_count)
    };
    step_until(&mut h, "the running frame's log", |h| lines(h) > 0);
    let following = h
        .state()
        .session
        .as_ref()
        .and_then(|s| s.detail.active())
        .and_then(|d| d.log.as_ref())
        .is_some_and(|l| l.follow);
    assert!(following, "a running frame's log opens in follow mode");
    let before = lines(&h);
    // Thirty seconds of rendering: the frame writes more, and the viewer shows it.
    sim.advance(30);
    step_until(&mut h, "the new output", |h| lines(h) != before);
    assert!(lines(&h) > before, "only appended output is read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_over_the_job_detail_does_not_ask_to_kill_the_job() {
    let t = Target::new().await;
    let (job, profile) = job_with_dead_frames(&t).await;
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    // Over the frames: the key is not the jobs table's.
    h.get_by_label("Select all dead").hover();
    h.step();
    h.key_press(egui::Key::Delete);
    h.step();
    h.step();
    assert!(h.query_by_label("Kill 1 job").is_none());
    // Over the jobs table it is.
    h.get_by_label(&job.name).hover();
    h.step();
    h.key_press(egui::Key::Delete);
    step_until(&mut h, "the kill dialog", |h| {
        h.query_by_label("Kill 1 job").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the frame logs the simulator writes on this machine"
)]
async fn an_editor_that_cannot_start_says_so_beside_the_log() {
    let t = Target::with_logs().await;
    let (job, mut profile) = job_with_dead_frames(&t).await;
    map_logs(&t, &mut profile);
    profile.log_editor = "cuedesk-no-such-editor -g {path}:{line}".into();
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    view_first_dead_log(&mut h);
    step_until(&mut h, "the log", |h| {
        h.query_by_label_contains("renderhost").is_some()
    });
    h.get_by_label("Open in editor").click();
    step_until(&mut h, "the editor's failure", |h| {
        h.query_by_label_contains("Cannot run cuedesk-no-such-editor")
            .is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn f5_refreshes_the_job_detail_too() {
    let t = Target::new().await;
    let sim = t.sim();
    let (job, mut profile) = job_with_dead_frames(&t).await;
    // No timed refresh during the test: only F5 can ask.
    profile.refresh_interval_secs = 600;
    let mut h = harness(&t, profile);
    open_job(&mut h, &job);
    // Let the detail's first refresh settle, then ask for one.
    step_until(&mut h, "the first delta baseline", |h| {
        h.query_by_label_contains("Frames loaded").is_some()
    });
    sim.clear_requests();
    h.key_press(egui::Key::F5);
    let asked = |path: &str| sim.requests().iter().any(|r| r.path.ends_with(path));
    step_until(&mut h, "the detail's refresh", |_| {
        asked("/GetUpdatedFrames") && asked("/GetJobs")
    });
    // The frames tab costs one GetUpdatedFrames: the job's state comes with the jobs list,
    // and the layers are asked for while their tab is shown.
    assert!(
        !asked("/GetJob") && !asked("/GetLayers"),
        "{:?}",
        sim.requests()
    );
    h.get_by_label("Layers").click();
    step_until(&mut h, "the layers' refresh", |_| asked("/GetLayers"));
}
