//! The simulated gateway's HTTP handling, in the real gateway's order: faults (the network and
//! proxies in front), the JWT middleware on every path, routing (404 / 501), request decoding
//! (protojson's rules), then the farm.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::requests::{
    CommentsResponse, FrameResponse, FramesResponse, HostResponse, HostsResponse, JobResponse,
    JobsResponse, LayersResponse, ProcsResponse, ShowResponse, ShowsResponse,
    UpdatedFramesResponse,
};
use crate::api::requests::{
    Empty, FrameKillRequest, FrameRequest, FrameSearchCriteria, HostAddCommentRequest, HostRequest,
    HostSearchCriteria, HostSearchRequest, IdRequest, JobAddCommentRequest, JobFloatRequest,
    JobFramesRequest, JobIntRequest, JobKillFramesRequest, JobKillRequest, JobRequest,
    JobSearchRequest, LayerFramesRequest, LayerKillFramesRequest, LayerRequest, NameRequest,
    UpdatedFramesRequest, paths,
};
use crate::sim::SimClock;
use crate::sim::farm::{Farm, FrameAction, SimError};
use crate::sim::faults::{Fault, Faults};
use crate::sim::jwt;

mod responses;
mod wrangle;

use responses::{
    error_response, html_page, huge, json_response, parse_grpc_timeout, status_response, truncated,
    unauthorized,
};

/// One request as the simulator received it, for tests that check what went on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Body as text.
    pub body: String,
    /// Whether an `Authorization` header was present (its value is never kept).
    pub authorized: bool,
    /// The `Grpc-Timeout` header, if sent.
    pub grpc_timeout: Option<String>,
}

/// The most recent requests (bounded, so a long demo run does not grow).
#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<std::collections::VecDeque<LoggedRequest>>>);

const LOG_CAPACITY: usize = 10_000;

impl RequestLog {
    fn record(&self, r: LoggedRequest) {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(r);
    }

