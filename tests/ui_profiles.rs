//! Profiles and the connection panel, driven headless against the in-process simulator, with
//! an in-memory secret store standing in for the OS keyring and a temporary config directory.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{Target, step_until};
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::app::{CueDeskApp, ProfileSetup};
use cuedesk::profiles::{Profile, ProfileStore, ProfilesFile};
use cuedesk::secrets::{CredentialStore as _, MemoryStore};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use secrecy::{ExposeSecret as _, SecretString};

struct Setup {
    dir: tempfile::TempDir,
    creds: Arc<MemoryStore>,
}

impl Setup {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            creds: Arc::new(MemoryStore::default()),
        }
    }

    fn store(&self) -> ProfileStore {
        ProfileStore::new(self.dir.path().join("profiles.toml"))
    }

    /// Saved profiles with `last` opened at start, and `secret` stored for `secret_for`.
    fn saved(&self, profiles: Vec<Profile>, last: &str, secret_for: &str, secret: &str) {
        let file = ProfilesFile {
            last_profile: Some(last.into()),
            profiles,
            ..ProfilesFile::default()
        };
        self.store().save(&file).unwrap();
        self.creds
            .set(secret_for, &SecretString::from(secret.to_owned()))
            .unwrap();
    }

    fn harness(&self) -> Harness<'static, CueDeskApp> {
        self.harness_with_env(None)
    }

    fn harness_with_env(
        &self,
        env: Option<(Profile, SecretString)>,
    ) -> Harness<'static, CueDeskApp> {
        self.harness_with(env, Vec::new())
    }

    /// With the studio's profiles from `site` files, as `cuedesk` reads them at start.
    fn harness_with_site(&self, site: &[std::path::PathBuf]) -> Harness<'static, CueDeskApp> {
        let (profiles, warnings) = cuedesk::profiles::load_site_profiles(site);
        assert!(warnings.is_empty(), "{warnings:?}");
        self.harness_with(None, profiles)
    }

    fn harness_with(
        &self,
        env: Option<(Profile, SecretString)>,
        site: Vec<Profile>,
    ) -> Harness<'static, CueDeskApp> {
        let store = self.store();
        let mut loaded = store.load();
        loaded.file.site_profiles = site;
        let setup = ProfileSetup {
            loaded,
            store: Some(store),
            creds: self.creds.clone(),
            open: None,
            env,
            view_cache: None,
            preread: None,
        };
        common::harness(None, |rt| CueDeskApp::with_profiles(rt, setup, None))
    }
}

/// Replaces the text of the labelled field (AccessKit SetValue, as a screen reader does).
/// From the first start's welcome screen to the new profile's form.
fn to_the_form(h: &mut Harness<'_, CueDeskApp>) {
    h.get_by_label("Connect to a gateway").click();
    h.run();
}

fn fill(h: &mut Harness<'_, CueDeskApp>, label: &str, text: &str) {
    let role = if h
        .query_by_role_and_label(Role::PasswordInput, label)
        .is_some()
    {
        Role::PasswordInput
    } else {
        Role::TextInput
    };
    h.get_by_role_and_label(role, label)
        .set_text_value_accesskit(text);
    h.step();
    h.step();
}

/// A profile "Studio" for the target's gateway, on `demo_show`.
fn studio(t: &Target) -> Profile {
    Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        ..Profile::default()
    }
}

