//! The typed, async client of the OpenCue REST Gateway.
//!
//! Every call is `POST {base}/{package}.{Service}/{Method}` with a JSON body and a bearer JWT.
//! Responses are read with a size cap and decoded leniently; bodies of many MB are decoded on a
//! blocking thread so the async workers (and the UI that awaits them) never stall.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::ExposeSecret as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::auth::{Credentials, TokenSource, now_epoch};
use crate::api::error::{ApiError, AuthFailure, StatusBody, TlsProblem, UnreachableKind, snippet};

/// Frames per GetFrames page when the caller does not choose.
pub const DEFAULT_FRAME_PAGE_SIZE: i32 = 1000;

/// GetUpdatedFrames hangs when `lastCheck` is older than this by Cuebot's clock.
pub const UPDATED_FRAMES_MAX_AGE_SECS: i64 = 60;

/// Safety margin under [`UPDATED_FRAMES_MAX_AGE_SECS`] for clock drift and time in flight.
pub(crate) const UPDATED_FRAMES_SAFE_AGE_SECS: i64 = 50;

/// Bodies larger than this are decoded on a blocking thread.
const BLOCKING_DECODE_BYTES: usize = 256 * 1024;

/// How to reach one gateway.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The gateway's base URL, e.g. `http://localhost:8448` (a path prefix is kept).
    pub base_url: String,
    /// Secret, token, or none.
    pub credentials: Credentials,
    /// Time allowed to open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole call; the gateway is told a little less through `Grpc-Timeout`,
    /// so a stuck Cuebot becomes a 504 rather than a hang.
    pub request_timeout: Duration,
    /// Responses larger than this are refused with [`ApiError::TooLarge`].
    pub max_response_bytes: u64,
    /// Only reading calls (`Get…`, `Find…`) are sent; any other is refused here with
    /// [`ApiError::ReadOnly`], whatever the UI does.
    pub read_only: bool,
    /// Extra CA certificates (a PEM file) trusted besides the system's roots, for studios
    /// that run their own certificate authority. Read on the first call, off the UI thread.
    pub ca_file: Option<std::path::PathBuf>,
}

impl ClientConfig {
    /// A configuration with the default timeouts (connect 5 s, request 30 s) and a 256 MiB cap.
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            base_url: base_url.into(),
            credentials,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_response_bytes: 256 * 1024 * 1024,
            read_only: false,
            ca_file: None,
        }
    }
}

/// Who asked for a kill, and why: recorded by Cuebot with the kill.
#[derive(Debug, Clone, Default)]
pub struct KillReason {
    /// The user on whose behalf the kill is sent.
    pub username: String,
    /// Free text shown in Cuebot's logs.
    pub reason: String,
}

/// The gateway client. Cheap to clone; clones share the connection pool and token.
#[derive(Clone, Debug)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Built on the first call (the CA file and the system's roots are read then).
    http: tokio::sync::OnceCell<reqwest::Client>,
    connect_timeout: Duration,
    ca_file: Option<std::path::PathBuf>,
    base: String,
    auth: TokenSource,
    request_timeout: Duration,
    max_response_bytes: u64,
    read_only: bool,
    requests_sent: AtomicU64,
    /// The last `serverTime` seen from GetUpdatedFrames, and when it arrived.
    server_clock: Mutex<Option<(i64, Instant)>>,
}

/// True for a call that only reads (`…/GetJobs`, `…/FindHost`): the only ones a read-only
/// client sends. Everything else, known or not, may change the farm.
pub fn is_read_call(endpoint: &str) -> bool {
    let method = endpoint.rsplit('/').next().unwrap_or("");
    method.starts_with("Get") || method.starts_with("Find")
}

