//! harrier: an offline workbench for Microsoft 365 / Entra ID incident investigations.
//!
//! The core (case, ingest, index, analytics, report) is synchronous and knows nothing of the terminal;
//! `tui` builds on it.

pub mod analytics;
pub mod anonymize;
pub mod case;
pub mod cli;
pub mod config;
pub mod enrich;
pub mod exercise;
pub mod facts;
pub mod files;
pub mod gen;
pub mod index;
pub mod ingest;
pub mod model;
pub mod report;
pub mod runbook;
pub mod runenv;
pub mod text;
pub mod time;
pub mod tui;
