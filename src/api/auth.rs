//! JWTs for the gateway: minted from a shared secret, or a pre-issued token used as is.
//!
//! The gateway accepts any HMAC-signed token whose `exp` (if present) is in the future; it reads
//! no claim. We mint the least it needs: `{sub, exp}` with HS256 (the README's example; `sub`
//! names the user in the gateway's logs), living 15 minutes by default and renewed before then.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret as _, SecretString};

use crate::api::error::{ApiError, AuthFailure};

/// The default lifetime of a minted token: short, since a new one costs nothing.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// How a profile authenticates. `Debug` never shows the secret or the token.
#[derive(Clone)]
pub enum Credentials {
    /// Mint tokens from the gateway's `JWT_SECRET`, renewed before they expire.
    Secret {
        /// Goes into the `sub` claim.
        username: String,
        /// The shared secret (raw bytes of the gateway's env string).
        secret: SecretString,
        /// Lifetime of each minted token.
        lifetime: Duration,
    },
    /// A pre-issued JWT, sent as is.
    Token {
        /// The token.
        token: SecretString,
    },
    /// A command that prints a JWT (a studio's credential helper, like kubectl's exec plugins
    /// or AWS `credential_process`): run without a shell, `{user}` replaced in its arguments,
    /// again before the token expires or after a 401. The token is kept in memory only.
    Command {
        /// The command line, split like a shell would.
        command: String,
        /// Replaces `{user}`.
        username: String,
    },
    /// Send no `Authorization` header (only useful to see the gateway's 401).
    Anonymous,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret {
                username, lifetime, ..
            } => f
                .debug_struct("Secret")
                .field("username", username)
                .field("secret", &"[redacted]")
                .field("lifetime", lifetime)
                .finish(),
            Self::Token { .. } => f
                .debug_struct("Token")
                .field("token", &"[redacted]")
                .finish(),
            Self::Command { command, username } => f
                .debug_struct("Command")
                .field("command", command)
                .field("username", username)
                .finish(),
            Self::Anonymous => f.write_str("Anonymous"),
        }
    }
}

