//! Errors of the analyst state: each names the file or the rule at fault.

use crate::case::LockError;

/// Why analyst state could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is unreadable ({message}); fix or move the file aside, harrier will start it afresh")]
    Corrupt { path: String, message: String },
    /// The change is not allowed as asked (a closing status without a reason, an unknown step, …).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl StateError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> StateError {
        StateError::Io { path: path.display().to_string(), source }
    }
}
