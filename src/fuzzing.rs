//! What the fuzz targets (`tests/fuzz`), the property tests and the corpus replay test feed
//! hostile bytes to: every response decoder, the error/401 body parser, the token reader and
//! the profiles file, each followed by what the app then does with the value (sort by every
//! column, draw the table headless, merge frame updates, word the error).
//!
//! Each function must return normally for every input; a panic is a bug.

use std::cell::RefCell;

use crate::api::client::interpret;
use crate::api::requests::{
    CommentsResponse, FrameResponse, FramesResponse, HostResponse, HostsResponse, JobResponse,
    JobsResponse, LayersResponse, ProcsResponse, ShowResponse, ShowsResponse,
    UpdatedFramesResponse,
};
use crate::api::types::Frame;
use crate::frames::{FrameSync, FrameTable};
use crate::ui::frames::FramesView;
use crate::ui::hosts::HostsView;
use crate::ui::jobs::JobsView;
use crate::ui::layers::LayersView;
use crate::ui::table::{Sort, SortBy, TableColumn, TableRow};

/// A fuzz target: bytes in, nothing out, never a panic.
pub type Target = fn(&[u8]);

/// Every target by name (the names of `tests/fuzz/fuzz_targets/*.rs` and of the corpus folders).
pub const TARGETS: &[(&str, Target)] = &[
    ("shows", shows),
    ("jobs", jobs),
    ("layers", layers),
    ("frames", frames),
    ("updated_frames", updated_frames),
    ("comments", comments),
    ("hosts", hosts),
    ("procs", procs),
    ("single", single),
    ("error_body", error_body),
    ("token", token),
    ("profiles", profiles),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

const JSON: &str = "application/json";

fn decode<T: serde::de::DeserializeOwned>(data: &[u8]) -> Option<T> {
    match interpret::<T>("/fuzz.Target/Decode", 200, JSON, data) {
        Ok(v) => Some(v),
        Err(e) => {
            // What the user would read must be wordable too.
            let _ = e.user_message();
            None
        }
    }
}

/// Sorts `rows` by every column both ways, as clicking each header would.
fn sort_every_way<R: TableRow>(rows: &[R]) {
    let now = crate::api::auth::now_epoch();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    for &column in R::Column::all() {
        for ascending in [true, false] {
            let sort = Sort { column, ascending };
            order.sort_by(|&a, &b| sort.order(column.compare(&rows[a], &rows[b], now)));
        }
    }
}

thread_local! {
    static CTX: RefCell<Option<egui::Context>> = const { RefCell::new(None) };
}

/// One headless frame of `draw` (the context is kept, so fonts are built once per thread).
fn draw(mut f: impl FnMut(&mut egui::Ui)) {
    // Taken out while drawing: after a panic (a finding) the next input gets a fresh context.
    let ctx = CTX
        .with(|cell| cell.borrow_mut().take())
        .unwrap_or_default();
    crate::bench::headless_frame(&ctx, &mut f);
    CTX.with(|cell| *cell.borrow_mut() = Some(ctx));
}

/// GetShows.
pub fn shows(data: &[u8]) {
    if let Some(r) = decode::<ShowsResponse>(data) {
        for s in r.shows.shows {
            let _ = (s.name.len(), s.active);
        }
    }
}

/// Decodes an answer and sorts its rows by every column both ways, as clicking each header
/// would.
fn sorted_rows<R, T>(data: &[u8], rows: impl FnOnce(R) -> Vec<T>) -> Option<Vec<T>>
where
    R: serde::de::DeserializeOwned,
    T: TableRow,
{
    let rows = rows(decode::<R>(data)?);
    sort_every_way(&rows);
    Some(rows)
}

/// GetJobs: decoded, sorted every way, drawn.
pub fn jobs(data: &[u8]) {
    if let Some(rows) = sorted_rows(data, |r: JobsResponse| r.jobs.jobs) {
        let mut view = JobsView::default();
        view.jobs.set(rows);
        draw(|ui| {
            view.table_ui(ui, false, &crate::watch::WatchList::default());
        });
    }
}

/// GetLayers.
pub fn layers(data: &[u8]) {
    if let Some(rows) = sorted_rows(data, |r: LayersResponse| r.layers.layers) {
        let mut view = LayersView::default();
        view.layers.set(rows);
        draw(|ui| {
            view.table_ui(ui, false);
        });
    }
}

/// GetFrames.
pub fn frames(data: &[u8]) {
    if let Some(rows) = sorted_rows(data, |r: FramesResponse| r.frames.frames) {
        let mut view = FramesView::new("fuzz");
        view.sync = FrameSync::with_table(FrameTable::from_frames(rows));
        draw(|ui| {
            view.table_ui(ui, false);
        });
    }
}

/// GetUpdatedFrames, merged into a table holding frames with the updates' ids.
pub fn updated_frames(data: &[u8]) {
    if let Some(r) = decode::<UpdatedFramesResponse>(data) {
        let updates = r.updated_frames.updated_frames;
        let mut table = FrameTable::from_frames(
            updates
                .iter()
                .take(updates.len() / 2)
                .map(|u| Frame {
                    id: u.id.clone(),
                    ..Frame::default()
                })
                .collect(),
        );
        let _ = table.apply_updates(&updates);
        let _ = table.counts();
    }
}

/// GetComments.
pub fn comments(data: &[u8]) {
    if let Some(r) = decode::<CommentsResponse>(data) {
        for c in r.comments.comments {
            let _ = crate::ui::widgets::local_time(c.timestamp);
        }
    }
}

/// GetHosts: decoded, sorted every way, summarised and drawn.
pub fn hosts(data: &[u8]) {
    if let Some(rows) = sorted_rows(data, |r: HostsResponse| r.hosts.hosts) {
        let mut view = HostsView::default();
        view.hosts.set(rows);
        draw(|ui| {
            view.summary_ui(ui);
            view.table_ui(ui, false);
        });
    }
}

/// GetProcs.
pub fn procs(data: &[u8]) {
    sorted_rows(data, |r: ProcsResponse| r.procs.procs);
}

/// The single-object answers (GetShow/FindShow, GetJob/FindJob, GetFrame, GetHost/FindHost).
pub fn single(data: &[u8]) {
    let _ = decode::<ShowResponse>(data);
    let _ = decode::<JobResponse>(data);
    let _ = decode::<FrameResponse>(data);
    let _ = decode::<HostResponse>(data);
}

/// Any non-2xx answer (401 texts, gRPC status JSON, proxy pages): the first two bytes pick
/// the status, the rest is the body; the error is then worded as the user sees it.
pub fn error_body(data: &[u8]) {
    let (status, body) = match data {
        [a, b, rest @ ..] => (300 + u16::from_be_bytes([*a, *b]) % 300, rest),
        _ => (401, data),
    };
    for content_type in [JSON, "text/html; charset=utf-8", ""] {
        if let Err(e) =
            interpret::<JobsResponse>("/job.JobInterface/GetJobs", status, content_type, body)
        {
            let _ = (e.user_message(), e.to_string(), e.is_transient());
        }
    }
}

/// A pasted token: its expiry, as the profile panel reads it.
pub fn token(data: &[u8]) {
    let _ = crate::api::auth::token_expiry(&String::from_utf8_lossy(data));
}

/// `profiles.toml` as a user (or a newer CueDesk) may have left it.
pub fn profiles(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = toml::from_str::<crate::profiles::ProfilesFile>(text);
    }
}

