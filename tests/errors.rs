//! Each way a call can fail, as the client reports it: the variant a UI acts on, and the
//! sentence it shows. Secrets never appear in any of them.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::Target;
use cuedesk::api::auth::{mint_token, now_epoch};
use cuedesk::api::requests::JobSearchCriteria;
use cuedesk::api::{ApiClient, ApiError, AuthFailure, ClientConfig, Credentials, UnreachableKind};
use cuedesk::sim::Fault;
use secrecy::SecretString;

const WRONG_SECRET: &str = "definitely-not-the-gateway-secret";

fn assert_no_secret(e: &ApiError, secrets: &[&str]) {
    let all = format!("{e} | {e:?} | {}", e.user_message());
    for s in secrets {
        assert!(!all.contains(s), "secret leaked in {all}");
    }
}

async fn shows_err(c: &ApiClient) -> ApiError {
    c.get_shows().await.unwrap_err()
}

#[tokio::test]
async fn wrong_secret_says_the_secret_does_not_match() {
    let t = Target::new().await;
    let e = shows_err(&t.client_with(Credentials::secret("jdoe", WRONG_SECRET))).await;
    assert!(
        matches!(
            e,
            ApiError::Unauthorized {
                reason: AuthFailure::BadSignature,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.user_message().starts_with("Secret does not match"));
    assert_no_secret(&e, &[WRONG_SECRET, &t.secret]);
}

#[tokio::test]
async fn an_expired_token_says_so() {
    let t = Target::new().await;
    let old = mint_token(
        "jdoe",
        &SecretString::from(t.secret.clone()),
        now_epoch() - 7200,
        Duration::from_secs(3600),
    )
    .unwrap();
    let c = t.client_with(Credentials::token(old.clone()));
    // The UI can warn before a pre-issued token runs out: its exp is read without the secret.
    let exp = c.token_expires_at().unwrap().unwrap();
    assert!((exp - (now_epoch() - 3600)).abs() <= 2, "exp {exp}");
    let e = shows_err(&c).await;
    assert!(
        matches!(
            e,
            ApiError::Unauthorized {
                reason: AuthFailure::Expired,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.user_message().starts_with("Token expired"));
    assert_no_secret(&e, &[&old, &t.secret]);
}

#[tokio::test]
async fn missing_and_malformed_tokens() {
    let t = Target::new().await;
    let e = shows_err(&t.client_with(Credentials::Anonymous)).await;
    assert!(
        matches!(
            e,
            ApiError::Unauthorized {
                reason: AuthFailure::MissingHeader,
                ..
            }
        ),
        "{e:?}"
    );
    let e = shows_err(&t.client_with(Credentials::token("invalid_token"))).await;
    assert!(
        matches!(
            e,
            ApiError::Unauthorized {
                reason: AuthFailure::Malformed,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.user_message().contains("malformed"));
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn an_expired_minted_token_is_reminted_once_and_the_call_retried() {
    let t = Target::new().await;
    let sim = t.sim();
    let c = t.client();
    sim.faults().push(Fault::expired());
    let shows = c.get_shows().await.unwrap();
    assert!(!shows.is_empty());
    assert_eq!(sim.requests().len(), 2, "one 401, one retry");
    assert_eq!(c.requests_sent(), 2);

    // Still expired after the re-mint (e.g. the workstation's clock is far off): one retry only.
    sim.clear_requests();
    sim.faults().push_n(&Fault::expired(), 3);
    let e = c.get_shows().await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Unauthorized {
                reason: AuthFailure::Expired,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(sim.requests().len(), 2);
    sim.faults().clear();

    // A pre-issued token cannot be re-minted: no retry.
    sim.clear_requests();
    sim.faults().push(Fault::expired());
    let token_client = t.client_with(Credentials::token(t.token()));
    assert!(token_client.get_shows().await.is_err());
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn a_wrong_url_is_told_apart_from_a_missing_entity() {
    let t = Target::new().await;
    let mut config = ClientConfig::new(
        format!("{}/opencue", t.url),
        Credentials::secret("jdoe", t.secret.clone()),
    );
    config.request_timeout = Duration::from_secs(10);
    let e = shows_err(&ApiClient::new(config).unwrap()).await;
    assert!(matches!(e, ApiError::NotFound { route: true, .. }), "{e:?}");
    assert!(e.user_message().starts_with("Wrong URL"));

    let e = t
        .client()
        .pause_job("00000000-0000-4000-8000-00000000dead")
        .await
        .unwrap_err();
    match &e {
        ApiError::NotFound {
            route: false,
            message,
            ..
        } => assert_eq!(message, "Job not found"),
        other => panic!("expected a missing job, got {other:?}"),
    }
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn cuebot_down_gateway_errors_and_bad_bodies() {
    let t = Target::new().await;
    let sim = t.sim();
    let c = t.client();

    sim.faults().push(Fault::cuebot_down());
    let e = shows_err(&c).await;
    assert!(
        matches!(
            e,
            ApiError::Gateway {
                status: 503,
                code: 14,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.user_message().starts_with("Cuebot is down"));
    assert!(e.is_transient());

    sim.faults().push(Fault::Malformed);
    let e = shows_err(&c).await;
    match &e {
        ApiError::BadResponse {
            status: 200,
            reason,
            snippet,
            ..
        } => {
            assert!(reason.contains("JSON"), "{reason}");
            assert!(snippet.starts_with(r#"{"jobs""#));
        }
        other => panic!("expected a bad response, got {other:?}"),
    }

    sim.faults().push(Fault::Truncated);
    let e = c.get_jobs(&JobSearchCriteria::default()).await.unwrap_err();
    match &e {
        ApiError::ConnectionLost { detail, .. } => assert!(
            detail.contains("HTTP 200: the connection closed after"),
            "{detail}"
        ),
        other => panic!("expected a cut-off answer, got {other:?}"),
    }
    assert!(
        e.user_message()
            .contains("dropped before the answer arrived")
    );
    assert!(e.is_transient());

    sim.faults().push(Fault::Html { status: 502 });
    let e = shows_err(&c).await;
    match &e {
        ApiError::BadResponse {
            status: 502,
            reason,
            ..
        } => assert!(reason.contains("text/html"), "{reason}"),
        other => panic!("expected an HTML page, got {other:?}"),
    }
    assert!(e.user_message().contains("proxy"));

    // After the faults, the same client works again.
    assert!(!c.get_shows().await.unwrap().is_empty());
    assert_eq!(sim.faults().injected(), 4);
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn slow_answers_time_out() {
    let t = Target::new().await;
    let sim = t.sim();
    let mut config =
        ClientConfig::new(t.url.clone(), Credentials::secret("jdoe", t.secret.clone()));
    config.request_timeout = Duration::from_millis(700);
    let c = ApiClient::new(config).unwrap();
    sim.faults().push(Fault::Latency(Duration::from_secs(5)));
    let e = shows_err(&c).await;
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn responses_over_the_size_cap_are_refused() {
    let t = Target::new().await;
    let mut config =
        ClientConfig::new(t.url.clone(), Credentials::secret("jdoe", t.secret.clone()));
    config.max_response_bytes = 2_000;
    let e = ApiClient::new(config)
        .unwrap()
        .get_jobs(&JobSearchCriteria::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::TooLarge {
                limit_bytes: 2_000,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn nothing_listening_is_connection_refused() {
    // A port that was free a moment ago, on loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = ApiClient::new(ClientConfig::new(
        format!("http://127.0.0.1:{port}"),
        Credentials::secret("jdoe", "s"),
    ))
    .unwrap();
    let e = shows_err(&c).await;
    assert!(
        matches!(
            e,
            ApiError::Unreachable {
                kind: UnreachableKind::Refused,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.user_message().contains("connection refused"));
}

#[tokio::test]
async fn unusable_urls_are_refused_before_anything_is_sent() {
    for bad in ["", "localhost:8448", "ftp://h", "http://"] {
        let e = ApiClient::new(ClientConfig::new(bad, Credentials::Anonymous)).unwrap_err();
        assert!(matches!(e, ApiError::InvalidUrl { .. }), "{bad}: {e:?}");
    }
}

#[tokio::test]
async fn a_dropped_connection_is_connection_lost() {
    // A loopback server that accepts and hangs up without answering (a gateway restarting).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    #[allow(clippy::disallowed_methods)] // A fake server in the test, not app work.
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let c = ApiClient::new(ClientConfig::new(url, Credentials::secret("jdoe", "s"))).unwrap();
    let e = shows_err(&c).await;
    assert!(matches!(e, ApiError::ConnectionLost { .. }), "{e:?}");
    assert!(e.is_transient());
}
