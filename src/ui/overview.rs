//! The farm at a glance: frames and pending jobs per show (from GetShows' show stats), hosts by
//! state and by lock, cores and memory in use against the farm's total, and how these moved
//! while CueDesk has been open.
//!
//! Everything is drawn from answers the session already has: the show list and the hosts list
//! (the same GetShows and GetHosts the jobs and hosts views send). The history is sampled each
//! time one of them lands; the overview sends no request of its own. Clicking a bar opens the
//! matching table, filtered.

use std::collections::VecDeque;

use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use crate::api::types::{HardwareState, Host, LockState, Show};
use crate::command::{Command, CommandSender};
use crate::remote::Remote;
use crate::ui::hosts::{HostFilter, HostGroup};
use crate::ui::jobs::StateFilter;
use crate::ui::{theme, widgets};

/// At most this many samples are kept (a day at one sample every 30 s).
const MAX_SAMPLES: usize = 2880;

/// The farm at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    /// When (epoch s).
    pub at: i64,
    /// Frames running, farm-wide (show stats).
    pub running: i64,
    /// Frames waiting or held by dependencies.
    pub pending: i64,
    /// Dead frames.
    pub dead: i64,
    /// Cores in use on the hosts.
    pub cores_used: f64,
    /// Cores of the hosts that are up.
    pub cores_up: f64,
}

/// What the overview has seen since CueDesk opened.
#[derive(Debug, Default)]
pub struct FarmHistory {
    samples: VecDeque<Sample>,
    seen: (u64, u64),
    /// The last hosts list, counted.
    hosts: Option<HostTotals>,
}

impl FarmHistory {
    /// Takes a sample when the show list or the hosts list brought a new answer; the part that
    /// did not change is carried over from the previous sample.
    pub fn sample(&mut self, shows: &Remote<Vec<Show>>, hosts: &Remote<Vec<Host>>, now: i64) {
        let seen = (shows.generation(), hosts.generation());
        if seen == self.seen {
            return;
        }
        let mut s = self.samples.back().copied().unwrap_or_default();
        s.at = now;
        if seen.0 != self.seen.0
            && let Some(shows) = shows.data()
        {
            let totals = ShowTotals::of(shows);
            (s.running, s.pending, s.dead) = (totals.running, totals.pending, totals.dead);
        }
        if seen.1 != self.seen.1
            && let Some(hosts) = hosts.data()
        {
            let h = HostTotals::of(hosts);
            (s.cores_used, s.cores_up) = (h.cores_used, h.cores_up);
            self.hosts = Some(h);
        }
        self.seen = seen;
        if shows.data().is_none() && hosts.data().is_none() {
            return;
        }
        if self.samples.len() == MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
    }

    /// The last hosts list, counted (none before the first answer).
    pub fn host_totals(&self) -> Option<&HostTotals> {
        self.hosts.as_ref()
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> impl ExactSizeIterator<Item = &Sample> {
        self.samples.iter()
    }
}

#[derive(Debug, Default)]
struct ShowTotals {
    running: i64,
    pending: i64,
    dead: i64,
}

impl ShowTotals {
    fn of(shows: &[Show]) -> Self {
        shows.iter().fold(Self::default(), |mut t, s| {
            let st = &s.show_stats;
            t.running += i64::from(st.running_frames);
            t.pending += i64::from(st.pending_frames);
            t.dead += i64::from(st.dead_frames);
            t
        })
    }
}

/// Hosts counted by state, by lock, and their cores and memory.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HostTotals {
    /// Hosts per hardware state, in [`HOST_STATES`] order.
    pub by_state: Vec<(HardwareState, usize)>,
    /// Hosts per lock state, in [`LOCK_STATES`] order.
    pub by_lock: Vec<(LockState, usize)>,
    /// Cores in use.
    pub cores_used: f64,
    /// Cores of the hosts that are up.
    pub cores_up: f64,
    /// Memory booked, KB.
    pub memory_used: f64,
    /// Memory of the hosts that are up, KB.
    pub memory_up: f64,
}

/// The hardware states the overview counts.
pub const HOST_STATES: [HardwareState; 5] = [
    HardwareState::Up,
    HardwareState::Down,
    HardwareState::Repair,
    HardwareState::Rebooting,
    HardwareState::RebootWhenIdle,
];

