//! The dependencies of one job: what it waits on and what waits on it (GetWhatThisDependsOn,
//! GetWhatDependsOnThis), with their type and whether they still hold frames back. Satisfying
//! one, or all of them, asks first and goes through the action tracker.

use crate::api::ApiClient;
use crate::api::types::{Depend, Job, Layer};
use crate::command::{Command, CommandSender};
use crate::remote::Remote;
use crate::tasks::Tasks;
use crate::ui::dialog::Decision;
use crate::ui::{theme, widgets};

/// The dependencies tab of a job.
pub struct DependsPane {
    job_id: String,
    /// What the job waits on.
    pub on: Remote<Vec<Depend>>,
    /// What waits on the job.
    pub by: Remote<Vec<Depend>>,
    /// The dependencies the confirmation names, while it is open.
    confirm: Option<Vec<Depend>>,
    others_confirmed: bool,
}

impl DependsPane {
    /// The pane of a job; loaded on its first refresh.
    pub fn new(job_id: &str) -> Self {
        Self {
            job_id: job_id.to_owned(),
            on: Remote::default(),
            by: Remote::default(),
            confirm: None,
            others_confirmed: false,
        }
    }

    /// Asks for both lists (one request of each in flight at most).
    pub fn refresh(&mut self, tasks: &Tasks, client: &ApiClient) {
        let (c, id) = (client.clone(), self.job_id.clone());
        self.on.request(|| {
            tasks.spawn("loading what the job waits on", async move {
                c.get_what_job_depends_on(&id).await
            })
        });
        let (c, id) = (client.clone(), self.job_id.clone());
        self.by.request(|| {
            tasks.spawn("loading what waits on the job", async move {
                c.get_what_depends_on_job(&id).await
            })
        });
    }

    /// Takes finished answers.
    pub fn poll(&mut self) {
        self.on.poll();
        self.by.poll();
    }

    /// Draws the layer graph, both lists and the confirmation. `username` is the profile's
    /// user: satisfying another user's dependencies needs a tick. Returns the layer whose node
    /// was clicked.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        (job, layers): (&Job, Option<&[Layer]>),
        (read_only, username): (bool, &str),
        commands: &CommandSender,
    ) -> Option<String> {
        if let Some(e) = self.on.error().or(self.by.error()) {
            ui.colored_label(theme::error(ui), e.user_message());
        }
        let mut clicked = None;
        if let (Some(layers), Some(on)) = (layers, self.on.data())
            && layers.len() > 1
        {
            ui.strong("Layers");
            clicked = crate::ui::layer_graph::ui(ui, layers, on);
            ui.add_space(8.0);
        }
        let mut picked = None;
        for (title, remote, empty) in [
            ("This job waits on", &self.on, "This job waits on nothing."),
            (
                "Waiting on this job",
                &self.by,
                "Nothing waits on this job.",
            ),
        ] {
            ui.strong(title);
            match remote.data() {
                None if remote.is_loading() => widgets::loading_ui(ui, "Loading dependencies…"),
                None => {}
                Some(list) if list.is_empty() => {
                    ui.weak(empty);
                }
                Some(list) => {
                    if let Some(p) = list_ui(ui, title, list, read_only) {
                        picked = Some(p);
                    }
                }
            }
            ui.add_space(8.0);
        }
        if let Some(p) = picked {
            self.confirm = Some(p);
            self.others_confirmed = false;
        }
        self.confirm_ui(ui.ctx(), job, username, commands);
        clicked
    }

    fn confirm_ui(
        &mut self,
        ctx: &egui::Context,
        job: &Job,
        username: &str,
        commands: &CommandSender,
    ) {
        let Some(depends) = &self.confirm else {
            return;
        };
        let other_owner = job.user != username;
        let id = ("satisfy_depends", &self.job_id);
        let decision = crate::ui::dialog::modal(ctx, id, 560.0, |ui| {
            ui.heading(match depends.len() {
                1 => "Satisfy 1 dependency".to_owned(),
                n => format!("Satisfy {n} dependencies"),
            });
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    for d in depends {
                        ui.label(format!(
                            "{}  waits on  {}  ({})",
                            d.waiting_side(),
                            d.waited_on_side(),
                            d.depend_type.words()
                        ));
                    }
                });
            ui.label("What waits on them starts without them; this cannot be undone.");
            if other_owner {
                ui.colored_label(
                    theme::warning(ui),
                    format!("This job belongs to {}.", job.user),
                );
                ui.checkbox(&mut self.others_confirmed, "Act on another user's job");
            }
            let missing = (other_owner && !self.others_confirmed)
                .then_some("Tick the box to act on another user's job");
            crate::ui::dialog::confirm_row(ui, "Satisfy", missing, || Some(depends.clone()))
        });
        match decision {
            Decision::Open => {}
            Decision::Cancelled => self.confirm = None,
            Decision::Confirmed(depends) => {
                commands.send(Command::SatisfyDepends {
                    job: Box::new(job.clone()),
                    depends,
                });
                self.confirm = None;
            }
        }
    }
}

/// One list as a grid; returns the dependencies a "Satisfy" button asked for.
fn list_ui(ui: &mut egui::Ui, id: &str, list: &[Depend], read_only: bool) -> Option<Vec<Depend>> {
    let mut picked = None;
    egui::Grid::new(("depends", id))
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in ["Type", "Target", "State", "Waiting", "Waits on", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for d in list {
                ui.label(d.depend_type.words());
                ui.label(d.target.as_str().to_lowercase().replace('_', " "));
                if d.active {
                    ui.colored_label(theme::warning(ui), "active");
                } else {
                    ui.weak("satisfied");
                }
                ui.label(d.waiting_side());
                ui.label(d.waited_on_side());
                let button = ui
                    .add_enabled(d.active && !read_only, egui::Button::new("Satisfy…"))
                    .on_disabled_hover_text(if read_only {
                        "This profile is read-only"
                    } else {
                        "Already satisfied"
                    });
                if button.clicked() {
                    picked = Some(vec![d.clone()]);
                }
                ui.end_row();
            }
        });
    let active: Vec<Depend> = list.iter().filter(|d| d.active).cloned().collect();
    if active.len() > 1
        && ui
            .add_enabled(
                !read_only,
                egui::Button::new(format!("Satisfy all {}…", active.len())),
            )
            .clicked()
    {
        picked = Some(active);
    }
    picked
}