impl Credentials {
    /// Secret mode with the default lifetime ([`DEFAULT_TOKEN_LIFETIME`]).
    pub fn secret(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::Secret {
            username: username.into(),
            secret: SecretString::from(secret.into()),
            lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }

    /// Token mode.
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token {
            token: SecretString::from(token.into()),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Claims {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

/// Seconds since the epoch, by this machine's clock.
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Mints an HS256 token `{sub, exp}` valid from `now` (epoch s, by the gateway's clock when
/// known) for `lifetime`.
pub fn mint_token(
    username: &str,
    secret: &SecretString,
    now: i64,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let claims = Claims {
        sub: username.to_owned(),
        iat: None,
        exp: Some(now.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX))),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose_secret().as_bytes()),
    )
    .map_err(|e| ApiError::Token(e.to_string()))
}

/// The `exp` claim of a token, read without checking its signature (the gateway checks that).
/// `Ok(None)` for a token without `exp` (it never expires).
pub fn token_expiry(token: &str) -> Result<Option<i64>, ApiError> {
    if token.split('.').count() != 3 {
        return Err(ApiError::Token(
            "not a JWT: expected three parts separated by dots".into(),
        ));
    }
    let claims: Claims = jsonwebtoken::dangerous::insecure_decode_claims(token)
        .map_err(|e| ApiError::Token(format!("cannot read the token's claims: {e}")))?;
    Ok(claims.exp)
}

struct Cached {
    token: SecretString,
    exp: Option<i64>,
    /// Renewed when less than this is left (a tenth of its life, at most a minute).
    margin: i64,
}

/// A tenth of a token's life, between 1 s and a minute: it is renewed when less is left.
fn renewal_margin(lifetime_secs: i64) -> i64 {
    (lifetime_secs / 10).clamp(1, 60)
}

/// How long a token command may take.
pub const TOKEN_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs a token command: split like a shell would (no shell runs it), `{user}` replaced in each
/// argument (so a user name cannot add arguments), standard output trimmed is the token. Its
/// failure says which command, how it ended and what it wrote on standard error.
pub async fn run_token_command(command: &str, username: &str) -> Result<SecretString, ApiError> {
    let fail = |what: String| ApiError::Token(format!("the token command {command:?} {what}"));
    let words = shell_words::split(command).map_err(|e| fail(format!("cannot be read: {e}")))?;
    let Some((program, args)) = words.split_first() else {
        return Err(ApiError::Token("the token command is empty".into()));
    };
    let args: Vec<String> = args.iter().map(|a| a.replace("{user}", username)).collect();
    let child = tokio::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot be started ({e}): check the profile's token command"
            ))
        })?;
    let out = tokio::time::timeout(TOKEN_COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| {
            fail(format!(
                "did not finish within {} s",
                TOKEN_COMMAND_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| fail(format!("failed: {e}")))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stderr = stderr.trim();
    let said = if stderr.is_empty() {
        String::new()
    } else {
        format!(": {}", crate::api::error::snippet(stderr.as_bytes(), 300))
    };
    if !out.status.success() {
        return Err(fail(format!("failed ({}){said}", out.status)));
    }
    let token = String::from_utf8(out.stdout)
        .map_err(|_| fail("printed something that is not text".into()))?
        .trim()
        .to_owned();
    if token.is_empty() {
        return Err(fail(format!("printed no token{said}")));
    }
    token_expiry(&token).map_err(|e| fail(format!("printed no JWT ({})", e.user_message())))?;
    Ok(SecretString::from(token))
}

/// Hands out the bearer token for each request, minting, running the token command and
/// renewing as needed.
pub struct TokenSource {
    credentials: Credentials,
    cached: Mutex<Option<Cached>>,
    /// One token command at a time: requests made while it runs wait for its token.
    running: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A source for these credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            cached: Mutex::new(None),
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// True when a 401 for `reason` is worth a new token and one more try: an expired minted
    /// token is minted again; a token command runs again after any 401 (its token may have
    /// been revoked). A pre-issued token cannot be renewed.
    pub fn renews_after(&self, reason: &AuthFailure) -> bool {
        match self.credentials {
            Credentials::Secret { .. } => *reason == AuthFailure::Expired,
            Credentials::Command { .. } => true,
            Credentials::Token { .. } | Credentials::Anonymous => false,
        }
    }

    /// The token to send at `now` (epoch s): as [`Self::bearer_at`], and for a token command
    /// its last token while more than a minute (a tenth of its life at most) is left, else the
    /// command's new one.
    pub async fn bearer_for_request(&self, now: i64) -> Result<Option<SecretString>, ApiError> {
        let Credentials::Command { command, username } = &self.credentials else {
            return self.bearer_at(now);
        };
        if let Some(token) = self.cached_until(now) {
            return Ok(Some(token));
        }
        let _one = self.running.lock().await;
        // Another request may have run it meanwhile.
        if let Some(token) = self.cached_until(now) {
            return Ok(Some(token));
        }
        let token = run_token_command(command, username).await?;
        let exp = token_expiry(token.expose_secret())?;
        tracing::info!(
            "token from the token command, expires {}",
            exp.map_or_else(|| "never".to_owned(), |e| format!("in {} s", e - now))
        );
        *self.lock_cached() = Some(Cached {
            token: token.clone(),
            exp,
            margin: exp.map_or(60, |e| renewal_margin(e - now)),
        });
        Ok(Some(token))
    }

    /// The cached token while it has more than a minute (or a tenth of its life) left.
    fn cached_until(&self, now: i64) -> Option<SecretString> {
        let cached = self.lock_cached();
        let c = cached.as_ref()?;
        match c.exp {
            None => Some(c.token.clone()),
            Some(exp) => (now + c.margin < exp).then(|| c.token.clone()),
        }
    }

    fn lock_cached(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token to send now, or `None` in anonymous mode.
    pub fn bearer(&self) -> Result<Option<SecretString>, ApiError> {
        self.bearer_at(now_epoch())
    }

    /// The token to send at `now` (epoch s).
    pub fn bearer_at(&self, now: i64) -> Result<Option<SecretString>, ApiError> {
        match &self.credentials {
            Credentials::Anonymous => Ok(None),
            Credentials::Token { token } => Ok(Some(token.clone())),
            Credentials::Command { .. } => Ok(self.lock_cached().as_ref().map(|c| c.token.clone())),
            Credentials::Secret {
                username,
                secret,
                lifetime,
            } => {
                let mut cached = self
                    .cached
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                // Renew when less than a tenth of the lifetime (at most a minute) is left.
                let margin = renewal_margin(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
                let fresh = cached
                    .as_ref()
                    .is_some_and(|c| c.exp.is_some_and(|exp| now + margin < exp));
                if !fresh {
                    let token = mint_token(username, secret, now, *lifetime)?;
                    let exp = now.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(0));
                    *cached = Some(Cached {
                        token: SecretString::from(token),
                        exp: Some(exp),
                        margin,
                    });
                }
                Ok(cached.as_ref().map(|c| c.token.clone()))
            }
        }
    }

    /// Drops the cached token so the next request mints a new one (after a 401 "token is expired").
    pub fn invalidate(&self) {
        *self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// When the token in use expires (epoch s): for a pre-issued token, its `exp`, so the UI can
    /// warn before it runs out; for a minted one, the current token's `exp`. `None` if it never does.
    pub fn expires_at(&self) -> Result<Option<i64>, ApiError> {
        match &self.credentials {
            Credentials::Anonymous => Ok(None),
            Credentials::Token { token } => token_expiry(token.expose_secret()),
            Credentials::Secret { .. } | Credentials::Command { .. } => Ok(self
                .cached
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .as_ref()
                .and_then(|c| c.exp)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_token_has_only_sub_and_a_short_exp_and_is_reused_until_near_expiry() {
        let src = TokenSource::new(Credentials::secret("jdoe", "s3cret"));
        let t1 = src.bearer_at(1_000_000).unwrap().unwrap();
        let claims: serde_json::Value =
            jsonwebtoken::dangerous::insecure_decode_claims(t1.expose_secret()).unwrap();
        // The minimum the gateway needs: who (for its logs) and until when; 15 minutes.
        assert_eq!(claims, serde_json::json!({"sub":"jdoe","exp":1_000_900}));
        let header = jsonwebtoken::decode_header(t1.expose_secret()).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
        let t2 = src.bearer_at(1_000_100).unwrap().unwrap();
        assert_eq!(t1.expose_secret(), t2.expose_secret());
        // Within the renewal margin (a tenth of the lifetime, at most a minute) a new one is minted.
        let t3 = src.bearer_at(1_000_850).unwrap().unwrap();
        assert_ne!(t1.expose_secret(), t3.expose_secret());
    }

    #[test]
    fn token_expiry_is_read_without_the_secret() {
        let t = mint_token("a", &SecretString::from("x"), 100, Duration::from_secs(50)).unwrap();
        assert_eq!(token_expiry(&t).unwrap(), Some(150));
        assert!(token_expiry("invalid_token").is_err());
    }

    #[test]
    fn a_401_renews_a_minted_token_when_expired_and_a_command_token_always() {
        let secret = TokenSource::new(Credentials::secret("jdoe", "s"));
        assert!(secret.renews_after(&AuthFailure::Expired));
        assert!(!secret.renews_after(&AuthFailure::BadSignature));
        let command = TokenSource::new(Credentials::Command {
            command: "studio-token".into(),
            username: "jdoe".into(),
        });
        assert!(command.renews_after(&AuthFailure::BadSignature));
        assert!(!TokenSource::new(Credentials::token("a.b.c")).renews_after(&AuthFailure::Expired));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::secret("jdoe", "hunter2-very-secret");
        let src = TokenSource::new(c.clone());
        assert!(!format!("{c:?} {src:?}").contains("hunter2"));
        let t = Credentials::token("eyJ.secret-token.sig");
        assert!(!format!("{t:?}").contains("secret-token"));
    }
}
