//! CueDesk: a native desktop client for OpenCue render farms, over the OpenCue REST Gateway.
//!
//! `api` is the gateway client and wire types; `sim` is a simulated gateway and farm used by
//! `--demo` and the tests. Neither depends on egui. `app` and `ui` are the window.

pub mod api;
pub mod app;
pub mod bench;
pub mod frames;
pub mod logs;
pub mod profiles;
pub mod remote;
pub mod secrets;
pub mod sim;
pub mod text;
pub mod ui;
