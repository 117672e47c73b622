//! Signing in with a token command (a studio's credential helper) instead of the gateway's
//! secret: the command runs without a shell with `{user}` replaced, its token is used until
//! near its expiry, it runs again after a 401, and its failure is told in words with what it
//! wrote on standard error. Unix: the helper is a small sh script.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Target;
use cuedesk::api::auth::{Credentials, TokenSource, mint_token, now_epoch};
use cuedesk::api::{ApiClient, ApiError, ClientConfig};
use secrecy::{ExposeSecret as _, SecretString};

/// A helper that logs its arguments to `calls` and prints `token<N>` on its Nth run (else
/// `token`), or fails while `fail` exists.
fn helper(dir: &Path) -> PathBuf {
    let path = dir.join("helper.sh");
    std::fs::write(
        &path,
        r#"#!/bin/sh
dir="$(dirname "$0")"
echo "$@" >> "$dir/calls"
if [ -f "$dir/fail" ]; then echo "no ticket for $2" >&2; exit 3; fi
n=$(wc -l < "$dir/calls" | tr -d ' ')
if [ -f "$dir/token$n" ]; then cat "$dir/token$n"; else cat "$dir/token"; fi
"#,
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn command(dir: &Path) -> Credentials {
    Credentials::Command {
        // A path with a space: split like a shell would.
        command: format!("'{}' --user {{user}}", helper(dir).display()),
        username: "jdoe; rm -rf /".into(),
    }
}

fn token(secret: &str, exp_in: i64) -> String {
    mint_token(
        "jdoe",
        &SecretString::from(secret.to_owned()),
        now_epoch(),
        Duration::from_secs(u64::try_from(exp_in).unwrap()),
    )
    .unwrap()
}

fn client(t: &Target, credentials: Credentials) -> ApiClient {
    ApiClient::new(ClientConfig::new(t.url.clone(), credentials)).unwrap()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("token command ")
        .tempdir()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commands_token_signs_in_and_the_user_is_one_argument() {
    let t = Target::new().await;
    let dir = tempdir();
    std::fs::write(dir.path().join("token"), token(&t.secret, 900) + "\n").unwrap();
    let c = client(&t, command(dir.path()));
    c.get_shows().await.unwrap();
    c.get_shows().await.unwrap();
    // Run once for both calls; `{user}` is one argument, whatever it holds (no shell).
    assert_eq!(calls(dir.path()), ["--user jdoe; rm -rf /"]);
    let exp = c.token_expires_at().unwrap().unwrap();
    assert!((exp - now_epoch() - 900).abs() <= 2, "{exp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_command_is_told_with_its_exit_status_and_stderr() {
    let t = Target::new().await;
    let dir = tempdir();
    std::fs::write(dir.path().join("fail"), "").unwrap();
    let c = client(&t, command(dir.path()));
    let e = c.get_shows().await.unwrap_err();
    let text = e.user_message();
    assert!(matches!(e, ApiError::Token(_)), "{e:?}");
    assert!(text.contains("helper.sh"), "{text}");
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(text.contains("no ticket for jdoe; rm -rf /"), "{text}");
    // Printing something that is not a token is said too.
    std::fs::remove_file(dir.path().join("fail")).unwrap();
    std::fs::write(dir.path().join("token"), "Please log in first\n").unwrap();
    let text = c.get_shows().await.unwrap_err().user_message();
    assert!(text.contains("printed no JWT"), "{text}");
    // A command that is not there.
    let missing = client(
        &t,
        Credentials::Command {
            command: "/nonexistent/studio-token".into(),
            username: "jdoe".into(),
        },
    );
    let text = missing.get_shows().await.unwrap_err().user_message();
    assert!(text.contains("cannot be started"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_runs_again_before_its_token_expires() {
    let t = Target::new().await;
    let dir = tempdir();
    // Five minutes of life: renewed in its last 30 s (a tenth, at most a minute).
    std::fs::write(dir.path().join("token"), token(&t.secret, 300)).unwrap();
    let source = TokenSource::new(command(dir.path()));
    let now = now_epoch();
    let first = source.bearer_for_request(now).await.unwrap().unwrap();
    let again = source.bearer_for_request(now + 200).await.unwrap().unwrap();
    assert_eq!(first.expose_secret(), again.expose_secret());
    assert_eq!(calls(dir.path()).len(), 1);
    source.bearer_for_request(now + 280).await.unwrap().unwrap();
    assert_eq!(calls(dir.path()).len(), 2, "run again near expiry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_401_the_command_runs_again_and_the_call_is_retried_once() {
    let t = Target::new().await;
    let dir = tempdir();
    // The first token is refused (signed with another secret); the second is good.
    std::fs::write(dir.path().join("token1"), token("revoked-secret", 900)).unwrap();
    std::fs::write(dir.path().join("token"), token(&t.secret, 900)).unwrap();
    let c = client(&t, command(dir.path()));
    c.get_shows().await.unwrap();
    assert_eq!(calls(dir.path()).len(), 2);
    // A command whose tokens are always refused: one retry, then the 401 in words.
    std::fs::remove_file(dir.path().join("token")).unwrap();
    std::fs::write(dir.path().join("token"), token("revoked-secret", 900)).unwrap();
    let bad = client(&t, command(dir.path()));
    let e = bad.get_shows().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert_eq!(
        calls(dir.path()).len(),
        4,
        "run once, then once more after the 401"
    );
}
