//! The local action history: every change CueDesk sent to a farm (kill, eat, retry, lock,
//! pause, priority…), when, with which profile, on what, and how it went.
//!
//! Kept in `history.jsonl` beside `profiles.toml`: one JSON object per line, appended and
//! synced as each action finishes (a crash loses at most the line being written; a torn or
//! foreign line is skipped on reading). Past [`ROTATE_BYTES`] the file moves to
//! `history.1.jsonl` (the one before is dropped). File work runs off the UI thread.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The history file's name, in the config directory.
pub const FILE_NAME: &str = "history.jsonl";

/// Entries read back at start and kept in memory.
pub const KEEP: usize = 2000;

/// Targets named in one entry (a retry of 10,000 frames names the first ones and counts the rest).
pub const MAX_TARGETS: usize = 100;

/// Size past which the file is rotated.
pub const ROTATE_BYTES: u64 = 4 * 1024 * 1024;

/// One action sent to a farm.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryEntry {
    /// When it was sent (epoch s).
    pub time: i64,
    /// The profile it was sent with.
    pub profile: String,
    /// The gateway's URL.
    pub gateway: String,
    /// What it was: "Kill", "Eat", "Lock", "Retry"…
    pub action: String,
    /// What it acted on: job, host, frame or layer names ("job: 3 frames" for frames).
    pub targets: Vec<String>,
    /// Every target succeeded.
    pub ok: bool,
    /// What the user was told.
    pub outcome: String,
}

impl HistoryEntry {
    /// An entry for an action sent now; its outcome is filled in when it arrives. Past
    /// [`MAX_TARGETS`] names, the rest are counted.
    pub fn sent(profile: &str, gateway: &str, action: &str, mut targets: Vec<String>) -> Self {
        if targets.len() > MAX_TARGETS {
            let more = targets.len() - MAX_TARGETS;
            targets.truncate(MAX_TARGETS);
            targets.push(format!("and {more} more"));
        }
        Self {
            time: crate::api::auth::now_epoch(),
            profile: profile.to_owned(),
            gateway: gateway.to_owned(),
            action: action.to_owned(),
            targets,
            ok: false,
            outcome: String::new(),
        }
    }

    /// This entry with its outcome.
    pub fn finished(mut self, outcome: &str, ok: bool) -> Self {
        outcome.clone_into(&mut self.outcome);
        self.ok = ok;
        self
    }
}

/// Where the history of a config directory lives.
pub fn path_beside(profiles_toml: &Path) -> PathBuf {
    profiles_toml.with_file_name(FILE_NAME)
}

fn rotated(path: &Path) -> PathBuf {
    path.with_file_name("history.1.jsonl")
}

/// Appends `entries` and syncs them to disk, rotating the file first if it is too big.
pub fn append(path: &Path, entries: &[HistoryEntry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        std::fs::rename(path, rotated(path))?;
    }
    let mut text = String::new();
    for e in entries {
        text.push_str(&serde_json::to_string(e).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

/// What [`load`] found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The newest [`KEEP`] entries, oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines that were not entries (a torn last line, an edit by hand).
    pub skipped: usize,
}

/// Reads the newest `keep` entries (from the rotated file too when needed). A missing file is
/// an empty history.
pub fn load(path: &Path, keep: usize) -> std::io::Result<Loaded> {
    let mut out = Loaded::default();
    for p in [rotated(path), path.to_owned()] {
        let file = match std::fs::File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for line in std::io::BufReader::new(file).lines() {
            let Ok(line) = line else {
                out.skipped += 1;
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<HistoryEntry>(&line) {
                Ok(e) => out.entries.push(e),
                Err(_) => out.skipped += 1,
            }
        }
    }
    let excess = out.entries.len().saturating_sub(keep);
    out.entries.drain(..excess);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: i64) -> HistoryEntry {
        HistoryEntry {
            time: i,
            profile: "Prod".into(),
            gateway: "http://gw:8448".into(),
            action: "Kill".into(),
            targets: vec![format!("job-{i}")],
            ok: i % 2 == 0,
            outcome: format!("Killed 1 job ({i})"),
        }
    }

    #[test]
    fn entries_are_appended_and_read_back_newest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_beside(&dir.path().join("profiles.toml"));
        append(&path, &[entry(1), entry(2)]).unwrap();
        append(&path, &[entry(3)]).unwrap();
        let loaded = load(&path, 2).unwrap();
        assert_eq!(loaded.entries, vec![entry(2), entry(3)]);
        assert_eq!(loaded.skipped, 0);
        assert!(
            load(&dir.path().join("none.jsonl"), 10)
                .unwrap()
                .entries
                .is_empty()
        );
    }

    #[test]
    fn a_torn_line_is_skipped_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        append(&path, &[entry(1)]).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(br#"{"time":2,"profile":"Pro"#).unwrap();
        f.write_all(b"\n").unwrap();
        drop(f);
        append(&path, &[entry(3)]).unwrap();
        let loaded = load(&path, KEEP).unwrap();
        assert_eq!(loaded.entries, vec![entry(1), entry(3)]);
        assert_eq!(loaded.skipped, 1);
    }

    #[test]
    fn a_big_file_is_rotated_and_both_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            " ".repeat(usize::try_from(ROTATE_BYTES).unwrap() + 1),
        )
        .unwrap();
        append(&path, &[entry(1)]).unwrap();
        assert!(rotated(&path).exists());
        append(&path, &[entry(2)]).unwrap();
        assert_eq!(load(&path, KEEP).unwrap().entries, vec![entry(1), entry(2)]);
    }
}
