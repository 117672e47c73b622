//! Profiles on disk: what is kept, what is never written (secrets), and what a broken or
//! foreign file does.

use super::*;

#[test]
fn site_profiles_are_read_marked_and_never_hide_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("etc.toml");
    let second = dir.path().join("beside-exe.toml");
    std::fs::write(
        &first,
        "[[profiles]]\nname = \"Farm\"\ngateway_url = \"https://gw.studio:8448\"\nread_only = true\n",
    )
    .unwrap();
    std::fs::write(
        &second,
        "[[profiles]]\nname = \"Farm\"\ngateway_url = \"http://other\"\n[[profiles]]\nname = \"Lab\"\ngateway_url = \"http://lab:8448\"\n",
    )
    .unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[profiles]\n").unwrap();
    let missing = dir.path().join("missing.toml");
    let (site, warnings) = load_site_profiles(&[first, second, missing, broken.clone()]);
    let names: Vec<&str> = site.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Farm", "Lab"], "the first file's Farm wins");
    assert!(site.iter().all(|p| p.site));
    assert_eq!(site[0].gateway_url, "https://gw.studio:8448");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(&broken.display().to_string()));
    let mut file = ProfilesFile {
        profiles: vec![Profile {
            name: "Lab".into(),
            gateway_url: "http://mine".into(),
            ..Profile::default()
        }],
        site_profiles: site,
        ..ProfilesFile::default()
    };
    assert_eq!(file.get("Lab").unwrap().gateway_url, "http://mine");
    assert!(file.get("Farm").unwrap().site);
    let shown: Vec<&str> = file
        .visible_site_profiles()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(shown, ["Farm"]);
    // Saving the user's file never writes the studio's profiles.
    file.last_profile = Some("Farm".into());
    let text = toml::to_string(&file).unwrap();
    assert!(
        !text.contains("gw.studio") && !text.contains("site"),
        "{text}"
    );
}

fn sample() -> ProfilesFile {
    ProfilesFile {
        schema_version: SCHEMA_VERSION,
        last_profile: Some("studio".into()),
        profiles: vec![Profile {
            name: "studio".into(),
            gateway_url: "http://gateway:8448".into(),
            username: "jdoe".into(),
            auth: AuthMode::Token,
            path_mappings: vec![PathMapping {
                from: "/shots".into(),
                to: "S:\\shots".into(),
            }],
            ..Profile::default()
        }],
        site_profiles: Vec::new(),
    }
}

#[test]
fn round_trip_and_no_secret_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("cuedesk/profiles.toml"));
    assert_eq!(
        store.load(),
        Loaded {
            file: ProfilesFile::default(),
            warning: None,
            writable: true
        }
    );
    store.save(&sample()).unwrap();
    let loaded = store.load();
    assert_eq!(loaded.file, sample());
    assert!(loaded.warning.is_none());
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("schema_version = 1"));
    assert!(!text.to_lowercase().contains("secret ="), "{text}");
    // Only the file itself is left in the directory: the temporary file was renamed.
    assert_eq!(
        std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn a_corrupt_file_is_kept_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("profiles.toml"));
    std::fs::write(store.path(), "profiles = [ this is not toml").unwrap();
    let loaded = store.load();
    assert!(loaded.file.profiles.is_empty());
    let warning = loaded.warning.unwrap();
    assert!(
        warning.contains("could not be read") && warning.contains(".corrupt-"),
        "{warning}"
    );
    let copies: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(
        std::fs::read_to_string(copies[0].path()).unwrap(),
        "profiles = [ this is not toml"
    );
}

#[test]
fn a_newer_file_is_read_but_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("profiles.toml"));
    std::fs::write(
        store.path(),
        "schema_version = 9\n[[profiles]]\nname = \"future\"\nnew_field = 1\n",
    )
    .unwrap();
    let loaded = store.load();
    assert!(!loaded.writable);
    assert_eq!(loaded.file.profiles[0].name, "future");
    let warning = loaded.warning.unwrap();
    assert!(warning.contains("newer CueDesk"), "{warning}");
    assert!(warning.contains("profiles.toml.schema-9"), "{warning}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("profiles.toml.schema-9")).unwrap(),
        std::fs::read_to_string(store.path()).unwrap()
    );
}

#[test]
fn a_crash_mid_write_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("profiles.toml"));
    store.save(&sample()).unwrap();
    // What a crash between writing and renaming leaves: a half-written temporary file.
    std::fs::write(
        dir.path().join(".tmpX1y2Z3"),
        "schema_version = 1
[[profi",
    )
    .unwrap();
    let loaded = store.load();
    assert_eq!(loaded.file, sample());
    assert!(loaded.warning.is_none() && loaded.writable);
    // And the next save goes through as usual.
    let mut changed = sample();
    changed.profiles[0].default_show = "other_show".into();
    store.save(&changed).unwrap();
    assert_eq!(store.load().file, changed);
}

#[test]
fn names_and_validation() {
    let file = sample();
    assert_eq!(file.unique_name("studio"), "studio (2)");
    assert_eq!(file.unique_name("other"), "other");
    let bad = Profile {
        name: " ".into(),
        gateway_url: "gateway:8448".into(),
        ..Profile::default()
    };
    let fields: Vec<_> = bad.problems().into_iter().map(|(f, _)| f).collect();
    assert!(fields.contains(&"name") && fields.contains(&"gateway_url"));
    assert!(file.profiles[0].problems().is_empty());
}

#[test]
fn owners_are_mailed_at_the_studios_domain() {
    let job = |user: &str, name: &str| crate::api::types::Job {
        user: user.into(),
        name: name.into(),
        show: "demo_show".into(),
        shot: "sh010".into(),
        ..crate::api::types::Job::default()
    };
    let mut p = Profile::default();
    assert_eq!(
        p.mail_owners(&[job("jdoe", "comp_v012")]),
        None,
        "no domain"
    );
    p.email_domain = "@studio.com".into();
    assert_eq!(
        p.mail_owners(&[job("jdoe", "comp v012")]).unwrap(),
        "mailto:jdoe@studio.com?subject=comp%20v012&body=comp%20v012%20%28demo_show%2C%20sh010%29"
    );
    let both = p
        .mail_owners(&[job("jdoe", "a"), job("asmith", "b"), job("jdoe", "c")])
        .unwrap();
    assert!(
        both.starts_with("mailto:asmith@studio.com,jdoe@studio.com?subject=3%20jobs"),
        "{both}"
    );
}
