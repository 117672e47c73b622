//! Comments on a job or a host: the list, newest first, and a form to add one. The same pane
//! serves the job detail and the host detail.

use poll_promise::Promise;

use crate::api::types::Comment;
use crate::api::{ApiClient, ApiError};
use crate::profiles::Profile;
use crate::remote::{Remote, spawn, take_ready};
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
    fn noun(&self) -> &'static str {
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
        let label = ui.label("Subject");
        ui.add(egui::TextEdit::singleline(subject).desired_width(260.0))
            .labelled_by(label.id);
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
    /// The comments as last fetched.
    pub comments: Remote<Vec<Comment>>,
    subject: String,
    message: String,
    send: Option<Promise<Result<(), ApiError>>>,
    error: Option<String>,
}

impl CommentsPane {
    /// The pane of `target`, loaded on its first refresh.
    pub fn new(target: CommentTarget) -> Self {
        Self {
            target,
            comments: Remote::default(),
            subject: String::new(),
            message: String::new(),
            send: None,
            error: None,
        }
    }

    /// Fetches the comments (one request in flight at most).
    pub fn refresh(
        &mut self,
        rt: &tokio::runtime::Handle,
        ctx: &egui::Context,
        client: &ApiClient,
    ) {
        let c = client.clone();
        let target = self.target.clone();
        self.comments.request(|| {
            spawn(rt, ctx, async move {
                match target {
                    CommentTarget::Job(id) => c.get_job_comments(&id).await,
                    CommentTarget::Host(id) => c.get_host_comments(&id).await,
                }
            })
        });
    }

    /// Takes finished responses; a comment just added is fetched back at once.
    pub fn poll(&mut self, rt: &tokio::runtime::Handle, ctx: &egui::Context, client: &ApiClient) {
        self.comments.poll();
        if let Some(done) = take_ready(&mut self.send) {
            match done {
                Ok(()) => {
                    self.subject.clear();
                    self.message.clear();
                    self.error = None;
                    self.refresh(rt, ctx, client);
                }
                Err(e) => self.error = Some(e.user_message()),
            }
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
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        rt: &tokio::runtime::Handle,
        client: &ApiClient,
        profile: &Profile,
    ) {
        fields_ui(ui, &mut self.subject, &mut self.message);
        ui.horizontal(|ui| {
            let ready = !self.subject.trim().is_empty() || !self.message.trim().is_empty();
            let sending = self.send.is_some();
            if ui
                .add_enabled(
                    ready && !sending && !profile.read_only,
                    egui::Button::new("Add comment"),
                )
                .clicked()
            {
                let c = client.clone();
                let target = self.target.clone();
                let user = profile.username.clone();
                let subject = self.subject.trim().to_owned();
                let message = self.message.trim().to_owned();
                self.send = Some(spawn(rt, ui.ctx(), async move {
                    match target {
                        CommentTarget::Job(id) => {
                            c.add_job_comment(&id, &user, &subject, &message).await
                        }
                        CommentTarget::Host(id) => {
                            c.add_host_comment(&id, &user, &subject, &message).await
                        }
                    }
                }));
            }
            if sending {
                ui.spinner();
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
                            crate::ui::frames::local_time(c.timestamp)
                        ));
                    });
                    ui.label(&c.message);
                    ui.separator();
                }
            });
    }
}