/// The lock states the overview counts.
pub const LOCK_STATES: [LockState; 3] =
    [LockState::Open, LockState::Locked, LockState::NimbyLocked];

impl HostTotals {
    /// Counts the hosts.
    pub fn of(hosts: &[Host]) -> Self {
        let mut t = Self {
            by_state: HOST_STATES.iter().map(|s| (s.clone(), 0)).collect(),
            by_lock: LOCK_STATES.iter().map(|s| (s.clone(), 0)).collect(),
            ..Self::default()
        };
        for h in hosts {
            if let Some(slot) = t.by_state.iter_mut().find(|(s, _)| *s == h.state) {
                slot.1 += 1;
            }
            if let Some(slot) = t.by_lock.iter_mut().find(|(s, _)| *s == h.lock_state) {
                slot.1 += 1;
            }
            if h.state == HardwareState::Up {
                t.cores_up += f64::from(h.cores);
                t.cores_used += f64::from(h.cores_used());
                t.memory_up += h.memory as f64;
                t.memory_used += h.memory_used() as f64;
            }
        }
        t
    }
}

/// A search for the stuck frames of one show (asked for with "Find stuck frames").
pub struct StuckSearch {
    /// The show.
    pub show: String,
    /// The threshold, minutes without log output.
    pub minutes: u64,
    /// The stuck frames with their job's name, and how many jobs were looked at.
    pub found: Remote<(Vec<(String, crate::api::types::Frame)>, usize)>,
}

impl std::fmt::Debug for StuckSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StuckSearch")
            .field("show", &self.show)
            .finish_non_exhaustive()
    }
}

/// The overview's state: the history (with the last hosts list counted) and the stuck-frames
/// search.
#[derive(Debug, Default)]
pub struct Overview {
    /// What it has seen since CueDesk opened.
    pub history: FarmHistory,
    /// The show picked for "Find stuck frames".
    stuck_show: Option<String>,
    /// The last stuck-frames search.
    pub stuck: Option<StuckSearch>,
}

impl Overview {
    /// Draws the overview from the show list and the hosts list the session has.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        shows: &Remote<Vec<Show>>,
        hosts: &Remote<Vec<Host>>,
        commands: &CommandSender,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.weak(
                "From the show list and the hosts list (no request of its own); click a bar for its table.",
            );
            if let Some(e) = shows.error().or(hosts.error()) {
                ui.colored_label(theme::error(ui), e.user_message());
            }
        });
        let half = (ui.available_width() / 2.0 - 12.0).max(200.0);
        let height = ((ui.available_height() - 80.0) / 2.0).clamp(140.0, 360.0);
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                ui.strong("Frames per show");
                match shows.data() {
                    Some(list) => shows_chart(ui, list, (half, height), commands),
                    None => widgets::loading_ui(ui, "Loading the shows…"),
                }
            });
            ui.vertical(|ui| {
                ui.set_width(half);
                ui.strong("Hosts by state and lock");
                match self.history.host_totals() {
                    Some(totals) => hosts_chart(ui, totals, (half, height), commands),
                    None => widgets::loading_ui(ui, "Loading the hosts…"),
                }
            });
        });
        if let Some(list) = shows.data() {
            self.stuck_ui(ui, list, commands);
        }
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                ui.strong("Cores and memory in use (hosts up)");
                if let Some(totals) = self.history.host_totals() {
                    use_chart(ui, totals, (half, height), commands);
                }
            });
            ui.vertical(|ui| {
                ui.set_width(half);
                ui.strong("Since CueDesk opened");
                history_chart(ui, &self.history, (half, height));
            });
        });
    }
}

