//! The workbench TUI, in four parts:
//!
//! - [`state`]: what is on screen and loaded: the one [`App`](state::App) and everything it holds;
//! - [`update`]: the reaction to an [`Action`](update::action::Action): the App changed and the
//!   [`Job`](update::job::Job)s to run, with no I/O and no clock but the App's own;
//! - [`views`]: drawing the App into a frame, reading it only;
//! - [`runtime`]: the terminal, input, the worker threads that run jobs, and the event loop between them.
//!
//! Imports point one way: the runtime uses the other three parts; update and views use the state (update asks the
//! views where a click landed); the state uses none of them.

pub mod runtime;
pub mod state;
pub mod update;
pub mod views;

pub use runtime::{run, run_exercise, run_with};