/// Validates and normalises a gateway base URL (http or https, a host, no query).
pub fn parse_base_url(raw: &str) -> Result<String, ApiError> {
    let invalid = |reason: &str| ApiError::InvalidUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let url = url::Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("it must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl ApiClient {
    /// A client for one gateway. Fails only on an unusable URL; nothing is read or sent yet
    /// (cheap enough for the UI thread).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base = parse_base_url(&config.base_url)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http: tokio::sync::OnceCell::new(),
                connect_timeout: config.connect_timeout,
                ca_file: config.ca_file,
                base,
                auth: TokenSource::new(config.credentials),
                request_timeout: config.request_timeout,
                max_response_bytes: config.max_response_bytes,
                read_only: config.read_only,
                requests_sent: AtomicU64::new(0),
                server_clock: Mutex::new(None),
            }),
        })
    }

    /// The gateway's base URL, normalised.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// HTTP requests sent so far (retries included): what a refresh costs.
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests_sent.load(Ordering::Relaxed)
    }

    /// When the token in use expires (epoch s), `None` if it never does or none was minted yet.
    pub fn token_expires_at(&self) -> Result<Option<i64>, ApiError> {
        self.inner.auth.expires_at()
    }

    /// Sends one call and decodes its answer. On a 401 "token is expired" in secret mode, mints a
    /// new token and retries once.
    pub async fn call<Req, Resp>(
        &self,
        endpoint: &'static str,
        request: &Req,
    ) -> Result<Resp, ApiError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned + Send + 'static,
    {
        if self.inner.read_only && !is_read_call(endpoint) {
            return Err(ApiError::ReadOnly {
                endpoint: endpoint.to_owned(),
            });
        }
        let body = serde_json::to_vec(request).map_err(|e| ApiError::Request(e.to_string()))?;
        let mut reminted = false;
        loop {
            let (status, content_type, bytes) = self.send(endpoint, &body).await?;
            if (200..300).contains(&status) {
                return decode_body(endpoint, status, content_type, bytes).await;
            }
            let error = error_from_status(endpoint, status, &content_type, &bytes);
            if let ApiError::Unauthorized { reason, .. } = &error
                && self.inner.auth.renews_after(reason)
                && !reminted
            {
                tracing::info!(endpoint, "401: a new token and one more try");
                self.inner.auth.invalidate();
                reminted = true;
                continue;
            }
            return Err(error);
        }
    }

    /// The HTTP client, built on first use: the system's roots plus the profile's CA file.
    async fn http(&self) -> Result<&reqwest::Client, ApiError> {
        let inner = &self.inner;
        inner
            .http
            .get_or_try_init(|| async {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(inner.connect_timeout)
                    .timeout(inner.request_timeout)
                    .user_agent(concat!("CueDesk/", env!("CARGO_PKG_VERSION")));
                if let Some(path) = &inner.ca_file {
                    let ca_error = |detail: String| ApiError::CaFile {
                        path: path.display().to_string(),
                        detail,
                    };
                    let pem = tokio::fs::read(path)
                        .await
                        .map_err(|e| ca_error(e.to_string()))?;
                    let certs = reqwest::Certificate::from_pem_bundle(&pem)
                        .map_err(|e| ca_error(error_chain(&e)))?;
                    if certs.is_empty() {
                        return Err(ca_error("it holds no PEM certificate".into()));
                    }
                    builder = builder.tls_certs_merge(certs);
                }
                builder
                    .build()
                    .map_err(|e| ApiError::Request(error_chain(&e)))
            })
            .await
    }

    /// One HTTP exchange: returns status, content type and the whole body (capped).
    async fn send(
        &self,
        endpoint: &'static str,
        body: &[u8],
    ) -> Result<(u16, String, Vec<u8>), ApiError> {
        let inner = &self.inner;
        let url = format!("{}{endpoint}", inner.base);
        let mut req = self
            .http()
            .await?
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .header("Grpc-Timeout", grpc_timeout(inner.request_timeout))
            .body(body.to_vec());
        // Minted on the gateway's clock once it is known: a workstation clock that is off by
        // more than a token's life would otherwise send tokens already expired (or not yet born).
        if let Some(token) = inner
            .auth
            .bearer_for_request(self.estimated_server_now())
            .await?
        {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| {
                    ApiError::Token("the token contains characters not allowed in a header".into())
                })?;
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        inner.requests_sent.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(endpoint, bytes = body.len(), "request");
        let mut resp = req.send().await.map_err(|e| self.classify(endpoint, &e))?;
        let status = resp.status().as_u16();
        // The gateway's clock, from its Date header: what a GetUpdatedFrames `lastCheck` is
        // judged against, known before the first delta (this machine's clock may be off).
        if let Some(server_now) = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
        {
            *inner
                .server_clock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some((server_now, Instant::now()));
        }
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let cap = inner.max_response_bytes;
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(ApiError::TooLarge {
                endpoint: endpoint.to_owned(),
                limit_bytes: cap,
            });
        }
        let hint = usize::try_from(resp.content_length().unwrap_or(0).min(cap)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(hint);
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > cap {
                        return Err(ApiError::TooLarge {
                            endpoint: endpoint.to_owned(),
                            limit_bytes: cap,
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(ApiError::Timeout {
                        endpoint: endpoint.to_owned(),
                        secs: inner.request_timeout.as_secs(),
                    });
                }
                Err(e) => {
                    // Headers came, then the connection went (gateway restart, reset, proxy).
                    return Err(ApiError::ConnectionLost {
                        endpoint: endpoint.to_owned(),
                        detail: format!(
                            "HTTP {status}: the connection closed after {} bytes of the answer ({})",
                            bytes.len(),
                            error_chain(&e)
                        ),
                    });
                }
            }
        }
        tracing::debug!(endpoint, status, bytes = bytes.len(), "response");
        Ok((status, content_type, bytes))
    }

    fn classify(&self, endpoint: &str, e: &reqwest::Error) -> ApiError {
        let url = self.inner.base.clone();
        let chain = error_chain(e);
        let lower = chain.to_ascii_lowercase();
        let tls_problem = tls_problem(e);
        let tls = tls_problem.is_some()
            || lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake");
        let problem = tls_problem.unwrap_or(TlsProblem::Other);
        if e.is_timeout() {
            return ApiError::Timeout {
                endpoint: endpoint.to_owned(),
                secs: self.inner.request_timeout.as_secs(),
            };
        }
        if e.is_connect() {
            if tls {
                return ApiError::Tls {
                    url,
                    problem,
                    detail: chain,
                };
            }
            let kind = if has_io_kind(e, std::io::ErrorKind::ConnectionRefused) {
                UnreachableKind::Refused
            } else if lower.contains("dns error")
                || lower.contains("lookup")
                || lower.contains("resolve")
            {
                UnreachableKind::Dns
            } else {
                UnreachableKind::Other
            };
            return ApiError::Unreachable {
                url,
                kind,
                detail: chain,
            };
        }
        if tls {
            return ApiError::Tls {
                url,
                problem,
                detail: chain,
            };
        }
        // Connected, then the connection closed before a response (restart, proxy, reset).
        ApiError::ConnectionLost {
            endpoint: endpoint.to_owned(),
            detail: chain,
        }
    }

    /// Cuebot's clock as best known: the last `serverTime` plus the time since, else our clock.
    pub fn estimated_server_now(&self) -> i64 {
        let clock = *self
            .inner
            .server_clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match clock {
            Some((server_time, at)) => {
                server_time + i64::try_from(at.elapsed().as_secs()).unwrap_or(i64::MAX / 2)
            }
            None => now_epoch(),
        }
    }

    /// Remembers Cuebot's clock from a GetUpdatedFrames answer.
    pub(crate) fn note_server_time(&self, server_time: i32) {
        *self
            .inner
            .server_clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((i64::from(server_time), Instant::now()));
    }

    pub(crate) async fn call_empty<Req: Serialize + ?Sized>(
        &self,
        endpoint: &'static str,
        request: &Req,
    ) -> Result<(), ApiError> {
        let _: serde::de::IgnoredAny = self.call(endpoint, request).await?;
        Ok(())
    }
}

