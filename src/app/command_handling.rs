//! Where commands are carried out: the only place a click turns into work on the gateway,
//! the keyring or the disk. Reads land in the views' `Remote`s; writes go through the
//! session's action tracker, which records them in the history and reports their outcome.

use crate::api::{ApiClient, KillReason};
use crate::command::Command;
use crate::tracker::{Outcome, Touched};
use crate::ui::actions::{ActionDialog, Report, Start};
use crate::ui::comments::CommentTarget;
use crate::ui::connect::PanelCommand;
use crate::ui::dialog::Dialog;
use crate::ui::frame_actions::FrameDialog;
use crate::ui::host_actions::HostDialog;
use crate::ui::host_detail::HostDetail;

use super::{CueDeskApp, Session};

impl CueDeskApp {
    /// Applies the commands the views sent, in order. A frame follows when any was applied, so
    /// that the refreshes they asked for go out at once.
    pub(super) fn run_commands(&mut self, ctx: &egui::Context) {
        let commands = self.commands.take();
        if commands.is_empty() {
            return;
        }
        for command in commands {
            self.run_command(ctx, command);
        }
        ctx.request_repaint();
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenProfile(name) => self.profiles.open_by_name(&self.tasks, &name),
            Command::ShowProfiles => {
                let current = self.session.as_ref().map(|s| s.profile.name.clone());
                self.profiles.show_panel(current.as_deref());
            }
            Command::Panel(PanelCommand::Test { profile, secret }) => {
                // Exactly as a session would connect: CA file, timeout and cap included.
                let client = ApiClient::new(profile.client_config(profile.credentials(secret)));
                let test = self.tasks.spawn("testing the connection", async move {
                    Ok(client?.get_active_shows().await?.len())
                });
                if let Some(panel) = self.profiles.panel.as_mut() {
                    panel.testing(test);
                }
            }
            Command::Panel(PanelCommand::Demo) => {
                if self.demo_start.is_none() {
                    self.demo_start = Some(
                        self.tasks
                            .spawn("starting the demo farm", super::demo::start()),
                    );
                }
            }
            Command::Panel(command) => {
                if let Some(c) = self.profiles.handle_panel(&self.tasks, command) {
                    self.connect(c);
                }
            }
            Command::EmailOwners(jobs) => {
                let Some(link) = self
                    .session
                    .as_ref()
                    .and_then(|s| s.profile.mail_owners(&jobs))
                else {
                    return;
                };
                let shown = format!("an e-mail to {} owners", jobs.len());
                // Starting the mail program can block: off the UI thread.
                let opening = self.tasks.blocking("starting the mail program", move || {
                    open::that_detached(&link)
                        .map_err(|e| format!("Cannot start the mail program: {e}"))
                });
                self.opening.push(shown, opening);
            }
            Command::OpenFolder(reported) => {
                let mappings = self
                    .session
                    .as_ref()
                    .map(|s| s.profile.path_mappings.clone())
                    .unwrap_or_default();
                let path = crate::logs::map_path(&reported, &mappings);
                // A render output names files (`beauty.#.exr`): open the folder they are in.
                let dir = path
                    .parent()
                    .map_or_else(|| path.clone(), std::path::Path::to_path_buf);
                let shown = dir.display().to_string();
                // Starting the file manager can block (a slow share): off the UI thread.
                let opening = self.tasks.blocking("opening a folder", move || {
                    crate::logs::open_external("", &dir, 0)
                });
                self.opening.push(shown, opening);
            }
            command => {
                if let Some(session) = self.session.as_mut() {
                    let remember = session_command(session, &self.tasks, ctx, command);
                    if let Some(show) = remember {
                        let name = session.profile.name.clone();
                        self.profiles.remember_show(&self.tasks, &name, &show);
                    }
                }
            }
        }
    }
}

