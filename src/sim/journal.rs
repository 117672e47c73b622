//! `cuedesk sim --log FILE`: one JSON line per request (when, which RPC, the answer's HTTP
//! status and gRPC code, how long it took, bytes in and out, the fault injected), for
//! measurements such as `scripts/measure-idle.sh` and for other clients' testers.
//!
//! Lines are written by a thread of their own, so a slow disk never holds an answer back.

use std::io::Write as _;
use std::path::Path;
use std::sync::mpsc;

use serde::Serialize;

/// One request, as written to the file.
#[derive(Debug, Clone, Serialize)]
pub struct JournalLine {
    /// When the request arrived, RFC 3339 with milliseconds (the host's clock).
    pub time: String,
    /// The path, e.g. `/job.JobInterface/GetJobs`.
    pub rpc: String,
    /// HTTP status of the answer.
    pub status: u16,
    /// gRPC code of the answer (0 for a success), when it has one.
    pub code: Option<i32>,
    /// From the request's arrival to the answer's headers, milliseconds.
    pub duration_ms: u64,
    /// Request body bytes.
    pub bytes_in: usize,
    /// Answer body bytes, when known before it is sent (every answer but a streamed fault).
    pub bytes_out: Option<u64>,
    /// The injected fault, if any (`slow`, `error`, `unauthorized`, `reset`…).
    pub fault: Option<&'static str>,
}

/// The writer's end: cheap to clone, never blocks.
#[derive(Debug, Clone)]
pub struct Journal(mpsc::Sender<JournalLine>);

impl Journal {
    /// Creates (or truncates) `path` and starts the thread that writes to it.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::File::create(path)?;
        let (tx, rx) = mpsc::channel::<JournalLine>();
        std::thread::Builder::new()
            .name("cuedesk-sim-journal".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                let write = |out: &mut std::io::BufWriter<std::fs::File>, line: &JournalLine| {
                    serde_json::to_writer(&mut *out, line).is_ok() && out.write_all(b"\n").is_ok()
                };
                while let Ok(first) = rx.recv() {
                    // Whatever has arrived meanwhile goes out with it, then to disk.
                    let ok = std::iter::once(first)
                        .chain(rx.try_iter())
                        .all(|line| write(&mut out, &line))
                        && out.flush().is_ok();
                    if !ok {
                        tracing::warn!("cannot write the request log; it stops here");
                        return;
                    }
                }
            })?;
        Ok(Self(tx))
    }

    /// Queues one line.
    pub fn record(&self, line: JournalLine) {
        self.0.send(line).ok();
    }
}
