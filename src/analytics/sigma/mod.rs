//! Sigma rules run over a case next to harrier's own detections: rule loading, the field mapping, the logsource
//! routing and the evaluation pass. The Sigma crates themselves are reached only through [`backend`].

pub mod alerts;
pub mod backend;
pub mod feeds;
pub mod fields;
pub mod group;
pub mod listing;
pub mod load;
pub mod native;
pub mod record;
pub mod run;
pub mod trial;
pub mod view;
pub mod worker;

pub use load::{load_rules, LoadedRule, RuleSet, SkippedRule, SourceSpec};
pub use run::{SigmaRun, SigmaStats};

/// Why Sigma rules could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SigmaError {
    #[error("sigma asset: {0}")]
    Asset(String),
    #[error("cannot read Sigma rules at {path}: {message}")]
    Read { path: String, message: String },
    #[error("Sigma rules: {0}")]
    Compile(String),
}

/// The analytic name of a Sigma rule's alerts: `sigma:<rule id>`.
pub fn analytic_id(rule_id: &str) -> String {
    format!("sigma:{rule_id}")
}

/// The prefix every Sigma analytic id starts with.
pub const PREFIX: &str = "sigma:";
