//! CueDesk: a native desktop client for OpenCue render farms, over the OpenCue REST Gateway.
//!
//! `api` is the gateway client and wire types; `sim` is a simulated gateway and farm used by
//! `--demo` and the tests. Neither depends on egui.

pub mod api;
pub mod sim;
