//! The wrangler's actions in the window, headless (egui_kittest) against the in-process
//! simulator: each dialog names its targets, sends nothing before it is confirmed, guards
//! other users' jobs, and is disabled on read-only profiles; the dependencies tab lists and
//! satisfies; a host moves to an allocation picked from the gateway's list.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::{HostSearchCriteria, JobSearchCriteria};
use cuedesk::api::types::{Host, Job, JobState};
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::Profile;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

fn profile(t: &Target, user: &str, show: &str) -> Profile {
    Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: user.into(),
        default_show: show.into(),
        ..Profile::default()
    }
}

fn harness(t: &Target, profile: Profile) -> Harness<'static, CueDeskApp> {
    let connection = Connection {
        credentials: Credentials::secret(profile.username.clone(), t.secret.clone()),
        profile,
    };
    common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)))
}

/// Of the pending jobs `keep` lets through, the one with the least `key`.
async fn pending_job(t: &Target, keep: impl Fn(&Job) -> bool, key: impl Fn(&Job) -> i32) -> Job {
    t.client()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.state == JobState::Pending && keep(j))
        .min_by_key(|j| key(j))
        .unwrap()
}

/// A pending job with frames held by a dependency.
async fn job_with_depends(t: &Target) -> Job {
    pending_job(
        t,
        |j| j.job_stats.depend_frames > 0,
        |j| j.job_stats.total_frames,
    )
    .await
}

/// The first host with frames running on it that `keep` lets through.
async fn busy_host(t: &Target, keep: impl Fn(&Host) -> bool) -> Host {
    t.client()
        .get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.cores > h.idle_cores && keep(h))
        .unwrap()
}

fn sent(t: &Target, path: &str) -> Vec<String> {
    t.sim()
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.body)
        .collect()
}

