//! The last view on disk: shown at once at the next start, marked with its time, until the
//! gateway answers; ignored when damaged; never written for a profile that turns it off; no
//! secret in it.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::app::{Connection, CueDeskApp, ProfileSetup};
use cuedesk::profiles::Profile;
use cuedesk::sim::faults::Fault;
use cuedesk::view_cache::{CacheKey, CachedKind, Preread, ViewCache};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// The profile "Studio" on the first show that has pending jobs, refreshed every second.
async fn studio(t: &Target, cache_views: bool) -> (Profile, Vec<String>) {
    let jobs = t
        .client()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap();
    let show = jobs[0].show.clone();
    let names = jobs
        .into_iter()
        .filter(|j| j.show == show)
        .map(|j| j.name)
        .collect();
    let profile = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: show,
        refresh_interval_secs: 1,
        cache_views,
        ..Profile::default()
    };
    (profile, names)
}

/// The window connected with `profile`, keeping its views in `dir`.
fn window(t: &Target, dir: &Path, profile: Profile) -> Harness<'static, CueDeskApp> {
    window_with(t, ProfileSetup::in_memory(Some(dir.to_owned())), profile)
}

fn window_with(t: &Target, setup: ProfileSetup, profile: Profile) -> Harness<'static, CueDeskApp> {
    let connection = Connection {
        credentials: Credentials::secret("jdoe", t.secret.clone()),
        profile,
    };
    common::harness(None, move |rt| {
        CueDeskApp::with_profiles(rt, setup, Some(connection))
    })
}

fn cache_of(dir: &Path, profile: &Profile) -> ViewCache {
    ViewCache::new(dir, CacheKey::of(profile))
}

fn listed(names: &[String]) -> String {
    format!("of {} jobs", names.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: slows the gateway's answers down"
)]
async fn the_last_view_shows_at_once_marked_with_its_time_until_the_gateway_answers() {
    let t = Target::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (profile, names) = studio(&t, true).await;
    let file = cache_of(dir.path(), &profile).path(CachedKind::Jobs);

    let mut h = window(&t, dir.path(), profile.clone());
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed(&names)).is_some()
    });
    step_until(&mut h, "the view saved", |_| file.exists());
    assert!(h.query_by_label_contains("as of").is_none());
    drop(h);

    // The next start, on a gateway that takes 3 s to answer anything. As `main` does, the
    // views are read while the window is created: the rows are in its first frame.
    t.sim()
        .faults()
        .push_n(&Fault::Latency(Duration::from_secs(3)), 4);
    let mut setup = ProfileSetup::in_memory(Some(dir.path().to_owned()));
    let (tx, rx) = std::sync::mpsc::channel();
    tx.send(cache_of(dir.path(), &profile).load_all()).unwrap();
    setup.preread = Some(Preread::new(CacheKey::of(&profile), rx));
    let mut h = window_with(&t, setup, profile);
    h.step();
    assert!(
        h.query_by_label_contains(&listed(&names)).is_some(),
        "the saved rows in the first frame:\n{}",
        common::screen_text(&h)
    );
    assert!(
        h.query_by_label_contains("as of").is_some(),
        "the rows say they are old:\n{}",
        common::screen_text(&h)
    );
    assert!(
        h.query_by_label(&names[0]).is_some(),
        "a saved job is listed"
    );
    assert!(
        h.query_by_label_contains("updated").is_none(),
        "nothing has come from the gateway yet"
    );
    // The first answer replaces them.
    step_until(&mut h, "the gateway's rows", |h| {
        h.query_by_label_contains("as of").is_none()
            && h.query_by_label_contains("updated").is_some()
    });
    assert!(h.query_by_label_contains(&listed(&names)).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saved_view_holds_no_secret_and_a_damaged_one_is_ignored_then_replaced() {
    let t = Target::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (profile, names) = studio(&t, true).await;
    let cache = cache_of(dir.path(), &profile);
    let file = cache.path(CachedKind::Jobs);

    let mut h = window(&t, dir.path(), profile.clone());
    step_until(&mut h, "the view saved", |_| file.exists());
    drop(h);
    let bytes = std::fs::read(&file).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[bytes.iter().position(|&b| b == b'\n').unwrap() + 1..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains(&names[0]), "the jobs are in it");
    let token = t.token();
    for secret in [t.secret.as_str(), token.as_str(), "Bearer", "eyJ"] {
        assert!(!text.contains(secret), "{secret:?} is in the saved view");
    }

    // Damaged: the window starts as if there were none, and the next save replaces it.
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    assert!(cache.load(CachedKind::Jobs).is_none());
    let mut h = window(&t, dir.path(), profile);
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed(&names)).is_some()
    });
    assert!(h.query_by_label_contains("as of").is_none());
    step_until(&mut h, "a good file again", |_| {
        cache.load(CachedKind::Jobs).is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: counts the requests the simulator received"
)]
async fn a_profile_that_turns_the_cache_off_writes_nothing() {
    let t = Target::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (profile, names) = studio(&t, false).await;
    let mut h = window(&t, dir.path(), profile);
    step_until(&mut h, "the jobs", |h| {
        h.query_by_label_contains(&listed(&names)).is_some()
    });
    // Three more answers: each would have been a moment to save.
    let sim = t.sim();
    sim.clear_requests();
    step_until(&mut h, "three refreshes", |h| {
        sim.requests()
            .iter()
            .filter(|r| r.path.ends_with("/GetJobs"))
            .count()
            >= 3
            && !h.state().session.as_ref().unwrap().list_in_flight()
    });
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(written.is_empty(), "{written:?}");
}
