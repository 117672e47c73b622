//! Frame logs as RQD writes them: `<logDir>/<job>.<frame>.rqlog`, with the RenderQ header and
//! footer, progress lines in the style of the layer's renderer, warnings and, for failed
//! attempts, the errors an artist looks for. A new attempt moves the previous log to
//! `<file>.1` (and `.1` to `.2`…), so earlier attempts stay beside the current one.
//!
//! The farm reports log directories under a prefix (`/shots`); the writer puts the files under
//! a real directory instead, and a client finds them through a path mapping, as a workstation
//! would find the farm's share.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::farm::{FrameLogFacts, LogEventKind};
use crate::logs::attempt_path;

/// Lines of output a running frame writes per 30 s of simulated time.
const LINES_PER_STEP: usize = 6;
/// A frame started long ago does not get more than this many steps of output at once.
const MAX_STEPS: i32 = 400;

/// Writes the farm's frame logs under a real directory.
#[derive(Debug, Clone)]
pub struct LogWriter {
    root: PathBuf,
    prefix: String,
}

impl LogWriter {
    /// Logs the farm reports under `prefix` (e.g. `/shots`) are written under `root`.
    pub fn new(root: impl Into<PathBuf>, prefix: impl Into<String>) -> Self {
        Self {
            root: root.into(),
            prefix: prefix.into(),
        }
    }

    /// The directory the logs are written under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The prefix the farm reports log paths under.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where a reported log path is on this machine (`None`: not under the prefix).
    pub fn real_path(&self, reported: &str) -> Option<PathBuf> {
        let rest = reported.strip_prefix(&self.prefix)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        Some(self.root.join(rest.trim_start_matches('/')))
    }

    /// Writes what the events say. A failure is logged and skipped: logs are a courtesy of the
    /// simulator, never a reason for it to stop answering.
    pub fn write(&self, events: &[FrameLogFacts]) {
        for e in events {
            if let Err(err) = self.write_one(e) {
                tracing::warn!("could not write the simulated log {}: {err}", e.log_path);
            }
        }
    }

    fn write_one(&self, e: &FrameLogFacts) -> std::io::Result<()> {
        let Some(path) = self.real_path(&e.log_path) else {
            return Ok(());
        };
        match e.kind {
            LogEventKind::Started => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                if path.exists() {
                    rotate(&path)?;
                } else {
                    // First seen with earlier attempts (the farm as generated): write them too.
                    for attempt in 1..=e.retries.clamp(0, 5).cast_unsigned() {
                        let older = attempt_path(&path, attempt);
                        std::fs::write(&older, failed_attempt(e, attempt))?;
                    }
                }
                let steps = ((e.now - e.start) / 30).clamp(0, MAX_STEPS);
                let mut text = header(e);
                for step in 0..=steps {
                    text.push_str(&progress(e, step));
                }
                std::fs::write(&path, text)
            }
            LogEventKind::Progress => {
                let step = ((e.now - e.start) / 30).max(0);
                append(&path, &progress(e, step))
            }
            LogEventKind::Ended => {
                let mut text = String::new();
                if !path.exists() {
                    text.push_str(&header(e));
                }
                text.push_str(&ending(e));
                text.push_str(&footer(e));
                append(&path, &text)
            }
        }
    }
}

