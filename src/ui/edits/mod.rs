//! The wrangler's edits behind one dialog: the dispatch order of frames (reorder, stagger), the
//! properties of layers, a layer's output paths, and a proc (kill, unbook, redirect).
//!
//! A view builds the dialog from what it shows (pure data) and sends it as a command; a
//! confirmation becomes an [`EditRequest`] that command handling sends through the action
//! tracker (history, outcome, refresh). Another user's job needs a tick, as for every action.

mod request;

pub use request::{
    EditRequest, JobTarget, LayersEdit, ProcEdit, ProcOp, ProcTarget, Reorder, ReorderEdit,
};

use crate::api::framespec::FrameSet;
use crate::api::requests::LayerSetting;
use crate::api::types::{Job, Layer, Order, Proc};
use crate::command::{Command, CommandSender};
use crate::remote::Remote;
use crate::ui::{theme, widgets};

/// KB in a GB, as Cuebot counts (`CueUtil.GB`).
const KB_PER_GB: f64 = 1_048_576.0;

/// How frames move in the dispatch order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReorderMode {
    /// Before every other frame.
    First,
    /// After every other frame.
    Last,
    /// Reversed among themselves.
    Reverse,
    /// Every n-th frame first.
    Stagger,
}

impl ReorderMode {
    const ALL: [Self; 4] = [Self::First, Self::Last, Self::Reverse, Self::Stagger];

    fn label(self) -> &'static str {
        match self {
            Self::First => "First",
            Self::Last => "Last",
            Self::Reverse => "Reverse",
            Self::Stagger => "Stagger",
        }
    }
}

/// The reorder form: a frame range of the job, or of some of its layers.
pub struct ReorderForm {
    job: Job,
    layers: Vec<Layer>,
    range: String,
    mode: ReorderMode,
    increment: String,
}

/// The layer property form: every field starts at the first layer's value, and only the
/// fields the user changes are sent (to every layer named).
pub struct LayerForm {
    job: Job,
    layers: Vec<Layer>,
    start: LayerFields,
    fields: LayerFields,
}

#[derive(Debug, Clone, PartialEq)]
struct LayerFields {
    min_cores: String,
    max_cores: String,
    min_memory_gb: String,
    min_gpu_memory_gb: String,
    threadable: bool,
    tags: String,
    timeout: String,
    timeout_llu: String,
}

impl LayerFields {
    fn of(layer: &Layer) -> Self {
        let gb = |kb: i64| {
            let v = kb as f64 / KB_PER_GB;
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        };
        Self {
            min_cores: layer.min_cores.to_string(),
            max_cores: layer.max_cores.to_string(),
            min_memory_gb: gb(layer.min_memory),
            min_gpu_memory_gb: gb(layer.min_gpu_memory),
            threadable: layer.is_threadable,
            tags: layer.tags.join(" "),
            timeout: layer.timeout.to_string(),
            timeout_llu: layer.timeout_llu.to_string(),
        }
    }
}

/// A layer's render outputs, loaded when the dialog opens.
pub struct OutputPaths {
    layer: Layer,
    /// The paths, as the farm reports them.
    pub paths: Remote<Vec<String>>,
}

/// What to do to a proc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcAction {
    /// Kill its frame (it goes back to waiting) and free the proc.
    Kill,
    /// Take no new frame of this job; optionally kill the running frame now.
    Unbook,
    /// Give the proc to another job once its frame ends (or now).
    Redirect,
}

impl ProcAction {
    /// Every action, in toolbar order.
    pub const ALL: [Self; 3] = [Self::Kill, Self::Unbook, Self::Redirect];

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kill => "Kill…",
            Self::Unbook => "Unbook…",
            Self::Redirect => "Redirect…",
        }
    }
}

/// The proc form.
pub struct ProcForm {
    proc: Proc,
    host: String,
    action: ProcAction,
    reason: String,
    kill_now: bool,
    /// Jobs it may go to: pending jobs of its show (id, name).
    targets: Vec<(String, String)>,
    target: Option<String>,
}

