//! The last jobs and hosts views of each profile, kept on disk so that the next start shows
//! rows at once (marked with their time) instead of waiting for a slow gateway.
//!
//! One file per profile and view in the OS cache directory: a header line naming the format,
//! then gzip-compressed JSON in the gateway's own wire format, so the same tolerant decoders
//! read it. The file says which gateway, user and show it is for; a file for anything else,
//! of another format, or damaged is ignored (and replaced at the next save). It never holds a
//! secret or a token: only what the gateway answered. Files are written whole to a temporary
//! file and renamed, off the UI thread.

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::types::{Host, Job, Show};

/// The first line of every cache file.
const MAGIC: &[u8] = b"cuedesk view cache 1\n";

/// Files larger than this are not read (a 10,000-job show compresses to about 1 MB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Which view a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachedKind {
    /// A show's jobs.
    Jobs,
    /// The farm's hosts.
    Hosts,
}

impl CachedKind {
    fn suffix(self) -> &'static str {
        match self {
            Self::Jobs => "jobs",
            Self::Hosts => "hosts",
        }
    }
}

/// Whose view a file is: a file whose key differs is someone else's and is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CacheKey {
    /// The profile's name.
    pub profile: String,
    /// The gateway's URL.
    pub gateway_url: String,
    /// The profile's user.
    pub username: String,
}

impl CacheKey {
    /// The key of `profile`'s views.
    pub fn of(profile: &crate::profiles::Profile) -> Self {
        Self {
            profile: profile.name.clone(),
            gateway_url: profile.gateway_url.clone(),
            username: profile.username.clone(),
        }
    }
}

/// A saved view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CachedView {
    /// Whose it is.
    pub key: CacheKey,
    /// When the rows arrived from the gateway (epoch seconds).
    pub saved_at: i64,
    /// The show the jobs are of (jobs view).
    pub show: Option<String>,
    /// Finished jobs were asked for too (jobs view).
    pub include_finished: bool,
    /// The gateway's shows (jobs view, for the show chooser).
    pub shows: Vec<Show>,
    /// The jobs (jobs view).
    pub jobs: Vec<Job>,
    /// The hosts (hosts view).
    pub hosts: Vec<Host>,
}

/// The saved jobs and hosts views of one profile, as read from the disk.
pub type SavedViews = (Option<CachedView>, Option<CachedView>);

/// A profile's views being read while the window opens (`main` starts it beside the window's
/// creation, so the rows can be in the first frame). A session of that profile takes it.
#[derive(Debug)]
pub struct Preread {
    key: CacheKey,
    views: std::sync::mpsc::Receiver<SavedViews>,
}

impl Preread {
    /// The views of `key`, arriving on `views`.
    pub fn new(key: CacheKey, views: std::sync::mpsc::Receiver<SavedViews>) -> Self {
        Self { key, views }
    }

    /// Whose views these are.
    pub fn key(&self) -> &CacheKey {
        &self.key
    }

    /// Where they arrive.
    pub fn into_receiver(self) -> std::sync::mpsc::Receiver<SavedViews> {
        self.views
    }
}

/// Where one profile's views are kept.
#[derive(Debug, Clone)]
pub struct ViewCache {
    dir: PathBuf,
    key: CacheKey,
}

impl ViewCache {
    /// The cache of the profile `key` in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>, key: CacheKey) -> Self {
        Self {
            dir: dir.into(),
            key,
        }
    }

    /// The OS cache directory's folder for views, if the OS has one.
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "cuedesk").map(|d| d.cache_dir().join("views"))
    }

    /// Whose views these are.
    pub fn key(&self) -> &CacheKey {
        &self.key
    }

    /// The file of `kind`: the profile's name made safe for any file system. Two profiles
    /// whose names differ only in such characters share a file; each ignores the other's.
    pub fn path(&self, kind: CachedKind) -> PathBuf {
        let safe: String = self
            .key
            .profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        self.dir.join(format!("{safe}.{}.gz", kind.suffix()))
    }

    /// Reads both saved views.
    pub fn load_all(&self) -> SavedViews {
        (self.load(CachedKind::Jobs), self.load(CachedKind::Hosts))
    }

    /// Reads the saved view of `kind`. `None` when there is none, or it is damaged, of another
    /// format, or someone else's (each said in the log at debug level: nothing is lost).
    pub fn load(&self, kind: CachedKind) -> Option<CachedView> {
        let path = self.path(kind);
        match read(&path) {
            Ok(view) if view.key == self.key => Some(view),
            Ok(_) => {
                tracing::debug!("{} is another profile's view: ignored", path.display());
                None
            }
            Err(e) => {
                tracing::debug!("no saved view in {}: {e}", path.display());
                None
            }
        }
    }

    /// Saves `view` (its key is set to this cache's), replacing the file whole.
    pub fn save(&self, kind: CachedKind, mut view: CachedView) -> std::io::Result<()> {
        view.key.clone_from(&self.key);
        std::fs::create_dir_all(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        file.write_all(MAGIC)?;
        let mut gz = flate2::write::GzEncoder::new(
            std::io::BufWriter::new(&mut file),
            flate2::Compression::fast(),
        );
        serde_json::to_writer(&mut gz, &view)?;
        gz.finish()?.flush()?;
        file.persist(self.path(kind)).map_err(|e| e.error)?;
        Ok(())
    }
}

