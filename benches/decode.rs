//! Decoding gateway bodies: the typed, tolerant decode of GetJobs (10,000 jobs) and GetFrames
//! (100,000 frames) beside a plain `serde_json::Value` parse of the same bytes, so the ratio
//! holds on a noisy machine. Throughput is reported in bytes per second.

#![allow(clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cuedesk::api::requests::{FramesResponse, JobsResponse};
use cuedesk::bench;
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    let jobs = bench::jobs_body(bench::jobs(10_000));
    let frames = bench::frames_body(bench::frames(100_000));
    for (name, body) in [("get_jobs_10k", &jobs), ("get_frames_100k", &frames)] {
        eprintln!("{name}: body {:.1} MB", body.len() as f64 / 1_000_000.0);
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        g.throughput(Throughput::Bytes(body.len() as u64));
        if name.starts_with("get_jobs") {
            g.bench_function("typed", |b| {
                b.iter(|| {
                    let r: JobsResponse = serde_json::from_slice(black_box(body)).unwrap();
                    r.jobs.jobs.len()
                });
            });
        } else {
            g.bench_function("typed", |b| {
                b.iter(|| {
                    let r: FramesResponse = serde_json::from_slice(black_box(body)).unwrap();
                    r.frames.frames.len()
                });
            });
        }
        g.bench_function("value", |b| {
            b.iter(|| {
                let v: serde_json::Value = serde_json::from_slice(black_box(body)).unwrap();
                v.is_object()
            });
        });
        g.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