/// An HTTP `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`) as epoch seconds.
fn parse_http_date(value: &str) -> Option<i64> {
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()
        .map(jiff::Timestamp::as_second)
}

/// `Grpc-Timeout` a little under our own timeout, so the gateway answers 504 first.
fn grpc_timeout(request_timeout: Duration) -> String {
    let ms = request_timeout.as_millis().saturating_sub(1000).max(500);
    format!("{}m", ms.min(99_999_999))
}

async fn decode_body<T: DeserializeOwned + Send + 'static>(
    endpoint: &'static str,
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
) -> Result<T, ApiError> {
    if bytes.len() > BLOCKING_DECODE_BYTES {
        tokio::task::spawn_blocking(move || parse_body(endpoint, status, &content_type, &bytes))
            .await
            .map_err(|e| ApiError::Request(format!("decoding task failed: {e}")))?
    } else {
        parse_body(endpoint, status, &content_type, &bytes)
    }
}

fn parse_body<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    content_type: &str,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let trimmed = bytes.trim_ascii();
    let input: &[u8] = if trimmed.is_empty() { b"{}" } else { trimmed };
    serde_json::from_slice(input).map_err(|e| {
        let reason = if !content_type.is_empty() && !content_type.contains("json") {
            format!(
                "a {} body instead of JSON",
                content_type.split(';').next().unwrap_or(content_type)
            )
        } else if e.is_eof() {
            "the JSON is cut off".to_owned()
        } else {
            format!("undecodable JSON: {e}")
        };
        ApiError::BadResponse {
            endpoint: endpoint.to_owned(),
            status,
            reason,
            snippet: snippet(bytes, 200),
        }
    })
}

/// What one answer means: the decoded message for a 2xx, else the error a user is shown.
/// Synchronous and total (never panics, whatever the bytes): the fuzz targets drive it.
pub fn interpret<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    content_type: &str,
    bytes: &[u8],
) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        parse_body(endpoint, status, content_type, bytes)
    } else {
        Err(error_from_status(endpoint, status, content_type, bytes))
    }
}

