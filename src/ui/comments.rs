//! Comments on a job or a host: the list, newest first, and a form to add one. The same pane
//! serves the job detail and the host detail.

use crate::api::ApiClient;
use crate::api::types::Comment;
use crate::command::{Command, CommandSender};
use crate::remote::Remote;
use crate::tasks::Tasks;
use crate::tracker::Outcome;
use crate::ui::theme;

/// What the comments are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentTarget {
    /// A job, by id.
    Job(String),
    /// A host, by id.
    Host(String),
}

impl CommentTarget {
    /// "job" or "host".
    pub fn noun(&self) -> &'static str {
        match self {
            Self::Job(_) => "job",
            Self::Host(_) => "host",
        }
    }
}

/// The "Subject" and "Comment" fields of a new comment (the pane's form and the host
/// "Comment…" dialog).
pub fn fields_ui(ui: &mut egui::Ui, subject: &mut String, message: &mut String) {
    ui.horizontal(|ui| {
        crate::ui::widgets::labelled_text(ui, "Subject", subject, "", 260.0);
    });
    let label = ui.label("Comment");
    ui.add(
        egui::TextEdit::multiline(message)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
}

/// The comments of one job or host.
pub struct CommentsPane {
    target: CommentTarget,
    /// The job's or host's name.
    name: String,
    /// The comments as last fetched.
    pub comments: Remote<Vec<Comment>>,
    subject: String,
    message: String,
    /// A comment is on its way (through the action tracker).
    sending: bool,
    error: Option<String>,
}

impl CommentsPane {
    /// The pane of `target`, loaded on its first refresh.
    pub fn new(target: CommentTarget, name: &str) -> Self {
        Self {
            target,
            name: name.to_owned(),
            comments: Remote::default(),
            subject: String::new(),
            message: String::new(),
            sending: false,
            error: None,
        }
    }

    /// What the comments are on.
    pub fn target(&self) -> &CommentTarget {
        &self.target
    }

    /// Fetches the comments (one request in flight at most).
    pub fn refresh(&mut self, tasks: &Tasks, client: &ApiClient) {
        let c = client.clone();
        let target = self.target.clone();
        self.comments.request(|| {
            tasks.spawn("loading the comments", async move {
                match target {
                    CommentTarget::Job(id) => c.get_job_comments(&id).await,
                    CommentTarget::Host(id) => c.get_host_comments(&id).await,
                }
            })
        });
    }

    /// The comment sent from this pane came back: the form is cleared when it was added (and
    /// the list is fetched again by the caller), kept with the reason when it failed.
    pub fn finished(&mut self, outcome: &Outcome) {
        self.sending = false;
        if outcome.failed {
            self.error = Some(outcome.text.clone());
        } else {
            self.subject.clear();
            self.message.clear();
            self.error = None;
        }
    }

    /// "Comments", with their count once known.
    pub fn tab_label(&self) -> String {
        match self.comments.data().map(Vec::len) {
            Some(n) if n > 0 => format!("Comments ({n})"),
            _ => "Comments".to_owned(),
        }
    }

    /// The form and the list.
    pub fn ui(&mut self, ui: &mut egui::Ui, read_only: bool, commands: &CommandSender) {
        fields_ui(ui, &mut self.subject, &mut self.message);
        ui.horizontal(|ui| {
            let ready = !self.subject.trim().is_empty() || !self.message.trim().is_empty();
            let sending = self.sending;
            if ui
                .add_enabled(
                    ready && !sending && !read_only,
                    egui::Button::new("Add comment"),
                )
                .clicked()
            {
                self.sending = true;
                self.error = None;
                commands.send(Command::AddComment {
                    target: self.target.clone(),
                    name: self.name.clone(),
                    subject: self.subject.trim().to_owned(),
                    message: self.message.trim().to_owned(),
                });
            }
            if sending {
                crate::ui::widgets::waiting_ui(ui);
            }
            if let Some(e) = &self.error {
                ui.colored_label(theme::error(ui), e);
            }
        });
        ui.separator();
        if let Some(e) = self.comments.error() {
            ui.colored_label(theme::error(ui), e.user_message());
        }
        let mut comments: Vec<&Comment> = self
            .comments
            .data()
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        comments.sort_by_key(|c| std::cmp::Reverse(c.timestamp));
        if comments.is_empty() && self.comments.data().is_some() {
            ui.weak(format!("No comments on this {}.", self.target.noun()));
        }
        egui::ScrollArea::vertical()
            .id_salt("comments")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for c in comments {
                    ui.horizontal(|ui| {
                        ui.strong(&c.subject);
                        ui.weak(format!(
                            "{} | {}",
                            c.user,
                            crate::ui::widgets::local_time(c.timestamp)
                        ));
                    });
                    ui.label(&c.message);
                    ui.separator();
                }
            });
    }
}
