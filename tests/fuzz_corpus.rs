//! Replays the committed fuzz corpus (`tests/fuzz/corpus/<target>/*`) and the generated seeds
//! through every fuzz target on stable, so what the fuzzer found once stays fixed.
//!
//! `cargo test --test fuzz_corpus -- --ignored write_seed_corpus` (re)writes the seeds into the
//! corpus; `scripts/fuzz.sh` does that before fuzzing.

use std::path::PathBuf;

use cuedesk::fuzzing::{TARGETS, seeds, target};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus")
}

#[test]
fn every_target_survives_its_committed_corpus() {
    let mut replayed = 0;
    for (name, run) in TARGETS {
        let dir = corpus_dir().join(name);
        let entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        assert!(!entries.is_empty(), "{name}: empty corpus");
        for path in entries {
            let data = std::fs::read(&path).unwrap();
            run(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len() * 2, "only {replayed} inputs");
}

#[test]
fn every_target_has_seeds_and_survives_them() {
    let seeds = seeds();
    for (name, _) in TARGETS {
        assert!(seeds.iter().any(|(t, _, _)| t == name), "{name}: no seed");
    }
    for (name, _, data) in &seeds {
        target(name).unwrap()(data);
    }
}

/// The simulator's answers decode to rows (a seed that fails to decode would fuzz nothing).
#[test]
fn the_simulated_seeds_decode() {
    use cuedesk::api::client::interpret;
    use cuedesk::api::requests::{HostsResponse, JobsResponse};
    let seeds = seeds();
    let body = |t: &str| {
        &seeds
            .iter()
            .find(|(n, f, _)| *n == t && f == "sim")
            .unwrap()
            .2
    };
    let jobs: JobsResponse = interpret("/x", 200, "application/json", body("jobs")).unwrap();
    assert_eq!(jobs.jobs.jobs.len(), 3);
    let hosts: HostsResponse = interpret("/x", 200, "application/json", body("hosts")).unwrap();
    assert_eq!(hosts.hosts.hosts.len(), 3);
}

#[test]
#[ignore = "writes the seeds into tests/fuzz/corpus (scripts/fuzz.sh)"]
fn write_seed_corpus() {
    for (name, file, data) in seeds() {
        let dir = corpus_dir().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{file}")), data).unwrap();
    }
}
