//! Errors a user can act on, and the one sentence each turns into.

use std::fmt;

/// Why the gateway refused the token (parsed from its plain-text 401 body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header was sent.
    MissingHeader,
    /// The token is not a JWT (wrong number of segments, bad base64 or JSON).
    Malformed,
    /// The token was signed with another secret than the gateway's `JWT_SECRET`.
    BadSignature,
    /// The token's `exp` is in the past.
    Expired,
    /// The token's `nbf` is in the future.
    NotValidYet,
    /// The token is not signed with HMAC (HS256/384/512).
    UnsupportedAlgorithm,
    /// A claim has the wrong type (e.g. `exp` not a number).
    InvalidClaims,
    /// Some other 401 (a proxy, a newer gateway).
    Other,
}

impl AuthFailure {
    /// Classifies the body of a 401 (golang-jwt v5 texts; prefixes, since newer versions append).
    pub fn from_body(body: &str) -> Self {
        let b = body.trim();
        if b.starts_with("Authorization header required") {
            Self::MissingHeader
        } else if b.contains("token is expired") {
            Self::Expired
        } else if b.contains("signature is invalid") {
            Self::BadSignature
        } else if b.contains("token is malformed") {
            Self::Malformed
        } else if b.contains("token is not valid yet") {
            Self::NotValidYet
        } else if b.contains("token is unverifiable") || b.contains("signing method") {
            Self::UnsupportedAlgorithm
        } else if b.contains("invalid claims") || b.contains("invalid type for claim") {
            Self::InvalidClaims
        } else {
            Self::Other
        }
    }
}

/// What is wrong with the gateway's certificate (or TLS) when a secure connection fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// Past its end date.
    Expired,
    /// Before its start date.
    NotValidYet,
    /// Issued for another host name than the URL's.
    WrongHost,
    /// Signed by an authority this computer does not trust.
    UnknownCa,
    /// Revoked by its authority.
    Revoked,
    /// The server does not speak TLS at that address.
    NotTls,
    /// Anything else (protocol versions, ciphers…).
    Other,
}

fn tls_message(url: &str, problem: TlsProblem, detail: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned());
    match problem {
        TlsProblem::Expired => format!(
            "The certificate of {host} has expired (or this computer's clock is wrong). Ask whoever runs the gateway to renew it; check the date and time here"
        ),
        TlsProblem::NotValidYet => format!(
            "The certificate of {host} is not valid yet: this computer's clock is probably behind. Check the date and time"
        ),
        TlsProblem::WrongHost => format!(
            "The certificate of the gateway is not issued for {host}. Use the host name it was issued for in the URL (often the full domain name)"
        ),
        TlsProblem::UnknownCa => format!(
            "The certificate of {host} is signed by an authority this computer does not trust. If your studio runs its own certificate authority, set the profile's CA file to its certificate (PEM)"
        ),
        TlsProblem::Revoked => format!(
            "The certificate of {host} has been revoked. Ask whoever runs the gateway for a new one"
        ),
        TlsProblem::NotTls => format!(
            "{host} does not answer TLS at this address: the gateway probably serves plain HTTP. Try http:// instead of https://"
        ),
        TlsProblem::Other => format!(
            "Secure connection to {url} failed: {detail}. Check http vs https and the profile's CA file"
        ),
    }
}

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnreachableKind {
    /// Nothing listens on that port.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// Any other connect failure (network down, reset, no route).
    Other,
}

