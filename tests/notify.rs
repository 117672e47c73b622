//! Desktop notifications end to end: the window watches jobs on the simulator and tells a
//! notification daemon on a private D-Bus session bus (`org.freedesktop.Notifications`, served
//! here by a stand-in that records each call), focused and unfocused. `scripts/test.sh` and
//! `.ci/run` run the suite inside `dbus-run-session` and set `CUEDESK_TEST_SESSION_BUS=1`;
//! elsewhere (a desktop whose real daemon would show the notifications) this returns early and
//! says so.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::{Target, step_until};
use cuedesk::api::Credentials;
use cuedesk::api::types::{FrameState, Job};
use cuedesk::app::{Connection, CueDeskApp, MainView};
use cuedesk::profiles::Profile;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use zbus::object_server::SignalEmitter;

/// A notification as the daemon got it.
#[derive(Debug, Clone)]
struct Got {
    id: u32,
    app: String,
    summary: String,
    body: String,
    actions: Vec<String>,
}

/// The stand-in daemon: records every Notify and answers with a new id.
#[derive(Default, Clone)]
struct Daemon {
    got: Arc<Mutex<Vec<Got>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut got = self.got.lock().unwrap();
        let id = u32::try_from(got.len()).unwrap() + 1;
        got.push(Got {
            id,
            app: app_name,
            summary,
            body,
            actions,
        });
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "test-daemon".into(),
            "cuedesk".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;
}

const PATH: &str = "/org/freedesktop/Notifications";

struct Bus {
    daemon: Daemon,
    connection: zbus::blocking::Connection,
}

impl Bus {
    fn start() -> Self {
        let daemon = Daemon::default();
        let connection = zbus::blocking::connection::Builder::session()
            .unwrap()
            .name("org.freedesktop.Notifications")
            .unwrap()
            .serve_at(PATH, daemon.clone())
            .unwrap()
            .build()
            .unwrap();
        Self { daemon, connection }
    }

    fn got(&self) -> Vec<Got> {
        self.daemon.got.lock().unwrap().clone()
    }

    /// The user clicked notification `id`. (Signals are sent again until the app has taken
    /// them: it listens only once its notification is shown.)
    fn click(&self, id: u32) {
        self.signal("ActionInvoked", &(id, "default"));
    }

    /// Notification `id` expired.
    fn close(&self, id: u32) {
        self.signal("NotificationClosed", &(id, 1u32));
    }

    fn signal<B>(&self, member: &str, body: &B)
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.connection
            .emit_signal(
                None::<&str>,
                PATH,
                "org.freedesktop.Notifications",
                member,
                body,
            )
            .unwrap();
    }
}

fn focused(h: &mut Harness<'_, CueDeskApp>, focused: bool) {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .focused = Some(focused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: ends jobs and kills frames in the simulated farm"
)]
async fn watched_jobs_ending_dying_or_killed_each_notify_once_focused_or_not() {
    if std::env::var("CUEDESK_TEST_SESSION_BUS").as_deref() != Ok("1") {
        eprintln!(
            "(run inside scripts/with-test-keyring.sh, a private D-Bus session, to test this)"
        );
        return;
    }
    // No daemon on the bus yet: the desktop cannot show one, and says why without hanging.
    let event = cuedesk::watch::Event {
        job_id: "j".into(),
        job: "comp_v012".into(),
        show: "testing".into(),
        kind: cuedesk::watch::EventKind::Succeeded,
        at: 0,
    };
    // (Blocking, on one of the test runtime's two workers: it answers at once.)
    let shown = cuedesk::notify::show(&event);
    assert!(shown.is_err(), "{shown:?}");
    let bus = Bus::start();
    let t = Target::new().await;
    let sim = t.sim();
    let mine = common::jobs_of(&t, "jdoe").await;
    assert!(mine.len() >= 3);
    let done = mine
        .iter()
        .find(|j| j.job_stats.dead_frames == 0)
        .unwrap()
        .clone();
    let others: Vec<&Job> = mine.iter().filter(|j| j.id != done.id).collect();
    let (dying, killed) = (others[0].clone(), others[1].clone());
    let profile = Profile {
        name: "Studio".into(),
        gateway_url: t.url.clone(),
        username: "jdoe".into(),
        default_show: "demo_show".into(),
        // A show's jobs on screen: watching does not need My jobs open.
        view: MainView::Jobs.key().into(),
        refresh_interval_secs: 1,
        ..Profile::default()
    };
    let connection = Connection {
        profile,
        credentials: Credentials::secret("jdoe", t.secret.clone()),
    };
    let mut h = common::harness(None, |rt| {
        CueDeskApp::new(rt, Some(connection)).with_desktop_notifications()
    });
    // The first refresh of the watch list: what is true now is never announced.
    let ticks = |n: usize| {
        move || {
            sim.requests()
                .iter()
                .filter(|r| r.body.contains("\"users\""))
                .count()
                >= n
        }
    };
    let two = ticks(2);
    step_until(&mut h, "two refreshes of the watch list", |_| two());
    assert!(bus.got().is_empty(), "nothing for the state at start");

    // Focused: one job finishes.
    focused(&mut h, true);
    let now = sim.now();
    sim.with_farm(|f| {
        f.end_frames(&done.id, usize::MAX, FrameState::Succeeded, now)
            .unwrap()
    });
    step_until(&mut h, "the first notification", |_| !bus.got().is_empty());

    // Unfocused (another window has the focus): frames die, a job is killed.
    focused(&mut h, false);
    sim.with_farm(|f| {
        f.end_frames(&dying.id, 3, FrameState::Dead, now).unwrap();
        f.kill_job(&killed.id, now).unwrap();
    });
    step_until(&mut h, "three notifications", |_| bus.got().len() >= 3);
    // Two more refreshes: nothing is repeated.
    sim.clear_requests();
    let again = ticks(2);
    step_until(&mut h, "two more refreshes", |_| again());
    let got = bus.got();
    assert_eq!(got.len(), 3, "{got:#?}");
    let find = |summary: String| {
        got.iter()
            .find(|g| g.summary == summary)
            .unwrap_or_else(|| panic!("no {summary:?} in {got:#?}"))
            .clone()
    };
    let finished = find(format!("{} finished", done.name));
    assert_eq!(finished.app, "CueDesk");
    assert!(finished.body.starts_with("Every frame succeeded"));
    assert!(
        finished.actions.contains(&"default".to_owned()),
        "clickable: {:?}",
        finished.actions
    );
    let dead = find(format!("{} has dead frames", dying.name));
    assert!(dead.body.contains("3 more dead frames"), "{}", dead.body);
    assert!(dead.body.contains("exited with status 1"), "{}", dead.body);
    find(format!("{} was killed", killed.name));

    // Clicking the first one raises the window with the job open in My jobs.
    step_until(&mut h, "the job open from its notification", |h| {
        bus.click(finished.id);
        h.state()
            .session
            .as_ref()
            .is_some_and(|s| s.view == MainView::Mine)
            && h.query_by_label_contains("Frames loaded").is_some()
    });
    assert!(
        h.state()
            .session
            .as_ref()
            .unwrap()
            .mine
            .table
            .selected
            .contains(&done.id)
    );
    // The others are closed (expired); nothing is left waiting on them.
    step_until(&mut h, "every notification closed", |h| {
        for g in &got {
            bus.close(g.id);
        }
        h.state().desktop_notifications_open() == 0
    });
}
