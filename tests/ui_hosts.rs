//! The hosts view in the window, headless (egui_kittest) against the in-process simulator:
//! hosts listed with the farm summary, filtering by lock state, host actions seen after the
//! refresh, and the procs of a busy host with their logs and jobs.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::HostSearchCriteria;
use cuedesk::api::types::{HardwareState, Host, LockState, Proc};
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::{PathMapping, Profile};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

fn profile(t: &Target) -> Profile {
    Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        ..Profile::default()
    }
}

fn harness(t: &Target, profile: Profile) -> Harness<'static, CueDeskApp> {
    let connection = Connection {
        credentials: Credentials::secret(profile.username.clone(), t.secret.clone()),
        profile,
    };
    // Frames of 1/60 s, as on screen: a double-click's two clicks fall within egui's 0.3 s.
    common::harness(Some(1.0 / 60.0), |rt| CueDeskApp::new(rt, Some(connection)))
}

async fn all_hosts(t: &Target) -> Vec<Host> {
    t.client()
        .get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap()
}

/// Switches to the hosts view and waits for the farm.
fn open_hosts(h: &mut Harness<'static, CueDeskApp>, count: usize) {
    step_until(h, "the connection", |h| h.query_by_label("Hosts").is_some());
    h.get_by_label("Hosts").click();
    step_until(h, "the hosts", |h| {
        h.query_by_label(&format!("Farm: {count} hosts")).is_some()
    });
}

fn fill(h: &mut Harness<'_, CueDeskApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .set_text_value_accesskit(text);
    h.step();
    h.step();
}

