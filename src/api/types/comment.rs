//! `comment.proto`: comments on jobs and hosts.

use crate::api::de::{message, seq};

message! { emit_all;
    /// A comment on a job or a host.
    pub struct Comment {
        pub id: String,
        /// Epoch s.
        pub timestamp: i32,
        pub user: String,
        pub subject: String,
        pub message: String,
    }
}

seq! {
    /// `CommentSeq`.
    pub struct CommentSeq { "comments" => pub comments: Vec<Comment> }
}