/// The form a dialog shows.
pub enum EditForm {
    /// Reorder or stagger frames.
    Reorder(ReorderForm),
    /// Edit layer properties.
    Layers(LayerForm),
    /// Show a layer's output paths (nothing to send).
    OutputPaths(OutputPaths),
    /// Act on a proc.
    Proc(ProcForm),
}

/// A dialog in front of an edit.
pub struct EditDialog {
    form: EditForm,
    /// The owner of the job, when it is not the profile's user.
    owner: Option<String>,
    owner_confirmed: bool,
}

impl std::fmt::Debug for EditDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditDialog")
            .field("title", &self.title())
            .finish_non_exhaustive()
    }
}

/// What the user did with the dialog this frame: confirmed, the request to send.
pub type EditOutcome = crate::ui::dialog::Decision<EditRequest>;

impl EditDialog {
    fn new(form: EditForm, job_user: &str, username: &str) -> Self {
        Self {
            form,
            owner: (job_user != username).then(|| job_user.to_owned()),
            owner_confirmed: false,
        }
    }

    /// Reorder the frames of `job` (or of `layers` when some are given); the range starts as
    /// `range` (the selected frames), else every frame.
    pub fn reorder(job: &Job, layers: Vec<Layer>, range: Option<String>, username: &str) -> Self {
        let range = range.unwrap_or_else(|| {
            layers
                .first()
                .map_or_else(|| "1-1000000".to_owned(), |l| l.range.clone())
        });
        let form = ReorderForm {
            job: job.clone(),
            layers,
            range,
            mode: ReorderMode::First,
            increment: "2".into(),
        };
        Self::new(EditForm::Reorder(form), &job.user, username)
    }

    /// Edit the properties of `layers` (at least one).
    pub fn layers(job: &Job, layers: Vec<Layer>, username: &str) -> Option<Self> {
        let start = LayerFields::of(layers.first()?);
        let form = LayerForm {
            job: job.clone(),
            layers,
            fields: start.clone(),
            start,
        };
        Some(Self::new(EditForm::Layers(form), &job.user, username))
    }

    /// Show where `layer` writes its renders (only shown: no owner to guard).
    pub fn output_paths(layer: Layer) -> Self {
        let form = OutputPaths {
            layer,
            paths: Remote::default(),
        };
        Self::new(EditForm::OutputPaths(form), "", "")
    }

    /// Act on a proc of `host`; `targets` are the jobs a redirect may choose from.
    pub fn proc(
        proc: Proc,
        host: &str,
        action: ProcAction,
        targets: Vec<(String, String)>,
    ) -> Self {
        let form = ProcForm {
            proc,
            host: host.to_owned(),
            action,
            reason: String::new(),
            kill_now: action == ProcAction::Kill,
            targets,
            target: None,
        };
        // Procs are the host's: no job owner to guard.
        Self::new(EditForm::Proc(form), "", "")
    }

    /// Whether it only shows something (a read-only profile may open it).
    pub fn is_read_only(&self) -> bool {
        matches!(self.form, EditForm::OutputPaths(_))
    }

    /// The layer whose output paths the dialog wants loaded, if it shows them.
    pub fn wants_output_paths(&mut self) -> Option<(&str, &mut Remote<Vec<String>>)> {
        match &mut self.form {
            EditForm::OutputPaths(o) => Some((o.layer.id.as_str(), &mut o.paths)),
            _ => None,
        }
    }

    fn title(&self) -> String {
        match &self.form {
            EditForm::Reorder(f) => format!("Reorder frames of {}", f.scope()),
            EditForm::Layers(f) => match f.layers.as_slice() {
                [one] => format!("Edit layer {}", one.name),
                many => format!("Edit {} layers", many.len()),
            },
            EditForm::OutputPaths(o) => format!("Output paths of {}", o.layer.name),
            EditForm::Proc(p) => format!(
                "{} {} on {}",
                p.action.label().trim_end_matches('…'),
                p.proc.frame_name,
                p.host
            ),
        }
    }

