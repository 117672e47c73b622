//! The OpenCue REST Gateway: wire types, tolerant decoding, and the async client.
//!
//! Free of egui, so it could become its own crate.

// The client spawns its own work (body parsing off the async threads); it has no UI to wake.
#![allow(clippy::disallowed_methods)]

pub mod auth;
pub mod client;
pub mod de;
pub mod error;
pub mod framespec;
pub mod requests;
pub mod rpc;
pub mod types;

pub use auth::Credentials;
pub use client::{ApiClient, ClientConfig, KillReason};
pub use error::{ApiError, AuthFailure, TlsProblem, UnreachableKind};
pub use rpc::FramePager;
