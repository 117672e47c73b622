//! The wrangler's calls through the client: job settings, frame state and order,
//! dependencies, layer properties, host tags, allocation and hardware state, procs. Against
//! the simulator by default; against a real gateway with `CUEDESK_TEST_ALLOW_MUTATIONS=1`,
//! where each test finds its own targets and puts back what it changed.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Target, discover, job_with};
use cuedesk::api::ApiClient;
use cuedesk::api::requests::{FrameSearchCriteria, HostSearchCriteria};
use cuedesk::api::types::{
    DependTarget, DependType, Frame, FrameState, HardwareState, Host, Job, Order,
};

async fn frames_of(c: &ApiClient, job: &Job, criteria: FrameSearchCriteria) -> Vec<Frame> {
    c.get_all_frames(&job.id, &criteria, 500).await.unwrap()
}

async fn frame(c: &ApiClient, id: &str) -> Frame {
    c.get_frame(id).await.unwrap()
}

fn in_state(state: FrameState) -> FrameSearchCriteria {
    FrameSearchCriteria {
        states: vec![state].into(),
        ..Default::default()
    }
}

fn ids(frames: &[Frame]) -> FrameSearchCriteria {
    FrameSearchCriteria {
        ids: frames.iter().map(|f| f.id.clone()).collect(),
        ..Default::default()
    }
}