/// Shows only `host` and selects it (its procs open below).
fn choose(h: &mut Harness<'static, CueDeskApp>, host: &Host) {
    fill(h, "Filter", &host.name);
    step_until(h, "the host alone", |h| {
        h.query_by_label_contains("1 of ").is_some()
    });
    h.get_by_label(&host.name).click();
    step_until(h, "the host selected", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn hosts_are_listed_with_the_farm_summary() {
    let t = Target::new().await;
    let sim = t.sim();
    let hosts = all_hosts(&t).await;
    let mut h = harness(&t, profile(&t));
    open_hosts(&mut h, hosts.len());
    h.get_by_label(&format!("{n} of {n} hosts, 0 selected", n = hosts.len()));
    // Sorted by name: the first rows are the first names.
    let mut names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    names.sort_unstable();
    for name in &names[..5] {
        h.get_by_label(name);
    }
    // The strip counts the farm by state and by lock.
    let up = hosts
        .iter()
        .filter(|h| h.state == HardwareState::Up)
        .count();
    let locked = hosts
        .iter()
        .filter(|h| h.lock_state == LockState::Locked)
        .count();
    h.get_by_label(&format!("up {up}"));
    h.get_by_label(&format!("locked {locked}"));
    let busy: f32 = hosts.iter().map(|h| h.cores - h.idle_cores).sum();
    let cores: f32 = hosts.iter().map(|h| h.cores).sum();
    h.get_by_label_contains(&format!("cores {busy:.0} of {cores:.0} in use"));
    // A refresh of the hosts view is one GetHosts for all hosts (`{}` or `{"r":{}}`, as the
    // contract has it); the jobs view, not shown, is not polled.
    sim.clear_requests();
    h.key_press(egui::Key::F5);
    step_until(&mut h, "the refresh", |_| {
        sim.requests()
            .iter()
            .any(|r| r.path == "/host.HostInterface/GetHosts")
    });
    // (The watch list's timed refresh, `users` or `ids`, runs in every view.)
    let sent: Vec<(String, String)> = sim
        .requests()
        .into_iter()
        .map(|r| (r.path, r.body))
        .filter(|(_, b)| !b.contains("\"users\"") && !b.contains("\"ids\""))
        .collect();
    assert_eq!(
        sent,
        [("/host.HostInterface/GetHosts".to_owned(), "{}".to_owned())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtering_by_locked_shows_only_locked_hosts() {
    let t = Target::new().await;
    let hosts = all_hosts(&t).await;
    let locked: Vec<&Host> = hosts
        .iter()
        .filter(|h| h.lock_state == LockState::Locked)
        .collect();
    assert!(!locked.is_empty(), "the test farm has locked hosts");
    let mut h = harness(&t, profile(&t));
    open_hosts(&mut h, hosts.len());
    assert!(h.query_all_by_label("OPEN").count() > 0);
    h.get_by_label(&format!("locked {}", locked.len())).click();
    step_until(&mut h, "the locked hosts", |h| {
        h.query_by_label_contains(&format!("{} of {} hosts", locked.len(), hosts.len()))
            .is_some()
    });
    assert_eq!(h.query_all_by_label("LOCKED").count(), locked.len());
    assert_eq!(h.query_all_by_label("OPEN").count(), 0);
    assert_eq!(h.query_all_by_label("NIMBY_LOCKED").count(), 0);
    for host in &locked {
        h.get_by_label(&host.name);
    }
    // The chip again: every host.
    h.get_by_label(&format!("locked {}", locked.len())).click();
    step_until(&mut h, "every host", |h| {
        h.query_by_label_contains(&format!("{n} of {n} hosts", n = hosts.len()))
            .is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn a_locked_host_reads_locked_after_the_refresh() {
    let t = Target::new().await;
    let sim = t.sim();
    let hosts = all_hosts(&t).await;
    let host = hosts
        .iter()
        .find(|h| h.state == HardwareState::Up && h.lock_state == LockState::Open)
        .unwrap()
        .clone();
    let mut h = harness(&t, profile(&t));
    open_hosts(&mut h, hosts.len());
    choose(&mut h, &host);
    assert!(h.query_by_label("LOCKED").is_none());
    // Locking asks first, naming the host; nothing is sent before the answer.
    h.get_by_label("Lock…").click();
    step_until(&mut h, "the confirmation", |h| {
        h.query_by_label("Lock 1 host").is_some()
    });
    assert!(
        h.query_by_label_contains(&format!("{}  (", host.name))
            .is_some()
    );
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path == "/host.HostInterface/Lock")
    );
    h.step();
    h.get_by_role_and_label(Role::Button, "Lock").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label("Locked 1 host").is_some()
    });
    // The refresh after the action shows what the gateway now says.
    step_until(&mut h, "the host locked", |h| {
        h.query_by_label("LOCKED").is_some()
    });
    assert_eq!(
        t.client().get_host(&host.id).await.unwrap().lock_state,
        LockState::Locked
    );
    let body = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/host.HostInterface/Lock")
        .unwrap()
        .body;
    assert_eq!(body, format!(r#"{{"host":{{"id":"{}"}}}}"#, host.id));
    // And back.
    h.get_by_label("Unlock").click();
    step_until(&mut h, "the host open again", |h| {
        h.query_by_label("OPEN").is_some() && h.query_by_label("Unlocked 1 host").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn reboot_when_idle_confirms_and_names_the_hosts() {
    let t = Target::new().await;
    let hosts = all_hosts(&t).await;
    let host = hosts
        .iter()
        .find(|h| h.state == HardwareState::Up)
        .unwrap()
        .clone();
    let mut h = harness(&t, profile(&t));
    open_hosts(&mut h, hosts.len());
    choose(&mut h, &host);
    h.get_by_label("Reboot when idle…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label("Reboot 1 host when idle").is_some()
    });
    h.get_by_label_contains(&format!("{}  (", host.name));
    assert_eq!(
        t.client().get_host(&host.id).await.unwrap().state,
        HardwareState::Up,
        "nothing is sent before the confirmation"
    );
    h.get_by_label("Reboot when idle").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label_contains("Set to reboot when idle: 1 host")
            .is_some()
    });
    step_until(&mut h, "the new state", |h| {
        h.query_by_label("REBOOT_WHEN_IDLE").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn a_comment_on_a_host_is_listed_under_it() {
    let t = Target::new().await;
    let hosts = all_hosts(&t).await;
    let host = hosts.iter().find(|h| !h.has_comment).unwrap().clone();
    let mut h = harness(&t, profile(&t));
    open_hosts(&mut h, hosts.len());
    choose(&mut h, &host);
    h.get_by_label("Comment…").click();
    step_until(&mut h, "the dialog", |h| {
        h.query_by_label("Comment on 1 host").is_some()
    });
    fill(&mut h, "Subject", "Fan noise");
    h.get_by_role_and_label(Role::MultilineTextInput, "Comment")
        .set_text_value_accesskit("Swap the rear fan before Friday");
    h.step();
    h.step();
    h.get_by_label("Add comment").click();
    step_until(&mut h, "the outcome", |h| {
        h.query_by_label("Commented on 1 host").is_some()
    });
    h.get_by_label_contains("Comments").click();
    step_until(&mut h, "the comment", |h| {
        h.query_by_label("Fan noise").is_some()
    });
    h.get_by_label("Swap the rear fan before Friday");
    h.get_by_label("Comments (1)");
    let comments = t.client().get_host_comments(&host.id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].user, "jdoe");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_profile_cannot_touch_hosts() {
    let t = Target::new().await;
    let hosts = all_hosts(&t).await;
    let mut p = profile(&t);
    p.read_only = true;
    let mut h = harness(&t, p);
    open_hosts(&mut h, hosts.len());
    choose(&mut h, &hosts[0]);
    for label in ["Lock…", "Unlock", "Reboot when idle…", "Comment…"] {
        assert!(
            h.get_by_label(label).accesskit_node().is_disabled(),
            "{label} is enabled"
        );
    }
}

/// A host with frames running on it, and its procs.
async fn busy_host(t: &Target) -> (Host, Vec<Proc>) {
    let client = t.client();
    for host in all_hosts(t).await {
        let procs = client.get_host_procs(&host.id).await.unwrap();
        if procs.len() >= 2 {
            return (host, procs);
        }
    }
    panic!("no busy host on the test farm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn a_busy_hosts_procs_open_their_logs_and_jobs() {
    let t = Target::with_logs().await;
    let sim = t.sim();
    let hosts = all_hosts(&t).await.len();
    let (host, procs) = busy_host(&t).await;
    let mut p = profile(&t);
    let (root, prefix) = sim.log_root().unwrap();
    p.path_mappings = vec![PathMapping {
        from: prefix.to_owned(),
        to: root.display().to_string(),
    }];
    let mut h = harness(&t, p);
    open_hosts(&mut h, hosts);
    choose(&mut h, &host);
    step_until(&mut h, "the procs", |h| {
        h.query_by_label(&format!("Procs ({})", procs.len()))
            .is_some()
    });
    for proc in &procs {
        h.get_by_label(&proc.frame_name);
        assert!(h.query_all_by_label(&proc.log_path).next().is_some());
    }
    // The log of the first proc (by job name), from its logPath through the mapping.
    let mut by_job = procs.clone();
    by_job.sort_by(|a, b| {
        a.job_name
            .cmp(&b.job_name)
            .then(a.frame_name.cmp(&b.frame_name))
    });
    let first = &by_job[0];
    // A double-click on the proc opens it (a third of a second after the last click, or egui
    // counts a triple click).
    for _ in 0..20 {
        h.step();
    }
    h.get_by_label(&first.frame_name).click();
    h.get_by_label(&first.frame_name).click();
    step_until(&mut h, "the log", |h| {
        h.query_by_label(&format!("Log of {} ({})", first.frame_name, first.job_name))
            .is_some()
    });
    // Read from the mapped path: RQD's header names the host the frame runs on.
    h.get_by_label_contains(&root.display().to_string());
    fill(
        &mut h,
        "Search",
        &format!("renderHost           {}", host.name),
    );
    step_until(&mut h, "the host in the log", |h| {
        h.query_by_label("match 1 of 1").is_some()
    });
    // The proc's job, in the jobs view: its show chosen, the job selected and open below.
    h.get_by_label("Go to job").click();
    step_until(&mut h, "the job in the jobs view", |h| {
        h.query_by_label_contains(&format!("{}   ", first.job_name))
            .is_some()
            && h.query_by_label_contains("1 selected").is_some()
    });
    assert_eq!(
        h.get_by_label("Show").value().as_deref(),
        Some(first.show_name.as_str())
    );
}