impl Overview {
    /// "Find stuck frames" for a show, and what the last search found.
    fn stuck_ui(&mut self, ui: &mut egui::Ui, shows: &[Show], commands: &CommandSender) {
        let active: Vec<&str> = shows
            .iter()
            .filter(|s| s.active)
            .map(|s| s.name.as_str())
            .collect();
        if self.stuck_show.is_none() {
            self.stuck_show = active.first().map(|s| (*s).to_owned());
        }
        ui.horizontal(|ui| {
            ui.strong("Stuck frames");
            egui::ComboBox::from_label("of show")
                .selected_text(self.stuck_show.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for name in &active {
                        ui.selectable_value(&mut self.stuck_show, Some((*name).to_owned()), *name);
                    }
                });
            let busy = self.stuck.as_ref().is_some_and(|s| s.found.is_loading());
            let find = ui
                .add_enabled(!busy, egui::Button::new("Find stuck frames"))
                .on_hover_text(
                    "Running frames whose log has not been written for the profile's stuck minutes: one GetFrames per job of the show that has running frames",
                );
            if find.clicked()
                && let Some(show) = &self.stuck_show
            {
                commands.send(Command::FindStuck(show.clone()));
            }
        });
        let Some(search) = &mut self.stuck else {
            return;
        };
        search.found.poll();
        match (search.found.data(), search.found.error()) {
            (_, Some(e)) => {
                ui.colored_label(theme::error(ui), e.user_message());
            }
            (None, None) => widgets::loading_ui(ui, &format!("Looking at {}…", search.show)),
            (Some((frames, looked)), None) if frames.is_empty() => {
                ui.weak(format!(
                    "No stuck frame in {} ({} with running frames looked at, {} minutes without log output).",
                    search.show,
                    crate::text::plural(*looked, "job"),
                    search.minutes
                ));
            }
            (Some((frames, looked)), None) => {
                ui.label(format!(
                    "{} in {} ({} looked at): no log output for {} minutes or more.",
                    crate::text::plural(frames.len(), "stuck frame"),
                    search.show,
                    crate::text::plural(*looked, "job"),
                    search.minutes
                ));
                let now = crate::api::auth::now_epoch();
                egui::Grid::new("stuck_frames")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in ["Job", "Frame", "Host / cores", "Silent for", ""] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for (job, f) in frames.iter().take(200) {
                            ui.label(job);
                            ui.label(&f.name);
                            ui.label(&f.last_resource);
                            ui.label(format!("{} min", (now - i64::from(f.llu_time)) / 60));
                            if ui.small_button("Go to job").clicked() {
                                commands.send(Command::GoToJob(job.clone()));
                            }
                            ui.end_row();
                        }
                    });
                if frames.len() > 200 {
                    ui.weak(format!("and {} more", frames.len() - 200));
                }
            }
        }
    }
}

/// What a bar says when hovered.
type BarHover = Box<dyn Fn(&Bar, &BarChart) -> String>;

/// Frames by state per active show, stacked: running, pending, dead.
fn shows_chart(ui: &mut egui::Ui, shows: &[Show], size: (f32, f32), commands: &CommandSender) {
    let shown: Vec<&Show> = shows.iter().filter(|s| s.active).collect();
    let names: Vec<String> = shown.iter().map(|s| s.name.clone()).collect();
    let bars = |f: fn(&Show) -> i32| -> Vec<Bar> {
        shown
            .iter()
            .enumerate()
            .map(|(i, s)| Bar::new(i as f64, f64::from(f(s))).name(&s.name).width(0.6))
            .collect()
    };
    let hover = |what: &'static str| -> BarHover {
        Box::new(move |bar, _| format!("{}: {} {what} frames", bar.name, bar.value))
    };
    let running = BarChart::new("running", bars(|s| s.show_stats.running_frames))
        .element_formatter(hover("running"))
        .color(theme::frame_state(&crate::api::types::FrameState::Running));
    let pending = BarChart::new("pending", bars(|s| s.show_stats.pending_frames))
        .element_formatter(hover("pending"))
        .color(theme::frame_state(&crate::api::types::FrameState::Waiting))
        .stack_on(&[&running]);
    let dead = BarChart::new("dead", bars(|s| s.show_stats.dead_frames))
        .element_formatter(hover("dead"))
        .color(theme::frame_state(&crate::api::types::FrameState::Dead))
        .stack_on(&[&running, &pending]);
    let axis_names = names.clone();
    let response = base_plot("shows_chart", size, true)
        .x_axis_formatter(move |mark, _| label_at(&axis_names, mark.value))
        .show(ui, |p| {
            p.bar_chart(running);
            p.bar_chart(pending);
            p.bar_chart(dead);
        });
    if response.response.clicked()
        && let Some(pos) = response.response.interact_pointer_pos()
    {
        let at = response.transform.value_from_position(pos);
        if let Some(show) = index_at(at.x, shown.len()).map(|i| shown[i]) {
            let st = &show.show_stats;
            let state = if at.y < f64::from(st.running_frames) {
                StateFilter::Running
            } else if at.y >= f64::from(st.running_frames + st.pending_frames) && st.dead_frames > 0
            {
                StateFilter::HasDead
            } else {
                StateFilter::All
            };
            commands.send(Command::ShowJobsOf {
                show: show.name.clone(),
                state,
            });
        }
    }
    // The same, for the keyboard and screen readers.
    ui.horizontal_wrapped(|ui| {
        for s in &shown {
            let st = &s.show_stats;
            let text = format!(
                "{}: {} running, {} dead; {} pending jobs",
                s.name, st.running_frames, st.dead_frames, st.pending_jobs
            );
            if ui.small_button(text).clicked() {
                commands.send(Command::ShowJobsOf {
                    show: s.name.clone(),
                    state: StateFilter::All,
                });
            }
        }
    });
}

