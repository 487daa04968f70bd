//! Helpers shared by the command-line front end and the TUI: time display and terminal-safe text.

pub mod bench;
pub mod sanitize;
pub mod timefmt;