/// Switches to the hosts view and clicks `host` (selected, its procs open below).
fn click_host(h: &mut Harness<'static, CueDeskApp>, host: &Host) {
    step_until(h, "the connection", |h| h.query_by_label("Hosts").is_some());
    h.get_by_label("Hosts").click();
    step_until(h, "the hosts", |h| h.query_by_label(&host.name).is_some());
    h.get_by_label(&host.name).click();
    step_until(h, "the host selected", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
}

/// Opens the toolbar's "More" menu until `entry` shows.
fn open_more(h: &mut Harness<'static, CueDeskApp>, entry: &str) {
    h.get_by_label("More").click();
    step_until(h, entry, |h| h.query_by_label(entry).is_some());
}

/// Selects `job` in the jobs view (its detail opens below).
fn select_job(h: &mut Harness<'static, CueDeskApp>, job: &Job) {
    step_until(h, "the job in the table", |h| {
        h.query_by_label(&job.name).is_some()
    });
    h.get_by_label(&job.name).click();
    step_until(h, "the job selected", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the simulator's request log"
)]
async fn max_retries_asks_names_the_job_and_guards_other_users_jobs() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    // Someone else's job: the dialog needs the tick.
    let mut h = harness(&t, profile(&t, "someone_else", &job.show));
    select_job(&mut h, &job);
    open_more(&mut h, "Max retries…");
    h.get_by_label("Max retries…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label("Max retries 1 job").is_some()
    });
    h.get_by_label_contains(&format!("{}  ({})", job.name, job.user));
    h.get_by_role_and_label(Role::TextInput, "Max retries")
        .set_text_value_accesskit("5");
    h.step();
    h.step();
    h.get_by_label("Tick the box to act on other users' jobs");
    assert!(sent(&t, "/job.JobInterface/SetMaxRetries").is_empty());
    h.get_by_label("Act on other users' jobs").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Max retries").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Set the max retries of 1 job")
            .is_some()
    });
    let bodies = sent(&t, "/job.JobInterface/SetMaxRetries");
    assert_eq!(
        bodies,
        [format!(r#"{{"job":{{"id":"{}"}},"maxRetries":5}}"#, job.id)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the simulator's request log"
)]
async fn own_auto_eat_goes_at_once_and_read_only_profiles_cannot() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    let label = if job.auto_eat {
        "Auto-eat off"
    } else {
        "Auto-eat on"
    };
    open_more(&mut h, label);
    h.get_by_label(label).click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("auto-eat").is_some()
            && !sent(&t, "/job.JobInterface/SetAutoEat").is_empty()
    });
    let now = t
        .sim()
        .with_farm(|farm| farm.get_job(&job.id).unwrap().auto_eat);
    assert_eq!(now, !job.auto_eat, "the gateway has it");

    let mut read_only = profile(&t, &job.user, &job.show);
    read_only.read_only = true;
    let mut h = harness(&t, read_only);
    select_job(&mut h, &job);
    open_more(&mut h, "Max retries…");
    assert!(
        h.get_by_label("Max retries…")
            .accesskit_node()
            .is_disabled(),
        "read-only: disabled"
    );
    assert!(
        h.get_by_label("Email the owners")
            .accesskit_node()
            .is_disabled(),
        "no e-mail domain in the profile"
    );
    let mut mailing = profile(&t, &job.user, &job.show);
    mailing.email_domain = "studio.com".into();
    let mut h = harness(&t, mailing);
    select_job(&mut h, &job);
    open_more(&mut h, "Email the owners");
    assert!(
        !h.get_by_label("Email the owners")
            .accesskit_node()
            .is_disabled()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the simulator's request log"
)]
async fn mark_done_names_the_frames_and_sends_nothing_before_confirming() {
    let t = Target::new().await;
    let job = pending_job(
        &t,
        |j| j.job_stats.dead_frames > 0,
        |j| j.job_stats.dead_frames,
    )
    .await;
    let dead = t
        .client()
        .get_all_frames(
            &job.id,
            &cuedesk::api::requests::FrameSearchCriteria {
                states: vec![cuedesk::api::types::FrameState::Dead].into(),
                ..Default::default()
            },
            500,
        )
        .await
        .unwrap();
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    let total = job.job_stats.total_frames;
    step_until(&mut h, "all the frames", |h| {
        h.query_by_label_contains(&format!("{total} of {total} frames"))
            .is_some()
    });
    h.get_by_label("Select all dead").click();
    step_until(&mut h, "the dead frames selected", |h| {
        h.query_by_label_contains(&format!("selected: {}", dead.len()))
            .is_some()
    });
    h.get_by_label("Mark done…").click();
    let title = if dead.len() == 1 {
        "Mark done 1 frame".to_owned()
    } else {
        format!("Mark done {} frames", dead.len())
    };
    step_until(&mut h, "the dialog", |h| h.query_by_label(&title).is_some());
    for f in &dead {
        h.get_by_label(&f.name);
    }
    assert!(sent(&t, "/job.JobInterface/MarkDoneFrames").is_empty());
    h.get_by_role_and_label(Role::Button, "Mark done").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Marked done").is_some()
    });
    let bodies = sent(&t, "/job.JobInterface/MarkDoneFrames");
    assert_eq!(bodies.len(), 1);
    for f in &dead {
        assert!(bodies[0].contains(&f.id), "{}", bodies[0]);
    }
    let after = t.client().get_job(&job.id).await.unwrap();
    assert_eq!(after.job_stats.dead_frames, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn dependencies_are_listed_and_satisfied_after_confirming() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    h.get_by_label("Dependencies").click();
    step_until(&mut h, "the dependencies", |h| {
        h.query_all_by_label("active").next().is_some()
    });
    h.get_by_label("This job waits on");
    h.get_by_label("Waiting on this job");
    h.query_all_by_label("Satisfy…").next().unwrap().click();
    step_until(&mut h, "the confirmation", |h| {
        h.query_by_label("Satisfy 1 dependency").is_some()
    });
    h.get_by_role_and_label(Role::Button, "Satisfy").click();
    step_until(&mut h, "the outcome and the refresh", |h| {
        h.query_by_label_contains("Satisfied 1 dependency")
            .is_some()
            && h.query_all_by_label("satisfied").next().is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn a_host_moves_to_an_allocation_picked_from_the_list() {
    let t = Target::new().await;
    let mut hosts: Vec<Host> = t
        .client()
        .get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap();
    // The first row of the table (sorted by name): on screen without scrolling.
    hosts.sort_by(|a, b| a.name.cmp(&b.name));
    let host = hosts[0].clone();
    let target = t
        .client()
        .get_allocations()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name != host.alloc_name)
        .unwrap();
    let mut h = harness(&t, profile(&t, "wrangler", "demo_show"));
    click_host(&mut h, &host);
    open_more(&mut h, "Move to allocation…");
    h.get_by_label("Move to allocation…").click();
    step_until(&mut h, "the allocations", |h| {
        h.query_by_label_contains(&format!("{}  (", target.name))
            .is_some()
    });
    h.get_by_label(&format!("Now in {}.", host.alloc_name));
    h.get_by_label("Pick an allocation");
    h.get_by_label_contains(&format!("{}  (", target.name))
        .click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Move").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains(&format!("now in {}", target.name))
            .is_some()
    });
    let moved = t.client().get_host(&host.id).await.unwrap();
    assert_eq!(moved.alloc_name, target.name);
    t.client()
        .set_host_allocation(&host.id, &hosts_alloc_id(&t, &host).await)
        .await
        .unwrap();
}