/// Hosts per hardware state, then per lock state.
fn hosts_chart(ui: &mut egui::Ui, t: &HostTotals, size: (f32, f32), commands: &CommandSender) {
    // One bar per hardware state, then one per lock state, each with the filter it opens.
    let mut groups = Vec::new();
    let state_bars = group_bars(&t.by_state, &mut groups);
    let lock_bars = group_bars(&t.by_lock, &mut groups);
    let axis: Vec<String> = groups.iter().map(|(word, ..)| word.clone()).collect();
    let response = base_plot("hosts_chart", size, false)
        .x_axis_formatter(move |mark, _| label_at(&axis, mark.value))
        .show(ui, |p| {
            p.bar_chart(BarChart::new("by state", state_bars));
            p.bar_chart(BarChart::new("by lock", lock_bars));
        });
    if response.response.clicked()
        && let Some(pos) = response.response.interact_pointer_pos()
    {
        let at = response.transform.value_from_position(pos);
        if let Some(i) = index_at(at.x, groups.len()) {
            commands.send(Command::ShowHosts(Box::new(groups[i].2.clone())));
        }
    }
    ui.horizontal_wrapped(|ui| {
        for (word, n, filter) in &groups {
            if ui.small_button(format!("{word} {n}")).clicked() {
                commands.send(Command::ShowHosts(Box::new(filter.clone())));
            }
        }
    });
}

/// A bar per group of hosts, numbered on from `groups`, which gets each one's word, count and
/// filter.
fn group_bars<T: HostGroup>(
    counts: &[(T, usize)],
    groups: &mut Vec<(String, usize, HostFilter)>,
) -> Vec<Bar> {
    let mut bars = Vec::new();
    for (value, n) in counts {
        let (word, colour) = value.look();
        let at = groups.len() as f64;
        bars.push(Bar::new(at, *n as f64).name(&word).fill(colour).width(0.6));
        groups.push((word, *n, value.hosts()));
    }
    bars
}

/// Cores and memory in use against what the hosts that are up have, as percentages.
fn use_chart(ui: &mut egui::Ui, t: &HostTotals, size: (f32, f32), commands: &CommandSender) {
    let pct = |used: f64, total: f64| {
        if total > 0.0 {
            used * 100.0 / total
        } else {
            0.0
        }
    };
    let used = BarChart::new(
        "in use",
        vec![
            Bar::new(0.0, pct(t.cores_used, t.cores_up))
                .name("cores")
                .width(0.5),
            Bar::new(1.0, pct(t.memory_used, t.memory_up))
                .name("memory")
                .width(0.5),
        ],
    )
    .color(theme::frame_state(&crate::api::types::FrameState::Running));
    let axis = vec!["cores".to_owned(), "memory".to_owned()];
    let response = base_plot("use_chart", size, false)
        .include_y(100.0)
        .x_axis_formatter(move |mark, _| label_at(&axis, mark.value))
        .show(ui, |p| p.bar_chart(used));
    if response.response.clicked() {
        let up = HardwareState::Up.hosts();
        commands.send(Command::ShowHosts(Box::new(up)));
    }
    ui.label(format!(
        "cores {:.0} of {:.0} in use, memory {} of {} booked",
        t.cores_used,
        t.cores_up,
        widgets::kb(t.memory_used as i64),
        widgets::kb(t.memory_up as i64)
    ));
}

