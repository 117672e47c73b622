//! The rows and columns of every table: each row's id and tie-break, each column's key (what
//! profiles save), title, width and sort order. Each view draws its own cells (`cell_ui`).

use std::cmp::Ordering;

use crate::api::types::{Frame, Host, Job, Layer, Proc};
use crate::ui::table::{SortBy, TableRow, columns};

impl TableRow for Job {
    type Column = JobColumn;

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: JobColumn, now: i64) {
        crate::ui::jobs::cell_ui(ui, column, self, now);
    }
}

impl TableRow for Layer {
    type Column = LayerColumn;

    fn id(&self) -> &str {
        &self.id
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: LayerColumn, now: i64) {
        crate::ui::layers::cell_ui(ui, column, self, now);
    }
}

impl TableRow for Frame {
    type Column = FrameColumn;

    fn id(&self) -> &str {
        &self.id
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: FrameColumn, now: i64) {
        crate::ui::frames::cell_ui(ui, column, self, now);
    }
}

impl TableRow for Host {
    type Column = HostColumn;

    fn id(&self) -> &str {
        &self.id
    }

    /// Names break ties, ascending whatever the direction.
    fn tie_break(&self, other: &Self) -> Ordering {
        self.name.cmp(&other.name)
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: HostColumn, now: i64) {
        crate::ui::hosts::cell_ui(ui, column, self, now);
    }
}

impl TableRow for Proc {
    type Column = ProcColumn;

    fn id(&self) -> &str {
        &self.id
    }

    /// Frame names break ties, ascending whatever the direction.
    fn tie_break(&self, other: &Self) -> Ordering {
        self.frame_name.cmp(&other.frame_name)
    }

    fn cell_ui(&self, ui: &mut egui::Ui, column: ProcColumn, now: i64) {
        crate::ui::host_detail::proc_cell_ui(ui, column, self, now);
    }
}

columns! {
    /// A column of the jobs table.
    pub enum JobColumn {
        /// Job name.
        Name => "name", "Name", 280.0;
        /// State, "Paused" when paused.
        State => "state", "State", 40.0;
        /// The job has comments.
        Comment => "comment", "Note", 40.0;
        /// Stacked bar by frame state.
        Progress => "progress", "Progress", 120.0;
        /// Succeeded / total frames.
        Done => "done", "Done", 72.0;
        /// Running frames.
        Running => "running", "Run", 40.0;
        /// Waiting frames.
        Waiting => "waiting", "Wait", 40.0;
        /// Frames waiting on dependencies.
        Depend => "depend", "Depend", 40.0;
        /// Dead frames.
        Dead => "dead", "Dead", 40.0;
        /// Eaten frames.
        Eaten => "eaten", "Eaten", 40.0;
        /// Priority.
        Priority => "priority", "Priority", 40.0;
        /// Minimum cores.
        MinCores => "min_cores", "Min cores", 40.0;
        /// Maximum cores.
        MaxCores => "max_cores", "Max cores", 40.0;
        /// Cores in use.
        Reserved => "reserved_cores", "Cores used", 40.0;
        /// Highest memory of a frame.
        MaxRss => "max_rss", "Max RSS", 72.0;
        /// Owner.
        User => "user", "User", 72.0;
        /// Shot.
        Shot => "shot", "Shot", 40.0;
        /// Time since submission.
        Age => "age", "Age", 40.0;
        /// When it finished.
        Finished => "finished", "Finished", 72.0;
    }
}

impl SortBy<Job> for JobColumn {
    fn compare(self, a: &Job, b: &Job, _now: i64) -> Ordering {
        let (sa, sb) = (&a.job_stats, &b.job_stats);
        let f = |x: f32, y: f32| x.total_cmp(&y);
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::State => a.state_text().cmp(b.state_text()),
            Self::Comment => a.has_comment.cmp(&b.has_comment),
            Self::Progress | Self::Done => a
                .job_stats
                .done_fraction()
                .total_cmp(&b.job_stats.done_fraction()),
            Self::Running => sa.running_frames.cmp(&sb.running_frames),
            Self::Waiting => sa.waiting_frames.cmp(&sb.waiting_frames),
            Self::Depend => sa.depend_frames.cmp(&sb.depend_frames),
            Self::Dead => sa.dead_frames.cmp(&sb.dead_frames),
            Self::Eaten => sa.eaten_frames.cmp(&sb.eaten_frames),
            Self::Priority => a.priority.cmp(&b.priority),
            Self::MinCores => f(a.min_cores, b.min_cores),
            Self::MaxCores => f(a.max_cores, b.max_cores),
            Self::Reserved => f(sa.reserved_cores, sb.reserved_cores),
            Self::MaxRss => sa.max_rss.cmp(&sb.max_rss),
            Self::User => a.user.cmp(&b.user),
            Self::Shot => a.shot.cmp(&b.shot),
            // Older jobs first when ascending: the earlier submission is the greater age.
            Self::Age => b.start_time.cmp(&a.start_time),
            Self::Finished => a.stop_time.cmp(&b.stop_time),
        }
    }
}

