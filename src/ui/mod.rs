//! The views and widgets of the window.

pub mod actions;
pub mod columns;
pub mod comments;
pub mod connect;
pub mod depends;
pub mod detail;
pub mod dialog;
pub mod edits;
pub mod frame_actions;
pub mod frames;
pub mod history;
pub mod host_actions;
pub mod host_detail;
pub mod hosts;
pub mod jobs;
pub mod layer_graph;
pub mod layers;
pub mod logview;
pub mod overview;
pub mod table;
pub mod theme;
pub mod widgets;
pub mod workstation;