    /// The request, or what is missing.
    fn request(&self) -> Result<EditRequest, String> {
        if self.owner.is_some() && !self.owner_confirmed {
            return Err("Tick the box to act on another user's job".into());
        }
        match &self.form {
            EditForm::Reorder(f) => f.request(),
            EditForm::Layers(f) => f.request(),
            EditForm::OutputPaths(_) => Err("Nothing to send".into()),
            EditForm::Proc(p) => p.request(),
        }
    }

    /// Shows the dialog.
    pub fn ui(&mut self, ctx: &egui::Context, commands: &CommandSender) -> EditOutcome {
        let title = self.title();
        crate::ui::dialog::modal(ctx, "edit_dialog", 560.0, |ui| {
            ui.heading(&title);
            match &mut self.form {
                EditForm::Reorder(f) => f.ui(ui),
                EditForm::Layers(f) => f.ui(ui),
                EditForm::OutputPaths(o) => o.ui(ui, commands),
                EditForm::Proc(p) => p.ui(ui),
            }
            if let Some(owner) = &self.owner {
                ui.colored_label(theme::warning(ui), format!("This job belongs to {owner}."));
                ui.checkbox(&mut self.owner_confirmed, "Act on another user's job");
            }
            if matches!(self.form, EditForm::OutputPaths(_)) {
                return if ui.button("Close").clicked() {
                    EditOutcome::Cancelled
                } else {
                    EditOutcome::Open
                };
            }
            let request = self.request();
            let missing = request.as_ref().err().map(String::as_str);
            crate::ui::dialog::confirm_row(ui, self.confirm_label(), missing, || {
                request.as_ref().ok().cloned()
            })
        })
    }

    fn confirm_label(&self) -> &'static str {
        match &self.form {
            EditForm::Reorder(_) => "Reorder",
            EditForm::Layers(_) => "Apply",
            EditForm::OutputPaths(_) => "Close",
            EditForm::Proc(p) => p.action.label().trim_end_matches('…'),
        }
    }
}

impl ReorderForm {
    fn scope(&self) -> String {
        match self.layers.as_slice() {
            [] => self.job.name.clone(),
            [one] => format!("{} / {}", self.job.name, one.name),
            many => format!("{} ({} layers)", self.job.name, many.len()),
        }
    }

    fn request(&self) -> Result<EditRequest, String> {
        let range = self.range.trim();
        FrameSet::parse(range).map_err(|e| format!("Frame range: {e}"))?;
        let how = match self.mode {
            ReorderMode::First => Reorder::Order(Order::First),
            ReorderMode::Last => Reorder::Order(Order::Last),
            ReorderMode::Reverse => Reorder::Order(Order::Reverse),
            ReorderMode::Stagger => match self.increment.trim().parse::<i32>() {
                Ok(n) if n >= 1 => Reorder::Stagger(n),
                _ => return Err("The increment is a whole number, 1 or more".into()),
            },
        };
        Ok(EditRequest::Reorder(ReorderEdit {
            job: target_of(&self.job),
            layers: layer_refs(&self.layers),
            range: range.to_owned(),
            how,
        }))
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        ui.label(
            "Moves frames in the order Cuebot dispatches them; frames that already ran are not \
             run again.",
        );
        ui.horizontal(|ui| {
            widgets::labelled_text(ui, "Frame range", &mut self.range, "1-100", 200.0);
        });
        ui.horizontal(|ui| {
            for mode in ReorderMode::ALL {
                ui.radio_value(&mut self.mode, mode, mode.label());
            }
        });
        if self.mode == ReorderMode::Stagger {
            ui.horizontal(|ui| {
                widgets::labelled_text(ui, "Increment", &mut self.increment, "2", 60.0);
            });
            ui.weak("Every n-th frame of the range first, then the ones between: a quick look at the whole shot.");
        }
    }
}

