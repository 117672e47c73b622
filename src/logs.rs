//! Frame logs, read straight from the farm's log share (the gateway serves no log text).
//!
//! - Where: `<job.logDir>/<job.name>.<frame.name>.rqlog` (or a running frame's `Proc.logPath`),
//!   rewritten by the profile's path mappings for this workstation; earlier attempts are
//!   `<file>.1`, `<file>.2`… beside it.
//! - Reading: [`LogText`] holds the bytes and the start of every line, built off the UI thread;
//!   the viewer lays out only the visible lines. [`read_appended`] reads only what a running
//!   frame added since the last look.
//!
//! Everything here that touches the disk blocks: call it from a blocking task, never the UI.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::profiles::PathMapping;

/// At most this much of a log is held in memory: of a bigger file, the end is read.
pub const MAX_LOG_BYTES: u64 = 1 << 30;

/// The log of a frame as Cuebot names it.
pub fn frame_log_path(log_dir: &str, job_name: &str, frame_name: &str) -> String {
    format!(
        "{}/{job_name}.{frame_name}.rqlog",
        log_dir.trim_end_matches(['/', '\\'])
    )
}

/// Rewrites `path` with the mapping whose `from` is the longest prefix of it (at a directory
/// boundary). When the target looks like a Windows path, the rest of the path gets backslashes.
pub fn map_path(path: &str, mappings: &[PathMapping]) -> PathBuf {
    let best = mappings
        .iter()
        .filter(|m| !m.from.is_empty())
        .filter_map(|m| {
            let from = m.from.trim_end_matches(['/', '\\']);
            let rest = path.strip_prefix(from)?;
            (rest.is_empty() || rest.starts_with(['/', '\\'])).then_some((from.len(), m, rest))
        })
        .max_by_key(|(len, _, _)| *len);
    let Some((_, m, rest)) = best else {
        return PathBuf::from(path);
    };
    let to = m.to.trim_end_matches(['/', '\\']);
    let windows = to.contains('\\') || to.as_bytes().get(1) == Some(&b':');
    if windows {
        PathBuf::from(format!("{to}{}", rest.replace('/', "\\")))
    } else {
        PathBuf::from(format!("{to}{rest}"))
    }
}

/// Parses mappings written one per line as `from => to` (blank lines and `#` comments skipped).
pub fn parse_mappings(text: &str) -> Result<Vec<PathMapping>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((from, to)) = line.split_once("=>") else {
            return Err(format!(
                "Line {}: write a mapping as  /farm/path => /local/path",
                n + 1
            ));
        };
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() || to.is_empty() {
            return Err(format!("Line {}: both sides of => are needed", n + 1));
        }
        out.push(PathMapping {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    Ok(out)
}

/// Mappings as [`parse_mappings`] reads them.
pub fn format_mappings(mappings: &[PathMapping]) -> String {
    mappings
        .iter()
        .map(|m| format!("{} => {}", m.from, m.to))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `<file>.N`: the Nth most recent earlier attempt of a frame's log.
pub fn attempt_path(path: &Path, n: u32) -> PathBuf {
    let mut os = path.as_os_str().to_owned();
    os.push(format!(".{n}"));
    PathBuf::from(os)
}

/// One attempt's log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The file.
    pub path: PathBuf,
    /// 0 for the current attempt, N for `<file>.N` (the Nth most recent earlier one).
    pub number: u32,
    /// Size in bytes.
    pub size: u64,
    /// Last modified.
    pub modified: Option<SystemTime>,
}

impl Attempt {
    /// "current" or "earlier attempt N".
    pub fn label(&self) -> String {
        if self.number == 0 {
            "current attempt".to_owned()
        } else {
            format!("earlier attempt .{}", self.number)
        }
    }
}

/// The log files of a frame: the current one first (if it exists), then `.1`, `.2`…
pub fn attempts(path: &Path) -> std::io::Result<Vec<Attempt>> {
    let mut out = Vec::new();
    if let Ok(meta) = std::fs::metadata(path) {
        out.push(Attempt {
            path: path.to_owned(),
            number: 0,
            size: meta.len(),
            modified: meta.modified().ok(),
        });
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return Ok(out);
    };
    let prefix = format!("{name}.");
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if out.is_empty() => return Err(e),
        Err(_) => return Ok(out),
    };
    let mut older = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|&n| n > 0)
        else {
            continue;
        };
        let meta = entry.metadata().ok();
        older.push(Attempt {
            path: entry.path(),
            number: n,
            size: meta.as_ref().map_or(0, std::fs::Metadata::len),
            modified: meta.and_then(|m| m.modified().ok()),
        });
    }
    older.sort_by_key(|a| a.number);
    out.extend(older);
    Ok(out)
}

