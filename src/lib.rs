//! CueDesk: a native desktop client for OpenCue render farms, over the OpenCue REST Gateway.
//!
//! `api` is the gateway client and wire types; `sim` is a simulated gateway and farm used by
//! `--demo` and the tests. Neither depends on egui. `app` and `ui` are the window.

/// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-11-28)`: the version, git commit and build date.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CUEDESK_GIT_COMMIT"),
    ", built ",
    env!("CUEDESK_BUILD_DATE"),
    ")"
);

pub mod api;
pub mod app;
pub mod bench;
pub mod command;
pub mod frames;
pub mod fuzzing;
pub mod history;
pub mod logs;
pub mod notify;
pub mod profiles;
pub mod remote;
pub mod secrets;
pub mod sim;
pub mod tasks;
pub mod terminal;
pub mod text;
pub mod tracker;
pub mod ui;
pub mod view_cache;
pub mod watch;
