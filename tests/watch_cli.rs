//! `cuedesk watch` as a script runs it: the real binary against the simulator, with the
//! tutorial's environment variables; what it prints and how it exits.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::Target;
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::api::types::{FrameState, Job};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;

fn watch(t: &Target, secret: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cuedesk"));
    c.arg("watch")
        .args(args)
        .env("OPENCUE_REST_GATEWAY_URL", &t.url)
        .env("JWT_SECRET", secret)
        .env_remove("JWT_TOKEN")
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

async fn pending(t: &Target) -> Vec<Job> {
    t.client()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap()
}

/// Runs to the end (at most a minute); exit code, stdout, stderr.
async fn run(mut c: Command) -> (i32, String, String) {
    let out = tokio::time::timeout(Duration::from_secs(60), c.output())
        .await
        .expect("cuedesk watch did not end")
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_prints_a_line_per_job_and_exits_0() {
    let t = Target::new().await;
    let jobs = pending(&t).await;
    let (a, b) = (&jobs[0], &jobs[1]);
    let (code, out, err) = run(watch(&t, &t.secret, &["--once", &a.name, &b.name])).await;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let s = &a.job_stats;
    assert!(
        lines[0].starts_with(&format!(
            "{}  {}  {}/{} done",
            a.name,
            cuedesk::terminal::Standing::of(a).word(),
            s.succeeded_frames,
            s.total_frames
        )),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(&b.name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_job_a_wrong_secret_or_no_gateway_exit_2_and_say_why() {
    let t = Target::new().await;
    let jobs = pending(&t).await;
    let (code, out, err) = run(watch(&t, &t.secret, &[&jobs[0].name, "no_such_job_v001"])).await;
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("no job named \"no_such_job_v001\""), "{err}");

    let (code, _, err) = run(watch(&t, "not-the-secret", &["--once", &jobs[0].name])).await;
    assert_eq!(code, 2);
    assert!(err.contains("Secret does not match"), "{err}");

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut c = watch(&t, &t.secret, &["--once", &jobs[0].name]);
    c.env("OPENCUE_REST_GATEWAY_URL", &url);
    let (code, _, err) = run(c).await;
    assert_eq!(code, 2);
    assert!(
        err.contains(&url) || err.to_lowercase().contains("reach"),
        "{err}"
    );
}

type Lines = tokio::io::Lines<BufReader<tokio::process::ChildStdout>>;

/// Starts a watch of `job` every second; returns once it printed its first line.
async fn watching(t: &Target, job: &Job) -> (tokio::process::Child, Lines) {
    let mut child = watch(t, &t.secret, &["--interval", "1", &job.name])
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(first.starts_with(&job.name), "{first}");
    (child, lines)
}

/// Reads the rest of the watch's output to its end (a full pipe would stop it); its exit code
/// and last line.
async fn ending((mut child, mut lines): (tokio::process::Child, Lines)) -> (i32, String) {
    let mut last = String::new();
    let end = async {
        while let Ok(Some(line)) = lines.next_line().await {
            last = line;
        }
        child.wait().await.unwrap().code().unwrap()
    };
    let code = tokio::time::timeout(Duration::from_secs(60), end)
        .await
        .expect("cuedesk watch did not end");
    (code, last)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(real_gateway, ignore = "simulator-only: ends and kills jobs")]
async fn a_watch_ends_with_the_jobs_0_when_all_succeeded_1_when_killed() {
    let t = Target::new().await;
    let sim = t.sim();
    let jobs = pending(&t).await;
    let good = jobs
        .iter()
        .find(|j| j.job_stats.dead_frames == 0)
        .unwrap()
        .clone();
    let killed = jobs.iter().find(|j| j.id != good.id).unwrap().clone();

    let child = watching(&t, &good).await;
    let now = sim.now();
    sim.with_farm(|f| {
        f.end_frames(&good.id, usize::MAX, FrameState::Succeeded, now)
            .unwrap()
    });
    let (code, last) = ending(child).await;
    assert_eq!(code, 0);
    assert!(last.contains("SUCCEEDED"), "{last}");

    let child = watching(&t, &killed).await;
    sim.with_farm(|f| f.kill_job(&killed.id, now).unwrap());
    let (code, last) = ending(child).await;
    assert_eq!(code, 1);
    assert!(last.contains("KILLED"), "{last}");
}