fn read(path: &Path) -> std::io::Result<CachedView> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::other("too large"));
    }
    let mut reader = std::io::BufReader::new(file);
    let mut magic = Vec::new();
    reader.by_ref().take(64).read_until(b'\n', &mut magic)?;
    if magic != MAGIC {
        return Err(std::io::Error::other(
            "not a CueDesk view cache of this version",
        ));
    }
    let gz = flate2::bufread::GzDecoder::new(reader).take(MAX_FILE_BYTES * 16);
    serde_json::from_reader(std::io::BufReader::new(gz)).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str) -> CacheKey {
        CacheKey {
            profile: profile.into(),
            gateway_url: "http://gw:8448".into(),
            username: "jdoe".into(),
        }
    }

    fn view() -> CachedView {
        CachedView {
            saved_at: 1_700_000_000,
            show: Some("testing".into()),
            jobs: vec![Job {
                id: "j1".into(),
                name: "testing-sh01-jdoe_comp".into(),
                ..Job::default()
            }],
            ..CachedView::default()
        }
    }

    #[test]
    fn a_saved_view_reads_back_for_its_profile_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ViewCache::new(dir.path(), key("studio"));
        cache.save(CachedKind::Jobs, view()).unwrap();
        let back = cache.load(CachedKind::Jobs).unwrap();
        assert_eq!(back.jobs, view().jobs);
        assert_eq!(back.show.as_deref(), Some("testing"));
        assert_eq!(back.key, key("studio"));
        assert!(cache.load(CachedKind::Hosts).is_none(), "no hosts saved");

        // Another gateway or user under the same profile name: not theirs.
        let elsewhere = CacheKey {
            gateway_url: "http://elsewhere:8448".into(),
            ..key("studio")
        };
        let someone = CacheKey {
            username: "someone".into(),
            ..key("studio")
        };
        for other in [elsewhere, someone] {
            let cache = ViewCache::new(dir.path(), other.clone());
            assert!(cache.load(CachedKind::Jobs).is_none(), "{other:?}");
        }
        // Names that make the same file name: each ignores the other's.
        assert!(
            ViewCache::new(dir.path(), key("studio?"))
                .load(CachedKind::Jobs)
                .is_none()
        );
    }

    #[test]
    fn damaged_or_foreign_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ViewCache::new(dir.path(), key("studio"));
        let path = cache.path(CachedKind::Jobs);
        for bytes in [
            &b""[..],
            b"garbage",
            b"cuedesk view cache 1\nnot gzip at all",
            b"cuedesk view cache 99\n",
            b"{\"jobs\":[]}",
        ] {
            std::fs::write(&path, bytes).unwrap();
            assert!(cache.load(CachedKind::Jobs).is_none(), "{bytes:?}");
        }
        // Cut short half-way.
        cache.save(CachedKind::Jobs, view()).unwrap();
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        assert!(cache.load(CachedKind::Jobs).is_none());
        // A save replaces the damaged file.
        cache.save(CachedKind::Jobs, view()).unwrap();
        assert!(cache.load(CachedKind::Jobs).is_some());
    }

    #[test]
    fn file_names_are_safe_and_compact() {
        let cache = ViewCache::new("/c", key("../Studio A/é"));
        assert_eq!(
            cache.path(CachedKind::Hosts),
            PathBuf::from("/c/___Studio_A__.hosts.gz")
        );
    }
}