impl LayerForm {
    fn request(&self) -> Result<EditRequest, String> {
        let (a, b) = (&self.start, &self.fields);
        let mut settings = Vec::new();
        let cores = |s: &str, what: &str| match s.trim().parse::<f32>() {
            Ok(c) if c >= 0.0 && c.is_finite() => Ok(c),
            _ => Err(format!("{what} is a number of cores, 0 or more")),
        };
        let min_cores = cores(&b.min_cores, "Min cores")?;
        let max_cores = cores(&b.max_cores, "Max cores")?;
        if max_cores > 0.0 && max_cores < min_cores {
            return Err("Max cores is below min cores (0 means no limit)".into());
        }
        if a.min_cores != b.min_cores {
            settings.push(LayerSetting::MinCores(min_cores));
        }
        if a.max_cores != b.max_cores {
            settings.push(LayerSetting::MaxCores(max_cores));
        }
        let gb = |s: &str, what: &str| match s.trim().parse::<f64>() {
            #[allow(clippy::cast_possible_truncation)]
            Ok(g) if (0.0..=4096.0).contains(&g) => Ok((g * KB_PER_GB).round() as i64),
            _ => Err(format!("{what} is in GB, from 0 to 4096")),
        };
        let memory = gb(&b.min_memory_gb, "Min memory")?;
        if memory == 0 {
            return Err("Min memory must be more than 0 GB".into());
        }
        if a.min_memory_gb != b.min_memory_gb {
            settings.push(LayerSetting::MinMemory(memory));
        }
        let gpu_memory = gb(&b.min_gpu_memory_gb, "Min GPU memory")?;
        if a.min_gpu_memory_gb != b.min_gpu_memory_gb {
            settings.push(LayerSetting::MinGpuMemory(gpu_memory));
        }
        if a.threadable != b.threadable {
            settings.push(LayerSetting::Threadable(b.threadable));
        }
        let tags = crate::text::parse_tags(&b.tags)
            .map_err(|bad| format!("Tag \"{bad}\": letters, digits, '_', '-' and '.' only"))?;
        if tags.is_empty() {
            return Err("A layer needs at least one tag (e.g. general)".into());
        }
        if crate::text::parse_tags(&a.tags).ok().as_ref() != Some(&tags) {
            settings.push(LayerSetting::Tags(tags));
        }
        let minutes = |s: &str, what: &str| match s.trim().parse::<i32>() {
            Ok(m) if (0..=100_000).contains(&m) => Ok(m),
            _ => Err(format!("{what} is in whole minutes, 0 for none")),
        };
        let timeout = minutes(&b.timeout, "Timeout")?;
        if a.timeout != b.timeout {
            settings.push(LayerSetting::Timeout(timeout));
        }
        let llu = minutes(&b.timeout_llu, "LLU timeout")?;
        if a.timeout_llu != b.timeout_llu {
            settings.push(LayerSetting::TimeoutLlu(llu));
        }
        if settings.is_empty() {
            return Err("Nothing changed".into());
        }
        Ok(EditRequest::Layers(LayersEdit {
            job: target_of(&self.job),
            layers: layer_refs(&self.layers),
            settings,
        }))
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        if self.layers.len() > 1 {
            let names: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
            ui.label(format!("Layers: {}", names.join(", ")));
            ui.weak(format!(
                "The fields show {}'s values; what you change is set on every layer.",
                self.layers[0].name
            ));
        }
        let f = &mut self.fields;
        egui::Grid::new("layer_fields")
            .num_columns(3)
            .show(ui, |ui| {
                for (label, value, unit) in [
                    ("Min cores", &mut f.min_cores, "cores booked per frame"),
                    ("Max cores", &mut f.max_cores, "cores, 0 = no limit"),
                    ("Min memory", &mut f.min_memory_gb, "GB"),
                    ("Min GPU memory", &mut f.min_gpu_memory_gb, "GB"),
                    ("Timeout", &mut f.timeout, "minutes, 0 = none"),
                    (
                        "LLU timeout",
                        &mut f.timeout_llu,
                        "minutes without log output, 0 = none",
                    ),
                    ("Tags", &mut f.tags, "host tags, space-separated"),
                ] {
                    let l = ui.label(label);
                    ui.add_sized([180.0, 20.0], egui::TextEdit::singleline(value))
                        .labelled_by(l.id);
                    ui.weak(unit);
                    ui.end_row();
                }
            });
        ui.checkbox(
            &mut f.threadable,
            "Threadable: a frame may use more cores than booked",
        );
    }
}

