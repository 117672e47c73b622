//! Every client method against a gateway over real HTTP (the simulator on loopback, or a real
//! gateway from the environment: see `tests/common`).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::{Target, discover, job_with};
use cuedesk::api::requests::{
    FrameSearchCriteria, HostSearchCriteria, JobSearchCriteria, LockStateSeq,
};
use cuedesk::api::types::{FrameState, HardwareState, JobState, LockState};
use cuedesk::api::{ApiError, KillReason};
use cuedesk::sim::FarmSpec;

fn dead() -> FrameSearchCriteria {
    FrameSearchCriteria {
        states: vec![FrameState::Dead].into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn shows_active_shows_and_find_show() {
    let t = Target::new().await;
    let c = t.client();
    let shows = c.get_shows().await.unwrap();
    assert!(!shows.is_empty());
    let active = c.get_active_shows().await.unwrap();
    assert!(active.iter().all(|s| s.active));
    assert!(active.len() <= shows.len());
    let names: HashSet<_> = shows.iter().map(|s| s.name.clone()).collect();
    assert!(active.iter().all(|s| names.contains(&s.name)));
    let found = c.find_show(&shows[0].name).await.unwrap();
    assert_eq!(found.id, shows[0].id);
    match c.find_show("no_such_show_cuedesk").await {
        Err(ApiError::NotFound { route: false, .. }) => {}
        other => panic!("expected a missing show, got {other:?}"),
    }
}

#[tokio::test]
async fn jobs_by_show_by_id_and_by_name() {
    let t = Target::new().await;
    let c = t.client();
    let found = discover(&c).await;
    let jobs = c
        .get_jobs(&JobSearchCriteria {
            shows: vec![found.show.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        jobs.iter()
            .all(|j| j.show == found.show && j.state == JobState::Pending)
    );
    assert!(
        jobs.windows(2).all(|w| w[0].name <= w[1].name),
        "sorted by name"
    );
    let with_finished = c
        .get_jobs(&JobSearchCriteria {
            shows: vec![found.show.clone()],
            include_finished: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(with_finished.len() >= jobs.len());

    let by_id = c.get_job(&found.job.id).await.unwrap();
    assert_eq!(by_id.name, found.job.name);
    let by_name = c.find_job(&found.job.name).await.unwrap();
    assert_eq!(by_name.id, found.job.id);
    let by_user = c
        .get_jobs(&JobSearchCriteria {
            users: vec![found.job.user.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(by_user.iter().any(|j| j.id == found.job.id));
    assert!(by_user.iter().all(|j| j.user == found.job.user));

    if let Some(sim) = &t.sim {
        let sent = sim.requests();
        assert!(sent.iter().any(|r| r.path == "/job.JobInterface/GetJobs"
            && r.body == format!(r#"{{"r":{{"shows":["{}"]}}}}"#, found.show)));
        assert!(
            sent.iter()
                .all(|r| r.authorized && r.grpc_timeout.as_deref() == Some("19000m"))
        );
    }
}

#[tokio::test]
async fn frames_are_paged_and_every_frame_comes_exactly_once() {
    let t = Target::new().await;
    let c = t.client();
    let found = discover(&c).await;
    let page = c
        .get_frames(
            &found.job.id,
            &FrameSearchCriteria {
                page: 1,
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(page.len() <= 5 && !page.is_empty());

    let all = c
        .get_all_frames(&found.job.id, &FrameSearchCriteria::default(), 7)
        .await
        .unwrap();
    let ids: HashSet<_> = all.iter().map(|f| f.id.clone()).collect();
    assert_eq!(ids.len(), all.len(), "no frame twice");
    if let Some(sim) = &t.sim {
        assert_eq!(all.len() as i32, found.job.job_stats.total_frames);
        let bodies: Vec<_> = sim
            .requests()
            .into_iter()
            .filter(|r| r.path == "/job.JobInterface/GetFrames")
            .map(|r| r.body)
            .collect();
        assert!(bodies.contains(&format!(
            r#"{{"job":{{"id":"{}"}},"req":{{"page":2,"limit":7}}}}"#,
            found.job.id
        )));
    }
    // A criteria without paging still gets page and limit on the wire (Cuebot returns nothing otherwise).
    let first = c
        .get_frames(&found.job.id, &FrameSearchCriteria::default())
        .await
        .unwrap();
    assert!(!first.is_empty());

    let one = c.get_frame(&found.frame.id).await.unwrap();
    assert_eq!(one.name, found.frame.name);
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: needs the simulator's 20,000-frame job"
)]
async fn a_20000_frame_job_pages_completely() {
    let t = Target::with_farm(FarmSpec {
        jobs: 2,
        frames_per_job: 10,
        hosts: 10,
        big_job_frames: 20_000,
        ..common::test_farm()
    })
    .await;
    let c = t.client();
    let big = c
        .get_jobs(&JobSearchCriteria {
            substr: vec!["wrangler_stress_test".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    let mut pager = c.frame_pager(&big.id, &FrameSearchCriteria::default(), 1000);
    let mut ids = HashSet::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        for f in page {
            assert!(ids.insert(f.id), "frame returned twice");
        }
    }
    assert_eq!(ids.len(), 20_000);
    assert_eq!(
        pager.pages_fetched(),
        21,
        "20 full pages and one empty page end the paging"
    );
}

#[tokio::test]
async fn layers_and_layer_frames() {
    let t = Target::new().await;
    let c = t.client();
    let found = discover(&c).await;
    let layers = c.get_layers(&found.job.id).await.unwrap();
    assert_eq!(layers.len() as i32, found.job.job_stats.total_layers);
    let total: i32 = layers.iter().map(|l| l.layer_stats.total_frames).sum();
    assert_eq!(total, found.job.job_stats.total_frames);
    let layer = &layers[0];
    let frames = c
        .get_layer_frames(
            &layer.id,
            &FrameSearchCriteria {
                page: 1,
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        frames.len() as i32,
        layer.layer_stats.total_frames.min(1000)
    );
    assert!(frames.iter().all(|f| f.layer_name == layer.name));
    if let Some(sim) = &t.sim {
        let body = sim
            .requests()
            .into_iter()
            .rfind(|r| r.path == "/job.LayerInterface/GetFrames")
            .unwrap()
            .body;
        assert_eq!(
            body,
            format!(
                r#"{{"layer":{{"id":"{}"}},"s":{{"page":1,"limit":1000}}}}"#,
                layer.id
            )
        );
    }
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn updated_frames_follow_changes_and_never_send_a_stale_last_check() {
    let t = Target::new().await;
    let sim = t.sim();
    let c = t.client();
    let job = job_with(&c, FrameState::Running).await.unwrap();
    let start = i32::try_from(sim.now()).unwrap();
    let first = c.get_updated_frames(&job.id, start - 1, &[]).await.unwrap();
    assert_eq!(first.state, JobState::Pending);
    assert!(first.server_time >= start);

    sim.advance(45);
    let delta = c
        .get_updated_frames(&job.id, first.server_time, &[])
        .await
        .unwrap();
    assert!(
        !delta.updated_frames.updated_frames.is_empty(),
        "frames changed in 45 s"
    );
    assert!(delta.server_time >= first.server_time + 45);
    let all = c
        .get_all_frames(&job.id, &FrameSearchCriteria::default(), 1000)
        .await
        .unwrap();
    for u in &delta.updated_frames.updated_frames {
        let f = all
            .iter()
            .find(|f| f.id == u.id)
            .expect("an updated frame belongs to the job");
        assert_eq!(f.state, u.state);
    }

    // The gateway's clock moves on by two minutes: the previous serverTime is now too old, and
    // Cuebot would never answer. The client refuses to send it.
    sim.advance(120);
    let _ = c
        .get_updated_frames(&job.id, delta.server_time + 120, &[])
        .await
        .unwrap();
    let before = sim.requests().len();
    match c.get_updated_frames(&job.id, delta.server_time, &[]).await {
        Err(ApiError::DeltaTooOld { age_secs }) => assert!(age_secs >= 120),
        other => panic!("expected DeltaTooOld, got {other:?}"),
    }
    assert_eq!(sim.requests().len(), before, "nothing was sent");
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn job_comments() {
    let t = Target::new().await;
    let c = t.client();
    let found = discover(&c).await;
    c.add_job_comment(
        &found.job.id,
        "cuedesk-test",
        "Retake",
        "Camera shake on sh010",
    )
    .await
    .unwrap();
    let comments = c.get_job_comments(&found.job.id).await.unwrap();
    let added = comments.iter().find(|m| m.subject == "Retake").unwrap();
    assert_eq!(added.user, "cuedesk-test");
    assert!(
        !added.id.is_empty() && added.timestamp > 0,
        "the gateway sets id and time"
    );
    assert!(c.get_job(&found.job.id).await.unwrap().has_comment);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn pause_resume_priority_and_cores() {
    let t = Target::new().await;
    let c = t.client();
    let job = discover(&c).await.job;
    c.pause_job(&job.id).await.unwrap();
    let paused = c.get_job(&job.id).await.unwrap();
    assert!(paused.is_paused);
    assert_eq!(paused.state, JobState::Pending, "paused is not a state");
    c.resume_job(&job.id).await.unwrap();
    assert!(!c.get_job(&job.id).await.unwrap().is_paused);

    c.set_job_priority(&job.id, 77).await.unwrap();
    assert_eq!(c.get_job(&job.id).await.unwrap().priority, 77);
    c.set_job_min_cores(&job.id, 2.0).await.unwrap();
    c.set_job_max_cores(&job.id, 12.4).await.unwrap();
    let after = c.get_job(&job.id).await.unwrap();
    assert_eq!(after.min_cores, 2.0);
    assert_eq!(after.max_cores, 12.0, "Cuebot rounds to whole cores");
    c.set_job_priority(&job.id, job.priority).await.unwrap();
}

#[tokio::test]
#[cfg_attr(
    real_gateway,
    ignore = "simulator-only: injects faults or reads the simulator's state"
)]
async fn retry_eat_and_kill_frames_of_a_job() {
    let t = Target::new().await;
    let sim = t.sim();
    let c = t.client();
    let job = job_with(&c, FrameState::Dead).await.unwrap();
    c.retry_job_frames(&job.id, &dead()).await.unwrap();
    let after = c.get_job(&job.id).await.unwrap();
    assert_eq!(after.job_stats.dead_frames, 0);
    assert_eq!(
        after.job_stats.waiting_frames + after.job_stats.running_frames,
        job.job_stats.waiting_frames + job.job_stats.running_frames + job.job_stats.dead_frames
    );
    let body = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/job.JobInterface/RetryFrames")
        .unwrap()
        .body;
    assert_eq!(
        body,
        format!(
            r#"{{"job":{{"id":"{}"}},"req":{{"states":{{"frameStates":["DEAD"]}}}}}}"#,
            job.id
        )
    );

    let job = job_with(&c, FrameState::Running).await.unwrap();
    let why = KillReason {
        username: "jdoe".into(),
        reason: "stuck on license".into(),
    };
    let running = FrameSearchCriteria {
        states: vec![FrameState::Running].into(),
        ..Default::default()
    };
    c.kill_job_frames(&job.id, &running, &why).await.unwrap();
    assert_eq!(
        c.get_job(&job.id).await.unwrap().job_stats.running_frames,
        0
    );
    let body = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/job.JobInterface/KillFrames")
        .unwrap()
        .body;
    assert!(
        body.contains(r#""username":"jdoe""#) && body.contains(r#""reason":"stuck on license""#),
        "{body}"
    );

    let waiting = FrameSearchCriteria {
        states: vec![FrameState::Waiting].into(),
        ..Default::default()
    };
    c.eat_job_frames(&job.id, &waiting).await.unwrap();
    let eaten = c.get_job(&job.id).await.unwrap();
    assert_eq!(eaten.job_stats.waiting_frames, 0);
    assert!(eaten.job_stats.eaten_frames > 0);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn an_empty_retry_request_retries_every_frame() {
    // Cuebot's trap: RetryFrames with an empty `req` is every frame of the job, not none.
    let t = Target::new().await;
    let c = t.client();
    let job = job_with(&c, FrameState::Succeeded).await.unwrap();
    c.retry_job_frames(&job.id, &FrameSearchCriteria::default())
        .await
        .unwrap();
    let after = c.get_job(&job.id).await.unwrap();
    assert_eq!(after.job_stats.succeeded_frames, 0);
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn kill_job_finishes_it_and_finished_jobs_are_read_only() {
    let t = Target::new().await;
    let c = t.client();
    let job = discover(&c).await.job;
    c.kill_job(
        &job.id,
        &KillReason {
            username: "jdoe".into(),
            reason: "wrong camera".into(),
        },
    )
    .await
    .unwrap();
    let killed = c.get_job(&job.id).await.unwrap();
    assert_eq!(killed.state, JobState::Finished);
    assert!(
        matches!(c.find_job(&job.name).await, Err(ApiError::NotFound { .. })),
        "FindJob finds pending jobs only"
    );
    match c.set_job_priority(&job.id, 10).await {
        Err(
            e @ ApiError::Gateway {
                status: 400,
                code: 9,
                ..
            },
        ) => assert!(e.user_message().contains("readonly")),
        other => panic!("expected Finished jobs are readonly, got {other:?}"),
    }
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn layer_and_frame_actions() {
    let t = Target::new().await;
    let c = t.client();
    let job = job_with(&c, FrameState::Dead).await.unwrap();
    let dead_frames = c.get_frames(&job.id, &dead()).await.unwrap();
    let frame = &dead_frames[0];
    c.retry_frame(&frame.id).await.unwrap();
    assert_ne!(
        c.get_frame(&frame.id).await.unwrap().state,
        FrameState::Dead
    );
    c.eat_frame(&frame.id).await.unwrap();
    assert_eq!(
        c.get_frame(&frame.id).await.unwrap().state,
        FrameState::Eaten
    );

    let job = job_with(&c, FrameState::Running).await.unwrap();
    let running = c
        .get_frames(
            &job.id,
            &FrameSearchCriteria {
                states: vec![FrameState::Running].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let why = KillReason {
        username: "jdoe".into(),
        reason: "test".into(),
    };
    c.kill_frame(&running[0].id, &why).await.unwrap();
    assert_ne!(
        c.get_frame(&running[0].id).await.unwrap().state,
        FrameState::Running
    );

    let layers = c.get_layers(&job.id).await.unwrap();
    c.kill_layer_frames(&layers[0].id, &why).await.unwrap();
    assert_eq!(
        c.get_layers(&job.id).await.unwrap()[0]
            .layer_stats
            .running_frames,
        0
    );
    c.retry_layer_frames(&layers[0].id).await.unwrap();
    let layer = c.get_layers(&job.id).await.unwrap().remove(0);
    assert_eq!(
        layer.layer_stats.succeeded_frames + layer.layer_stats.dead_frames,
        0
    );
    // Eating every frame may finish a one-layer job: this comes last.
    c.eat_layer_frames(&layers[0].id).await.unwrap();
    let layer = c.get_layers(&job.id).await.unwrap().remove(0);
    assert_eq!(
        layer.layer_stats.eaten_frames,
        layer.layer_stats.total_frames
    );
}

#[tokio::test]
async fn hosts_search_find_get_and_procs() {
    let t = Target::new().await;
    let c = t.client();
    let all = c.get_hosts(&HostSearchCriteria::default()).await.unwrap();
    assert!(!all.is_empty());
    let up = c
        .get_hosts(&HostSearchCriteria {
            states: vec![HardwareState::Up].into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(up.iter().all(|h| h.state == HardwareState::Up));
    let host = &all[0];
    assert_eq!(c.find_host(&host.name).await.unwrap().id, host.id);
    assert_eq!(c.get_host(&host.id).await.unwrap().name, host.name);

    let busy = all.iter().find(|h| h.idle_cores < h.cores);
    let Some(busy) = busy else {
        assert!(t.sim.is_none(), "the simulated farm always has busy hosts");
        return;
    };
    let procs = c.get_host_procs(&busy.id).await.unwrap();
    assert!(!procs.is_empty());
    for p in &procs {
        assert!(p.log_path.ends_with(".rqlog"), "{}", p.log_path);
        assert!(p.log_path.contains(&p.job_name) && p.log_path.contains(&p.frame_name));
        assert!(p.name.starts_with(&busy.name));
    }
}

#[tokio::test]
#[cfg_attr(
    all(real_gateway, not(real_gateway_mutations)),
    ignore = "changes the farm: set CUEDESK_TEST_ALLOW_MUTATIONS=1"
)]
async fn lock_unlock_reboot_and_host_comments() {
    let t = Target::new().await;
    let c = t.client();
    let host = c
        .get_hosts(&HostSearchCriteria {
            states: vec![HardwareState::Up].into(),
            lock_states: LockStateSeq {
                state: vec![LockState::Open],
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    c.lock_host(&host.id).await.unwrap();
    assert_eq!(
        c.get_host(&host.id).await.unwrap().lock_state,
        LockState::Locked
    );
    let locked = c
        .get_hosts(&HostSearchCriteria {
            lock_states: vec![LockState::Locked].into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(locked.iter().any(|h| h.id == host.id));
    c.unlock_host(&host.id).await.unwrap();
    assert_eq!(
        c.get_host(&host.id).await.unwrap().lock_state,
        LockState::Open
    );

    c.reboot_host_when_idle(&host.id).await.unwrap();
    let state = c.get_host(&host.id).await.unwrap().state;
    assert!(
        matches!(
            state,
            HardwareState::RebootWhenIdle | HardwareState::Rebooting
        ),
        "{state}"
    );

    c.add_host_comment(&host.id, "wrangler", "Fan noise", "Check the PSU")
        .await
        .unwrap();
    let comments = c.get_host_comments(&host.id).await.unwrap();
    assert!(
        comments
            .iter()
            .any(|m| m.subject == "Fan noise" && m.user == "wrangler")
    );
    assert!(c.get_host(&host.id).await.unwrap().has_comment);
}

#[tokio::test]
async fn a_read_only_client_reads_but_never_sends_a_change() {
    let t = Target::new().await;
    let mut config = cuedesk::api::ClientConfig::new(
        t.url.clone(),
        cuedesk::api::Credentials::secret("cuedesk-test", t.secret.clone()),
    );
    config.read_only = true;
    let c = cuedesk::api::ApiClient::new(config).unwrap();
    let found = discover(&c).await;
    let before = c.requests_sent();
    let refused = [
        c.pause_job(&found.job.id).await,
        c.kill_job(
            &found.job.id,
            &KillReason {
                username: "jdoe".into(),
                reason: "test".into(),
            },
        )
        .await,
        c.retry_job_frames(&found.job.id, &dead()).await,
        c.lock_host(&found.host.id).await,
        c.add_host_comment(&found.host.id, "jdoe", "s", "m").await,
    ];
    for r in refused {
        match r {
            Err(e @ ApiError::ReadOnly { .. }) => {
                assert!(
                    e.user_message()
                        .starts_with("Not sent: this profile is read-only")
                );
            }
            other => panic!("expected ReadOnly, got {other:?}"),
        }
    }
    assert_eq!(c.requests_sent(), before, "nothing left the client");
    if let Some(sim) = &t.sim {
        let changes: Vec<String> = sim
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| !cuedesk::api::client::is_read_call(p))
            .collect();
        assert!(changes.is_empty(), "{changes:?}");
    }
    // Reading still works.
    c.get_host_procs(&found.host.id).await.unwrap();
}