columns! {
    /// A column of the layers table.
    pub enum LayerColumn {
        /// Name.
        Name => "name", "Layer", 140.0;
        /// Render, util, post…
        Type => "type", "Type", 60.0;
        /// Services.
        Services => "services", "Services", 90.0;
        /// Frame range.
        Range => "range", "Range", 90.0;
        /// Minimum cores.
        Cores => "cores", "Cores", 40.0;
        /// Minimum memory.
        Memory => "memory", "Memory", 60.0;
        /// Tags.
        Tags => "tags", "Tags", 90.0;
        /// Stacked bar by frame state.
        Progress => "progress", "Progress", 120.0;
        /// Total frames.
        Total => "total", "Total", 40.0;
        /// Succeeded frames.
        Done => "done", "Done", 40.0;
        /// Running frames.
        Running => "running", "Run", 40.0;
        /// Frames waiting on dependencies.
        Depend => "depend", "Depend", 40.0;
        /// Waiting frames.
        Waiting => "waiting", "Wait", 40.0;
        /// Eaten frames.
        Eaten => "eaten", "Eaten", 40.0;
        /// Dead frames.
        Dead => "dead", "Dead", 40.0;
        /// Average frame time.
        AvgTime => "avg_time", "Avg time", 40.0;
        /// Highest frame time.
        HighTime => "high_time", "High time", 40.0;
    }
}

impl SortBy<Layer> for LayerColumn {
    fn compare(self, a: &Layer, b: &Layer, _now: i64) -> Ordering {
        let (sa, sb) = (&a.layer_stats, &b.layer_stats);
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::Type => a.layer_type.as_str().cmp(b.layer_type.as_str()),
            Self::Services => a.services.cmp(&b.services),
            Self::Range => a.range.cmp(&b.range),
            Self::Cores => a.min_cores.total_cmp(&b.min_cores),
            Self::Memory => a.min_memory.cmp(&b.min_memory),
            Self::Tags => a.tags.cmp(&b.tags),
            Self::Progress | Self::Done => a
                .layer_stats
                .done_fraction()
                .total_cmp(&b.layer_stats.done_fraction()),
            Self::Total => sa.total_frames.cmp(&sb.total_frames),
            Self::Running => sa.running_frames.cmp(&sb.running_frames),
            Self::Depend => sa.depend_frames.cmp(&sb.depend_frames),
            Self::Waiting => sa.waiting_frames.cmp(&sb.waiting_frames),
            Self::Eaten => sa.eaten_frames.cmp(&sb.eaten_frames),
            Self::Dead => sa.dead_frames.cmp(&sb.dead_frames),
            Self::AvgTime => sa.avg_frame_sec.cmp(&sb.avg_frame_sec),
            Self::HighTime => sa.high_frame_sec.cmp(&sb.high_frame_sec),
        }
    }
}

columns! {
    /// A column of the frames table.
    pub enum FrameColumn {
        /// Dispatch order.
        Order => "order", "Order", 44.0;
        /// Frame number.
        Frame => "frame", "Frame", 44.0;
        /// Layer name.
        Layer => "layer", "Layer", 130.0;
        /// State, coloured.
        State => "state", "State", 90.0;
        /// `host/cores/gpus` of the last run.
        Host => "host", "Host / cores", 130.0;
        /// Retries.
        Retries => "retries", "Retries", 44.0;
        /// Exit status.
        Exit => "exit", "Exit", 44.0;
        /// Start time.
        Start => "start", "Start", 90.0;
        /// Stop time.
        Stop => "stop", "Stop", 90.0;
        /// Run time (live for running frames).
        Runtime => "runtime", "Runtime", 64.0;
        /// Time since the last log update.
        Llu => "llu", "LLU", 44.0;
        /// Memory in use.
        Memory => "memory", "Memory", 64.0;
        /// Peak memory.
        MaxRss => "max_rss", "Max RSS", 64.0;
        /// Checkpoint state.
        Checkpoint => "checkpoint", "Checkpoint", 90.0;
    }
}

impl SortBy<Frame> for FrameColumn {
    fn compare(self, a: &Frame, b: &Frame, now: i64) -> Ordering {
        match self {
            Self::Order => a.dispatch_order.cmp(&b.dispatch_order),
            Self::Frame => a.number.cmp(&b.number),
            Self::Layer => a.layer_name.cmp(&b.layer_name),
            Self::State => a.state.as_str().cmp(b.state.as_str()),
            Self::Host => a.last_resource.cmp(&b.last_resource),
            Self::Retries => a.retry_count.cmp(&b.retry_count),
            Self::Exit => a.exit_status.cmp(&b.exit_status),
            Self::Start => a.start_time.cmp(&b.start_time),
            Self::Stop => a.stop_time.cmp(&b.stop_time),
            Self::Runtime => a.run_secs(now).cmp(&b.run_secs(now)),
            Self::Llu => a.llu_secs(now).cmp(&b.llu_secs(now)),
            Self::Memory => a.used_memory.cmp(&b.used_memory),
            Self::MaxRss => a.max_rss.cmp(&b.max_rss),
            Self::Checkpoint => a.checkpoint_state.as_str().cmp(b.checkpoint_state.as_str()),
        }
    }
}