/// Why a log could not be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// No file there.
    #[error(
        "No log at {tried}{}. If the farm's logs are on a share this workstation sees elsewhere, add a path mapping to the profile (Profiles..., e.g. /shots => S:\\shots).",
        reported.as_ref().map(|r| format!(" (the farm reports {r})")).unwrap_or_default()
    )]
    NotFound {
        /// The path that was tried on this machine.
        tried: String,
        /// The path as Cuebot reported it, when a mapping changed it.
        reported: Option<String>,
    },
    /// The file is there but could not be read.
    #[error("Cannot read {path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// The OS's reason.
        message: String,
    },
}

impl LogError {
    fn from_io(path: &Path, reported: &str, e: &std::io::Error) -> Self {
        let tried = path.display().to_string();
        if e.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound {
                reported: (tried != reported).then(|| reported.to_owned()),
                tried,
            }
        } else {
            Self::Unreadable {
                path: tried,
                message: e.to_string(),
            }
        }
    }
}

/// A log's text with the start of every line: lines are found in O(log n) and only the shown
/// ones are decoded.
#[derive(Debug, Clone, Default)]
pub struct LogText {
    bytes: Vec<u8>,
    /// Start offset of each line; the first is 0.
    starts: Vec<usize>,
    /// Bytes at the head of the file that were not read (the file was over the size cap).
    pub skipped: u64,
}

impl LogText {
    /// Indexes `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        let mut t = Self {
            bytes: Vec::new(),
            starts: vec![0],
            skipped: 0,
        };
        t.append(&bytes);
        t
    }

    /// Adds bytes at the end (a partial last line is completed by the next append).
    pub fn append(&mut self, more: &[u8]) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(more);
        self.starts
            .extend(memchr::memchr_iter(b'\n', more).map(|i| base + i + 1));
    }

    /// Bytes held.
    pub fn len_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Number of lines (a final newline does not start another line).
    pub fn line_count(&self) -> usize {
        match self.starts.last() {
            Some(&last) if last == self.bytes.len() => self.starts.len() - 1,
            _ => self.starts.len(),
        }
    }

    /// Line `i` (0-based), without its line ending; invalid UTF-8 is replaced.
    pub fn line(&self, i: usize) -> std::borrow::Cow<'_, str> {
        let Some(&start) = self.starts.get(i) else {
            return "".into();
        };
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.bytes.len(), |&next| next - 1);
        let mut line = &self.bytes[start..end.max(start)];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        String::from_utf8_lossy(line)
    }

    /// The line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The lines matching `query` (case-insensitive text, or a regex), each once, in order.
    pub fn search(&self, query: &str, regex: bool) -> Result<Vec<usize>, String> {
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = if regex {
            query.to_owned()
        } else {
            regex::escape(query)
        };
        let re = regex::bytes::RegexBuilder::new(&pattern)
            .case_insensitive(true)
            .multi_line(true)
            .build()
            .map_err(|e| {
                format!(
                    "Not a valid regex: {}",
                    e.to_string().lines().last().unwrap_or("")
                )
            })?;
        let mut lines: Vec<usize> = Vec::new();
        for m in re.find_iter(&self.bytes) {
            let line = self.line_of(m.start());
            if lines.last() != Some(&line) {
                lines.push(line);
            }
        }
        Ok(lines)
    }
}

/// How a log line reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Ordinary output.
    Normal,
    /// A warning.
    Warning,
    /// An error, a traceback, a kill.
    Error,
}

