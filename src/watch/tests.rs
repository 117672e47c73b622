//! The watch list and its events: what is told, once, and what is not.

use super::*;

fn job(id: &str, finished: bool, done: i32, dead: i32, eaten: i32, total: i32) -> Job {
    let mut j = Job {
        id: id.into(),
        name: format!("job-{id}"),
        show: "testing".into(),
        user: "jdoe".into(),
        state: if finished {
            JobState::Finished
        } else {
            JobState::Pending
        },
        ..Job::default()
    };
    j.job_stats.succeeded_frames = done;
    j.job_stats.dead_frames = dead;
    j.job_stats.eaten_frames = eaten;
    j.job_stats.total_frames = total;
    j
}

const ALL: EventSwitches = EventSwitches {
    finished: true,
    dead: true,
    stuck: true,
};

fn list(ids: &[&str]) -> WatchList {
    let mut l = WatchList::default();
    for id in ids {
        l.add(id, id);
    }
    l
}

#[test]
fn what_was_true_at_start_is_never_announced_and_each_event_once() {
    let l = list(&["a", "b", "c", "d"]);
    let mut w = Watcher::default();
    // At start: one already finished, one with dead frames: nothing to say.
    let start = [
        job("a", false, 5, 0, 0, 10),
        job("b", false, 5, 2, 0, 10),
        job("c", true, 10, 0, 0, 10),
        job("d", false, 0, 0, 0, 10),
    ];
    assert!(w.update(&start, &l, ALL, 0).is_empty());
    let next = [
        job("a", true, 10, 0, 0, 10),
        job("b", false, 5, 5, 0, 10),
        job("c", true, 10, 0, 0, 10),
        job("d", true, 3, 0, 0, 10),
    ];
    let events = w.update(&next, &l, ALL, 1);
    let kinds: Vec<_> = events
        .iter()
        .map(|e| (e.job_id.as_str(), &e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a", &EventKind::Succeeded),
            (
                "b",
                &EventKind::Dead {
                    new: 3,
                    total: 5,
                    first: None
                }
            ),
            ("d", &EventKind::Killed { done: 3, total: 10 }),
        ]
    );
    assert_eq!(events[0].title(), "job-a finished");
    assert_eq!(
        events[1].body(),
        "3 more dead frames (5 now).",
        "the frame is named once it is looked up"
    );
    // The same state again: nothing more.
    assert!(w.update(&next, &l, ALL, 2).is_empty());
    // b ends with its dead frames: finished with failures.
    let end = [job("b", true, 5, 4, 1, 10)];
    let events = w.update(&end, &l, ALL, 3);
    assert_eq!(events[0].kind, EventKind::Failed { dead: 4, eaten: 1 });
    assert_eq!(events[0].body(), "4 dead frames, 1 eaten frame (testing).");
}

#[test]
fn switches_and_the_watch_list_decide_what_is_said() {
    let mut w = Watcher::default();
    let l = list(&["a"]);
    let quiet = EventSwitches {
        finished: false,
        dead: true,
        stuck: true,
    };
    w.update(
        &[job("a", false, 0, 0, 0, 4), job("x", false, 0, 0, 0, 4)],
        &l,
        quiet,
        0,
    );
    let events = w.update(
        &[job("a", true, 4, 0, 0, 4), job("x", false, 0, 3, 0, 4)],
        &l,
        quiet,
        1,
    );
    assert!(
        events.is_empty(),
        "a finished (switched off); x is not watched"
    );
}

#[test]
fn only_what_can_change_is_asked_for_by_id() {
    let l = list(&["mine-pending", "mine-done", "other", "old"]);
    let pending: HashSet<&str> = ["mine-pending"].into();
    let finished: BTreeSet<String> = ["old".to_owned()].into();
    assert_eq!(
        l.ids_to_ask(&pending, &finished, false),
        ["mine-done", "other"]
    );
    assert_eq!(
        l.ids_to_ask(&pending, &finished, true),
        ["mine-done", "old", "other"],
        "a manual refresh asks for every job not just listed"
    );
}

#[test]
fn my_jobs_keep_finished_watched_jobs_until_removed() {
    let mut l = list(&["a", "w"]);
    let mut mine = MyJobs::default();
    let answer = WatchAnswer {
        mine: Some(vec![
            job("a", false, 1, 0, 0, 4),
            job("b", false, 1, 0, 0, 4),
        ]),
        watched: vec![job("w", false, 0, 0, 0, 4)],
    };
    mine.update(&answer, &l);
    assert_eq!(mine.jobs().count(), 3);
    // a and b finish: a is watched and is asked for by id; b is not and leaves.
    let answer = WatchAnswer {
        mine: Some(vec![]),
        watched: vec![job("a", true, 4, 0, 0, 4), job("w", false, 1, 0, 0, 4)],
    };
    mine.update(&answer, &l);
    let ids: Vec<_> = mine.jobs().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["a", "w"]);
    assert_eq!(**mine.finished(), ["a".to_owned()].into());
    // "Remove finished".
    l.remove("a");
    mine.retain_watched(&l, "jdoe");
    assert_eq!(mine.jobs().count(), 1);
}

#[test]
fn a_stuck_frame_is_told_once_and_not_if_it_was_stuck_at_start() {
    let frame = |id: &str, llu| Frame {
        id: id.into(),
        name: format!("0001-{id}"),
        llu_time: llu,
        ..Frame::default()
    };
    let found = |frames: Vec<Frame>| {
        vec![StuckFrames {
            job_id: "j".into(),
            job: "comp_v012".into(),
            show: "testing".into(),
            frames,
        }]
    };
    let mut w = Watcher::default();
    assert!(w.stuck(&found(vec![frame("a", 0)]), ALL, 3600).is_empty());
    let events = w.stuck(
        &found(vec![frame("a", 0), frame("b", 600), frame("c", 1200)]),
        ALL,
        4200,
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].title(), "comp_v012 has stuck frames");
    assert_eq!(
        events[0].body(),
        "Frame 0001-b has written no log for 1h00m (testing). 1 more frame too."
    );
    assert!(w.stuck(&found(vec![frame("b", 600)]), ALL, 4800).is_empty());
}

#[test]
fn the_dead_frame_named_is_the_one_that_died_last() {
    let f = |layer: &str, number, stop, exit| Frame {
        layer_name: layer.into(),
        number,
        stop_time: stop,
        exit_status: exit,
        ..Frame::default()
    };
    let frames = [
        f("comp", 7, 100, 1),
        f("render", 12, 300, 137),
        f("render", 3, 300, 2),
    ];
    assert_eq!(
        latest_dead(&frames),
        Some(DeadFrame {
            layer: "render".into(),
            number: 3,
            exit_status: 2
        })
    );
    assert_eq!(latest_dead(&[]), None);
}
