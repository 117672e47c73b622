//! The gateway's messages, field for field as protojson writes them (contract §5).
//!
//! Units as Cuebot sends them: memory in KB, times in epoch seconds (0 = not set),
//! cores as float cores. Field docs name the unit where it is not obvious.
mod comment;
mod depend;
mod facility;
mod host;
mod job;
mod show;

pub use comment::*;
pub use depend::*;
pub use facility::*;
pub use host::*;
pub use job::*;
pub use show::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::requests::{FramesResponse, JobsResponse, ShowsResponse};

    // The contract's §8 bodies, verbatim.
    const SHOWS: &str = r#"{"shows":{"shows":[{"id":"00000000-0000-0000-0000-000000000000","name":"demo_show","defaultMinCores":1,"defaultMaxCores":200,"commentEmail":"","bookingEnabled":true,"dispatchEnabled":true,"active":true,"showStats":{"runningFrames":12,"deadFrames":3,"pendingFrames":40,"pendingJobs":2,"createdJobCount":"57","createdFrameCount":"6210","renderedFrameCount":"5890","failedFrameCount":"121","reservedCores":48,"reservedGpus":0},"defaultMinGpus":0,"defaultMaxGpus":100000,"schedulerManaged":false}]}}"#;
    const JOBS: &str = r#"{"jobs":{"jobs":[{"id":"9f1c2d3e-0000-4000-8000-000000000001","state":"PENDING","name":"demo_show-sh010-jdoe_comp_v003","shot":"sh010","show":"demo_show","user":"jdoe","group":"demo_show","facility":"local","os":"linux","uid":1001,"priority":100,"minCores":1,"maxCores":50.5,"logDir":"/shots/demo_show/sh010/logs/demo_show-sh010-jdoe_comp_v003--9f1c2d3e","isPaused":false,"hasComment":false,"autoEat":false,"startTime":1767225600,"stopTime":0,"jobStats":{"totalLayers":2,"totalFrames":100,"waitingFrames":30,"runningFrames":4,"deadFrames":1,"eatenFrames":0,"dependFrames":10,"succeededFrames":55,"pendingFrames":40,"avgFrameSec":0,"highFrameSec":812,"avgCoreSec":1450,"renderedFrameCount":"55","failedFrameCount":"3","remainingCoreSec":"58000","totalCoreSec":"84100","renderedCoreSec":"79750","failedCoreSec":"4350","maxRss":"8388608","reservedCores":16,"totalGpuSec":"0","renderedGpuSec":"0","failedGpuSec":"0","reservedGpus":0,"maxGpuMemory":"0","maxPss":"7340032"},"minGpus":0,"maxGpus":0,"lokiUrl":"","eligibleTime":1767225600}]}}"#;
    const FRAMES: &str = r#"{"frames":{"frames":[{"id":"5b6c7d8e-0000-4000-8000-000000000101","name":"0001-comp","layerName":"comp","number":1,"state":"RUNNING","retryCount":0,"exitStatus":-1,"dispatchOrder":0,"startTime":1767229200,"stopTime":0,"maxRss":"3145728","usedMemory":"2097152","reservedMemory":"4194304","reservedGpuMemory":"0","lastResource":"render01/4.00/0","checkpointState":"DISABLED","checkpointCount":0,"totalCoreTime":2400,"lluTime":1767229780,"totalGpuTime":0,"maxGpuMemory":"0","usedGpuMemory":"0","frameStateDisplayOverride":null,"maxPss":"2936012","usedPss":"1990000","eligibleTime":1767225600,"submissionTime":1767225600},{"id":"5b6c7d8e-0000-4000-8000-000000000102","name":"0002-comp","layerName":"comp","number":2,"state":"WAITING","retryCount":0,"exitStatus":-1,"dispatchOrder":1,"startTime":0,"stopTime":0,"maxRss":"0","usedMemory":"0","reservedMemory":"0","reservedGpuMemory":"0","lastResource":"","checkpointState":"DISABLED","checkpointCount":0,"totalCoreTime":0,"lluTime":0,"totalGpuTime":0,"maxGpuMemory":"0","usedGpuMemory":"0","frameStateDisplayOverride":null,"maxPss":"0","usedPss":"0","eligibleTime":1767225600,"submissionTime":1767225600}]}}"#;

    #[test]
    fn decodes_the_contract_examples() {
        let shows: ShowsResponse = serde_json::from_str(SHOWS).unwrap();
        let s = &shows.shows.shows[0];
        assert_eq!(s.name, "demo_show");
        assert_eq!(s.show_stats.created_frame_count, 6210);
        assert_eq!(s.default_max_gpus, 100_000.0);

        let jobs: JobsResponse = serde_json::from_str(JOBS).unwrap();
        let j = &jobs.jobs.jobs[0];
        assert_eq!(j.state, JobState::Pending);
        assert_eq!(j.uid, Some(1001));
        assert_eq!(j.max_cores, 50.5);
        assert_eq!(j.job_stats.max_rss, 8_388_608);
        assert_eq!(j.job_stats.remaining_core_sec, 58_000);

        let frames: FramesResponse = serde_json::from_str(FRAMES).unwrap();
        let f = &frames.frames.frames;
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].state, FrameState::Running);
        assert_eq!(f[0].last_resource, "render01/4.00/0");
        assert_eq!(f[0].frame_state_display_override, None);
        assert_eq!(f[1].state, FrameState::Waiting);
        assert_eq!(f[1].exit_status, -1);
    }

    #[test]
    fn our_encoding_round_trips_to_the_same_json_value() {
        // What the simulator writes for these messages is what the gateway writes.
        for body in [SHOWS, JOBS, FRAMES] {
            let want: serde_json::Value = serde_json::from_str(body).unwrap();
            let got = match want
                .as_object()
                .and_then(|o| o.keys().next())
                .map(String::as_str)
            {
                Some("shows") => {
                    serde_json::to_value(serde_json::from_str::<ShowsResponse>(body).unwrap())
                }
                Some("jobs") => {
                    serde_json::to_value(serde_json::from_str::<JobsResponse>(body).unwrap())
                }
                _ => serde_json::to_value(serde_json::from_str::<FramesResponse>(body).unwrap()),
            }
            .unwrap();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn missing_uid_stays_absent() {
        let mut v: serde_json::Value = serde_json::from_str(JOBS).unwrap();
        v["jobs"]["jobs"][0].as_object_mut().unwrap().remove("uid");
        let jobs: JobsResponse = serde_json::from_value(v).unwrap();
        assert_eq!(jobs.jobs.jobs[0].uid, None);
        let back = serde_json::to_value(&jobs).unwrap();
        assert!(back["jobs"]["jobs"][0].get("uid").is_none());
    }

    #[test]
    fn tolerant_variants_decode() {
        // snake_case keys, numbers where strings are expected, NaN strings, unknown enums and
        // fields, null sub-messages and lists, flat lists, missing fields.
        let body = r#"{"jobs":[{"id":"j1","state":"ARCHIVED","name":"x","is_paused":true,
            "max_cores":"Infinity","min_cores":"NaN","job_stats":{"max_rss":8388608,"dead_frames":"2"},
            "brandNewField":{"a":[1,2]},"priority":7}]}"#;
        let jobs: JobsResponse = serde_json::from_str(body).unwrap();
        let j = &jobs.jobs.jobs[0];
        assert!(j.is_paused);
        assert_eq!(j.state, JobState::Other("ARCHIVED".into()));
        assert!(j.max_cores.is_infinite() && j.min_cores.is_nan());
        assert_eq!(j.job_stats.max_rss, 8_388_608);
        assert_eq!(j.job_stats.dead_frames, 2);
        assert_eq!(j.priority, 7);
        assert_eq!(j.user, "");

        let frames: FramesResponse = serde_json::from_str(
            r#"{"frames":{"frames":[{"state":5,"checkpointState":42,"layer_name":"comp"}]}}"#,
        )
        .unwrap();
        let f = &frames.frames.frames[0];
        assert_eq!(f.state, FrameState::Dead);
        assert_eq!(f.checkpoint_state, CheckpointState::Other("42".into()));
        assert_eq!(f.layer_name, "comp");

        for empty in [
            r#"{"jobs":null}"#,
            r#"{"jobs":{"jobs":null}}"#,
            r#"{"jobs":{"jobs":[]}}"#,
            "{}",
        ] {
            let jobs: JobsResponse = serde_json::from_str(empty).unwrap();
            assert!(jobs.jobs.jobs.is_empty(), "{empty}");
        }
        let job: Job = serde_json::from_str(r#"{"jobStats":null}"#).unwrap();
        assert_eq!(job.job_stats, JobStats::default());
    }

    #[test]
    fn unknown_enum_numbers_encode_as_numbers() {
        let f = Frame {
            state: FrameState::from_number(9),
            ..Frame::default()
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["state"], serde_json::json!(9));
        assert_eq!(v["checkpointState"], serde_json::json!("DISABLED"));
        assert_eq!(HardwareState::RebootWhenIdle.as_str(), "REBOOT_WHEN_IDLE");
        assert_eq!(LockState::from_name("NIMBY_LOCKED"), LockState::NimbyLocked);
    }
}