/// Moves `file` to `file.1`, `file.1` to `file.2`, and so on.
fn rotate(path: &Path) -> std::io::Result<()> {
    let mut highest = 0;
    while attempt_path(path, highest + 1).exists() {
        highest += 1;
    }
    for n in (1..=highest).rev() {
        std::fs::rename(attempt_path(path, n), attempt_path(path, n + 1))?;
    }
    std::fs::rename(path, attempt_path(path, 1))
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

fn rng_for(e: &FrameLogFacts, salt: i64) -> StdRng {
    let mut seed = 0xcbf2_9ce4_8422_2325_u64;
    for b in e.frame_id.bytes() {
        seed = (seed ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    StdRng::seed_from_u64(seed ^ salt.cast_unsigned().wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn rule() -> String {
    "=".repeat(100)
}

fn date(epoch: i32) -> String {
    jiff::Timestamp::from_second(i64::from(epoch))
        .map(|t| t.strftime("%a %b %e %H:%M:%S %Y").to_string())
        .unwrap_or_default()
}

fn header(e: &FrameLogFacts) -> String {
    let mut s = String::new();
    let rule = rule();
    let _ = writeln!(s, "{rule}");
    let _ = writeln!(s, "RenderQ JobSpec      {}\n", date(e.start));
    let rows = [
        (
            "proxy",
            format!("rqd.rqnetwork.RunningFrame/{}", e.frame_id),
        ),
        (
            "command",
            format!(
                "/shots/bin/render --service {} --frame {} --job {}",
                e.service, e.number, e.job_name
            ),
        ),
        ("uid", "1001".into()),
        ("gid", "20".into()),
        ("logDestination", e.log_path.clone()),
        ("cwd", format!("/tmp/{}/{}", e.job_name, e.frame_name)),
        ("renderHost", e.host.clone()),
        ("jobId", e.job_id.clone()),
        ("frameId", e.frame_id.clone()),
        (
            "env",
            format!("CUE_FRAME={} CUE_USER={} CUE_THREADS=4", e.number, e.user),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "{k:<20} {v}");
    }
    let _ = writeln!(s, "{rule}");
    let _ = writeln!(
        s,
        "[{}] Starting {} for frame {} on {}",
        clock(e.start),
        e.service,
        e.number,
        e.host
    );
    s
}

fn clock(epoch: i32) -> String {
    jiff::Timestamp::from_second(i64::from(epoch))
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The output of one 30 s step of a running frame.
fn progress(e: &FrameLogFacts, step: i32) -> String {
    let mut rng = rng_for(e, i64::from(step));
    let span = (e.due - e.start).max(1);
    let t = e.start + step * 30;
    let mut s = String::new();
    for i in 0..LINES_PER_STEP {
        #[allow(clippy::cast_possible_truncation)]
        let at = t + (i as i32) * 5;
        let pct = ((at - e.start) * 100 / span).clamp(0, 99);
        let line = match e.service {
            "arnold" => format!(
                "{} {:>6}MB | {pct:>3}% done - {} rays/pixel",
                clock(at),
                1800 + rng.random_range(0..2400),
                rng.random_range(4..24)
            ),
            "nuke" => format!(
                "[{}] Writing /shots/renders/{}/{}.{:04}.exr ({pct}%) took {:.2} seconds",
                clock(at),
                e.job_name,
                e.frame_name,
                e.number,
                rng.random_range(0.4..3.5)
            ),
            "houdini" | "karma" => format!("ALF_PROGRESS {pct}% ({} primitives)", 10_000 * pct),
            _ => format!("[{}] {} {pct}% complete", clock(at), e.service),
        };
        s.push_str(&line);
        s.push('\n');
        if rng.random_bool(0.04) {
            let _ = writeln!(
                s,
                "WARNING | [texturesys] unable to find tx file for /shots/assets/tex/{}_{}.tif, using source texture",
                e.service,
                rng.random_range(1..40)
            );
        }
    }
    s
}

fn ending(e: &FrameLogFacts) -> String {
    let at = clock(e.stop);
    match e.exit {
        0 => format!("[{at}] Render complete: frame {} written\n", e.number),
        137 => format!(
            "[{at}] ERROR: memory use exceeded the host's limit ({} MB)\n[{at}] Killed\n",
            e.max_rss / 1024
        ),
        286 => format!("[{at}] Frame killed by a user or by Cuebot\n"),
        _ => format!(
            "[{at}] ERROR: [{}] failed to open /shots/assets/cache/{}.bgeo.sc: No such file or directory\n\
             Traceback (most recent call last):\n  File \"render.py\", line 212, in <module>\n\
             RuntimeError: render failed for frame {}\n",
            e.service, e.frame_name, e.number
        ),
    }
}

fn footer(e: &FrameLogFacts) -> String {
    let mut s = String::new();
    let rule = rule();
    let _ = writeln!(s, "{rule}");
    let _ = writeln!(s, "RenderQ Job Complete\n");
    let signal = if e.exit == 137 { 9 } else { 0 };
    let rows = [
        ("exitStatus", e.exit.to_string()),
        ("exitSignal", signal.to_string()),
        (
            "killMessage",
            if e.exit == 286 {
                "Killed by user".into()
            } else {
                String::new()
            },
        ),
        ("startTime", date(e.start)),
        ("endTime", date(e.stop)),
        ("maxrss", e.max_rss.to_string()),
        ("maxUsedGpuMemory", "0".into()),
        ("utime", ((e.stop - e.start).max(0) * 4).to_string()),
        ("stime", ((e.stop - e.start).max(0) / 20).to_string()),
        ("renderhost", e.host.clone()),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "{k:<20}{v}");
    }
    let _ = writeln!(s, "{rule}");
    s
}

/// An earlier attempt that failed.
fn failed_attempt(e: &FrameLogFacts, attempt: u32) -> String {
    let attempt = i32::try_from(attempt).unwrap_or(0);
    let earlier = FrameLogFacts {
        start: e.start - 600 * attempt,
        stop: e.start - 600 * attempt + 240,
        due: e.start - 600 * attempt + 300,
        now: e.start - 600 * attempt + 240,
        exit: 1,
        ..e.clone()
    };
    let mut s = header(&earlier);
    for step in 0..8 {
        s.push_str(&progress(&earlier, step));
    }
    s.push_str(&ending(&earlier));
    s.push_str(&footer(&earlier));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: LogEventKind) -> FrameLogFacts {
        FrameLogFacts {
            kind,
            log_path: "/shots/demo/sh010/logs/job--1/job.0001-comp.rqlog".into(),
            job_id: "j1".into(),
            job_name: "job".into(),
            frame_id: "f1".into(),
            frame_name: "0001-comp".into(),
            number: 1,
            service: "nuke",
            user: "jdoe".into(),
            host: "render01".into(),
            retries: 0,
            start: 1_767_225_600,
            stop: 0,
            due: 1_767_225_900,
            exit: -1,
            max_rss: 2_097_152,
            now: 1_767_225_660,
        }
    }

    #[test]
    fn an_attempt_grows_ends_and_moves_aside_when_the_frame_runs_again() {
        let dir = tempfile::tempdir().unwrap();
        let w = LogWriter::new(dir.path(), "/shots");
        let path = w
            .real_path("/shots/demo/sh010/logs/job--1/job.0001-comp.rqlog")
            .unwrap();
        assert!(w.real_path("/shotsX/a").is_none());
        w.write(&[facts(LogEventKind::Started)]);
        let first = std::fs::read_to_string(&path).unwrap();
        assert!(first.starts_with(&"=".repeat(100)));
        assert!(first.contains("renderHost           render01"));
        let mut p = facts(LogEventKind::Progress);
        p.now += 30;
        w.write(&[p]);
        let grown = std::fs::read_to_string(&path).unwrap();
        assert!(grown.len() > first.len() && grown.starts_with(&first));
        let mut end = facts(LogEventKind::Ended);
        end.stop = end.now + 60;
        end.exit = 1;
        w.write(&[end]);
        let ended = std::fs::read_to_string(&path).unwrap();
        assert!(ended.contains("ERROR: [nuke] failed to open"));
        assert!(ended.contains("exitStatus          1"));
        let mut again = facts(LogEventKind::Started);
        again.retries = 1;
        w.write(&[again]);
        assert_eq!(
            std::fs::read_to_string(attempt_path(&path, 1)).unwrap(),
            ended
        );
        assert!(!std::fs::read_to_string(&path).unwrap().contains("ERROR"));
    }

    #[test]
    fn a_frame_first_seen_after_retries_has_its_earlier_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let w = LogWriter::new(dir.path(), "/shots");
        let mut e = facts(LogEventKind::Started);
        e.retries = 2;
        w.write(&[e.clone()]);
        let path = w.real_path(&e.log_path).unwrap();
        for n in 1..=2 {
            let older = std::fs::read_to_string(attempt_path(&path, n)).unwrap();
            assert!(older.contains("exitStatus          1"), "attempt {n}");
        }
        assert!(!attempt_path(&path, 3).exists());
    }
}
