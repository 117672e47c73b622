//! Secret hygiene: the app is run through login, refresh, a failed sign-in, a pasted token, a
//! secret typed into the profile panel and profile switches, with every tracing event at
//! TRACE level (reqwest, hyper and rustls included) captured. Then every file written and
//! the whole log are searched for each secret and token, as are the `Debug` forms of
//! everything that holds one and the text on screen.
//!
//! One test in this binary: it owns the process's tracing subscriber.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Target, step_until};
use cuedesk::api::auth::{mint_token, now_epoch};
use cuedesk::api::{ApiClient, ClientConfig, Credentials};
use cuedesk::app::{CueDeskApp, ProfileSetup};
use cuedesk::profiles::{AuthMode, Profile, ProfileStore, ProfilesFile};
use cuedesk::secrets::{CredentialStore as _, MemoryStore};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use secrecy::SecretString;

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn profile(t: &Target, name: &str, auth: AuthMode) -> Profile {
    Profile {
        name: name.into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        auth,
        ..Profile::default()
    }
}

/// Every file under `dir`, recursively, as (path, bytes).
fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn pick_profile(h: &mut Harness<'_, CueDeskApp>, name: &str) {
    h.get_by_label("Profile").click();
    step_until(h, "the profile list", |h| h.query_by_label(name).is_some());
    h.step();
    h.get_by_label(name).click();
}

fn switch_to(h: &mut Harness<'_, CueDeskApp>, name: &str) {
    pick_profile(h, name);
    step_until(h, "the switch", |h| {
        h.query_by_label("Profile")
            .is_some_and(|n| n.value().as_deref() == Some(name))
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_token_is_written_logged_or_shown() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let a = Target::new().await;
    let b = Target::with_config(cuedesk::sim::SimConfig::new(
        "beta-gateway-secret-5f0c27d9e1",
        common::test_farm(),
    ))
    .await;
    let wrong = "wrong-secret-8d1e44c0b7aa";
    let token_b = mint_token(
        "jdoe",
        &SecretString::from(b.secret.clone()),
        now_epoch(),
        Duration::from_secs(600),
    )
    .unwrap();
    let typed = a.secret.clone();

    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("profiles.toml"));
    store
        .save(&ProfilesFile {
            last_profile: Some("Alpha".into()),
            profiles: vec![
                profile(&a, "Alpha", AuthMode::Secret),
                profile(&b, "Beta", AuthMode::Token),
                profile(&a, "Gamma", AuthMode::Secret),
                profile(&a, "Delta", AuthMode::Secret),
            ],
            ..ProfilesFile::default()
        })
        .unwrap();
    let creds = Arc::new(MemoryStore::default());
    creds
        .set("Alpha", &SecretString::from(a.secret.clone()))
        .unwrap();
    creds
        .set("Beta", &SecretString::from(token_b.clone()))
        .unwrap();
    creds
        .set("Gamma", &SecretString::from(wrong.to_owned()))
        .unwrap();

    let setup = ProfileSetup {
        loaded: store.load(),
        store: Some(store.clone()),
        creds: creds.clone(),
        open: None,
        env: None,
        view_cache: None,
        preread: None,
    };
    let mut h = common::harness(None, |rt| CueDeskApp::with_profiles(rt, setup, None));

    // Login and a refresh with a minted token.
    step_until(&mut h, "Alpha's jobs", |h| {
        h.query_by_label_contains(" jobs, ").is_some()
    });
    h.get_by_label("Refresh").click();
    h.get_by_label("Hosts").click();
    step_until(&mut h, "the hosts", |h| {
        h.query_by_label_contains("Farm: ").is_some()
    });
    h.get_by_label("Jobs").click();
    h.step();

    // A failed sign-in: the wrong secret.
    switch_to(&mut h, "Gamma");
    step_until(&mut h, "the auth error", |h| {
        h.query_by_label_contains("Secret does not match").is_some()
    });

    // A pasted token on another gateway.
    switch_to(&mut h, "Beta");
    step_until(&mut h, "Beta's jobs", |h| {
        h.query_by_label_contains(" jobs, ").is_some()
            && h.query_by_label_contains("Secret does not match").is_none()
    });

    // A secret typed into the profile panel, tested, saved, and used.
    // Delta has no stored secret: picking it opens the panel asking for one.
    pick_profile(&mut h, "Delta");
    step_until(&mut h, "the panel", |h| {
        h.query_by_label("Secret").is_some()
    });
    h.get_by_label("Secret").set_text_value_accesskit(&typed);
    h.step();
    h.step();
    h.get_by_label("Test connection").click();
    step_until(&mut h, "the test", |h| {
        h.query_by_label_contains("Connected: the gateway answers")
            .is_some()
    });
    h.get_by_label("Save and connect").click();
    step_until(&mut h, "Delta's jobs", |h| {
        h.query_by_label_contains(" jobs, ").is_some()
            && h.query_by_label("Save and connect").is_none()
    });
    step_until(&mut h, "the saved secret", |_| {
        creds.get("Delta").unwrap().is_some()
    });

    // What is on screen (labels and values of every widget; the title is "CueDesk").
    let mut shown = String::new();
    for node in h.query_all_by(|_| true) {
        let n = node.accesskit_node();
        shown.push_str(&n.label().unwrap_or_default());
        shown.push('\n');
        shown.push_str(&n.value().unwrap_or_default());
        shown.push('\n');
    }
    drop(h);

    // Debug forms of everything that holds a secret.
    let client = ApiClient::new({
        let mut c = ClientConfig::new(a.url.clone(), Credentials::secret("jdoe", a.secret.clone()));
        c.read_only = true;
        c
    })
    .unwrap();
    client.get_shows().await.unwrap();
    let debug = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        Credentials::secret("jdoe", a.secret.clone()),
        Credentials::token(token_b.clone()),
        ClientConfig::new(b.url.clone(), Credentials::token(token_b.clone())),
        client,
        creds,
    );

    let log = log.text();
    assert!(
        log.contains("GetJobs") && log.lines().count() > 100,
        "the log captured the session ({} lines)",
        log.lines().count()
    );
    let written = files(dir.path());
    assert!(!written.is_empty());
    // The signature part of the token is what an attacker needs; any of its parts is checked.
    let token_sig = token_b.rsplit('.').next().unwrap().to_owned();
    for secret in [
        &a.secret,
        &b.secret,
        &wrong.to_owned(),
        &token_b,
        &token_sig,
    ] {
        assert!(!log.contains(secret.as_str()), "the log holds {secret}");
        assert!(
            !debug.contains(secret.as_str()),
            "Debug output holds {secret}:\n{debug}"
        );
        assert!(
            !shown.contains(secret.as_str()),
            "the screen shows {secret}"
        );
        for (path, bytes) in &written {
            assert!(
                !contains(bytes, secret),
                "{} holds {secret}",
                path.display()
            );
        }
    }
    // Nor any token the app minted itself from a secret: nothing shaped like a JWT.
    let jwt = regex::Regex::new(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.").unwrap();
    assert!(
        jwt.find(&log).is_none(),
        "a JWT in the log: {:?}",
        jwt.find(&log)
    );
    assert!(jwt.find(&debug).is_none(), "a JWT in Debug output");
    for (path, bytes) in &written {
        assert!(
            jwt.find(&String::from_utf8_lossy(bytes)).is_none(),
            "a JWT in {}",
            path.display()
        );
    }
    eprintln!(
        "secret grep: {} log lines, {} files, {} screen nodes' text, 5 secrets/tokens: none found",
        log.lines().count(),
        written.len(),
        shown.lines().count() / 2
    );
}