/// Running, pending and dead frames and cores in use, per sample, against local time.
fn history_chart(ui: &mut egui::Ui, history: &FarmHistory, size: (f32, f32)) {
    if history.samples().len() < 2 {
        ui.weak("The lines start with the second answer of the show or hosts list.");
    }
    let series = |f: fn(&Sample) -> f64| -> PlotPoints<'static> {
        history
            .samples()
            .map(|s| [s.at as f64, f(s)])
            .collect::<Vec<_>>()
            .into()
    };
    let running = Line::new("running frames", series(|s| s.running as f64));
    let pending = Line::new("pending frames", series(|s| s.pending as f64));
    let dead = Line::new("dead frames", series(|s| s.dead as f64));
    let cores = Line::new("cores in use", series(|s| s.cores_used));
    base_plot("history_chart", size, true)
        .x_axis_formatter(|mark, _| {
            if mark.value <= 0.0 {
                String::new()
            } else {
                widgets::short_time(mark.value as i64)
            }
        })
        .show(ui, |p| {
            p.line(running);
            p.line(pending);
            p.line(dead);
            p.line(cores);
        });
}

/// The id of one of the overview's charts ("shows_chart", "hosts_chart", "use_chart",
/// "history_chart"): where egui_plot keeps its memory (tests read its transform to click a bar).
pub fn chart_id(name: &str) -> egui::Id {
    egui::Id::unique(("farm_overview", name))
}

/// A chart that does not move (no zoom, drag or scroll: a click is a click), with a legend
/// where its series need naming.
fn base_plot(id: &str, (width, height): (f32, f32), legend: bool) -> Plot<'static> {
    let plot = Plot::new(id.to_owned())
        .id(chart_id(id))
        .width(width)
        .height(height);
    let plot = if legend {
        plot.legend(Legend::default())
    } else {
        plot
    };
    plot.allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .include_y(0.0)
        .set_margin_fraction(egui::vec2(0.05, 0.1))
}

/// The bar under x (bars sit on whole numbers, 0.6 wide).
fn index_at(x: f64, len: usize) -> Option<usize> {
    let i = x.round();
    ((x - i).abs() <= 0.35 && i >= 0.0 && (i as usize) < len).then_some(i as usize)
}

fn label_at(labels: &[String], x: f64) -> String {
    if (x - x.round()).abs() > 1e-6 || x < 0.0 {
        return String::new();
    }
    labels.get(x as usize).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::ShowStats;

    #[test]
    fn samples_come_from_new_answers_only() {
        let mut shows = Remote::default();
        let mut hosts = Remote::default();
        let mut h = FarmHistory::default();
        h.sample(&shows, &hosts, 1);
        assert_eq!(h.samples().len(), 0, "nothing seen yet");
        shows.set(vec![Show {
            active: true,
            show_stats: ShowStats {
                running_frames: 4,
                dead_frames: 1,
                ..ShowStats::default()
            },
            ..Show::default()
        }]);
        h.sample(&shows, &hosts, 2);
        h.sample(&shows, &hosts, 3);
        assert_eq!(h.samples().len(), 1, "the same answer is one sample");
        hosts.set(vec![Host {
            state: HardwareState::Up,
            cores: 16.0,
            idle_cores: 4.0,
            ..Host::default()
        }]);
        h.sample(&shows, &hosts, 4);
        let last = *h.samples().last().unwrap();
        assert_eq!((last.running, last.dead), (4, 1), "carried over");
        assert_eq!((last.cores_used, last.cores_up), (12.0, 16.0));
        let counted = h.host_totals().unwrap();
        assert!(counted.by_state.contains(&(HardwareState::Up, 1)));
    }

    #[test]
    fn bars_are_found_under_the_pointer() {
        assert_eq!(index_at(1.1, 3), Some(1));
        assert_eq!(index_at(1.5, 3), None, "between bars");
        assert_eq!(index_at(3.0, 3), None, "past the last");
        assert_eq!(label_at(&["a".into(), "b".into()], 1.0), "b");
        assert_eq!(label_at(&["a".into()], 0.5), "");
    }
}
