//! Where a profile's JWT secret or token lives: the OS keyring (one entry per profile), or
//! memory for this run when no keyring is available. Never a file.
//!
//! Keyring calls can block (an unlock prompt, a slow D-Bus), so callers run them off the UI
//! thread.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use secrecy::{ExposeSecret as _, SecretString};

/// The keyring "service" under which CueDesk stores its entries; the entry's user is the profile name.
pub const KEYRING_SERVICE: &str = "cuedesk";

/// A keyring failure, described without any secret material (keyring's own errors can carry
/// the stored bytes, so they are never formatted as they are).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// There is no keyring service on this system (e.g. no Secret Service on the session bus).
    #[error("no keyring is available on this system ({0})")]
    Unavailable(String),
    /// The keyring is there but locked, or refused access.
    #[error("the keyring refused access ({0})")]
    Locked(String),
    /// Anything else.
    #[error("keyring error: {0}")]
    Other(String),
}

/// A place to keep secrets, one per profile.
pub trait CredentialStore: Send + Sync {
    /// The secret of `profile`, if one is stored.
    fn get(&self, profile: &str) -> Result<Option<SecretString>, SecretError>;
    /// Stores (or replaces) the secret of `profile`.
    fn set(&self, profile: &str, secret: &SecretString) -> Result<(), SecretError>;
    /// Deletes the secret of `profile` (no error if there was none).
    fn delete(&self, profile: &str) -> Result<(), SecretError>;
    /// Where the secrets go, for the UI ("the OS keyring", "memory (this run only)").
    fn describe(&self) -> &'static str;
}

/// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

fn map_keyring_error(e: &keyring::Error) -> SecretError {
    use keyring::Error as K;
    match e {
        K::NoDefaultStore => SecretError::Unavailable("no default credential store".into()),
        K::PlatformFailure(p) => SecretError::Unavailable(p.to_string()),
        K::NoStorageAccess(p) => SecretError::Locked(p.to_string()),
        K::BadEncoding(_) => SecretError::Other("the stored secret is not text".into()),
        K::BadDataFormat(_, _) => {
            SecretError::Other("the stored secret is not in the expected format".into())
        }
        K::TooLong(what, limit) => SecretError::Other(format!("{what} is longer than {limit}")),
        K::Invalid(what, why) => SecretError::Other(format!("{what}: {why}")),
        K::Ambiguous(_) => {
            SecretError::Other("more than one keyring entry matches this profile".into())
        }
        _ => SecretError::Other("unexpected keyring error".into()),
    }
}

impl KeyringStore {
    fn entry(profile: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(KEYRING_SERVICE, profile).map_err(|e| map_keyring_error(&e))
    }

    /// Whether a keyring could be opened on this system.
    pub fn available() -> Result<(), SecretError> {
        match keyring::Entry::store_status() {
            Ok(()) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

impl CredentialStore for KeyringStore {
    fn get(&self, profile: &str) -> Result<Option<SecretString>, SecretError> {
        match Self::entry(profile)?.get_password() {
            Ok(s) => Ok(Some(SecretString::from(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(&e)),
        }
    }

    fn set(&self, profile: &str, secret: &SecretString) -> Result<(), SecretError> {
        Self::entry(profile)?
            .set_password(secret.expose_secret())
            .map_err(|e| map_keyring_error(&e))
    }

    fn delete(&self, profile: &str) -> Result<(), SecretError> {
        match Self::entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(&e)),
        }
    }

    fn describe(&self) -> &'static str {
        "the OS keyring"
    }
}

/// Secrets kept in memory for this run only: the fallback without a keyring, and the store
/// the tests use.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, SecretString>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("MemoryStore").field("entries", &n).finish()
    }
}

impl CredentialStore for MemoryStore {
    fn get(&self, profile: &str) -> Result<Option<SecretString>, SecretError> {
        Ok(self
            .secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(profile)
            .cloned())
    }

