//! Chaos: the window, under kittest, refreshes its views against a simulator that fails at
//! random (500/503, 401 "token is expired", latency past the profile's timeout, truncated and
//! malformed bodies, proxy HTML pages, connection resets, 50 MB bodies) for a fixed number of
//! cycles. Nothing may panic; every failure must be shown where the user is looking; the
//! last good rows must stay on screen; once the gateway behaves, the next refresh recovers.
//!
//! Seeded faults, a fixed farm: the same faults in the same order on every run (which request
//! meets which fault depends on the order the app's requests arrive).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::app::{Connection, CueDeskApp};
use cuedesk::profiles::Profile;
use cuedesk::sim::{Fault, RandomFaults};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// Cycles of the random phase; `CUEDESK_CHAOS_CYCLES` runs a longer one.
fn cycles() -> usize {
    std::env::var("CUEDESK_CHAOS_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(45)
}

/// 5% of answers held past the 2 s timeout, the rest within 300 ms; one in four requests
/// meets a fault.
const FAULTS: &str = "latency=0-300,slow=0.05,slow_ms=2500,error=0.06,unauthorized=0.04,malformed=0.03,truncated=0.03,html=0.03,reset=0.04,huge=0.02,huge_mb=50,seed=20261128";

fn harness(connection: Connection) -> Harness<'static, CueDeskApp> {
    common::harness(None, |rt| CueDeskApp::new(rt, Some(connection)))
}

/// Steps until `done` holds for the app's state (a stuck refresh fails the test).
fn step_for(h: &mut Harness<'_, CueDeskApp>, what: &str, done: impl Fn(&CueDeskApp) -> bool) {
    step_until(h, what, |h| done(h.state()));
}

fn busy(app: &CueDeskApp) -> bool {
    let s = app.session.as_ref().unwrap();
    s.jobs.jobs.is_loading()
        || s.hosts.hosts.is_loading()
        || s.detail
            .active()
            .is_some_and(|d| d.frames.sync.is_busy() || d.layers.layers.is_loading())
}

/// What a cycle left on screen: the error shown (if any) and the rows kept.
struct Seen {
    error: Option<String>,
    rows: usize,
}

fn seen_jobs(app: &CueDeskApp) -> Seen {
    let s = app.session.as_ref().unwrap();
    Seen {
        error: s
            .jobs
            .jobs
            .error()
            .or(s.shows.error())
            .map(|e| e.user_message()),
        rows: s.jobs.jobs.data().map_or(0, Vec::len),
    }
}

fn seen_frames(app: &CueDeskApp) -> Seen {
    let d = app.session.as_ref().unwrap().detail.active().unwrap();
    Seen {
        error: d
            .frames
            .sync
            .error()
            .or(d.layers.layers.error())
            .map(|e| e.user_message()),
        rows: d.frames.sync.table().len(),
    }
}

