//! Detection analytics: baselines computed from the case, five ATT&CK-derived analytics, and alerts that say why.
//!
//! One pass over the events feeds [`store::Store`] (compact baselines and access records) and each analytic's
//! candidate list; afterwards every analytic reasons over what was kept. Entry point: [`detect`].

pub mod alert;
pub mod catalog;
pub mod clock;
pub mod coverage;
pub mod engine;
pub mod graph;
pub mod incidents;
pub mod kept_records;
pub mod output;
pub mod params;
pub mod registry;
pub mod saved;
pub mod sigma;
pub mod spent_events;
pub mod store;
pub mod suppress_spec;

mod allow;
mod an0534;
mod an0959;
mod an1089;
mod an1107;
mod an1350;
mod bec;
mod common;
#[cfg(test)]
mod unit_tests;

pub use alert::{Alert, Entities, Suppression};
pub use coverage::Coverage;
pub use engine::{detect, detect_events, DetectContext, Detection};

/// Why detection could not run. Messages name the analytic and the parameter at fault.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AnalyticsError {
    #[error("unknown analytic '{0}' (known: {known})", known = registry::ids().join(", "))]
    UnknownAnalytic(String),
    #[error("[analytics.{analytic}] unknown parameter '{param}' (known: {known})")]
    UnknownParameter { analytic: String, param: String, known: String },
    #[error("[analytics.{analytic}] {param}: expected {expected}, found {found}")]
    WrongType { analytic: String, param: String, expected: &'static str, found: String },
    #[error("[analytics.{analytic}] {param}: {message}")]
    BadValue { analytic: String, param: String, message: String },
    #[error("analytics metadata: {0}")]
    Metadata(String),
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Sigma(#[from] sigma::SigmaError),
}