    /// The logged requests, oldest first.
    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets the logged requests.
    pub fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// What the handler shares.
pub(crate) struct Shared {
    pub farm: Arc<Mutex<Farm>>,
    pub secret: Vec<u8>,
    pub clock: SimClock,
    pub faults: Faults,
    pub log: RequestLog,
    /// Writes frame logs, if the simulator keeps them.
    pub logs: Option<super::logs::LogWriter>,
    /// Writes one line per request, if asked (`--log`).
    pub journal: Option<super::journal::Journal>,
}

/// Put on an answer by the fault injector: which fault it was, for the request log.
#[derive(Debug, Clone, Copy)]
struct InjectedFault(&'static str);

/// Every RPC of every service the real gateway registers (`main.go`): one that the simulator
/// does not answer gets 501, as Cuebot answers an unimplemented method; any other path is 404.
const OPENCUE_RPCS: &str = include_str!("opencue-rpcs.txt");

fn is_opencue_rpc(path: &str) -> bool {
    OPENCUE_RPCS
        .lines()
        .any(|line| !line.starts_with('#') && line == path)
}

const SIMULATED: &[&str] = &[
    paths::SHOW_GET_SHOWS,
    paths::SHOW_GET_ACTIVE_SHOWS,
    paths::SHOW_FIND_SHOW,
    paths::JOB_GET_JOBS,
    paths::JOB_GET_JOB,
    paths::JOB_FIND_JOB,
    paths::JOB_PAUSE,
    paths::JOB_RESUME,
    paths::JOB_KILL,
    paths::JOB_SET_PRIORITY,
    paths::JOB_SET_MIN_CORES,
    paths::JOB_SET_MAX_CORES,
    paths::JOB_RETRY_FRAMES,
    paths::JOB_EAT_FRAMES,
    paths::JOB_KILL_FRAMES,
    paths::JOB_GET_LAYERS,
    paths::JOB_GET_FRAMES,
    paths::JOB_GET_UPDATED_FRAMES,
    paths::JOB_GET_COMMENTS,
    paths::JOB_ADD_COMMENT,
    paths::LAYER_GET_FRAMES,
    paths::LAYER_RETRY_FRAMES,
    paths::LAYER_EAT_FRAMES,
    paths::LAYER_KILL_FRAMES,
    paths::FRAME_GET_FRAME,
    paths::FRAME_RETRY,
    paths::FRAME_EAT,
    paths::FRAME_KILL,
    paths::HOST_GET_HOSTS,
    paths::HOST_FIND_HOST,
    paths::HOST_GET_HOST,
    paths::HOST_LOCK,
    paths::HOST_UNLOCK,
    paths::HOST_REBOOT_WHEN_IDLE,
    paths::HOST_GET_PROCS,
    paths::HOST_GET_COMMENTS,
    paths::HOST_ADD_COMMENT,
];

/// The axum handler for every path and method. Every answer carries the simulated clock in its
/// `Date` header, as the real gateway's host clock would (Cuebot runs beside it).
pub(crate) async fn handle(State(st): State<Arc<Shared>>, req: Request) -> Response {
    let arrived = std::time::Instant::now();
    let time = jiff::Timestamp::now();
    let rpc = req.uri().path().to_owned();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return status_response(400, 3, "request body too large");
    };
    let bytes_in = bytes.len();
    let mut resp = answer(&st, parts, bytes).await;
    let date = jiff::Timestamp::from_second(st.clock.now())
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default();
    if let Ok(v) = HeaderValue::from_str(&date) {
        resp.headers_mut().insert(header::DATE, v);
    }
    if let Some(journal) = &st.journal {
        use axum::body::HttpBody as _;
        let ext = resp.extensions();
        journal.record(super::journal::JournalLine {
            time: format!("{time:.3}"),
            rpc,
            status: resp.status().as_u16(),
            code: ext.get::<responses::GrpcCode>().map(|c| c.0),
            duration_ms: u64::try_from(arrived.elapsed().as_millis()).unwrap_or(u64::MAX),
            bytes_in,
            bytes_out: resp.body().size_hint().exact(),
            fault: ext.get::<InjectedFault>().map(|f| f.0),
        });
    }
    resp
}

/// The answer, with what the request log wants to know in its extensions.
async fn answer(st: &Arc<Shared>, parts: Parts, bytes: Bytes) -> Response {
    let (latency, fault) = st.faults.next();
    let name = fault.as_ref().map(Fault::kind).or(latency.map(|_| "slow"));
    let mut resp = answer_with(st, parts, bytes, latency, fault).await;
    if let Some(name) = name {
        resp.extensions_mut().insert(InjectedFault(name));
    }
    resp
}

async fn answer_with(
    st: &Arc<Shared>,
    parts: Parts,
    bytes: Bytes,
    latency: Option<Duration>,
    fault: Option<Fault>,
) -> Response {
    let path = parts.uri.path().to_owned();
    let auth = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let grpc_timeout_header = parts
        .headers
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok());
    st.log.record(LoggedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        authorized: auth.is_some(),
        grpc_timeout: grpc_timeout_header.map(str::to_owned),
    });
    let deadline = grpc_timeout_header.and_then(parse_grpc_timeout);

    if let Some(d) = latency {
        tokio::time::sleep(d).await;
    }
    let truncate = match fault {
        None => false,
        Some(Fault::Truncated) => true,
        Some(Fault::Status {
            status,
            code,
            message,
        }) => return status_response(status, code, &message),
        Some(Fault::Unauthorized(body)) => return unauthorized(&body),
        Some(Fault::Malformed) => {
            return json_response(
                200,
                br#"{"jobs":{"jobs":[{"id":"9f1c2d3e","name":,"state":"PEND"#.to_vec(),
            );
        }
        Some(Fault::Html { status }) => return html_page(status),
        Some(Fault::Huge { bytes }) => return huge(bytes),
        Some(Fault::Reset) => {
            if let Some(kill) = parts.extensions.get::<super::ConnectionKill>() {
                kill.reset();
                // The connection goes away with this handler in it.
                std::future::pending::<()>().await;
            }
            return status_response(502, 14, "connection reset");
        }
        Some(Fault::Latency(_)) => false,
    };

    if let Err(body) = jwt::check(auth, &st.secret, st.clock.now()) {
        return unauthorized(&body);
    }
    if !path.starts_with('/') {
        return status_response(400, 3, "Bad Request");
    }
    let simulated =
        SIMULATED.contains(&path.as_str()) || wrangle::SIMULATED.contains(&path.as_str());
    if !simulated && !is_opencue_rpc(&path) {
        return status_response(404, 5, "Not Found");
    }
    if parts.method != Method::POST {
        return status_response(501, 12, "Method Not Allowed");
    }
    if !simulated {
        return status_response(501, 12, &unimplemented(&path));
    }
    let result = dispatch(st, &path, &bytes, deadline).await;
    // Frames that a call started or stopped have their logs written before the answer goes out.
    if let Some(writer) = &st.logs {
        super::flush_logs(&st.farm, writer).await;
    }
    match result {
        Ok(body) if truncate => truncated(body),
        Ok(body) => {
            let mut resp = json_response(200, body);
            resp.headers_mut().insert(
                "grpc-metadata-content-type",
                HeaderValue::from_static("application/grpc"),
            );
            resp.extensions_mut().insert(responses::GrpcCode(0));
            resp
        }
        Err(e) => error_response(&e),
    }
}

