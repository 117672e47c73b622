//! Property tests: any JSON value, bare or inside the gateway's envelopes, fed to every
//! decoder yields a value or an error, never a panic, and what the app then does with the
//! value (sort every column, draw the table, word the error) does not panic either.

use cuedesk::fuzzing::TARGETS;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Field names the decoders know, so generated objects hit real fields, not only unknown ones.
const KEYS: &[&str] = &[
    "id",
    "name",
    "state",
    "show",
    "shows",
    "jobs",
    "job",
    "layers",
    "frames",
    "frame",
    "hosts",
    "host",
    "procs",
    "comments",
    "updatedFrames",
    "updated_frames",
    "serverTime",
    "priority",
    "isPaused",
    "minCores",
    "maxCores",
    "startTime",
    "stopTime",
    "jobStats",
    "totalFrames",
    "runningFrames",
    "deadFrames",
    "number",
    "retryCount",
    "usedMemory",
    "maxRss",
    "lltime",
    "lluTime",
    "cores",
    "idleCores",
    "memory",
    "freeMemory",
    "load",
    "bootTime",
    "pingTime",
    "lockState",
    "tags",
    "allocName",
    "timestamp",
    "message",
    "code",
    "layerName",
    "user",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            any::<String>(),
            Just("NaN".to_owned()),
            Just("-9223372036854775809".to_owned()),
            Just("RUNNING".to_owned()),
            Just("1e999".to_owned()),
            "[0-9]{1,25}",
        ]
        .prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![3 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `v` as the gateway would wrap a list of it for `target`.
fn enveloped(target: &str, v: &Value) -> Value {
    let list = |k: &str| json!({ k: { k: [v, v] } });
    match target {
        "shows" | "jobs" | "layers" | "frames" | "comments" | "hosts" | "procs" => list(target),
        "updated_frames" => {
            json!({"state": "RUNNING", "serverTime": 1, "updatedFrames": {"updatedFrames": [v]}})
        }
        "single" => json!({"job": v, "host": v, "frame": v, "show": v}),
        _ => v.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_json_is_a_value_or_an_error(v in value()) {
        let bare = serde_json::to_vec(&v).unwrap();
        for (name, run) in TARGETS {
            run(&bare);
            run(&serde_json::to_vec(&enveloped(name, &v)).unwrap());
        }
    }

    #[test]
    fn any_bytes_are_a_value_or_an_error(data in prop::collection::vec(any::<u8>(), 0..512)) {
        for (_, run) in TARGETS {
            run(&data);
        }
    }
}
