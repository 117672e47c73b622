//! The gateway's wire format, checked with raw HTTP (no CueDesk client): what a curl user sees.
//! Run against the simulator these prove it behaves like the real gateway; run against a real
//! gateway (see `tests/common`) they check the contract itself. All read-only.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Target, discover};
use cuedesk::api::auth::{mint_token, now_epoch};
use secrecy::SecretString;
use serde_json::{Value, json};

struct Raw {
    status: u16,
    content_type: String,
    body: String,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(
    t: &Target,
    method: reqwest::Method,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Raw {
    send_with(t, method, path, auth, body, None).await
}

async fn send_with(
    t: &Target,
    method: reqwest::Method,
    path: &str,
    auth: Option<&str>,
    body: &str,
    grpc_timeout: Option<&str>,
) -> Raw {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut req = http
        .request(method, format!("{}{path}", t.url))
        .body(body.to_owned());
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if let Some(g) = grpc_timeout {
        req = req.header("Grpc-Timeout", g);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Raw {
        status,
        content_type,
        body: resp.text().await.unwrap(),
    }
}

async fn post(t: &Target, path: &str, body: &str) -> Raw {
    let auth = format!("Bearer {}", t.token());
    send(t, reqwest::Method::POST, path, Some(&auth), body).await
}

fn assert_status_body(r: &Raw, status: u16, code: i64) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(
        r.content_type.starts_with("application/json"),
        "{}",
        r.content_type
    );
    let v = r.json();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["code", "details", "message"],
        "no `error` key, `details` always there"
    );
    assert_eq!(v["code"], json!(code));
    assert_eq!(v["details"], json!([]));
}

#[tokio::test]
async fn the_jwt_middleware_answers_plain_text_401s() {
    let t = Target::new().await;
    let path = "/show.ShowInterface/GetShows";
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "Authorization header required\n"),
        (
            Some("Bearer invalid_token".into()),
            "Token validation error: token is malformed: token contains an invalid number of segments\n",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint_token(
                    "x",
                    &SecretString::from("wrong"),
                    now_epoch(),
                    Duration::from_secs(60)
                )
                .unwrap()
            )),
            "Token validation error: token signature is invalid: signature is invalid\n",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint_token(
                    "x",
                    &SecretString::from(t.secret.clone()),
                    now_epoch() - 600,
                    Duration::from_secs(60)
                )
                .unwrap()
            )),
            "Token validation error: token has invalid claims: token is expired",
        ),
        (
            Some(format!(
                "Bearer {}.{}.c2ln",
                URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
                URL_SAFE_NO_PAD.encode(b"{}")
            )),
            "Token validation error: token is unverifiable: error while executing keyfunc: Unexpected signing method: RS256\n",
        ),
    ];
    for (auth, want) in cases {
        let r = send(&t, reqwest::Method::POST, path, auth.as_deref(), "{}").await;
        assert_eq!(r.status, 401);
        assert_eq!(r.content_type, "text/plain; charset=utf-8");
        // golang-jwt's next release appends " by <duration>" to the expiry text: match a prefix.
        assert!(
            r.body.starts_with(want),
            "{:?} does not start with {want:?}",
            r.body
        );
    }
    // The middleware runs before routing: an unknown path or a GET without a token is a 401 too.
    assert_eq!(
        send(&t, reqwest::Method::GET, "/nothing/here", None, "")
            .await
            .status,
        401
    );
    // A bare token without "Bearer " passes (the gateway only trims the prefix).
    let bare = send(&t, reqwest::Method::POST, path, Some(&t.token()), "{}").await;
    assert_eq!(bare.status, 200);
}

#[tokio::test]
async fn routing_errors_are_grpc_status_json() {
    let t = Target::new().await;
    assert_status_body(
        &post(&t, "/frame.FrameInterface/GetFrame", "{}").await,
        404,
        5,
    );
    assert_status_body(
        &post(&t, "/comment.CommentInterface/GetComments", "{}").await,
        404,
        5,
    );
    assert_eq!(
        post(&t, "/frame.FrameInterface/GetFrame", "{}")
            .await
            .json()["message"],
        "Not Found"
    );
    let auth = format!("Bearer {}", t.token());
    let get = send(
        &t,
        reqwest::Method::GET,
        "/show.ShowInterface/GetShows",
        Some(&auth),
        "",
    )
    .await;
    assert_status_body(&get, 501, 12);
    assert_eq!(get.json()["message"], "Method Not Allowed");
}

