//! A case: the evidence folder, its `case.toml`, and harrier's state for it.

pub mod config;

pub use config::{CaseConfig, ConfigError};