impl OutputPaths {
    fn ui(&mut self, ui: &mut egui::Ui, commands: &CommandSender) {
        self.paths.poll();
        match (self.paths.data(), self.paths.error()) {
            (Some(paths), _) if paths.is_empty() => {
                ui.weak("The layer reports no output paths.");
            }
            (Some(paths), _) => {
                for p in paths {
                    ui.horizontal(|ui| {
                        ui.monospace(p);
                        if ui.small_button("Copy").clicked() {
                            commands.send(Command::CopyLogPath(p.clone()));
                        }
                        if ui
                            .small_button("Open folder")
                            .on_hover_text("Through the profile's path mappings")
                            .clicked()
                        {
                            commands.send(Command::OpenFolder(p.clone()));
                        }
                    });
                }
            }
            (None, Some(e)) => {
                ui.colored_label(theme::error(ui), e.user_message());
            }
            (None, None) => widgets::loading_ui(ui, "Loading the output paths…"),
        }
    }
}

impl ProcForm {
    fn request(&self) -> Result<EditRequest, String> {
        let what = ProcTarget {
            id: self.proc.id.clone(),
            name: format!("{} on {}", self.proc.frame_name, self.host),
            job: self.proc.job_name.clone(),
        };
        let op = match self.action {
            ProcAction::Kill => {
                if self.reason.trim().is_empty() {
                    return Err("Say why the frame is killed".into());
                }
                ProcOp::Kill
            }
            ProcAction::Unbook => ProcOp::Unbook {
                kill: self.kill_now,
            },
            ProcAction::Redirect => {
                let Some((id, name)) = self
                    .target
                    .as_ref()
                    .and_then(|t| self.targets.iter().find(|(id, _)| id == t))
                else {
                    return Err("Pick the job to give the proc to".into());
                };
                ProcOp::Redirect {
                    job_id: id.clone(),
                    job_name: name.clone(),
                    kill: self.kill_now,
                }
            }
        };
        Ok(EditRequest::Proc(ProcEdit {
            proc: what,
            op,
            reason: self.reason.trim().to_owned(),
        }))
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        ui.label(format!(
            "{} of {} ({} cores, {} booked)",
            self.proc.frame_name,
            self.proc.job_name,
            self.proc.reserved_cores,
            widgets::kb(self.proc.reserved_memory)
        ));
        match self.action {
            ProcAction::Kill => {
                ui.label("The frame is killed and goes back to waiting; the proc is freed.");
                ui.horizontal(|ui| {
                    widgets::labelled_text(ui, "Reason", &mut self.reason, "", 280.0);
                });
                ui.weak(
                    "The gateway's proc kill takes no reason: it is kept in CueDesk's history.",
                );
            }
            ProcAction::Unbook => {
                ui.label("The proc takes no new frame of this job once its frame ends.");
                ui.checkbox(&mut self.kill_now, "Kill the running frame now");
            }
            ProcAction::Redirect => {
                ui.label("The proc goes to another job once its frame ends.");
                if self.targets.is_empty() {
                    ui.weak("No other pending job of this show is listed: open the show in the jobs view first.");
                }
                egui::ComboBox::from_label("Job")
                    .selected_text(
                        self.target
                            .as_ref()
                            .and_then(|t| self.targets.iter().find(|(id, _)| id == t))
                            .map_or("Pick a job", |(_, n)| n.as_str()),
                    )
                    .show_ui(ui, |ui| {
                        for (id, name) in &self.targets {
                            ui.selectable_value(&mut self.target, Some(id.clone()), name);
                        }
                    });
                ui.checkbox(&mut self.kill_now, "Kill the running frame now");
            }
        }
    }
}

/// The layers an edit names: (id, name).
fn layer_refs(layers: &[Layer]) -> Vec<(String, String)> {
    layers
        .iter()
        .map(|l| (l.id.clone(), l.name.clone()))
        .collect()
}

fn target_of(job: &Job) -> JobTarget {
    JobTarget {
        id: job.id.clone(),
        name: job.name.clone(),
    }
}

#[cfg(test)]
mod tests;