async fn hosts_alloc_id(t: &Target, host: &Host) -> String {
    t.client()
        .get_allocations()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name == host.alloc_name)
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the simulator's request log"
)]
async fn layer_properties_send_only_what_changed_and_output_paths_show() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    let layer = t.client().get_layers(&job.id).await.unwrap().remove(0);
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    h.get_by_label("Layers").click();
    step_until(&mut h, "the layers", |h| {
        h.query_by_label(&layer.name).is_some()
    });
    h.get_by_label(&layer.name).click();
    step_until(&mut h, "the layer selected", |h| {
        h.query_by_label_contains("selected: 1").is_some()
    });
    h.get_by_label("Edit properties…").click();
    step_until(&mut h, "the editor", |h| {
        h.query_by_label(&format!("Edit layer {}", layer.name))
            .is_some()
    });
    h.get_by_label("Nothing changed");
    h.get_by_role_and_label(Role::TextInput, "Min memory")
        .set_text_value_accesskit("12");
    h.step();
    h.step();
    assert!(sent(&t, "/job.LayerInterface/SetMinMemory").is_empty());
    h.get_by_role_and_label(Role::Button, "Apply").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Set the min memory of 1 layer")
            .is_some()
    });
    assert_eq!(
        sent(&t, "/job.LayerInterface/SetMinMemory"),
        [format!(
            r#"{{"layer":{{"id":"{}"}},"memory":"12582912"}}"#,
            layer.id
        )]
    );
    for other in [
        "SetMinCores",
        "SetMaxCores",
        "SetTags",
        "SetThreadable",
        "SetTimeout",
    ] {
        assert!(
            sent(&t, &format!("/job.LayerInterface/{other}")).is_empty(),
            "{other} not sent: unchanged"
        );
    }
    let paths = t.client().get_layer_output_paths(&layer.id).await.unwrap();
    h.get_by_label("Output paths").click();
    step_until(&mut h, "the paths", |h| {
        h.query_by_label(&paths[0]).is_some()
    });
    h.get_by_label("Close").click();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reads the simulator's request log"
)]
async fn frames_reorder_staggers_the_whole_job_after_confirming() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    let total = job.job_stats.total_frames;
    step_until(&mut h, "all the frames", |h| {
        h.query_by_label_contains(&format!("{total} of {total} frames"))
            .is_some()
    });
    h.get_by_label("Reorder…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label(&format!("Reorder frames of {}", job.name))
            .is_some()
    });
    h.get_by_label("Stagger").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Increment")
        .set_text_value_accesskit("4");
    h.step();
    h.step();
    assert!(sent(&t, "/job.JobInterface/StaggerFrames").is_empty());
    h.get_by_role_and_label(Role::Button, "Reorder").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Reordered frames").is_some()
    });
    let body = &sent(&t, "/job.JobInterface/StaggerFrames")[0];
    assert!(body.contains(r#""stagger":4"#), "{body}");
    assert!(body.contains(r#""range":""#), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: kills a frame and reads the simulator's request log"
)]
async fn a_proc_is_killed_with_a_reason_after_confirming() {
    let t = Target::new().await;
    let host = busy_host(&t, |_| true).await;
    let proc = t.client().get_host_procs(&host.id).await.unwrap().remove(0);
    let mut h = harness(&t, profile(&t, "wrangler", "demo_show"));
    click_host(&mut h, &host);
    step_until(&mut h, "the procs", |h| {
        h.query_by_label(&proc.frame_name).is_some()
    });
    h.get_by_label(&proc.frame_name).click();
    h.step();
    h.get_by_label("Kill…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label(&format!("Kill {} on {}", proc.frame_name, host.name))
            .is_some()
    });
    h.get_by_label("Say why the frame is killed");
    h.get_by_role_and_label(Role::TextInput, "Reason")
        .set_text_value_accesskit("hung at 100% CPU");
    h.step();
    h.step();
    assert!(sent(&t, "/host.ProcInterface/Kill").is_empty());
    h.get_by_role_and_label(Role::Button, "Kill").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains(&format!("Killed {} on {}", proc.frame_name, host.name))
            .is_some()
    });
    assert_eq!(
        sent(&t, "/host.ProcInterface/Kill"),
        [format!(r#"{{"proc":{{"id":"{}"}}}}"#, proc.id)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: stalls a frame")]
async fn the_stuck_chip_shows_running_frames_whose_log_went_quiet() {
    let t = Target::new().await;
    let job = pending_job(
        &t,
        |j| j.job_stats.running_frames > 1,
        |j| j.job_stats.total_frames,
    )
    .await;
    let sim = t.sim();
    let now = sim.now();
    let stalled = sim
        .with_farm(|f| f.stall_frame(&job.id, 2 * 3600, now))
        .unwrap();
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    let total = job.job_stats.total_frames;
    step_until(&mut h, "all the frames", |h| {
        h.query_by_label_contains(&format!("{total} of {total} frames"))
            .is_some()
    });
    h.get_by_label("stuck 1").click();
    step_until(&mut h, "only the stuck frame", |h| {
        h.query_by_label_contains(&format!("1 of {total} frames"))
            .is_some()
    });
    let number = stalled.split('-').next().unwrap().trim_start_matches('0');
    assert!(
        h.query_all_by_label(number).next().is_some(),
        "frame {stalled} listed"
    );
}

/// Clicks the point `(x, y)` of one of the farm overview's charts, as a mouse would.
fn click_chart(h: &mut Harness<'static, CueDeskApp>, chart: &str, x: f64, y: f64) {
    let memory =
        egui_plot::PlotMemory::load(&h.ctx, cuedesk::ui::overview::chart_id(chart)).unwrap();
    let pos = memory
        .transform()
        .position_from_point(&egui_plot::PlotPoint::new(x, y));
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: counts the simulator's requests"
)]
async fn the_farm_overview_costs_no_request_of_its_own_and_its_bars_open_their_tables() {
    let t = Target::new().await;
    let hosts = t
        .client()
        .get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap();
    let shows = t.client().get_shows().await.unwrap();
    let down = hosts
        .iter()
        .filter(|h| h.state == cuedesk::api::types::HardwareState::Down)
        .count();
    let mut h = harness(&t, profile(&t, "wrangler", "demo_show"));
    step_until(&mut h, "the connection", |h| {
        h.query_by_label("Farm").is_some()
    });
    t.sim().clear_requests();
    h.get_by_label("Farm").click();
    step_until(&mut h, "the charts", |h| {
        h.query_all_by_label_contains("running,").next().is_some()
            && h.query_by_label(&format!("down {down}")).is_some()
    });
    // What the overview sent is what the jobs and hosts views send: GetShows and GetHosts.
    let paths: std::collections::BTreeSet<String> = t
        .sim()
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p != "/job.JobInterface/GetJobs")
        .collect();
    assert_eq!(
        paths,
        std::collections::BTreeSet::from([
            "/host.HostInterface/GetHosts".to_owned(),
            "/show.ShowInterface/GetShows".to_owned(),
        ]),
        "(GetJobs is the watch list's)"
    );
    let first = shows.iter().find(|s| s.active).unwrap();
    h.get_by_label_contains(&format!(
        "{}: {} running, {} dead",
        first.name, first.show_stats.running_frames, first.show_stats.dead_frames
    ));
    // The bar of down hosts (the second of the state bars) opens the hosts view, filtered.
    click_chart(&mut h, "hosts_chart", 1.0, 0.5);
    step_until(&mut h, "the down hosts", |h| {
        h.query_by_label(&format!("{down} of {} hosts, 0 selected", hosts.len()))
            .is_some()
    });
    // Back to the farm: a show's bar opens its jobs.
    h.get_by_label("Farm").click();
    step_until(&mut h, "the charts again", |h| {
        h.query_all_by_label_contains("running,").next().is_some()
    });
    // The overview lists the active shows by name, as the show menu does.
    let mut shown: Vec<&str> = shows
        .iter()
        .filter(|s| s.active)
        .map(|s| s.name.as_str())
        .collect();
    shown.sort_unstable();
    // A show other than the profile's (demo_show), so that the click is what changes it.
    let (i, other) = shown
        .iter()
        .enumerate()
        .find(|(_, s)| **s != "demo_show")
        .unwrap();
    click_chart(&mut h, "shows_chart", i as f64, 0.0);
    step_until(&mut h, "the show's jobs", |h| {
        h.query_by_role_and_label(Role::ComboBox, "Show")
            .is_some_and(|n| n.accesskit_node().value().as_deref() == Some(*other))
            && h.query_by_label_contains(" jobs, 0 selected").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: needs a job whose layers wait on each other"
)]
async fn a_node_of_the_layer_graph_selects_its_layer() {
    let t = Target::new().await;
    let job = job_with_depends(&t).await;
    let layers = t.client().get_layers(&job.id).await.unwrap();
    let waiting = layers
        .iter()
        .find(|l| l.layer_stats.depend_frames > 0)
        .unwrap();
    let mut h = harness(&t, profile(&t, &job.user, &job.show));
    select_job(&mut h, &job);
    h.get_by_label("Dependencies").click();
    let node = format!("{}\n", waiting.name);
    step_until(&mut h, "the graph", |h| {
        h.query_by_label_contains(&node).is_some()
    });
    // One node per layer.
    for l in &layers {
        h.get_by_label_contains(&format!("{}\n", l.name));
    }
    h.get_by_label_contains(&node).click();
    step_until(&mut h, "the layer selected in the layers table", |h| {
        h.query_by_label_contains("selected: 1").is_some()
            && h.query_by_label("Edit properties…").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: stalls a frame")]
async fn the_farm_overview_finds_a_shows_stuck_frames() {
    let t = Target::new().await;
    let mut active: Vec<String> = t
        .client()
        .get_shows()
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.active)
        .map(|s| s.name)
        .collect();
    active.sort();
    // The show picked first is the first active one by name.
    let show = active[0].clone();
    let job = t
        .client()
        .get_jobs(&JobSearchCriteria {
            shows: vec![show.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.job_stats.running_frames > 0)
        .unwrap();
    let sim = t.sim();
    let now = sim.now();
    let stalled = sim
        .with_farm(|f| f.stall_frame(&job.id, 3 * 3600, now))
        .unwrap();
    let mut h = harness(&t, profile(&t, "wrangler", "demo_show"));
    step_until(&mut h, "the connection", |h| {
        h.query_by_label("Farm").is_some()
    });
    h.get_by_label("Farm").click();
    step_until(&mut h, "the overview", |h| {
        h.query_by_label("Find stuck frames").is_some()
    });
    h.get_by_label("Find stuck frames").click();
    step_until(&mut h, "the stuck frame", |h| {
        h.query_by_label(&stalled).is_some()
    });
    h.get_by_label_contains(&format!("1 stuck frame in {show}"));
    h.get_by_label("Go to job").click();
    step_until(&mut h, "the job in the jobs view", |h| {
        h.query_by_label_contains(" jobs, 1 selected").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reboots a host and kills the frames on it"
)]
async fn reboot_now_names_the_frames_it_kills_and_asks_first() {
    let t = Target::new().await;
    let host = busy_host(&t, |h| h.state == cuedesk::api::types::HardwareState::Up).await;
    let procs = t.client().get_host_procs(&host.id).await.unwrap();
    let mut h = harness(&t, profile(&t, "wrangler", "demo_show"));
    click_host(&mut h, &host);
    open_more(&mut h, "Reboot now…");
    h.get_by_label("Reboot now…").click();
    let named = format!("{} ({})", procs[0].frame_name, procs[0].job_name);
    step_until(&mut h, "the frames named", |h| {
        h.query_by_label_contains(&named).is_some()
    });
    h.get_by_label("1 host is running frames: they are killed and go back to waiting.");
    assert!(sent(&t, "/host.HostInterface/Reboot").is_empty());
    h.get_by_role_and_label(Role::Button, "Reboot now").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Rebooting 1 host").is_some()
    });
    assert_eq!(
        sent(&t, "/host.HostInterface/Reboot"),
        [format!(r#"{{"host":{{"id":"{}"}}}}"#, host.id)]
    );
}