/// A host with frames running on it.
async fn busy_host(c: &ApiClient) -> Host {
    c.get_hosts(&HostSearchCriteria::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.state == HardwareState::Up)
        .max_by(|a, b| (a.cores - a.idle_cores).total_cmp(&(b.cores - b.idle_cores)))
        .filter(|h| h.cores > h.idle_cores)
        .expect("no host runs frames")
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn job_auto_eat_max_retries_and_gpus() {
    let t = Target::new().await;
    let c = t.client();
    let job = discover(&c).await.job;
    c.set_job_auto_eat(&job.id, !job.auto_eat).await.unwrap();
    assert_eq!(c.get_job(&job.id).await.unwrap().auto_eat, !job.auto_eat);
    c.set_job_auto_eat(&job.id, job.auto_eat).await.unwrap();
    assert_eq!(c.get_job(&job.id).await.unwrap().auto_eat, job.auto_eat);

    c.set_job_min_gpus(&job.id, 1).await.unwrap();
    c.set_job_max_gpus(&job.id, 2).await.unwrap();
    let after = c.get_job(&job.id).await.unwrap();
    assert_eq!((after.min_gpus, after.max_gpus), (1.0, 2.0));
    #[allow(clippy::cast_possible_truncation)]
    {
        c.set_job_min_gpus(&job.id, job.min_gpus as i32)
            .await
            .unwrap();
        c.set_job_max_gpus(&job.id, job.max_gpus as i32)
            .await
            .unwrap();
    }
    // The job message has no max retries: a success is all the gateway says.
    c.set_job_max_retries(&job.id, 3).await.unwrap();
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn mark_done_releases_what_waits_and_mark_waiting_ignores_dependencies() {
    let t = Target::new().await;
    let c = t.client();
    let job = job_with(&c, FrameState::Waiting).await.unwrap();
    let depend = frames_of(&c, &job, in_state(FrameState::Depend)).await;
    if let Some(held) = depend.first() {
        c.mark_job_frames_waiting(&job.id, &ids(std::slice::from_ref(held)))
            .await
            .unwrap();
        assert_eq!(frame(&c, &held.id).await.state, FrameState::Waiting);
    }
    let waiting = frames_of(&c, &job, in_state(FrameState::Waiting)).await;
    let target = &waiting[0];
    c.mark_done_job_frames(&job.id, &ids(std::slice::from_ref(target)))
        .await
        .unwrap();
    let done = frame(&c, &target.id).await;
    assert_eq!(done.state, FrameState::Succeeded, "marked done");
    // Put it back: a retry sends it to waiting again.
    c.retry_job_frames(&job.id, &ids(std::slice::from_ref(target)))
        .await
        .unwrap();
    assert_ne!(frame(&c, &target.id).await.state, FrameState::Succeeded);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn reorder_and_stagger_change_the_dispatch_order() {
    let t = Target::new().await;
    let c = t.client();
    let job = job_with(&c, FrameState::Waiting).await.unwrap();
    let layers = c.get_layers(&job.id).await.unwrap();
    let layer = &layers[0];
    let all = frames_of(
        &c,
        &job,
        FrameSearchCriteria {
            layers: vec![layer.name.clone()],
            ..Default::default()
        },
    )
    .await;
    let last = all.iter().map(|f| f.number).max().unwrap();
    c.reorder_layer_frames(&layer.id, &last.to_string(), Order::First)
        .await
        .unwrap();
    let first_page = c
        .get_frames(
            &job.id,
            &FrameSearchCriteria {
                page: 1,
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first_page[0].number, first_page[0].layer_name.as_str()),
        (last, layer.name.as_str()),
        "the last frame comes first"
    );
    c.reorder_job_frames(&job.id, &last.to_string(), Order::Last)
        .await
        .unwrap();
    let first = all.iter().map(|f| f.number).min().unwrap();
    let range = format!("{first}-{}", first + 5);
    c.stagger_layer_frames(&layer.id, &range, 3).await.unwrap();
    let staggered: Vec<i32> = frames_of(
        &c,
        &job,
        FrameSearchCriteria {
            layers: vec![layer.name.clone()],
            frame_range: range.clone(),
            ..Default::default()
        },
    )
    .await
    .iter()
    .map(|f| f.number - first)
    .collect();
    assert_eq!(staggered, [0, 3, 1, 4, 2, 5], "every third frame first");
    let err = c.stagger_job_frames(&job.id, &range, 0).await.unwrap_err();
    assert!(err.user_message().contains("stagger"), "{err:?}");
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn dependencies_are_listed_and_satisfied() {
    let t = Target::new().await;
    let c = t.client();
    let jobs = c.get_jobs(&Default::default()).await.unwrap();
    let job = jobs
        .iter()
        .find(|j| j.job_stats.depend_frames > 0)
        .expect("a job with frames waiting on a dependency");
    let on = c.get_what_job_depends_on(&job.id).await.unwrap();
    let active: Vec<_> = on.iter().filter(|d| d.active).collect();
    assert!(!active.is_empty(), "{on:?}");
    let d = active[0];
    assert!(!d.id.is_empty() && !d.depend_er_job.is_empty() && !d.depend_on_job.is_empty());
    if t.sim.is_some() {
        assert_eq!(d.depend_type, DependType::FrameByFrame);
        assert_eq!(d.target, DependTarget::Internal);
        assert_eq!(c.get_what_depends_on_job(&job.id).await.unwrap(), on);
    }
    c.satisfy_depend(&d.id).await.unwrap();
    let after = c.get_what_job_depends_on(&job.id).await.unwrap();
    assert!(
        after.iter().all(|a| a.id != d.id || !a.active),
        "satisfied: {after:?}"
    );
    c.drop_job_depends(&job.id, DependTarget::AnyTarget)
        .await
        .unwrap();
    let job = c.get_job(&job.id).await.unwrap();
    assert_eq!(job.job_stats.depend_frames, 0, "nothing waits any more");
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn frame_drop_depends_and_mark_waiting() {
    let t = Target::new().await;
    let c = t.client();
    let jobs = c.get_jobs(&Default::default()).await.unwrap();
    let job = jobs
        .iter()
        .find(|j| j.job_stats.depend_frames > 1)
        .expect("a job with frames waiting on a dependency");
    let held = frames_of(&c, job, in_state(FrameState::Depend)).await;
    c.drop_frame_depends(&held[0].id, DependTarget::AnyTarget)
        .await
        .unwrap();
    assert_eq!(frame(&c, &held[0].id).await.state, FrameState::Waiting);
    c.mark_frame_waiting(&held[1].id).await.unwrap();
    assert_eq!(frame(&c, &held[1].id).await.state, FrameState::Waiting);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn layer_properties_round_trip_and_output_paths() {
    let t = Target::new().await;
    let c = t.client();
    let job = discover(&c).await.job;
    let before = c.get_layers(&job.id).await.unwrap().remove(0);
    let id = before.id.as_str();
    c.set_layer_min_cores(id, 2.0).await.unwrap();
    c.set_layer_max_cores(id, 6.0).await.unwrap();
    c.set_layer_min_memory(id, 6 * 1_048_576).await.unwrap();
    c.set_layer_min_gpu_memory(id, 1_048_576).await.unwrap();
    c.set_layer_threadable(id, !before.is_threadable)
        .await
        .unwrap();
    let tags = vec!["general".to_owned(), "cuedesk_test".to_owned()];
    c.set_layer_tags(id, &tags).await.unwrap();
    c.set_layer_timeout(id, 90).await.unwrap();
    c.set_layer_timeout_llu(id, 20).await.unwrap();
    let after = c
        .get_layers(&job.id)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.id == before.id)
        .unwrap();
    assert_eq!((after.min_cores, after.max_cores), (2.0, 6.0));
    assert_eq!(after.min_memory, 6 * 1_048_576);
    assert_eq!(after.min_gpu_memory, 1_048_576);
    assert_eq!(after.is_threadable, !before.is_threadable);
    assert_eq!(after.tags, tags);
    assert_eq!((after.timeout, after.timeout_llu), (90, 20));
    // Put everything back.
    c.set_layer_min_cores(id, before.min_cores).await.unwrap();
    c.set_layer_max_cores(id, before.max_cores).await.unwrap();
    c.set_layer_min_memory(id, before.min_memory).await.unwrap();
    c.set_layer_min_gpu_memory(id, before.min_gpu_memory)
        .await
        .unwrap();
    c.set_layer_threadable(id, before.is_threadable)
        .await
        .unwrap();
    c.set_layer_tags(id, &before.tags).await.unwrap();
    c.set_layer_timeout(id, before.timeout).await.unwrap();
    c.set_layer_timeout_llu(id, before.timeout_llu)
        .await
        .unwrap();

    let paths = c.get_layer_output_paths(id).await.unwrap();
    if t.sim.is_some() {
        assert!(!paths.is_empty());
        assert!(paths.iter().all(|p| p.starts_with('/')), "{paths:?}");
    }
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn host_tags_allocation_and_hardware_state() {
    let t = Target::new().await;
    let c = t.client();
    let host = discover(&c).await.host;
    let tag = vec!["cuedesk_test".to_owned()];
    c.add_host_tags(&host.id, &tag).await.unwrap();
    assert!(c.get_host(&host.id).await.unwrap().tags.contains(&tag[0]));
    c.remove_host_tags(&host.id, &tag).await.unwrap();
    assert!(!c.get_host(&host.id).await.unwrap().tags.contains(&tag[0]));

    let allocs = c.get_allocations().await.unwrap();
    let home = allocs.iter().find(|a| a.name == host.alloc_name).unwrap();
    let other = allocs.iter().find(|a| a.name != host.alloc_name).unwrap();
    assert!(home.stats.hosts >= 1);
    c.set_host_allocation(&host.id, &other.id).await.unwrap();
    assert_eq!(c.get_host(&host.id).await.unwrap().alloc_name, other.name);
    c.set_host_allocation(&host.id, &home.id).await.unwrap();
    assert_eq!(c.get_host(&host.id).await.unwrap().alloc_name, home.name);

    c.set_host_hardware_state(&host.id, HardwareState::Repair)
        .await
        .unwrap();
    assert_eq!(
        c.get_host(&host.id).await.unwrap().state,
        HardwareState::Repair
    );
    c.set_host_hardware_state(&host.id, host.state.clone())
        .await
        .unwrap();
    assert_eq!(c.get_host(&host.id).await.unwrap().state, host.state);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn proc_kill_unbook_and_redirect() {
    let t = Target::new().await;
    let c = t.client();
    let host = busy_host(&c).await;
    let procs = c.get_host_procs(&host.id).await.unwrap();
    assert!(!procs.is_empty());
    // Killed frames go back to waiting and run again: nothing is lost.
    c.kill_proc(&procs[0].id).await.unwrap();
    let left = c.get_host_procs(&host.id).await.unwrap();
    assert!(left.iter().all(|p| p.id != procs[0].id), "killed");
    if let Some(p) = left.first() {
        let target = discover(&c).await.job;
        assert!(c.redirect_proc(&p.id, &target.id, false).await.unwrap());
        c.unbook_proc(&p.id, true).await.unwrap();
        assert!(
            c.get_host_procs(&host.id)
                .await
                .unwrap()
                .iter()
                .all(|q| q.id != p.id)
        );
    }
    // The killed proc is gone: killing it again is Cuebot's uncaught exception.
    c.kill_proc(&procs[0].id).await.unwrap_err();
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: reboots a host (never a real one from a test)"
)]
async fn reboot_now_kills_the_frames_and_reboots() {
    let t = Target::new().await;
    let c = t.client();
    let host = busy_host(&c).await;
    c.reboot_host(&host.id).await.unwrap();
    let rebooting = c.get_host(&host.id).await.unwrap();
    assert_eq!(rebooting.state, HardwareState::Rebooting);
    assert!(c.get_host_procs(&host.id).await.unwrap().is_empty());
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: how the simulated farm is made"
)]
async fn the_simulated_farm_is_consistent() {
    let t = Target::new().await;
    let c = t.client();
    let shows = c.get_shows().await.unwrap();
    let archived: Vec<String> = shows
        .iter()
        .filter(|s| !s.active)
        .map(|s| s.name.clone())
        .collect();
    assert!(!archived.is_empty());
    let criteria = |finished| cuedesk::api::requests::JobSearchCriteria {
        shows: archived.clone(),
        include_finished: finished,
        ..Default::default()
    };
    assert!(
        c.get_jobs(&criteria(false)).await.unwrap().is_empty(),
        "an inactive show has no pending jobs"
    );
    assert!(!c.get_jobs(&criteria(true)).await.unwrap().is_empty());

    let hosts = c.get_hosts(&HostSearchCriteria::default()).await.unwrap();
    let jobs = c.get_jobs(&Default::default()).await.unwrap();
    let host_os: std::collections::BTreeSet<_> = hosts.iter().map(|h| h.os.as_str()).collect();
    assert!(
        jobs.iter().all(|j| host_os.contains(j.os.as_str())),
        "{host_os:?}"
    );
    let temp: std::collections::BTreeSet<_> = hosts.iter().map(|h| h.total_mcp).collect();
    assert!(temp.len() > 1, "temp space varies");
    assert!(hosts.iter().all(|h| h.free_mcp <= h.total_mcp));
    let gpu: std::collections::BTreeSet<_> = hosts
        .iter()
        .filter(|h| h.gpus > 0.0)
        .map(|h| h.total_gpu_memory)
        .collect();
    assert!(gpu.len() > 1, "GPU memory varies: {gpu:?}");
}

#[tokio::test]
#[cfg_attr(real_gateway, ignore = "simulator-only: stalls a frame")]
async fn a_shows_stuck_frames_are_found() {
    let t = Target::new().await;
    let c = t.client();
    let job = job_with(&c, FrameState::Running).await.unwrap();
    let sim = t.sim();
    let now = sim.now();
    let stalled = sim
        .with_farm(|f| f.stall_frame(&job.id, 3600, now))
        .unwrap();
    let (found, looked) = c.find_stuck_frames(&job.show, 30 * 60).await.unwrap();
    assert!(looked >= 1);
    let names: Vec<(&str, &str)> = found
        .iter()
        .map(|(j, f)| (j.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(names, [(job.name.as_str(), stalled.as_str())]);
    // A longer threshold: the hour-old silence is not stuck yet.
    assert!(
        c.find_stuck_frames(&job.show, 2 * 3600)
            .await
            .unwrap()
            .0
            .is_empty()
    );
}