/// Applies a command to the session. Returns a show the profile should remember.
fn session_command(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    ctx: &egui::Context,
    command: Command,
) -> Option<String> {
    match command {
        Command::Refresh => session.refresh_now(true),
        Command::SelectShow(show) => {
            session.show = Some(show.clone());
            session.jobs.jobs.reset();
            session.jobs.table.selected.clear();
            session.refresh_now(false);
            return Some(show);
        }
        Command::SetView(view) => session.set_view(view),
        Command::ShowJobsOf { show, state } => {
            if session.show.as_deref() != Some(show.as_str()) {
                session.show = Some(show.clone());
                session.jobs.jobs.reset();
                session.jobs.table.selected.clear();
            }
            session.jobs.filter = crate::ui::jobs::JobFilter {
                state,
                ..Default::default()
            };
            session.set_view(crate::app::MainView::Jobs);
            session.refresh_now(false);
            return Some(show);
        }
        Command::FindStuck(show) => {
            let minutes = session.profile.watching.stuck_minutes.max(1);
            let client = session.client.clone();
            let mut search = crate::ui::overview::StuckSearch {
                show: show.clone(),
                minutes,
                found: crate::remote::Remote::default(),
            };
            let limit = i64::try_from(minutes.saturating_mul(60)).unwrap_or(i64::MAX);
            search.found.request(|| {
                tasks.spawn("looking for stuck frames", async move {
                    client.find_stuck_frames(&show, limit).await
                })
            });
            session.overview.stuck = Some(search);
        }
        Command::ShowHosts(filter) => {
            session.hosts.filter = *filter;
            session.set_view(crate::app::MainView::Hosts);
        }
        Command::IncludeFinished(on) => {
            session.include_finished = on;
            session.jobs.jobs.reset();
            session.refresh_now(false);
        }
        Command::JobAction(action, jobs) => {
            if jobs.is_empty() || session.profile.read_only {
                return None;
            }
            match ActionDialog::start(action, jobs.clone(), &session.profile.username) {
                Start::Send(request) => send_job_action(session, tasks, request, jobs),
                Start::Ask(dialog) => session.dialog = Some(Dialog::Job(dialog)),
            }
        }
        Command::SendJobAction(request, jobs) => send_job_action(session, tasks, request, jobs),
        Command::HostAction(action, hosts) => {
            if hosts.is_empty() || session.profile.read_only {
                return None;
            }
            match HostDialog::start(action, hosts.clone()) {
                Start::Send(request) => send_host_action(session, tasks, request, hosts),
                Start::Ask(mut dialog) => {
                    let busy = dialog.busy_hosts();
                    if !busy.is_empty() {
                        let client = session.client.clone();
                        dialog.procs.request(|| {
                            tasks.spawn("loading what runs on the hosts", async move {
                                let mut out = Vec::with_capacity(busy.len());
                                for (id, name) in busy {
                                    out.push((name, client.get_host_procs(&id).await?));
                                }
                                Ok(out)
                            })
                        });
                    }
                    if dialog.needs_allocations() {
                        let client = session.client.clone();
                        dialog.allocations.request(|| {
                            tasks
                                .spawn("allocations", async move { client.get_allocations().await })
                        });
                    }
                    session.dialog = Some(Dialog::Host(Box::new(dialog)));
                }
            }
        }
        Command::SendHostAction(request, hosts) => {
            send_host_action(session, tasks, request, hosts);
        }
        Command::FrameAction(job, request) => {
            if session.profile.read_only {
                return None;
            }
            match FrameDialog::start(request, &job.user, &session.profile.username) {
                Start::Send(request) => send_frame_action(session, tasks, &job, request, None),
                Start::Ask(dialog) => session.dialog = Some(Dialog::Frame(job, dialog)),
            }
        }
        Command::SendFrameAction(job, request, reason) => {
            send_frame_action(session, tasks, &job, request, reason);
        }
        Command::Ask(mut dialog) => {
            if session.profile.read_only && !dialog.is_read_only() {
                return None;
            }
            if let Some((layer_id, paths)) = dialog.wants_output_paths() {
                let (client, id) = (session.client.clone(), layer_id.to_owned());
                paths.request(|| {
                    tasks.spawn("loading the output paths", async move {
                        client.get_layer_output_paths(&id).await
                    })
                });
            }
            session.dialog = Some(Dialog::Edit(dialog));
        }
        Command::ProcAction { proc, host, action } => {
            if session.profile.read_only {
                return None;
            }
            // A redirect goes to another pending job of the proc's show, as listed.
            let targets = session
                .jobs
                .jobs
                .data()
                .map(|jobs| {
                    jobs.iter()
                        .filter(|j| {
                            j.show == proc.show_name
                                && j.name != proc.job_name
                                && j.state == crate::api::types::JobState::Pending
                        })
                        .map(|j| (j.id.clone(), j.name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let dialog = crate::ui::edits::EditDialog::proc(*proc, &host, action, targets);
            session.dialog = Some(Dialog::Edit(Box::new(dialog)));
        }
        Command::SendEdit(request) => {
            if session.profile.read_only {
                return None;
            }
            let (label, targets) = request.history();
            let entry = session.history_entry(label, targets);
            let touched = request.touched();
            let run = request.run(session.client.clone());
            session.actions.send(tasks, entry, touched, run);
        }
        Command::SatisfyDepends { job, depends } => {
            if session.profile.read_only || depends.is_empty() {
                return None;
            }
            let mut targets = vec![job.name.clone()];
            targets.extend(
                depends
                    .iter()
                    .map(|d| format!("{} on {}", d.waiting_side(), d.waited_on_side())),
            );
            let entry = session.history_entry("Satisfy", targets);
            let client = session.client.clone();
            let run = async move {
                let n = depends.len();
                for d in &depends {
                    if let Err(e) = client.satisfy_depend(&d.id).await {
                        return crate::tracker::Outcome::failed(format!(
                            "Satisfy failed for {} on {}: {}",
                            d.waiting_side(),
                            d.waited_on_side(),
                            e.user_message()
                        ));
                    }
                }
                crate::tracker::Outcome::done(match n {
                    1 => "Satisfied 1 dependency".to_owned(),
                    n => format!("Satisfied {n} dependencies"),
                })
            };
            session
                .actions
                .send(tasks, entry, Touched::Job(job.id.clone()), run);
        }
        Command::AddComment {
            target,
            name,
            subject,
            message,
        } => add_comment(session, tasks, target, &name, subject, message),
        Command::OpenJob { job, pin } => {
            session.previewed = Some(job.id.clone());
            let salt = session.profile.name.clone();
            session.detail.show_job(&job, pin, &salt);
        }
        Command::Watch { jobs, watch } => session.set_watched(&jobs, watch),
        Command::RemoveFinished => {
            session.remove_finished();
        }
        Command::OpenWatched(id) => session.show_in_mine(&id),
        Command::ToggleWorkstation => session.workstation.toggle(),
        Command::GoToJob(name) => {
            let client = session.client.clone();
            let n = name.clone();
            let lookup = tasks.spawn("looking up a job", async move { client.find_job(&n).await });
            session.jump = Some((name, lookup));
        }
        Command::OpenFrameLog { job_id, frame_id } => {
            let profile = &session.profile;
            if let Some(d) = session.detail.tabs.iter_mut().find(|d| d.job.id == job_id) {
                d.open_log(tasks, &frame_id, profile);
            }
        }
        Command::CopyLogPath(reported) => {
            let path = crate::logs::map_path(&reported, &session.profile.path_mappings);
            ctx.copy_text(path.display().to_string());
        }
        Command::OpenHost(id) => {
            if let Some(host) = session.hosts.get(&id) {
                let salt = session.profile.name.clone();
                session.host_detail = Some(HostDetail::new(host, session.procs_sort, &salt));
            }
        }
        Command::CloseHost => session.host_detail = None,
        Command::OpenProcLog(proc_id) => {
            if let Some(d) = session.host_detail.as_mut() {
                d.open_log(tasks, &proc_id, &session.profile);
            }
        }
        // Applied by the app, before a session sees commands.
        Command::OpenProfile(_)
        | Command::ShowProfiles
        | Command::Panel(_)
        | Command::OpenFolder(_)
        | Command::EmailOwners(_) => {}
    }
    None
}

fn send_job_action(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    request: crate::ui::actions::ActionRequest,
    jobs: Vec<crate::api::types::Job>,
) {
    let report = Report::job(request.action());
    let names = jobs.iter().map(|j| j.name.clone()).collect();
    let (client, user) = (session.client.clone(), session.profile.username.clone());
    let run = request.run(client, user, jobs);
    send_reported(session, tasks, (report, names, Touched::Jobs), run);
}

fn send_host_action(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    request: crate::ui::host_actions::HostRequest,
    hosts: Vec<crate::api::types::Host>,
) {
    let report = request.report(&hosts);
    let names = hosts.iter().map(|h| h.name.clone()).collect();
    let (client, user) = (session.client.clone(), session.profile.username.clone());
    let run = request.run(client, user, hosts);
    send_reported(session, tasks, (report, names, Touched::Hosts), run);
}

/// Sends an action on several jobs or hosts: its history line names `targets`, and `report`
/// words its outcome.
fn send_reported(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    (report, targets, touched): (Report, Vec<String>, Touched),
    run: impl std::future::Future<Output = crate::ui::actions::ActionOutcome> + Send + 'static,
) {
    let entry = session.history_entry(report.label, targets);
    session.actions.send(
        tasks,
        entry,
        touched,
        async move { report.outcome(&run.await) },
    );
}

fn send_frame_action(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    job: &crate::api::types::Job,
    request: crate::ui::frame_actions::FrameRequest,
    reason: Option<String>,
) {
    let mut targets = vec![format!("{}: {}", job.name, request.what)];
    targets.extend(request.names.iter().cloned());
    let entry = session.history_entry(request.op.short(), targets);
    let kill = reason.map(|reason| KillReason {
        username: session.profile.username.clone(),
        reason,
    });
    let run = request.run(session.client.clone(), kill);
    session
        .actions
        .send(tasks, entry, Touched::Job(job.id.clone()), run);
}

fn add_comment(
    session: &mut Session,
    tasks: &crate::tasks::Tasks,
    target: CommentTarget,
    name: &str,
    subject: String,
    message: String,
) {
    if session.profile.read_only {
        return;
    }
    let entry = session.history_entry("Comment", vec![name.to_owned()]);
    let client = session.client.clone();
    let user = session.profile.username.clone();
    let (t, what) = (target.clone(), format!("{} {name}", target.noun()));
    session
        .actions
        .send(tasks, entry, Touched::Comments(target), async move {
            let sent = match t {
                CommentTarget::Job(id) => {
                    client.add_job_comment(&id, &user, &subject, &message).await
                }
                CommentTarget::Host(id) => {
                    client
                        .add_host_comment(&id, &user, &subject, &message)
                        .await
                }
            };
            match sent {
                Ok(()) => Outcome::done(format!("Commented on {what}")),
                Err(e) => {
                    Outcome::failed(format!("Comment failed for {what}: {}", e.user_message()))
                }
            }
        });
}