columns! {
    /// A column of the hosts table.
    pub enum HostColumn {
        /// Host name.
        Name => "name", "Name", 140.0;
        /// Hardware state.
        State => "state", "State", 120.0;
        /// Lock state.
        Lock => "lock", "Lock state", 100.0;
        /// The host has comments.
        Comment => "comment", "Note", 40.0;
        /// Allocation.
        Alloc => "alloc", "Allocation", 100.0;
        /// Cores in use of all, as a bar.
        Cores => "cores", "Cores used", 110.0;
        /// Memory booked of all, as a bar.
        Memory => "memory", "Memory booked", 150.0;
        /// GPUs in use of all.
        Gpus => "gpus", "GPUs used", 40.0;
        /// Load average as a share of the cores.
        Load => "load", "Load", 40.0;
        /// Swap in use.
        Swap => "swap", "Swap used", 130.0;
        /// Tags.
        Tags => "tags", "Tags", 100.0;
        /// Operating system.
        Os => "os", "OS", 40.0;
        /// Time since boot.
        Boot => "boot", "Booted", 70.0;
        /// Time since the last ping.
        Ping => "ping", "Last ping", 70.0;
    }
}

impl SortBy<Host> for HostColumn {
    fn compare(self, a: &Host, b: &Host, _now: i64) -> Ordering {
        match self {
            Self::Name => a.name.cmp(&b.name),
            Self::State => a.state.cmp(&b.state),
            Self::Lock => a.lock_state.cmp(&b.lock_state),
            Self::Comment => a.has_comment.cmp(&b.has_comment),
            Self::Alloc => a.alloc_name.cmp(&b.alloc_name),
            Self::Cores => a
                .cores_used_fraction()
                .total_cmp(&b.cores_used_fraction())
                .then(a.cores.total_cmp(&b.cores)),
            Self::Memory => a
                .memory_used_fraction()
                .total_cmp(&b.memory_used_fraction())
                .then(a.memory.cmp(&b.memory)),
            Self::Gpus => (a.gpus - a.idle_gpus)
                .total_cmp(&(b.gpus - b.idle_gpus))
                .then(a.gpus.total_cmp(&b.gpus)),
            Self::Load => a.load_percent().total_cmp(&b.load_percent()),
            Self::Swap => a.swap_used().cmp(&b.swap_used()),
            Self::Tags => a.tags.cmp(&b.tags),
            Self::Os => a.os.cmp(&b.os),
            // Longest up first when ascending: the earlier boot is the greater uptime.
            Self::Boot => b.boot_time.cmp(&a.boot_time),
            // Freshest ping first when ascending.
            Self::Ping => b.ping_time.cmp(&a.ping_time),
        }
    }
}

columns! {
    /// A column of the procs table.
    pub enum ProcColumn {
        /// Job name.
        Job => "job", "Job", 260.0;
        /// Frame name (`0001-comp`).
        Frame => "frame", "Frame", 140.0;
        /// Cores reserved.
        Cores => "cores", "Cores", 50.0;
        /// GPUs reserved.
        Gpus => "gpus", "GPUs", 50.0;
        /// Memory reserved.
        Reserved => "reserved_memory", "Memory reserved", 80.0;
        /// Memory in use.
        Used => "used_memory", "Memory used", 80.0;
        /// Time since dispatch.
        Runtime => "runtime", "Run time", 50.0;
        /// The frame's log.
        LogPath => "log_path", "Log", 420.0;
    }
}

impl SortBy<Proc> for ProcColumn {
    fn compare(self, a: &Proc, b: &Proc, _now: i64) -> Ordering {
        match self {
            Self::Job => a.job_name.cmp(&b.job_name),
            Self::Frame => a.frame_name.cmp(&b.frame_name),
            Self::Cores => a.reserved_cores.total_cmp(&b.reserved_cores),
            Self::Gpus => a.reserved_gpus.total_cmp(&b.reserved_gpus),
            Self::Reserved => a.reserved_memory.cmp(&b.reserved_memory),
            Self::Used => a.used_memory.cmp(&b.used_memory),
            // Longest running first when ascending.
            Self::Runtime => b.dispatch_time.cmp(&a.dispatch_time),
            Self::LogPath => a.log_path.cmp(&b.log_path),
        }
    }
}
