//! Errors loading a runbook. Each names the runbook and, where it applies, the step.

/// Why a runbook could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RunbookError {
    /// The TOML is malformed, has an unknown or missing key, or a pivot that does not check out.
    #[error("runbook {runbook}: {source}")]
    Toml {
        runbook: String,
        #[source]
        source: toml::de::Error,
    },
    /// A step breaks a rule of the model (empty text, duplicate or malformed id).
    #[error("runbook {runbook}, step `{step}`: {message}")]
    Step { runbook: String, step: String, message: String },
    /// The runbook as a whole breaks a rule (empty phase, bad analytic id, duplicate runbook).
    #[error("runbook {runbook}: {message}")]
    Invalid { runbook: String, message: String },
}
