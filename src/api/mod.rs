//! The OpenCue REST Gateway: wire types, tolerant decoding, and the async client.
//!
//! Free of egui, so it could become its own crate.

pub mod auth;
pub mod client;
pub mod de;
pub mod error;
pub mod framespec;
pub mod requests;
pub mod types;

pub use auth::Credentials;
pub use client::{ApiClient, ClientConfig, FramePager, KillReason};
pub use error::{ApiError, AuthFailure, TlsProblem, UnreachableKind};
