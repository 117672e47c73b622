//! One UI frame of the real jobs, frames and hosts tables, headless at 1920×1080 with
//! tessellation (no window, no GPU): 10,000 jobs, 100,000 frames and 5,000 hosts, each beside
//! the same table with 1,000 rows, to show the cost does not grow with the rows (only the rows
//! on screen are laid out).

use criterion::{Criterion, criterion_group, criterion_main};
use cuedesk::bench;
use cuedesk::frames::{FrameSync, FrameTable};
use cuedesk::ui::frames::FramesView;
use cuedesk::ui::hosts::HostsView;
use cuedesk::ui::jobs::JobsView;

fn jobs_view(n: usize) -> JobsView {
    let mut v = JobsView::default();
    v.jobs.set(bench::jobs(n));
    v
}

fn frames_view(n: usize) -> FramesView {
    let mut v = FramesView::new("big");
    v.sync = FrameSync::with_table(FrameTable::from_frames(bench::frames(n)));
    v
}

fn hosts_view(n: usize) -> HostsView {
    let mut v = HostsView::default();
    v.hosts.set(bench::hosts(n));
    v
}

fn table(c: &mut Criterion) {
    let mut g = c.benchmark_group("ui_frame");
    g.sample_size(30);
    for (rows, label) in [(10_000, "jobs_10k"), (1_000, "jobs_1k")] {
        let ctx = egui::Context::default();
        let mut v = jobs_view(rows);
        // Warm up: fonts, the row order, column widths.
        bench::headless_frame(&ctx, |ui| {
            v.table_ui(ui, false);
        });
        g.bench_function(label, |b| {
            b.iter(|| {
                bench::headless_frame(&ctx, |ui| {
                    v.table_ui(ui, false);
                })
            });
        });
    }
    for (rows, label) in [(100_000, "frames_100k"), (1_000, "frames_1k")] {
        let ctx = egui::Context::default();
        let mut v = frames_view(rows);
        bench::headless_frame(&ctx, |ui| {
            v.table_ui(ui, false);
        });
        g.bench_function(label, |b| {
            b.iter(|| {
                bench::headless_frame(&ctx, |ui| {
                    v.table_ui(ui, false);
                })
            });
        });
    }
    for (rows, label) in [(5_000, "hosts_5k"), (1_000, "hosts_1k")] {
        let ctx = egui::Context::default();
        let mut v = hosts_view(rows);
        let frame = |ui: &mut egui::Ui, v: &mut HostsView| {
            v.summary_ui(ui);
            v.table_ui(ui, false);
        };
        bench::headless_frame(&ctx, |ui| frame(ui, &mut v));
        g.bench_function(label, |b| {
            b.iter(|| bench::headless_frame(&ctx, |ui| frame(ui, &mut v)));
        });
    }
    g.finish();
}

criterion_group!(benches, table);
criterion_main!(benches);
