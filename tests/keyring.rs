//! The real OS keyring (Secret Service on Linux). `.ci/run` runs this inside `dbus-run-session`
//! with an unlocked gnome-keyring and sets `CUEDESK_TEST_SECRET_SERVICE=1`; elsewhere (a desktop
//! whose keyring may prompt) it returns early and says so.

#![allow(clippy::unwrap_used)]

use cuedesk::secrets::{CredentialStore as _, KeyringStore};
use secrecy::{ExposeSecret as _, SecretString};

#[test]
fn stores_reads_and_deletes_a_secret_in_the_os_keyring() {
    if std::env::var("CUEDESK_TEST_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!("(set CUEDESK_TEST_SECRET_SERVICE=1 inside a test keyring session to run this)");
        return;
    }
    KeyringStore::available().unwrap();
    let store = KeyringStore;
    let profile = format!("cuedesk-test-{}", std::process::id());
    assert!(store.get(&profile).unwrap().is_none());
    store
        .set(&profile, &SecretString::from("s3cret-for-the-keyring"))
        .unwrap();
    assert_eq!(
        store.get(&profile).unwrap().unwrap().expose_secret(),
        "s3cret-for-the-keyring"
    );
    store
        .set(&profile, &SecretString::from("replaced"))
        .unwrap();
    assert_eq!(
        store.get(&profile).unwrap().unwrap().expose_secret(),
        "replaced"
    );
    store.delete(&profile).unwrap();
    assert!(store.get(&profile).unwrap().is_none());
    store.delete(&profile).unwrap();
}
