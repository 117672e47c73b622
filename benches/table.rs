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

/// Times one frame of `draw` on `view`, after a warm-up frame (fonts, row order, widths).
fn frame<V>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    label: &str,
    mut view: V,
    draw: fn(&mut egui::Ui, &mut V),
) {
    let ctx = egui::Context::default();
    bench::headless_frame(&ctx, |ui| draw(ui, &mut view));
    g.bench_function(label, |b| {
        b.iter(|| bench::headless_frame(&ctx, |ui| draw(ui, &mut view)));
    });
}

fn table(c: &mut Criterion) {
    let mut g = c.benchmark_group("ui_frame");
    g.sample_size(30);
    let jobs = |ui: &mut egui::Ui, v: &mut JobsView| {
        v.table_ui(ui, false, &cuedesk::watch::WatchList::default());
    };
    let frames = |ui: &mut egui::Ui, v: &mut FramesView| {
        v.table_ui(ui, false);
    };
    let hosts = |ui: &mut egui::Ui, v: &mut HostsView| {
        v.summary_ui(ui);
        v.table_ui(ui, false);
    };
    frame(&mut g, "jobs_10k", jobs_view(10_000), jobs);
    frame(&mut g, "jobs_1k", jobs_view(1_000), jobs);
    frame(&mut g, "frames_100k", frames_view(100_000), frames);
    frame(&mut g, "frames_1k", frames_view(1_000), frames);
    frame(&mut g, "hosts_5k", hosts_view(5_000), hosts);
    frame(&mut g, "hosts_1k", hosts_view(1_000), hosts);
    g.finish();
}

criterion_group!(benches, table);
criterion_main!(benches);