/// Everything that can go wrong talking to a gateway.
///
/// `Display` is the technical form for logs; [`ApiError::user_message`] is the sentence for the UI.
/// No variant ever holds a secret or a token.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The configured gateway URL cannot be used.
    #[error("invalid gateway URL {url:?}: {reason}")]
    InvalidUrl {
        /// What was configured.
        url: String,
        /// Why it is unusable.
        reason: String,
    },

    /// No TCP connection could be made.
    #[error("cannot reach {url}: {detail}")]
    Unreachable {
        /// The gateway's base URL.
        url: String,
        /// Refused, DNS, or other.
        kind: UnreachableKind,
        /// The underlying error text.
        detail: String,
    },

    /// The connection was made, then dropped before an answer arrived (gateway restart, proxy).
    #[error("{endpoint}: connection lost: {detail}")]
    ConnectionLost {
        /// The call's path.
        endpoint: String,
        /// The underlying error text.
        detail: String,
    },

    /// The TLS handshake failed.
    #[error("TLS handshake with {url} failed: {detail}")]
    Tls {
        /// The gateway's base URL.
        url: String,
        /// What was wrong with the certificate, as far as it is known.
        problem: TlsProblem,
        /// The underlying error text.
        detail: String,
    },

    /// The profile's CA file cannot be used.
    #[error("CA file {path}: {detail}")]
    CaFile {
        /// The file configured.
        path: String,
        /// Why it is unusable.
        detail: String,
    },

    /// No answer in time.
    #[error("{endpoint} timed out after {secs} s")]
    Timeout {
        /// The call's path.
        endpoint: String,
        /// The timeout that ran out.
        secs: u64,
    },

    /// HTTP 401 from the JWT middleware.
    #[error("{endpoint}: HTTP 401 {body:?}")]
    Unauthorized {
        /// The call's path.
        endpoint: String,
        /// What the gateway objected to.
        reason: AuthFailure,
        /// The gateway's plain-text reason (never contains the token).
        body: String,
    },

    /// HTTP 404: a wrong URL (the router's "Not Found") or a missing entity.
    #[error("{endpoint}: HTTP 404 {message:?}")]
    NotFound {
        /// The call's path.
        endpoint: String,
        /// The gateway's message.
        message: String,
        /// True when the gateway has no such path (wrong base URL or proto package).
        route: bool,
    },

    /// Any other error status with a gRPC status body `{code, message}`.
    #[error("{endpoint}: HTTP {status}, gRPC code {code}: {message}")]
    Gateway {
        /// The call's path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// gRPC code (14 = Cuebot unavailable, 4 = deadline exceeded, 9 = failed precondition).
        code: i32,
        /// The gateway's or Cuebot's message.
        message: String,
    },

    /// The body could not be understood (not JSON, truncated, an HTML page from a proxy).
    #[error("{endpoint}: bad response (HTTP {status}): {reason}; body starts {snippet:?}")]
    BadResponse {
        /// The call's path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
        /// The first bytes of the body, for the details view.
        snippet: String,
    },

    /// The response was larger than the configured cap.
    #[error("{endpoint}: response larger than {limit_bytes} bytes")]
    TooLarge {
        /// The call's path.
        endpoint: String,
        /// The cap.
        limit_bytes: u64,
    },

    /// A token could not be made from the secret, or the configured token is unusable.
    #[error("token: {0}")]
    Token(String),

    /// GetUpdatedFrames was asked with a `lastCheck` the gateway would hang on (older than 60 s).
    #[error("GetUpdatedFrames lastCheck is {age_secs} s old (the gateway allows 60 s)")]
    DeltaTooOld {
        /// How old `lastCheck` is by the gateway's clock, as estimated.
        age_secs: i64,
    },

    /// The request could not be sent (a local problem building it).
    #[error("request failed: {0}")]
    Request(String),

    /// The task carrying the call failed inside CueDesk (a bug: it panicked), worded for the
    /// user.
    #[error("{0}")]
    Internal(String),

    /// A call that changes the farm, refused by a read-only client before anything was sent.
    #[error("{endpoint}: not sent, the profile is read-only")]
    ReadOnly {
        /// The call's path.
        endpoint: String,
    },
}

impl ApiError {
    /// One short sentence for the UI: what happened and what to do.
    pub fn user_message(&self) -> String {
        match self {
            Self::InvalidUrl { reason, .. } => {
                format!("The gateway URL is not valid ({reason}); use e.g. http://host:8448")
            }
            Self::Unreachable { url, kind: UnreachableKind::Refused, .. } => format!(
                "Gateway not reachable at {url}: connection refused. Is the REST gateway running on that host and port?"
            ),
            Self::Unreachable { url, kind: UnreachableKind::Dns, .. } => {
                format!("Gateway host of {url} not found (DNS). Check the URL")
            }
            Self::Unreachable { url, detail, .. } => {
                format!("Gateway not reachable at {url} ({detail}). Check the network and the URL")
            }
            Self::ConnectionLost { .. } => {
                "The connection to the gateway dropped before the answer arrived. Try again".into()
            }
            Self::Tls {
                url,
                problem,
                detail,
            } => tls_message(url, *problem, detail),
            Self::CaFile { path, detail } => format!(
                "The profile's CA file {path} cannot be used: {detail}. Point it at the PEM certificate of your studio's certificate authority, or clear it"
            ),
            Self::Timeout { secs, .. } => {
                format!("The gateway did not answer within {secs} s. It or Cuebot may be overloaded")
            }
            Self::Unauthorized { reason, .. } => match reason {
                AuthFailure::MissingHeader => {
                    "The gateway wants a token: set this profile's secret or token".into()
                }
                AuthFailure::Malformed => {
                    "The token is malformed: paste the whole JWT (three parts separated by dots)".into()
                }
                AuthFailure::BadSignature => {
                    "Secret does not match: the gateway's JWT_SECRET is different".into()
                }
                AuthFailure::Expired => {
                    "Token expired: make a new token, or store the secret so CueDesk renews it".into()
                }
                AuthFailure::NotValidYet => {
                    "Token not valid yet: check this computer's clock".into()
                }
                AuthFailure::UnsupportedAlgorithm => {
                    "The token is not signed with HS256/384/512; the gateway only accepts HMAC tokens".into()
                }
                AuthFailure::InvalidClaims => {
                    "The token's claims are invalid (exp or nbf is not a number)".into()
                }
                AuthFailure::Other => "The gateway refused the token (HTTP 401)".into(),
            },
            Self::NotFound { endpoint, route: true, .. } => format!(
                "Wrong URL: no OpenCue gateway answers {endpoint} there (HTTP 404). Check the URL's host, port and path"
            ),
            Self::NotFound { message, .. } => format!("Not found: {message}. It may have been removed"),
            Self::Gateway { status: 503, .. } | Self::Gateway { code: 14, .. } => {
                "Cuebot is down behind the gateway (HTTP 503). Try again when it is back".into()
            }
            Self::Gateway { code: 4, .. } | Self::Gateway { status: 504, .. } => {
                "Cuebot did not answer in time (HTTP 504). Try again".into()
            }
            Self::Gateway { code: 9, message, .. } => format!("Not allowed: {message}"),
            Self::Gateway { status, message, .. } => {
                format!("The gateway reported an error (HTTP {status}): {}", first_line(message))
            }
            Self::BadResponse { status, reason, .. } => format!(
                "The server did not answer like an OpenCue gateway (HTTP {status}, {reason}). Is the URL pointing at a proxy or web page?"
            ),
            Self::TooLarge { limit_bytes, .. } => format!(
                "The answer was larger than {} MB and was dropped: check the gateway URL, narrow the search, or raise \"Largest answer\" in the profile",
                limit_bytes >> 20
            ),
            Self::Token(reason) => format!("Cannot make a token: {reason}"),
            Self::DeltaTooOld { .. } => "Frame updates are stale; reloading all frames".into(),
            Self::Request(reason) => format!("The request could not be sent: {reason}"),
            Self::Internal(text) => text.clone(),
            Self::ReadOnly { endpoint } => format!(
                "Not sent: this profile is read-only ({}). Untick Read-only in the profile to act on the farm",
                endpoint.rsplit('/').next().unwrap_or(endpoint)
            ),
        }
    }

