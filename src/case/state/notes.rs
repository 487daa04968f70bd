//! Case notes: one Markdown file (`notes.md`) in the state folder, the analyst's running narrative of the case.

use super::files::read_bounded;
use super::{CaseState, StateError};
use crate::case::write_atomic;
use std::path::PathBuf;

/// Largest notes file harrier writes.
pub const MAX_NOTES_BYTES: usize = 16 * 1024 * 1024;

impl CaseState {
    /// Where the notes live.
    pub fn notes_path(&self) -> PathBuf {
        self.dir.join(crate::case::paths::NOTES)
    }

    /// The notes; none yet is an empty text.
    pub fn notes(&self) -> Result<String, StateError> {
        let path = self.notes_path();
        match read_bounded(&path)? {
            None => Ok(String::new()),
            Some(bytes) => String::from_utf8(bytes).map_err(|e| StateError::Corrupt {
                path: path.display().to_string(),
                message: format!("not UTF-8 text at byte {}", e.utf8_error().valid_up_to()),
            }),
        }
    }

    /// Replaces the notes with `text`.
    pub fn set_notes(&self, text: &str) -> Result<(), StateError> {
        let _lock = self.write_lock("harrier note")?;
        self.write_notes(text)?;
        self.log_activity("notes.set", serde_json::json!({"bytes": text.len()}))
    }

    /// Adds a paragraph at the end of the notes, headed with who wrote it and when.
    pub fn append_note(&self, text: &str) -> Result<(), StateError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StateError::Refused("the note is empty".into()));
        }
        let _lock = self.write_lock("harrier note")?;
        let mut notes = self.notes()?;
        if !notes.is_empty() && !notes.ends_with('\n') {
            notes.push('\n');
        }
        if !notes.is_empty() {
            notes.push('\n');
        }
        notes.push_str(&format!("### {} · {}\n\n{text}\n", self.now().format("%Y-%m-%d %H:%M:%S UTC"), self.actor));
        self.write_notes(&notes)?;
        self.log_activity("notes.append", serde_json::json!({"text": text}))
    }

    fn write_notes(&self, text: &str) -> Result<(), StateError> {
        if text.len() > MAX_NOTES_BYTES {
            return Err(StateError::Refused(format!("notes would exceed {MAX_NOTES_BYTES} bytes")));
        }
        let path = self.notes_path();
        write_atomic(&path, text.as_bytes()).map_err(|e| StateError::io(&path, e))
    }
}
