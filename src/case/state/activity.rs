//! The activity log: one JSON line per change to the analyst state (`activity.jsonl`), appended, never rewritten,
//! so the case carries who decided what and when.

use super::files::MAX_STATE_FILE;
use super::{CaseState, StateError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    pub by: String,
    /// What was done: `triage`, `triage.bulk`, `runbook.step`, `bookmark.add`, `notes.append`, `suppress.apply`, …
    pub action: String,
    /// The facts of the change (alert id, status, reason, step, …).
    #[serde(default)]
    pub details: serde_json::Value,
}

/// Longest line read back; longer lines are skipped as damage.
const MAX_LINE: usize = 1024 * 1024;

impl CaseState {
    /// Where the log lives.
    pub fn activity_path(&self) -> PathBuf {
        self.dir.join("activity.jsonl")
    }

    /// Appends one entry. Each entry is one `write` of a whole line followed by fsync, so a crash can at worst
    /// lose the entry being written.
    pub(crate) fn log_activity(&self, action: &str, details: serde_json::Value) -> Result<(), StateError> {
        let path = self.activity_path();
        let entry = ActivityEntry { at: self.now(), by: self.actor.clone(), action: action.to_string(), details };
        let mut line = serde_json::to_vec(&entry).map_err(|e| StateError::io(&path, std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut f =
            std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| StateError::io(&path, e))?;
        f.write_all(&line).map_err(|e| StateError::io(&path, e))?;
        f.sync_data().map_err(|e| StateError::io(&path, e))
    }

    /// The whole log, oldest first. A line that does not parse (a write cut short by a crash) is counted in the
    /// second value and skipped, never fatal.
    pub fn activity(&self) -> Result<(Vec<ActivityEntry>, usize), StateError> {
        let path = self.activity_path();
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => return Err(StateError::io(&path, e)),
        };
        let mut out = Vec::new();
        let mut damaged = 0;
        let mut reader = std::io::BufReader::new(file).take(MAX_STATE_FILE);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| StateError::io(&path, e))?;
            if n == 0 {
                break;
            }
            if buf.len() > MAX_LINE {
                damaged += 1;
                // Skip to the end of the overlong line.
                let mut rest = Vec::new();
                reader.read_until(b'\n', &mut rest).map_err(|e| StateError::io(&path, e))?;
                continue;
            }
            let line = buf.trim_ascii();
            if line.is_empty() {
                continue;
            }
            match serde_json::from_slice::<ActivityEntry>(line) {
                Ok(e) => out.push(e),
                Err(_) => damaged += 1,
            }
        }
        Ok((out, damaged))
    }
}