/// Decodes a request as the gateway does: empty body = `{}`, one JSON object, anything after it
/// ignored, unknown fields dropped, both spellings accepted but not together.
fn decode<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, SimError> {
    let trimmed = body.trim_ascii_start();
    let Some(&first) = trimmed.first() else {
        return Ok(T::default());
    };
    if !matches!(
        first,
        b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9'
    ) {
        return Err(SimError::invalid(format!(
            "invalid character '{}' looking for beginning of value",
            char::from(first)
        )));
    }
    if first != b'{' {
        return Err(SimError::invalid(format!(
            "proto: syntax error (line 1:1): unexpected token {}",
            String::from_utf8_lossy(&trimmed[..trimmed.len().min(10)])
        )));
    }
    let mut de = serde_json::Deserializer::from_slice(trimmed);
    T::deserialize(&mut de).map_err(|e| {
        if e.is_eof() {
            SimError::invalid("unexpected EOF")
        } else {
            SimError::invalid(format!("proto: {e}"))
        }
    })
}

fn check_frame_enums(r: &FrameSearchCriteria) -> Result<(), SimError> {
    match r.states.frame_states.iter().find(|s| s.number().is_none()) {
        Some(bad) => Err(SimError::invalid(format!(
            "proto: invalid value for enum field frameStates: {:?}",
            bad.as_str()
        ))),
        None => Ok(()),
    }
}

fn check_host_enums(r: &HostSearchCriteria) -> Result<(), SimError> {
    if let Some(bad) = r.states.state.iter().find(|s| s.number().is_none()) {
        return Err(SimError::invalid(format!(
            "proto: invalid value for enum field state: {:?}",
            bad.as_str()
        )));
    }
    if let Some(bad) = r.lock_states.state.iter().find(|s| s.number().is_none()) {
        return Err(SimError::invalid(format!(
            "proto: invalid value for enum field state: {:?}",
            bad.as_str()
        )));
    }
    Ok(())
}

fn reply<T: Serialize>(v: &T) -> Result<Vec<u8>, SimError> {
    serde_json::to_vec(v).map_err(|e| SimError {
        status: 500,
        code: 13,
        message: e.to_string(),
    })
}

const EMPTY: &[u8] = b"{}";

/// A call that changes the farm and answers `{}`: `change` gets the decoded request (what it
/// returns, such as a count of frames, is not part of the answer).
fn act<T: DeserializeOwned + Default, U>(
    body: &[u8],
    change: impl FnOnce(T) -> Result<U, SimError>,
) -> Result<Vec<u8>, SimError> {
    change(decode(body)?)?;
    Ok(EMPTY.to_vec())
}