    fn set(&self, profile: &str, secret: &SecretString) -> Result<(), SecretError> {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(profile.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<(), SecretError> {
        self.secrets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(profile);
        Ok(())
    }

    fn describe(&self) -> &'static str {
        "memory (this run only)"
    }
}

/// The OS keyring, or memory for this run when there is no keyring. [`FallbackStore::degraded`]
/// tells the UI so it can say that secrets will not be remembered.
pub struct FallbackStore {
    primary: std::sync::Arc<dyn CredentialStore>,
    memory: MemoryStore,
    degraded: std::sync::atomic::AtomicBool,
}

impl FallbackStore {
    /// Uses `primary` while it works.
    pub fn new(primary: std::sync::Arc<dyn CredentialStore>) -> Self {
        Self {
            primary,
            memory: MemoryStore::default(),
            degraded: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// True once the primary store turned out to be unavailable.
    pub fn degraded(&self) -> bool {
        self.degraded.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn fall_back(&self, e: &SecretError) -> bool {
        let unavailable = matches!(e, SecretError::Unavailable(_));
        if unavailable {
            tracing::warn!("{e}: secrets are kept in memory for this run");
            self.degraded
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        unavailable
    }
}

impl CredentialStore for FallbackStore {
    fn get(&self, profile: &str) -> Result<Option<SecretString>, SecretError> {
        if let Some(s) = self.memory.get(profile)? {
            return Ok(Some(s));
        }
        match self.primary.get(profile) {
            Err(e) if self.fall_back(&e) => Ok(None),
            other => other,
        }
    }

    fn set(&self, profile: &str, secret: &SecretString) -> Result<(), SecretError> {
        match self.primary.set(profile, secret) {
            Err(e) if self.fall_back(&e) => self.memory.set(profile, secret),
            other => other,
        }
    }

    fn delete(&self, profile: &str) -> Result<(), SecretError> {
        self.memory.delete(profile)?;
        match self.primary.delete(profile) {
            Err(e) if self.fall_back(&e) => Ok(()),
            other => other,
        }
    }

    fn describe(&self) -> &'static str {
        if self.degraded() {
            self.memory.describe()
        } else {
            self.primary.describe()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip_and_redacted_debug() {
        let store = MemoryStore::default();
        assert_eq!(
            store
                .get("studio")
                .unwrap()
                .map(|s| s.expose_secret().to_owned()),
            None
        );
        store
            .set("studio", &SecretString::from("hunter2-secret"))
            .unwrap();
        assert_eq!(
            store.get("studio").unwrap().unwrap().expose_secret(),
            "hunter2-secret"
        );
        assert!(!format!("{store:?}").contains("hunter2"));
        store.delete("studio").unwrap();
        store.delete("studio").unwrap();
        assert!(store.get("studio").unwrap().is_none());
    }

    struct NoKeyring;
    impl CredentialStore for NoKeyring {
        fn get(&self, _: &str) -> Result<Option<SecretString>, SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn set(&self, _: &str, _: &SecretString) -> Result<(), SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn delete(&self, _: &str) -> Result<(), SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn describe(&self) -> &'static str {
            "nothing"
        }
    }

    #[test]
    fn without_a_keyring_secrets_live_in_memory_and_the_ui_is_told() {
        let store = FallbackStore::new(std::sync::Arc::new(NoKeyring));
        assert!(!store.degraded());
        store.set("studio", &SecretString::from("s")).unwrap();
        assert!(store.degraded());
        assert_eq!(store.get("studio").unwrap().unwrap().expose_secret(), "s");
        assert_eq!(store.describe(), "memory (this run only)");
    }

    #[test]
    fn keyring_errors_never_carry_the_secret() {
        let e = map_keyring_error(&keyring::Error::BadEncoding(b"hunter2-secret".to_vec()));
        assert!(!format!("{e} {e:?}").contains("hunter2"));
    }
}