#[tokio::test]
async fn request_decoding_follows_protojson() {
    let t = Target::new().await;
    let path = "/job.JobInterface/GetJobs";
    let bad = post(&t, path, "invalid-json").await;
    assert_status_body(&bad, 400, 3);
    assert_eq!(
        bad.json()["message"],
        "invalid character 'i' looking for beginning of value"
    );
    assert_status_body(
        &post(
            &t,
            path,
            r#"{"r":{"include_finished":true,"includeFinished":false}}"#,
        )
        .await,
        400,
        3,
    );
    assert_status_body(&post(&t, path, r#"{"r":{"shows":"demo"}}"#).await, 400, 3);

    // Both spellings work; an unknown key is dropped silently (the tutorial's `show` filters nothing).
    let ids = |r: Raw| -> Vec<Value> {
        r.json()["jobs"]["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].clone())
            .collect()
    };
    let everything = ids(post(&t, path, "{}").await);
    assert_eq!(
        ids(post(&t, path, "").await),
        everything,
        "an empty body is {{}}"
    );
    assert_eq!(
        ids(post(&t, path, r#"{"r":{"show":"no-such-show"}}"#).await),
        everything
    );
    let camel = ids(post(&t, path, r#"{"r":{"includeFinished":true}}"#).await);
    assert_eq!(
        ids(post(&t, path, r#"{"r":{"include_finished":true}}"#).await),
        camel
    );
    assert!(camel.len() >= everything.len());
    assert_eq!(
        ids(post(&t, path, r#"{"r":{}} trailing"#).await),
        everything,
        "text after the JSON value is ignored"
    );
}

#[tokio::test]
async fn responses_are_protojson_with_double_wrapped_lists() {
    let t = Target::new().await;
    let found = discover(&t.client()).await;
    let r = post(
        &t,
        "/job.JobInterface/GetJobs",
        &json!({"r": {"shows": [found.show]}}).to_string(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("application/json"));
    let v = r.json();
    let job = &v["jobs"]["jobs"][0];
    for key in [
        "id",
        "state",
        "name",
        "logDir",
        "isPaused",
        "startTime",
        "stopTime",
        "jobStats",
        "minGpus",
        "lokiUrl",
        "eligibleTime",
    ] {
        assert!(
            job.get(key).is_some(),
            "every field is emitted: {key} missing"
        );
    }
    assert!(job["jobStats"]["maxRss"].is_string(), "int64 as a string");
    assert!(
        job["jobStats"]["totalFrames"].is_number(),
        "int32 as a number"
    );
    assert!(job["state"].is_string(), "enums by name");
    assert!(job.get("job_stats").is_none(), "camelCase only");

    let frames = post(
        &t,
        "/job.JobInterface/GetFrames",
        &json!({"job": {"id": found.job.id}, "req": {"page": 1, "limit": 3}}).to_string(),
    )
    .await
    .json();
    let frame = &frames["frames"]["frames"][0];
    assert_eq!(
        frame["frameStateDisplayOverride"],
        Value::Null,
        "unset messages are null"
    );
    assert!(frame["usedMemory"].is_string());
    assert!(
        frame["name"]
            .as_str()
            .unwrap()
            .ends_with(frame["layerName"].as_str().unwrap())
    );

    let hosts = post(&t, "/host.HostInterface/GetHosts", r#"{"r":{}}"#)
        .await
        .json();
    assert!(hosts["hosts"]["hosts"][0]["memory"].is_string());
    let shows = post(&t, "/show.ShowInterface/GetShows", "{}").await.json();
    assert!(shows["shows"]["shows"].is_array());
}

#[tokio::test]
async fn frames_come_back_empty_without_page_and_limit() {
    let t = Target::new().await;
    let found = discover(&t.client()).await;
    let r = post(
        &t,
        "/job.JobInterface/GetFrames",
        &json!({"job": {"id": found.job.id}}).to_string(),
    )
    .await;
    assert_eq!(r.json(), json!({"frames": {"frames": []}}));
    let r = post(
        &t,
        "/job.JobInterface/GetFrames",
        &json!({"job": {"id": found.job.id}, "req": {"page": 1}}).to_string(),
    )
    .await;
    assert_eq!(r.json(), json!({"frames": {"frames": []}}));
}

#[tokio::test]
async fn a_stale_last_check_hangs_until_the_grpc_timeout() {
    let t = Target::new().await;
    let found = discover(&t.client()).await;
    let stale = now_epoch() - 600;
    let auth = format!("Bearer {}", t.token());
    let body = json!({"job": {"id": found.job.id}, "lastCheck": stale}).to_string();
    let r = send_with(
        &t,
        reqwest::Method::POST,
        "/job.JobInterface/GetUpdatedFrames",
        Some(&auth),
        &body,
        Some("300m"),
    )
    .await;
    assert_status_body(&r, 504, 4);
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: which real RPCs the simulator leaves unimplemented"
)]
async fn real_rpcs_the_simulator_lacks_are_501_other_paths_404() {
    let t = Target::new().await;
    // A real OpenCue RPC that is not simulated: Cuebot's "unimplemented" answer.
    let r = post(&t, "/job.GroupInterface/GetGroup", r#"{"id":"x"}"#).await;
    assert_status_body(&r, 501, 12);
    assert_eq!(
        r.json()["message"],
        "Method job.GroupInterface/GetGroup is unimplemented"
    );
    let r = post(&t, "/filter.FilterInterface/GetActions", "{}").await;
    assert_status_body(&r, 501, 12);
    // Not an OpenCue RPC at all: the gateway has no route.
    for path in [
        "/job.JobInterface/NoSuchMethod",
        "/facility.AllocationInterface/GetAllocations",
        "/frame.FrameInterface/GetFrame",
    ] {
        let r = post(&t, path, "{}").await;
        assert_status_body(&r, 404, 5);
        assert_eq!(r.json()["message"], "Not Found", "{path}");
    }
}

#[tokio::test]
async fn allocations_and_layer_limits_have_the_real_shapes() {
    let t = Target::new().await;
    let r = post(&t, "/facility.AllocationInterface/GetAll", "{}").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let allocs = r.json()["allocations"]["allocations"].clone();
    let first = &allocs.as_array().expect("double-wrapped list")[0];
    for key in ["id", "name", "tag", "facility", "billable", "stats"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert!(first["stats"]["cores"].is_number());
    assert!(first["stats"]["hosts"].is_number());

    let found = discover(&t.client()).await;
    let r = post(
        &t,
        "/job.JobInterface/GetLayers",
        &format!(r#"{{"job":{{"id":"{}"}}}}"#, found.job.id),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for layer in r.json()["layers"]["layers"].as_array().unwrap() {
        let limits = layer["limits"].as_array().expect("limits is a list");
        assert!(limits.iter().all(Value::is_string), "{limits:?}");
        assert!(layer["timeoutLlu"].is_number(), "{layer}");
    }
}