fn seen_hosts(app: &CueDeskApp) -> Seen {
    let s = app.session.as_ref().unwrap();
    Seen {
        error: s.hosts.hosts.error().map(|e| e.user_message()),
        rows: s.hosts.hosts.data().map_or(0, Vec::len),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn the_app_survives_a_hostile_gateway_keeps_its_data_and_recovers() {
    let t = Target::new().await;
    let sim = t.sim();
    let profile = Profile {
        name: "Chaos".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        // Only the test refreshes; timeouts and the size cap low enough to meet.
        refresh_interval_secs: 3600,
        request_timeout_secs: 2,
        max_response_mb: 16,
        ..Profile::default()
    };
    let mut h = harness(Connection {
        profile,
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    });

    // Good data first: the jobs, one job's frames, the hosts.
    step_for(&mut h, "the jobs", |a| seen_jobs(a).rows > 0 && !busy(a));
    let jobs = seen_jobs(h.state()).rows;
    let first = h
        .state()
        .session
        .as_ref()
        .unwrap()
        .jobs
        .jobs
        .data()
        .unwrap()[0]
        .name
        .clone();
    h.get_by_label(&first).click();
    step_for(&mut h, "the frames", |a| {
        a.session
            .as_ref()
            .unwrap()
            .detail
            .active()
            .is_some_and(|d| d.frames.sync.is_loaded())
            && !busy(a)
    });
    let frames = seen_frames(h.state()).rows;
    h.get_by_label("Hosts").click();
    step_for(&mut h, "the hosts", |a| seen_hosts(a).rows > 0 && !busy(a));
    let hosts = seen_hosts(h.state()).rows;
    assert!(jobs > 0 && frames > 0 && hosts > 0);

    sim.faults()
        .set_random(Some(RandomFaults::parse(FAULTS).unwrap()));
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed_refreshes = 0;
    let cycles = cycles();
    for cycle in 0..cycles {
        let hosts_view = cycle % 3 == 2;
        h.get_by_label(if hosts_view { "Hosts" } else { "Jobs" })
            .click();
        h.step();
        h.get_by_label("Refresh").click();
        h.step();
        step_for(&mut h, "the refresh", |a| !busy(a));
        let views = if hosts_view {
            vec![("hosts", seen_hosts(h.state()), hosts)]
        } else {
            vec![
                ("jobs", seen_jobs(h.state()), jobs),
                ("frames", seen_frames(h.state()), frames),
            ]
        };
        for (view, seen, good_rows) in views {
            // The last good rows stay whatever happened.
            assert_eq!(seen.rows, good_rows, "cycle {cycle}: {view} rows changed");
            if let Some(message) = seen.error {
                failed_refreshes += 1;
                // Said in place, in words (not a panic, not a blank table).
                let head: String = message.chars().take(40).collect();
                assert!(
                    h.query_all_by_label_contains(&head).next().is_some(),
                    "cycle {cycle}: {view} error not on screen: {message}"
                );
                let kind = message.split([':', '.', '(']).next().unwrap_or("").trim();
                *shown.entry(kind.to_owned()).or_default() += 1;
            }
        }
    }
    let injected = sim.faults().injected_by_kind();
    let total: u64 = injected.values().sum();

    // Each kind once more, on purpose, on the jobs view (a few requests in a row, so the
    // jobs or the open job's frames meet it), each with the words the user reads.
    sim.faults().clear();
    h.get_by_label("Jobs").click();
    h.step();
    for (fault, words) in [
        (Fault::Huge { bytes: 50 << 20 }, "larger than 16 MB"),
        (Fault::Reset, "dropped before the answer arrived"),
        (
            Fault::Html { status: 502 },
            "did not answer like an OpenCue gateway",
        ),
        (Fault::Truncated, "dropped before the answer arrived"),
        (Fault::Malformed, "did not answer like an OpenCue gateway"),
        (Fault::cuebot_down(), "Cuebot is down"),
        (
            Fault::Latency(Duration::from_millis(2500)),
            "did not answer within 2 s",
        ),
    ] {
        sim.faults().push_n(&fault, 4);
        h.get_by_label("Refresh").click();
        h.step();
        step_for(&mut h, "the refresh", |a| !busy(a));
        assert!(
            h.query_all_by_label_contains(words).next().is_some(),
            "{fault:?}: {words:?} not on screen"
        );
        assert_eq!(
            seen_jobs(h.state()).rows,
            jobs,
            "{fault:?}: jobs rows changed"
        );
        assert_eq!(
            seen_frames(h.state()).rows,
            frames,
            "{fault:?}: frame rows changed"
        );
        sim.faults().clear();
    }

    // The gateway recovers; so does the app, on its next refresh.
    sim.faults().clear();
    for view in ["Jobs", "Hosts"] {
        h.get_by_label(view).click();
        h.step();
        h.get_by_label("Refresh").click();
        h.step();
        step_for(&mut h, "the recovery", |a| !busy(a));
    }
    let app = h.state();
    for (view, seen) in [
        ("jobs", seen_jobs(app)),
        ("frames", seen_frames(app)),
        ("hosts", seen_hosts(app)),
    ] {
        assert!(
            seen.error.is_none(),
            "{view} did not recover: {:?}",
            seen.error
        );
        assert!(seen.rows > 0);
    }
    assert!(h.query_by_label("refresh failed").is_none());

    eprintln!(
        "chaos: {cycles} cycles, {} requests, {total} faults injected {injected:?}; \
         {failed_refreshes} view refreshes failed and said so, all {cycles} cycles survived \
         with their rows kept; messages shown: {shown:#?}",
        sim.requests().len()
    );
    assert!(total >= 20, "too few faults to mean anything: {injected:?}");
    for kind in ["error", "reset", "truncated", "malformed", "html", "slow"] {
        assert!(
            injected.contains_key(kind),
            "no {kind} fault met: {injected:?}"
        );
    }
    assert!(failed_refreshes > 0);
}