/// Starting inputs for each target: real answers of a small simulated farm (as the gateway
/// words them) and the wire's known quirks. `(target, file name, bytes)`.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    use crate::api::requests::{FrameSearchCriteria, HostSearchCriteria, JobSearchCriteria};
    use crate::sim::{FarmSpec, farm::Farm};

    let now = crate::bench::EPOCH;
    let mut farm = Farm::generate(
        &FarmSpec {
            seed: 11,
            shows: 2,
            jobs: 3,
            frames_per_job: 4,
            hosts: 3,
            big_job_frames: 0,
        },
        now,
    );
    farm.step(now + 120);
    let all = JobSearchCriteria {
        include_finished: true,
        ..Default::default()
    };
    let jobs = farm.get_jobs(&all).unwrap_or_default();
    let job = jobs.first().cloned().unwrap_or_default();
    let frames = farm
        .get_frames(
            &job.id,
            &FrameSearchCriteria {
                page: 1,
                limit: 4,
                ..Default::default()
            },
        )
        .unwrap_or_default();
    let hosts = farm
        .get_hosts(&HostSearchCriteria::default(), now)
        .unwrap_or_default();
    let host = hosts.first().cloned().unwrap_or_default();

    // Field-named, so each answer below is built as the gateway words it.
    let updated_frames = farm
        .updated_frames(&job.id, i32::try_from(now).unwrap_or(0), &[])
        .map(|(_, u)| u.into())
        .unwrap_or_default();
    let server_time = i32::try_from(now).unwrap_or(i32::MAX);
    let state = job.state.clone();
    let shows = farm.shows(false).into();
    let layers = farm.get_layers(&job.id).unwrap_or_default().into();
    let comments = farm.job_comments(&job.id).unwrap_or_default().into();
    let procs = farm.host_procs(&host.id, now).unwrap_or_default().into();
    let frame = frames.first().cloned().unwrap_or_default();
    let (jobs, frames, hosts) = (jobs.into(), frames.into(), hosts.into());
    let seed = |target, name: &str, bytes| (target, name.to_owned(), bytes);
    let mut out: Vec<(&'static str, String, Vec<u8>)> = vec![
        seed("shows", "sim", json(&ShowsResponse { shows })),
        seed("jobs", "sim", json(&JobsResponse { jobs })),
        seed("layers", "sim", json(&LayersResponse { layers })),
        seed("frames", "sim", json(&FramesResponse { frames })),
        seed(
            "updated_frames",
            "sim",
            json(&UpdatedFramesResponse {
                state,
                server_time,
                updated_frames,
            }),
        ),
        seed("comments", "sim", json(&CommentsResponse { comments })),
        seed("hosts", "sim", json(&HostsResponse { hosts })),
        seed("procs", "sim", json(&ProcsResponse { procs })),
        seed("single", "job", json(&JobResponse { job: job.clone() })),
        seed("single", "host", json(&HostResponse { host })),
        seed("single", "frame", json(&FrameResponse { frame })),
    ];
    // The wire's quirks, as the contract describes them.
    let quirks: &[(&'static str, &str, &str)] = &[
        ("jobs", "empty", "{}"),
        ("jobs", "null_list", r#"{"jobs":null}"#),
        (
            "jobs",
            "single_wrapped",
            r#"{"jobs":[{"id":"j1","name":"a"}]}"#,
        ),
        (
            "jobs",
            "strings_and_unknown_enum",
            r#"{"jobs":{"jobs":[{"id":"j","state":"JOB_STATE_FROM_THE_FUTURE","priority":"100","startTime":"-2147483648","stopTime":"4294967296","minCores":"NaN","jobStats":{"totalFrames":"9223372036854775807","runningFrames":-1},"extra":{"x":[1,2]}}]}}"#,
        ),
        (
            "jobs",
            "snake_case",
            r#"{"jobs":{"jobs":[{"id":"j","is_paused":true,"min_cores":1.5,"job_stats":{"dead_frames":3}}]}}"#,
        ),
        (
            "frames",
            "numbers_as_floats",
            r#"{"frames":{"frames":[{"id":"f","number":1e3,"usedMemory":"1e30","state":2,"retryCount":1.5,"startTime":1.0e9}]}}"#,
        ),
        (
            "hosts",
            "huge_numbers",
            r#"{"hosts":{"hosts":[{"id":"h","cores":1e39,"idleCores":-1e39,"memory":"18446744073709551616","freeMemory":"-1","bootTime":2147483647,"pingTime":-2147483648,"load":99999999,"lockState":"NIMBY_LOCKED","state":"REBOOTING"}]}}"#,
        ),
        (
            "updated_frames",
            "deltas",
            r#"{"state":"PENDING","serverTime":"1790000000","updatedFrames":{"updatedFrames":[{"id":"a","state":"RUNNING"},{"id":"a","state":"DEAD"},{"id":"b"}]}}"#,
        ),
        (
            "comments",
            "times",
            r#"{"comments":{"comments":[{"id":"c","timestamp":-2147483648,"user":"u","subject":"","message":"\u0000\ud83d\ude00"}]}}"#,
        ),
        (
            "error_body",
            "expired",
            "\u{1}\u{91}Token validation error: token has invalid claims: token is expired\n",
        ),
        (
            "error_body",
            "signature",
            "\u{1}\u{91}Token validation error: token signature is invalid: signature is invalid\n",
        ),
        (
            "error_body",
            "grpc_503",
            "\u{0}\u{cb}{\"code\":14,\"message\":\"connection error\",\"details\":[]}",
        ),
        (
            "error_body",
            "not_found",
            "\u{0}\u{68}{\"code\":5,\"message\":\"Not Found\",\"details\":[]}",
        ),
        (
            "error_body",
            "proxy_html",
            "\u{0}\u{ce}<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        ),
        ("token", "three_dots", "a.b.c"),
        (
            "token",
            "claims",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZXhwIjoiMTAifQ.sig",
        ),
        (
            "profiles",
            "v1",
            "schema_version = 1\nlast_profile = \"Prod\"\n\n[[profiles]]\nname = \"Prod\"\nurl = \"https://gateway.example:8448\"\nusername = \"jane\"\nauth = \"secret\"\nshow = \"demo\"\nrefresh_secs = 10\n",
        ),
        (
            "profiles",
            "future",
            "schema_version = 9\n[[profiles]]\nname = \"x\"\nnew_field = 1\n",
        ),
    ];
    out.extend(
        quirks
            .iter()
            .map(|(t, n, body)| (*t, (*n).to_owned(), body.as_bytes().to_vec())),
    );
    out
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}
