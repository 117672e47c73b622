//! The views and widgets of the window.

pub mod actions;
pub mod connect;
pub mod jobs;
pub mod theme;
pub mod widgets;
