//! What the exercise pane shows: the exercise, its session as last read, the selected question, the line being
//! typed and the last message.

use crate::exercise::{Exercise, Session};

/// The pane's state, drawn by the views and changed by the pane's keys.
pub struct ExerciseScreen {
    pub exercise: Exercise,
    pub session: Session,
    pub facilitator: bool,
    pub open: bool,
    pub cursor: usize,
    /// The answer (or, for the facilitator, the jump time) being typed.
    pub input: Option<(InputKind, String)>,
    /// Facilitator: answer key shown.
    pub reveal: bool,
    /// The last message (verdict, hint, error).
    pub message: Option<String>,
}

/// What the pane's input line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Answer,
    Jump,
}
