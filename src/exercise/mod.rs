//! Tabletop exercises over a case: the exercise file (injects, questions, answer key), the replay clock that
//! limits what the team sees, scoring, the saved session, and the debrief report.

pub mod answer;
pub mod clock;
pub mod debrief;
pub mod model;
pub mod session;

pub use model::{Exercise, EXERCISE_FILE};
pub use session::Session;

use std::path::{Path, PathBuf};

/// Exercise errors, each naming the file or the rule at fault.
#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    State(#[from] crate::case::state::StateError),
}

/// The case folder and exercise file meant by a path naming either (the exercise sits at the case root).
pub fn locate(path: &Path) -> (PathBuf, PathBuf) {
    if path.is_file() {
        let case = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let case = if case.as_os_str().is_empty() { PathBuf::from(".") } else { case };
        (case, path.to_path_buf())
    } else {
        (path.to_path_buf(), path.join(EXERCISE_FILE))
    }
}