fn error_from_status(endpoint: &str, status: u16, content_type: &str, bytes: &[u8]) -> ApiError {
    if status == 401 {
        let text = String::from_utf8_lossy(bytes);
        return ApiError::Unauthorized {
            endpoint: endpoint.to_owned(),
            reason: AuthFailure::from_body(&text),
            body: snippet(text.trim_end().as_bytes(), 300),
        };
    }
    match serde_json::from_slice::<StatusBody>(bytes) {
        Ok(body) if status == 404 => ApiError::NotFound {
            endpoint: endpoint.to_owned(),
            route: body.code == 5 && body.message == "Not Found",
            message: body.message,
        },
        Ok(body) => ApiError::Gateway {
            endpoint: endpoint.to_owned(),
            status,
            code: body.code,
            message: body.message,
        },
        // A 404 that is not the gateway's JSON: some other web server answers at that URL.
        Err(_) if status == 404 => ApiError::NotFound {
            endpoint: endpoint.to_owned(),
            message: snippet(bytes, 120),
            route: true,
        },
        Err(_) => ApiError::BadResponse {
            endpoint: endpoint.to_owned(),
            status,
            reason: format!(
                "HTTP {status} with a {} body",
                if content_type.is_empty() {
                    "non-JSON"
                } else {
                    content_type.split(';').next().unwrap_or("")
                }
            ),
            snippet: snippet(bytes, 200),
        },
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// What rustls said about the server's certificate, found anywhere in the error's chain
/// (inside an `io::Error` too, where tokio-rustls puts it).
fn tls_problem(e: &(dyn std::error::Error + 'static)) -> Option<TlsProblem> {
    use rustls::CertificateError as C;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        // io::Errors nest (hyper-util wraps tokio-rustls' own), and their `source()` skips the
        // error they carry: unwrap them by hand.
        let mut inner: &(dyn std::error::Error + 'static) = s;
        while let Some(io) = inner.downcast_ref::<std::io::Error>()
            && let Some(carried) = io.get_ref()
        {
            inner = carried;
        }
        if let Some(r) = inner.downcast_ref::<rustls::Error>() {
            return Some(match r {
                rustls::Error::InvalidCertificate(c) => match c {
                    C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
                    C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotValidYet,
                    C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongHost,
                    // A bad signature: a CA of the same name, but not the one that signed it.
                    C::UnknownIssuer | C::BadSignature => TlsProblem::UnknownCa,
                    C::Revoked => TlsProblem::Revoked,
                    _ => TlsProblem::Other,
                },
                rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                    TlsProblem::NotTls
                }
                _ => TlsProblem::Other,
            });
        }
        source = s.source();
    }
    None
}

fn has_io_kind(e: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == kind
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::requests::FrameSearchCriteria;
    use crate::api::rpc::{with_paging, without_paging};

    #[test]
    fn only_get_and_find_calls_count_as_reading() {
        for read in [
            "/job.JobInterface/GetJobs",
            "/job.JobInterface/GetUpdatedFrames",
            "/host.HostInterface/FindHost",
            "/host.HostInterface/GetProcs",
        ] {
            assert!(is_read_call(read), "{read}");
        }
        for change in [
            "/job.JobInterface/Pause",
            "/job.JobInterface/KillFrames",
            "/host.HostInterface/Lock",
            "/host.HostInterface/AddComment",
            "/job.JobInterface/SomethingNew",
        ] {
            assert!(!is_read_call(change), "{change}");
        }
    }

    #[test]
    fn base_urls_are_validated_and_normalised() {
        assert_eq!(
            parse_base_url(" http://localhost:8448/ ").unwrap(),
            "http://localhost:8448"
        );
        assert_eq!(
            parse_base_url("https://gw.example/opencue/").unwrap(),
            "https://gw.example/opencue"
        );
        assert!(parse_base_url("localhost:8448").is_err());
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("").is_err());
        assert!(parse_base_url("http://h:8448/?a=1").is_err());
    }

    #[test]
    fn grpc_timeout_is_under_the_client_timeout() {
        assert_eq!(grpc_timeout(Duration::from_secs(30)), "29000m");
        assert_eq!(grpc_timeout(Duration::from_millis(800)), "500m");
    }

    #[test]
    fn paging_is_always_sent_for_frame_lists() {
        let c = with_paging(&FrameSearchCriteria::default());
        assert_eq!((c.page, c.limit), (1, DEFAULT_FRAME_PAGE_SIZE));
        let c = without_paging(&FrameSearchCriteria {
            page: 3,
            limit: 10,
            ..Default::default()
        });
        assert_eq!((c.page, c.limit), (0, 0));
    }
}