/// Classifies a line by the words renderers and RQD use.
pub fn classify(line: &str) -> LineKind {
    const ERROR: [&str; 7] = [
        "error",
        "fatal",
        "traceback",
        "exception",
        "segmentation fault",
        "killed",
        "core dumped",
    ];
    let lower = line.to_ascii_lowercase();
    if ERROR.iter().any(|w| lower.contains(w)) {
        LineKind::Error
    } else if lower.contains("warning") || lower.contains("warn ") || lower.contains("[warn]") {
        LineKind::Warning
    } else {
        LineKind::Normal
    }
}

/// A log as read: the text and how far into the file it goes.
#[derive(Debug, Clone)]
pub struct LoadedLog {
    /// The file read (after mapping).
    pub path: PathBuf,
    /// Its text.
    pub text: Arc<LogText>,
    /// File length when read: where the next [`read_appended`] starts.
    pub read_to: u64,
}

/// Reads and indexes a log (blocking). Of a file over `max_bytes`, only the end is read.
pub fn load(path: &Path, reported: &str, max_bytes: u64) -> Result<LoadedLog, LogError> {
    let err = |e: std::io::Error| LogError::from_io(path, reported, &e);
    let mut file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    let skip = len.saturating_sub(max_bytes);
    if skip > 0 {
        file.seek(SeekFrom::Start(skip)).map_err(err)?;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len - skip).unwrap_or(0));
    file.take(len - skip).read_to_end(&mut bytes).map_err(err)?;
    let read_to = skip + bytes.len() as u64;
    let mut text = LogText::new(bytes);
    text.skipped = skip;
    Ok(LoadedLog {
        path: path.to_owned(),
        text: Arc::new(text),
        read_to,
    })
}

/// What a running frame added to its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// These bytes, and the new end.
    More(Vec<u8>, u64),
    /// Nothing new.
    Nothing,
    /// The file is shorter than before: a new attempt replaced it; read it again.
    Replaced,
}

/// Reads what was written to `path` after byte `from` (blocking), at most `max_bytes`.
pub fn read_appended(path: &Path, from: u64, max_bytes: u64) -> Result<Appended, LogError> {
    let err = |e: std::io::Error| LogError::from_io(path, &path.display().to_string(), &e);
    let mut file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    if len < from {
        return Ok(Appended::Replaced);
    }
    if len == from {
        return Ok(Appended::Nothing);
    }
    file.seek(SeekFrom::Start(from)).map_err(err)?;
    let mut bytes = Vec::new();
    file.take((len - from).min(max_bytes))
        .read_to_end(&mut bytes)
        .map_err(err)?;
    let end = from + bytes.len() as u64;
    Ok(Appended::More(bytes, end))
}