async fn first_job(t: &Target) -> String {
    t.client()
        .get_jobs(&JobSearchCriteria {
            shows: vec!["demo_show".into()],
            ..Default::default()
        })
        .await
        .unwrap()[0]
        .name
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_asks_for_a_gateway_then_connects_and_keeps_the_secret_out_of_the_file() {
    let t = Target::new().await;
    let s = Setup::new();
    let mut h = s.harness();
    h.step();
    // No profile yet: the welcome screen, then the form, not flagged before it is touched.
    h.get_by_label("Welcome to CueDesk");
    h.get_by_label("Connect to a gateway").click();
    h.run();
    h.get_by_label("Gateway profiles");
    assert!(h.query_by_label("Enter the gateway's JWT secret").is_none());
    assert_eq!(
        h.get_by_label("User").value().as_deref(),
        Some(cuedesk::profiles::default_username().as_str()),
        "the OS login"
    );
    // Save on the empty form says what is missing.
    h.get_by_label("Save").click();
    h.run();
    h.get_by_label("Enter the gateway's JWT secret");

    fill(&mut h, "Name", "Studio");
    fill(&mut h, "Gateway URL", &t.url);
    fill(&mut h, "User", "jdoe");
    fill(&mut h, "Secret", &t.secret);
    step_until(&mut h, "a valid form", |h| {
        h.query_by_label("Enter the gateway's JWT secret").is_none()
    });

    h.get_by_label("Test connection").click();
    step_until(&mut h, "the test", |h| {
        h.query_by_label_contains("Connected: the gateway answers")
            .is_some()
    });

    h.get_by_label("Save and connect").click();
    // A new profile opens on the user's own jobs, across every show.
    step_until(&mut h, "My jobs", |h| {
        h.query_all_by_label_contains("Stop watching")
            .next()
            .is_some()
    });
    assert_eq!(h.get_by_label("Profile").value().as_deref(), Some("Studio"));
    h.get_by_label("Jobs").click();
    step_until(&mut h, "a show", |h| {
        h.query_by_label("Show")
            .is_some_and(|n| n.value().is_some_and(|v| !v.is_empty()))
    });
    // The user picks a show; the profile remembers it.
    h.get_by_label("Show").click();
    step_until(&mut h, "the show list", |h| {
        h.query_by_label("demo_show").is_some()
    });
    h.get_by_label("demo_show").click();
    let job = first_job(&t).await;
    step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
    step_until(&mut h, "the saved show", |_| {
        s.store()
            .load()
            .file
            .get("Studio")
            .is_some_and(|p| p.default_show == "demo_show")
    });

    let text = std::fs::read_to_string(s.store().path()).unwrap();
    assert!(text.contains("Studio") && text.contains(&t.url), "{text}");
    assert!(
        !text.contains(&t.secret),
        "the secret must never be in the file"
    );
    assert_eq!(
        s.creds.get("Studio").unwrap().unwrap().expose_secret(),
        t.secret
    );
    assert_eq!(
        s.store().load().file.last_profile.as_deref(),
        Some("Studio")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_names_a_wrong_secret_and_a_wrong_port() {
    let t = Target::new().await;
    let s = Setup::new();
    let mut h = s.harness();
    h.step();
    to_the_form(&mut h);
    fill(&mut h, "Gateway URL", &t.url);
    fill(&mut h, "User", "jdoe");
    fill(&mut h, "Secret", "not-the-secret");
    h.get_by_label("Test connection").click();
    step_until(&mut h, "the failure", |h| {
        h.query_by_label_contains("Secret does not match").is_some()
    });

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    fill(&mut h, "Gateway URL", &format!("http://127.0.0.1:{port}"));
    h.get_by_label("Test connection").click();
    step_until(&mut h, "the failure", |h| {
        h.query_by_label_contains("connection refused").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: needs the simulator's HTTPS and its generated CA"
)]
async fn test_connection_to_https_uses_the_ca_file_typed_in_the_form() {
    let pki = cuedesk::sim::TestPki::new().unwrap();
    let mut config = cuedesk::sim::SimConfig::new("tls-ui-secret-0123456789", common::test_farm());
    config.tls = Some(pki.server(cuedesk::sim::CertFlaw::None).unwrap());
    let t = Target::with_config(config).await;
    let s = Setup::new();
    let ca = s.dir.path().join("studio-ca.pem");
    std::fs::write(&ca, pki.ca_pem()).unwrap();
    let mut h = s.harness();
    h.step();
    to_the_form(&mut h);
    fill(&mut h, "Gateway URL", &t.url);
    fill(&mut h, "User", "jdoe");
    fill(&mut h, "Secret", &t.secret);
    h.get_by_label("Test connection").click();
    step_until(&mut h, "the unknown authority", |h| {
        h.query_by_label_contains("signed by an authority this computer does not trust")
            .is_some()
    });
    fill(&mut h, "CA file", ca.to_str().unwrap());
    h.get_by_label("Test connection").click();
    step_until(&mut h, "the test over TLS", |h| {
        h.query_by_label_contains("Connected: the gateway answers")
            .is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_opens_the_last_profile_with_its_stored_secret() {
    let t = Target::new().await;
    let s = Setup::new();
    s.saved(vec![studio(&t)], "Studio", "Studio", &t.secret);
    let mut h = s.harness();
    let job = first_job(&t).await;
    step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
    assert!(
        h.query_by_label("Gateway profiles").is_none(),
        "no panel when the last profile opens"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_without_a_stored_secret_asks_for_it_and_delete_removes_the_keyring_entry() {
    let t = Target::new().await;
    let s = Setup::new();
    let a = Profile {
        name: "A".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        ..Profile::default()
    };
    let b = Profile {
        name: "B".into(),
        ..a.clone()
    };
    s.saved(vec![a, b], "A", "B", &t.secret);
    let mut h = s.harness();
    step_until(&mut h, "the notice", |h| {
        h.query_by_label_contains("No secret or token is stored for A")
            .is_some()
    });
    h.get_by_label("Edit profile");

    h.get_by_label("B").click();
    step_until(&mut h, "profile B connected", |h| {
        h.query_by_label("Gateway profiles").is_none()
    });
    h.get_by_label("Profiles…").click();
    step_until(&mut h, "the panel", |h| {
        h.query_by_label("Delete").is_some()
    });
    h.get_by_label("Delete").click();
    step_until(&mut h, "the deletion", |_| {
        s.creds.get("B").unwrap().is_none() && s.store().load().file.get("B").is_none()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_profile_connects_and_is_never_saved_by_itself() {
    let t = Target::new().await;
    let s = Setup::new();
    let env = Profile {
        name: cuedesk::profiles::ENV_PROFILE_NAME.into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        ..Profile::default()
    };
    let mut h = s.harness_with_env(Some((env, SecretString::from(t.secret.clone()))));
    let job = first_job(&t).await;
    step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
    h.get_by_label("Profiles…").click();
    step_until(&mut h, "the panel", |h| {
        h.query_by_label("From environment (not saved)").is_some()
    });
    assert!(!s.store().path().exists(), "nothing was written");
    // Saving it makes it an ordinary profile, its secret in the keyring.
    h.get_by_label("Save").click();
    step_until(&mut h, "the saved profile", |_| {
        s.store().load().file.get("From environment").is_some()
    });
    assert_eq!(
        s.creds
            .get("From environment")
            .unwrap()
            .unwrap()
            .expose_secret(),
        t.secret
    );
    assert!(
        !std::fs::read_to_string(s.store().path())
            .unwrap()
            .contains(&t.secret)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_copies_the_profile_and_its_keyring_entry() {
    let t = Target::new().await;
    let s = Setup::new();
    let a = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        ..Profile::default()
    };
    s.saved(vec![a], "Studio", "Studio", &t.secret);
    let mut h = s.harness();
    step_until(&mut h, "connected", |h| {
        h.query_by_label("Profile")
            .is_some_and(|n| n.value().as_deref() == Some("Studio"))
    });
    h.get_by_label("Profiles…").click();
    step_until(&mut h, "the panel", |h| {
        h.query_by_label("Duplicate").is_some()
    });
    h.get_by_label("Duplicate").click();
    step_until(&mut h, "the copy", |_| {
        s.creds.get("Studio (2)").unwrap().is_some()
            && s.store().load().file.get("Studio (2)").is_some()
    });
    assert_eq!(
        s.creds.get("Studio (2)").unwrap().unwrap().expose_secret(),
        t.secret
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jobs_layout_is_remembered_per_profile_across_restarts() {
    let t = Target::new().await;
    let s = Setup::new();
    s.saved(vec![studio(&t)], "Studio", "Studio", &t.secret);
    let job = first_job(&t).await;
    let header = |h: &Harness<'_, CueDeskApp>, label: &str| {
        h.query_by_role_and_label(Role::Button, label).is_some()
    };
    {
        let mut h = s.harness();
        step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
        h.get_by_role_and_label(Role::Button, "Priority").click();
        step_until(&mut h, "the sort", |h| header(h, "Priority ^"));
        h.get_by_label("Columns").click();
        step_until(&mut h, "the menu", |h| {
            h.query_by_role_and_label(Role::CheckBox, "Shot").is_some()
        });
        h.get_by_role_and_label(Role::CheckBox, "Shot").click();
        step_until(&mut h, "the saved layout", |_| {
            s.store().load().file.get("Studio").is_some_and(|p| {
                p.jobs_view.sort_column == "priority" && p.jobs_view.hidden_columns == ["shot"]
            })
        });
    }
    let mut h = s.harness();
    step_until(&mut h, "the jobs again", |h| {
        h.query_by_label(&job).is_some()
    });
    h.get_by_label(&job).click();
    step_until(&mut h, "the saved selection", |_| {
        s.store()
            .load()
            .file
            .get("Studio")
            .is_some_and(|p| p.jobs_view.selected.len() == 1)
    });
    drop(h);
    let mut h = s.harness();
    step_until(&mut h, "the restored selection", |h| {
        h.query_by_label_contains("1 selected").is_some()
    });
    assert!(header(&h, "Priority ^"), "sorted as before");
    assert!(!header(&h, "Shot"), "the hidden column stays hidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hosts_view_and_its_filter_are_remembered_across_restarts() {
    let t = Target::new().await;
    let s = Setup::new();
    s.saved(vec![studio(&t)], "Studio", "Studio", &t.secret);
    let hosts = t
        .client()
        .get_hosts(&cuedesk::api::requests::HostSearchCriteria::default())
        .await
        .unwrap();
    let locked = hosts
        .iter()
        .filter(|h| h.lock_state == cuedesk::api::types::LockState::Locked)
        .count();
    let shown = format!("{locked} of {} hosts", hosts.len());
    {
        let mut h = s.harness();
        step_until(&mut h, "connected", |h| h.query_by_label("Hosts").is_some());
        h.get_by_label("Hosts").click();
        step_until(&mut h, "the hosts", |h| {
            h.query_by_label(&format!("locked {locked}")).is_some()
        });
        h.get_by_label(&format!("locked {locked}")).click();
        h.step();
        h.get_by_role_and_label(Role::Button, "Load").click();
        step_until(&mut h, "the saved view", |_| {
            s.store().load().file.get("Studio").is_some_and(|p| {
                p.view == "hosts"
                    && p.hosts_view.lock_states == ["LOCKED"]
                    && p.hosts_view.sort_column == "load"
            })
        });
    }
    // Opened again: the hosts view, filtered and sorted as it was left.
    let mut h = s.harness();
    step_until(&mut h, "the hosts view again", |h| {
        h.query_by_label_contains(&shown).is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::Button, "Load ^").is_some(),
        "sorted as before"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_profile_is_listed_read_only_and_only_the_secret_is_saved() {
    let t = Target::new().await;
    let s = Setup::new();
    // What an admin ships in /etc/cuedesk/profiles.toml: no secret in it.
    let site = s.dir.path().join("site-profiles.toml");
    std::fs::write(
        &site,
        format!(
            "[[profiles]]\nname = \"Farm\"\ngateway_url = \"{}\"\nusername = \"jdoe\"\ndefault_show = \"demo_show\"\n",
            t.url
        ),
    )
    .unwrap();
    let mut h = s.harness_with_site(std::slice::from_ref(&site));
    // The welcome screen offers the studio's profile.
    step_until(&mut h, "the welcome", |h| {
        h.query_by_label("Connect to Farm").is_some()
    });
    h.get_by_label("Connect to Farm").click();
    step_until(&mut h, "the site profile", |h| {
        h.query_by_label("Site profile").is_some()
    });
    // Read-only: shown as text, no Delete; only the secret is typed.
    h.get_by_label(&t.url);
    assert!(h.query_by_label("Delete").is_none());
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Gateway URL")
            .is_none()
    );
    fill(&mut h, "Secret", &t.secret);
    // The grid settles a frame after the "Enter your secret" line goes.
    step_until(&mut h, "the secret accepted", |h| {
        h.query_by_label("Enter your secret").is_none()
    });
    h.step();
    h.get_by_label("Connect").click();
    step_until(&mut h, "the jobs of the site profile", |h| {
        h.query_by_label("Profile")
            .is_some_and(|n| n.value().as_deref() == Some("Farm"))
            && h.query_by_label_contains(" jobs, ").is_some()
    });
    // The secret went to the keyring under the profile's name; the user's file names the
    // profile last used and holds no copy of it; the studio's file is as it was.
    assert_eq!(
        s.creds.get("Farm").unwrap().unwrap().expose_secret(),
        t.secret
    );
    step_until(&mut h, "the saved last profile", |_| {
        s.store().load().file.last_profile.as_deref() == Some("Farm")
    });
    assert!(s.store().load().file.profiles.is_empty());
    assert!(!std::fs::read_to_string(&site).unwrap().contains("secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn the_action_history_is_kept_beside_the_profiles_across_restarts() {
    let t = Target::new().await;
    let s = Setup::new();
    s.saved(vec![studio(&t)], "Studio", "Studio", &t.secret);
    let job = first_job(&t).await;
    {
        let mut h = s.harness();
        step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
        h.get_by_label(&job).click();
        step_until(&mut h, "the selection", |h| {
            h.query_by_label_contains("1 selected").is_some()
        });
        h.get_by_label("Pause").click();
        step_until(&mut h, "a confirmation or the outcome", |h| {
            h.query_by_label("Act on other users' jobs").is_some()
                || h.query_by_label("Paused 1 job").is_some()
        });
        if h.query_by_label("Act on other users' jobs").is_some() {
            h.get_by_label("Act on other users' jobs").click();
            h.step();
            h.get_all_by_label("Pause").last().unwrap().click();
        }
        step_until(&mut h, "the outcome", |h| {
            h.query_by_label("Paused 1 job").is_some()
        });
    }
    let path = s.dir.path().join("history.jsonl");
    step_until_file(&path, &job);
    let line = std::fs::read_to_string(&path).unwrap();
    let entry: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(entry["profile"], "Studio");
    assert_eq!(entry["action"], "Pause");
    assert_eq!(entry["targets"][0], job.as_str());
    assert_eq!(entry["ok"], true);
    assert_eq!(entry["outcome"], "Paused 1 job");
    assert!(!line.contains(&t.secret));

    // After a restart the window lists it.
    let mut h = s.harness();
    step_until(&mut h, "the jobs", |h| h.query_by_label(&job).is_some());
    h.get_by_label("History").click();
    step_until(&mut h, "the history", |h| {
        h.query_by_label_contains("1 of 1 actions, kept in")
            .is_some()
    });
    h.get_by_label("Paused 1 job");
}

/// Waits for the history file to name `what` (it is written off the UI thread).
fn step_until_file(path: &std::path::Path, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(path).is_ok_and(|t| t.contains(what)) {
        assert!(
            std::time::Instant::now() < deadline,
            "{} never named {what}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_screen_starts_the_demo_farm_on_my_jobs() {
    let s = Setup::new();
    let mut h = s.harness();
    h.step();
    h.get_by_label("Try the demo farm").click();
    step_until(&mut h, "the demo farm's jobs of jdoe", |h| {
        h.query_all_by_label_contains("Stop watching")
            .next()
            .is_some()
    });
    let session = h.state().session.as_ref().unwrap();
    assert_eq!(session.profile.name, "Demo farm");
    assert_eq!(session.view, cuedesk::app::MainView::Mine);
    // Nothing was saved: the demo is a trial.
    assert!(s.store().load().file.profiles.is_empty());
}

/// A studio's token helper in `dir`: a script that prints a token for the gateway of `t`.
#[cfg(unix)]
fn token_helper(t: &Target, dir: &std::path::Path) -> (std::path::PathBuf, String) {
    use std::os::unix::fs::PermissionsExt as _;
    let token = cuedesk::api::auth::mint_token(
        "jdoe",
        &SecretString::from(t.secret.clone()),
        cuedesk::api::auth::now_epoch(),
        std::time::Duration::from_secs(900),
    )
    .unwrap();
    let helper = dir.join("studio-token");
    std::fs::write(&helper, format!("#!/bin/sh\necho {token}\n")).unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    (helper, token)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_profile_ships_a_token_command_and_connects_without_a_secret() {
    let t = Target::new().await;
    let s = Setup::new();
    let (helper, _) = token_helper(&t, s.dir.path());
    let site = s.dir.path().join("site-profiles.toml");
    std::fs::write(
        &site,
        format!(
            "[[profiles]]\nname = \"Farm\"\ngateway_url = \"{}\"\nusername = \"jdoe\"\nauth = \"command\"\ntoken_command = \"{} --user {{user}}\"\n",
            t.url,
            helper.display()
        ),
    )
    .unwrap();
    let mut h = s.harness_with_site(std::slice::from_ref(&site));
    step_until(&mut h, "the welcome", |h| {
        h.query_by_label("Connect to Farm").is_some()
    });
    h.get_by_label("Connect to Farm").click();
    // Straight to jdoe's jobs: nothing to type, nothing in the keyring.
    step_until(&mut h, "jdoe's jobs", |h| {
        h.query_all_by_label_contains("Stop watching")
            .next()
            .is_some()
    });
    assert!(s.creds.get("Farm").unwrap().is_none());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_signs_in_with_a_token_command_and_keeps_no_secret() {
    let t = Target::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (helper, token) = token_helper(&t, dir.path());
    let s = Setup::new();
    let mut h = s.harness();
    h.step();
    to_the_form(&mut h);
    fill(&mut h, "Name", "Studio");
    fill(&mut h, "Gateway URL", &t.url);
    fill(&mut h, "User", "jdoe");
    h.get_by_label("Token command").click();
    h.run();
    // No secret to enter: the command gives the token.
    assert!(
        h.query_by_role_and_label(Role::PasswordInput, "Token")
            .is_none()
    );
    fill(
        &mut h,
        "Token command",
        &format!("{} --user {{user}}", helper.display()),
    );
    h.get_by_label("Save and connect").click();
    step_until(&mut h, "jdoe's jobs", |h| {
        h.query_all_by_label_contains("Stop watching")
            .next()
            .is_some()
    });
    assert!(
        s.creds.get("Studio").unwrap().is_none(),
        "nothing in the keyring"
    );
    let saved = s.store().load().file;
    let p = saved.get("Studio").unwrap();
    assert_eq!(p.auth, cuedesk::profiles::AuthMode::Command);
    let text = std::fs::read_to_string(s.store().path()).unwrap();
    assert!(!text.contains(&token), "the token is never written");
}
