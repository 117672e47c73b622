//! Sorting and filtering 100,000 frames with the frames view's own code: each column sorted
//! (the order is rebuilt only when data, sort or filter change; each iteration changes one),
//! then a text filter and a state filter.

use criterion::{Criterion, criterion_group, criterion_main};
use cuedesk::api::types::FrameState;
use cuedesk::bench;
use cuedesk::frames::{FrameSync, FrameTable};
use cuedesk::ui::frames::{FrameColumn, FramesView};
use cuedesk::ui::table::{Sort, TableColumn as _};

fn view() -> FramesView {
    let mut v = FramesView::new("big");
    v.sync = FrameSync::with_table(FrameTable::from_frames(bench::frames(100_000)));
    v.update_order();
    v
}

fn sort_filter(c: &mut Criterion) {
    let mut v = view();
    let mut g = c.benchmark_group("sort_100k_frames");
    g.sample_size(10);
    for &column in FrameColumn::all() {
        g.bench_function(column.key(), |b| {
            let mut ascending = true;
            b.iter(|| {
                // Flip the direction so every iteration really sorts.
                ascending = !ascending;
                v.table.sort = Sort { column, ascending };
                v.update_order();
                v.visible_count()
            });
        });
    }
    g.finish();
    let mut g = c.benchmark_group("filter_100k_frames");
    g.sample_size(10);
    v.table.sort = Sort::by(FrameColumn::Order);
    g.bench_function("text", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            v.filter.text = if flip {
                "render00".into()
            } else {
                "render01".into()
            };
            v.update_order();
            v.visible_count()
        });
    });
    v.filter.text.clear();
    g.bench_function("state", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            v.filter.states.clear();
            v.filter.states.insert(if flip {
                FrameState::Dead
            } else {
                FrameState::Waiting
            });
            v.update_order();
            v.visible_count()
        });
    });
    g.finish();
}

criterion_group!(benches, sort_filter);
criterion_main!(benches);