#[allow(clippy::too_many_lines)]
async fn dispatch(
    st: &Shared,
    path: &str,
    body: &[u8],
    deadline: Option<Duration>,
) -> Result<Vec<u8>, SimError> {
    let now = st.clock.now();
    // GetUpdatedFrames with a stale lastCheck: Cuebot throws and never answers; the HTTP call
    // hangs until the client gives up, or until the Grpc-Timeout deadline (then 504).
    if path == paths::JOB_GET_UPDATED_FRAMES {
        let r: UpdatedFramesRequest = decode(body)?;
        if now - i64::from(r.last_check) > 60 {
            match deadline {
                Some(d) => {
                    tokio::time::sleep(d).await;
                    return Err(SimError {
                        status: 504,
                        code: 4,
                        message: "context deadline exceeded".into(),
                    });
                }
                None => std::future::pending::<()>().await,
            }
        }
        let farm = st.farm.lock().unwrap_or_else(PoisonError::into_inner);
        let ids: Vec<String> = r.layer_filter.layers.iter().map(|l| l.id.clone()).collect();
        let (state, frames) = farm.updated_frames(&r.job.id, r.last_check, &ids)?;
        drop(farm);
        return reply(&UpdatedFramesResponse {
            state,
            server_time: i32::try_from(now).unwrap_or(i32::MAX),
            updated_frames: frames.into(),
        });
    }

    let mut farm = st.farm.lock().unwrap_or_else(PoisonError::into_inner);
    match path {
        paths::SHOW_GET_SHOWS | paths::SHOW_GET_ACTIVE_SHOWS => {
            let _: Empty = decode(body)?;
            let shows = farm.shows(path == paths::SHOW_GET_ACTIVE_SHOWS);
            drop(farm);
            reply(&ShowsResponse {
                shows: shows.into(),
            })
        }
        paths::SHOW_FIND_SHOW => {
            let r: NameRequest = decode(body)?;
            let show = farm.find_show(&r.name)?;
            drop(farm);
            reply(&ShowResponse { show })
        }
        paths::JOB_GET_JOBS => {
            let r: JobSearchRequest = decode(body)?;
            let jobs = farm.get_jobs(&r.r)?;
            drop(farm);
            reply(&JobsResponse { jobs: jobs.into() })
        }
        paths::JOB_GET_JOB => {
            let r: IdRequest = decode(body)?;
            let job = farm.get_job(&r.id)?;
            drop(farm);
            reply(&JobResponse { job })
        }
        paths::JOB_FIND_JOB => {
            let r: NameRequest = decode(body)?;
            let job = farm.find_job(&r.name)?;
            drop(farm);
            reply(&JobResponse { job })
        }
        paths::JOB_PAUSE | paths::JOB_RESUME => {
            let r: JobRequest = decode(body)?;
            farm.set_paused(&r.job.id, path == paths::JOB_PAUSE)?;
            Ok(EMPTY.to_vec())
        }
        paths::JOB_KILL => act(body, |r: JobKillRequest| farm.kill_job(&r.job.id, now)),
        paths::JOB_SET_PRIORITY => {
            act(body, |r: JobIntRequest| farm.set_priority(&r.job.id, r.val))
        }
        paths::JOB_SET_MIN_CORES | paths::JOB_SET_MAX_CORES => {
            let r: JobFloatRequest = decode(body)?;
            farm.set_cores(&r.job.id, r.val, path == paths::JOB_SET_MAX_CORES)?;
            Ok(EMPTY.to_vec())
        }
        paths::JOB_RETRY_FRAMES | paths::JOB_EAT_FRAMES => {
            let r: JobFramesRequest = decode(body)?;
            check_frame_enums(&r.req)?;
            let action = if path == paths::JOB_RETRY_FRAMES {
                FrameAction::Retry
            } else {
                FrameAction::Eat
            };
            farm.frames_action(&r.job.id, &r.req, action, now)?;
            Ok(EMPTY.to_vec())
        }
        paths::JOB_KILL_FRAMES => act(body, |r: JobKillFramesRequest| {
            check_frame_enums(&r.req)?;
            farm.frames_action(&r.job.id, &r.req, FrameAction::Kill, now)
        }),
        paths::JOB_GET_LAYERS => {
            let r: JobRequest = decode(body)?;
            let layers = farm.get_layers(&r.job.id)?;
            drop(farm);
            reply(&LayersResponse {
                layers: layers.into(),
            })
        }
        paths::JOB_GET_FRAMES => {
            let r: JobFramesRequest = decode(body)?;
            check_frame_enums(&r.req)?;
            let frames = farm.get_frames(&r.job.id, &r.req)?;
            drop(farm);
            reply(&FramesResponse {
                frames: frames.into(),
            })
        }
        paths::JOB_GET_COMMENTS => {
            let r: JobRequest = decode(body)?;
            let comments = farm.job_comments(&r.job.id)?;
            drop(farm);
            reply(&CommentsResponse {
                comments: comments.into(),
            })
        }
        paths::JOB_ADD_COMMENT => act(body, |r: JobAddCommentRequest| {
            farm.add_job_comment(&r.job.id, &r.new_comment, now)
        }),
        paths::LAYER_GET_FRAMES => {
            let r: LayerFramesRequest = decode(body)?;
            check_frame_enums(&r.s)?;
            let frames = farm.get_layer_frames(&r.layer.id, &r.s)?;
            drop(farm);
            reply(&FramesResponse {
                frames: frames.into(),
            })
        }
        paths::LAYER_RETRY_FRAMES | paths::LAYER_EAT_FRAMES => {
            let r: LayerRequest = decode(body)?;
            let action = if path == paths::LAYER_RETRY_FRAMES {
                FrameAction::Retry
            } else {
                FrameAction::Eat
            };
            farm.layer_action(&r.layer.id, action, now)?;
            Ok(EMPTY.to_vec())
        }
        paths::LAYER_KILL_FRAMES => act(body, |r: LayerKillFramesRequest| {
            farm.layer_action(&r.layer.id, FrameAction::Kill, now)
        }),
        paths::FRAME_GET_FRAME => {
            let r: IdRequest = decode(body)?;
            let frame = farm.get_frame(&r.id)?;
            drop(farm);
            reply(&FrameResponse { frame })
        }
        paths::FRAME_RETRY | paths::FRAME_EAT => {
            let r: FrameRequest = decode(body)?;
            let action = if path == paths::FRAME_RETRY {
                FrameAction::Retry
            } else {
                FrameAction::Eat
            };
            farm.frame_action(&r.frame.id, action, now)?;
            Ok(EMPTY.to_vec())
        }
        paths::FRAME_KILL => act(body, |r: FrameKillRequest| {
            farm.frame_action(&r.frame.id, FrameAction::Kill, now)
        }),
        paths::HOST_GET_HOSTS => {
            let r: HostSearchRequest = decode(body)?;
            check_host_enums(&r.r)?;
            let hosts = farm.get_hosts(&r.r, now)?;
            drop(farm);
            reply(&HostsResponse {
                hosts: hosts.into(),
            })
        }
        paths::HOST_FIND_HOST => {
            let r: NameRequest = decode(body)?;
            let host = farm.find_host(&r.name, now)?;
            drop(farm);
            reply(&HostResponse { host })
        }
        paths::HOST_GET_HOST => {
            let r: IdRequest = decode(body)?;
            let host = farm.get_host(&r.id, now)?;
            drop(farm);
            reply(&HostResponse { host })
        }
        paths::HOST_LOCK | paths::HOST_UNLOCK => {
            let r: HostRequest = decode(body)?;
            farm.set_locked(&r.host.id, path == paths::HOST_LOCK)?;
            Ok(EMPTY.to_vec())
        }
        paths::HOST_REBOOT_WHEN_IDLE => {
            act(body, |r: HostRequest| farm.reboot_when_idle(&r.host.id))
        }
        paths::HOST_GET_PROCS => {
            let r: HostRequest = decode(body)?;
            let procs = farm.host_procs(&r.host.id, now)?;
            drop(farm);
            reply(&ProcsResponse {
                procs: procs.into(),
            })
        }
        paths::HOST_GET_COMMENTS => {
            let r: HostRequest = decode(body)?;
            let comments = farm.host_comments(&r.host.id)?;
            drop(farm);
            reply(&CommentsResponse {
                comments: comments.into(),
            })
        }
        paths::HOST_ADD_COMMENT => act(body, |r: HostAddCommentRequest| {
            farm.add_host_comment(&r.host.id, &r.new_comment, now)
        }),
        _ => wrangle::dispatch(&mut farm, path, body, now).unwrap_or_else(|| {
            Err(SimError {
                status: 501,
                code: 12,
                message: unimplemented(path),
            })
        }),
    }
}