/// Opens `path` in the OS's default application, or with `command` when set: its words as a
/// shell would split them, `{path}` and `{line}` replaced (the path is appended when absent).
pub fn open_external(command: &str, path: &Path, line: usize) -> Result<(), String> {
    if command.trim().is_empty() {
        return open::that_detached(path)
            .map_err(|e| format!("Cannot open {}: {e}", path.display()));
    }
    let words = shell_words::split(command).map_err(|e| format!("Editor command: {e}"))?;
    let shown = path.display().to_string();
    let mut has_path = false;
    let args: Vec<String> = words
        .iter()
        .map(|w| {
            has_path |= w.contains("{path}");
            w.replace("{path}", &shown)
                .replace("{line}", &(line + 1).to_string())
        })
        .collect();
    let Some((program, rest)) = args.split_first() else {
        return Err("The editor command is empty".into());
    };
    let mut cmd = std::process::Command::new(program);
    cmd.args(rest);
    if !has_path {
        cmd.arg(path);
    }
    cmd.spawn()
        .map(drop)
        .map_err(|e| format!("Cannot run {program}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(from: &str, to: &str) -> PathMapping {
        PathMapping {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn paths_follow_the_longest_mapping_at_a_directory_boundary() {
        let log = frame_log_path("/shots/demo/logs/", "job_a", "0001-comp");
        assert_eq!(log, "/shots/demo/logs/job_a.0001-comp.rqlog");
        let maps = [m("/shots", "/mnt/shots"), m("/shots/demo", "/fast/demo")];
        assert_eq!(
            map_path(&log, &maps),
            PathBuf::from("/fast/demo/logs/job_a.0001-comp.rqlog")
        );
        assert_eq!(
            map_path("/shotsX/a.rqlog", &maps),
            PathBuf::from("/shotsX/a.rqlog"),
            "not at a boundary"
        );
        assert_eq!(
            map_path("/shots/x/a.rqlog", &[m("/shots/", "S:\\shots\\")]),
            PathBuf::from("S:\\shots\\x\\a.rqlog")
        );
    }

    #[test]
    fn mappings_parse_and_print_back() {
        let text = "# studio share\n/shots => S:\\shots\n\n/logs=>/mnt/logs";
        let maps = parse_mappings(text).unwrap();
        assert_eq!(
            maps,
            [m("/shots", "S:\\shots"), m("/logs", "/mnt/logs")].to_vec()
        );
        assert_eq!(parse_mappings(&format_mappings(&maps)).unwrap(), maps);
        assert!(parse_mappings("/shots S:").unwrap_err().contains("Line 1"));
        assert!(parse_mappings("=> /x").is_err());
    }

    #[test]
    fn lines_are_indexed_across_appends() {
        let mut t = LogText::new(b"one\r\ntwo\nthr".to_vec());
        assert_eq!(t.line_count(), 3);
        assert_eq!(
            (t.line(0), t.line(1), t.line(2)),
            ("one".into(), "two".into(), "thr".into())
        );
        t.append(b"ee\nfour\n");
        assert_eq!(t.line_count(), 4);
        assert_eq!(t.line(2), "three");
        assert_eq!(t.line(3), "four");
        assert_eq!(t.line(9), "");
        assert_eq!(LogText::new(Vec::new()).line_count(), 0);
        assert_eq!(LogText::new(b"\n".to_vec()).line_count(), 1);
    }

    #[test]
    fn search_finds_each_matching_line_once() {
        let t = LogText::new(b"ok\nERROR: x error\nfine\nan Error\n".to_vec());
        assert_eq!(t.search("error", false).unwrap(), [1, 3]);
        assert_eq!(t.search("^an", true).unwrap(), [3]);
        assert_eq!(t.search("a.b", false).unwrap(), Vec::<usize>::new());
        assert!(t.search("(", true).is_err());
        assert_eq!(
            classify("Traceback (most recent call last):"),
            LineKind::Error
        );
        assert_eq!(classify("WARNING | texture"), LineKind::Warning);
        assert_eq!(classify("50% done"), LineKind::Normal);
    }

    #[test]
    fn files_load_grow_and_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rqlog");
        let missing = load(&path, "/shots/a.rqlog", MAX_LOG_BYTES).unwrap_err();
        let message = missing.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("/shots/a.rqlog") && message.contains("path mapping"));
        std::fs::write(&path, "0123456789\nabc\n").unwrap();
        let tail = load(&path, "", 6).unwrap();
        assert_eq!((tail.text.skipped, tail.read_to), (9, 15));
        let full = load(&path, "", MAX_LOG_BYTES).unwrap();
        assert_eq!(full.text.line_count(), 2);
        assert_eq!(read_appended(&path, 15, 100).unwrap(), Appended::Nothing);
        std::fs::write(&path, "0123456789\nabc\ndef\n").unwrap();
        assert_eq!(
            read_appended(&path, 15, 100).unwrap(),
            Appended::More(b"def\n".to_vec(), 19)
        );
        std::fs::write(&path, "new\n").unwrap();
        assert_eq!(read_appended(&path, 15, 100).unwrap(), Appended::Replaced);
        std::fs::write(attempt_path(&path, 2), "old").unwrap();
        std::fs::write(attempt_path(&path, 1), "older").unwrap();
        let found: Vec<u32> = attempts(&path).unwrap().iter().map(|a| a.number).collect();
        assert_eq!(found, [0, 1, 2]);
    }
}