    /// True when the gateway answered that the thing asked for does not exist (a job or host
    /// name unknown to Cuebot), not that the route is missing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { route: false, .. })
    }

    /// True when retrying later could succeed (network, timeouts, 5xx); false for auth and URL problems.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. }
            | Self::ConnectionLost { .. }
            | Self::Timeout { .. }
            | Self::TooLarge { .. } => true,
            Self::Gateway { status, .. } => *status >= 500,
            Self::BadResponse { status, .. } => *status >= 500 || *status == 200,
            _ => false,
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The gateway's JSON error body, `{"code", "message", "details"}`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StatusBody {
    #[serde(default)]
    pub code: i32,
    #[serde(default)]
    pub message: String,
}

/// At most `max` characters of `bytes` as text, for error details.
pub(crate) fn snippet(bytes: &[u8], max: usize) -> String {
    // Only the head is decoded: a 50 MB body costs no more than a short one.
    let head = &bytes[..bytes.len().min(max.saturating_mul(4))];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(max).collect();
    if head.len() < bytes.len() || text.chars().count() > max {
        out.push('…');
    }
    out
}

impl fmt::Display for UnreachableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Refused => "connection refused",
            Self::Dns => "host not found",
            Self::Other => "connection failed",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_gateway_401_text_is_classified() {
        let cases = [
            (
                "Authorization header required\n",
                AuthFailure::MissingHeader,
            ),
            (
                "Token validation error: token is malformed: token contains an invalid number of segments\n",
                AuthFailure::Malformed,
            ),
            (
                "Token validation error: token signature is invalid: signature is invalid\n",
                AuthFailure::BadSignature,
            ),
            (
                "Token validation error: token has invalid claims: token is expired\n",
                AuthFailure::Expired,
            ),
            (
                "Token validation error: token has invalid claims: token is expired by 1h0m0s\n",
                AuthFailure::Expired,
            ),
            (
                "Token validation error: token has invalid claims: token is not valid yet\n",
                AuthFailure::NotValidYet,
            ),
            (
                "Token validation error: token is unverifiable: error while executing keyfunc: Unexpected signing method: RS256\n",
                AuthFailure::UnsupportedAlgorithm,
            ),
            (
                "Token validation error: token has invalid claims: invalid type for claim: exp is invalid\n",
                AuthFailure::InvalidClaims,
            ),
            ("<html>401</html>", AuthFailure::Other),
        ];
        for (body, want) in cases {
            assert_eq!(AuthFailure::from_body(body), want, "{body}");
        }
    }

    #[test]
    fn sentences_name_the_fix() {
        let e = ApiError::Unauthorized {
            endpoint: "/show.ShowInterface/GetShows".into(),
            reason: AuthFailure::BadSignature,
            body: String::new(),
        };
        assert!(e.user_message().contains("Secret does not match"));
        let e = ApiError::Gateway {
            endpoint: "/job.JobInterface/GetJobs".into(),
            status: 503,
            code: 14,
            message: "connection error".into(),
        };
        assert!(e.user_message().contains("Cuebot is down"));
        assert!(e.is_transient());
    }
}
