//! The answers the simulated gateway builds: JSON bodies with gRPC status errors, the JWT
//! middleware's plain-text 401s, and the broken answers of the fault injector (proxy pages,
//! truncated and huge bodies).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use crate::sim::farm::SimError;

pub(super) fn json_response(status: u16, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// `google.rpc.Status` as protojson writes it: keys in proto order, `details` always present.
#[derive(Serialize)]
pub(super) struct StatusBody<'a> {
    code: i32,
    message: &'a str,
    details: [(); 0],
}

/// Put on an answer that carries a gRPC status, for the request log.
#[derive(Debug, Clone, Copy)]
pub(super) struct GrpcCode(pub i32);

pub(super) fn status_response(status: u16, code: i32, message: &str) -> Response {
    let body = serde_json::to_vec(&StatusBody {
        code,
        message,
        details: [],
    })
    .unwrap_or_default();
    let mut resp = json_response(status, body);
    resp.extensions_mut().insert(GrpcCode(code));
    resp
}

pub(super) fn error_response(e: &SimError) -> Response {
    status_response(e.status, e.code, &e.message)
}

pub(super) fn unauthorized(body: &str) -> Response {
    let mut resp = Response::new(Body::from(format!("{body}\n")));
    resp.extensions_mut().insert(GrpcCode(16));
    *resp.status_mut() = StatusCode::UNAUTHORIZED;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

pub(super) fn html_page(status: u16) -> Response {
    let page = format!(
        "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut resp = Response::new(Body::from(page));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    resp
}

/// A 200 whose body stops half-way: the declared length is never reached and the connection
/// is dropped.
pub(super) fn truncated(full: Vec<u8>) -> Response {
    use futures_util::StreamExt as _;
    let half = Bytes::from(full[..full.len() / 2].to_vec());
    // The headers and the first half go out; a moment later the connection is reset.
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(half)]).chain(
        futures_util::stream::once(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected truncation",
            ))
        }),
    );
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(len) = HeaderValue::from_str(&full.len().to_string()) {
        resp.headers_mut().insert(header::CONTENT_LENGTH, len);
    }
    resp
}

/// Parses a `Grpc-Timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
pub(super) fn parse_grpc_timeout(v: &str) -> Option<Duration> {
    let (digits, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// 200 with `bytes` of a jobs list that never closes, streamed in 1 MiB chunks with no length.
pub(super) fn huge(bytes: u64) -> Response {
    const CHUNK: usize = 1 << 20;
    let row = br#"{"id":"00000000-pad","name":"padding","state":"PENDING"},"#;
    let mut chunk = Vec::with_capacity(CHUNK + row.len());
    chunk.extend_from_slice(br#"{"jobs":{"jobs":["#);
    while chunk.len() < CHUNK {
        chunk.extend_from_slice(row);
    }
    let chunk = Bytes::from(chunk);
    let count = bytes.div_ceil(CHUNK as u64).max(1);
    let stream =
        futures_util::stream::iter((0..count).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