/// grpc-java's text for a method the server does not implement.
fn unimplemented(path: &str) -> String {
    format!("Method {} is unimplemented", path.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::requests::JobSearchCriteria;

    #[test]
    fn decoding_follows_protojson_rules() {
        let r: JobSearchRequest = decode(br#"{"r":{"include_finished":true}}"#).unwrap();
        assert!(r.r.include_finished);
        let r: JobSearchRequest =
            decode(br#"{"r":{"includeFinished":true}} trailing junk"#).unwrap();
        assert!(r.r.include_finished);
        let r: JobSearchRequest = decode(br#"{"r":{"show":"demo_show"}}"#).unwrap();
        assert_eq!(
            r.r,
            JobSearchCriteria::default(),
            "unknown keys are dropped"
        );
        let e = decode::<JobSearchRequest>(
            br#"{"r":{"include_finished":true,"includeFinished":false}}"#,
        )
        .unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.message.contains("duplicate field"), "{}", e.message);
        let e = decode::<JobSearchRequest>(b"invalid-json").unwrap_err();
        assert_eq!(
            e.message,
            "invalid character 'i' looking for beginning of value"
        );
        assert!(decode::<JobSearchRequest>(br#"{"r":{"shows":"demo"}}"#).is_err());
        assert!(decode::<JobSearchRequest>(b"[1]").is_err());
        assert!(decode::<JobIntRequest>(br#"{"val":50.5}"#).is_err());
        assert_eq!(decode::<JobIntRequest>(br#"{"val":"50"}"#).unwrap().val, 50);
        let _: Empty = decode(b"").unwrap();
    }

    #[test]
    fn grpc_timeouts_parse() {
        assert_eq!(parse_grpc_timeout("30S"), Some(Duration::from_secs(30)));
        assert_eq!(parse_grpc_timeout("500m"), Some(Duration::from_millis(500)));
        assert_eq!(parse_grpc_timeout("x"), None);
    }
}
