//! The activity log: one JSON line per change to the analyst state (`activity.jsonl`), appended, never rewritten,
//! so the case carries who decided what and when.

use super::files::MAX_STATE_FILE;
use super::{CaseState, StateError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Seek, SeekFrom, Write};
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
        self.dir.join(crate::case::paths::ACTIVITY)
    }

    /// Appends one entry, under the state lock. A kill can cut the line being written short (the kernel may stop
    /// a large write at a page boundary); the next append first cuts such a torn tail away, so the log is whole
    /// lines followed by at most one torn line, which readers skip.
    pub(crate) fn log_activity(&self, action: &str, details: serde_json::Value) -> Result<(), StateError> {
        let path = self.activity_path();
        let io = |e| StateError::io(&path, e);
        let entry = ActivityEntry { at: self.now(), by: self.actor.clone(), action: action.to_string(), details };
        let mut line = serde_json::to_vec(&entry).map_err(|e| io(std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut f =
            std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path).map_err(io)?;
        let len = f.metadata().map_err(io)?.len();
        let keep = whole_lines_len(&mut f, len).map_err(io)?;
        if keep < len {
            f.set_len(keep).map_err(io)?;
        }
        f.seek(SeekFrom::Start(keep)).map_err(io)?;
        f.write_all(&line).map_err(io)?;
        f.sync_data().map_err(io)
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
                // A last line without its newline is a write cut short: not yet part of the log.
                Err(_) if !buf.ends_with(b"\n") => {}
                Err(_) => damaged += 1,
            }
        }
        Ok((out, damaged))
    }
}

/// Length of the file up to and including its last newline: what remains once a torn last line is cut away.
/// Only the tail is read; a torn line longer than [`MAX_LINE`] is left and ends up as one damaged line.
fn whole_lines_len(f: &mut std::fs::File, len: u64) -> std::io::Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    let window = len.min(MAX_LINE as u64 + 1);
    f.seek(SeekFrom::Start(len - window))?;
    let mut tail = vec![0u8; window as usize];
    f.read_exact(&mut tail)?;
    if tail.last() == Some(&b'\n') {
        return Ok(len);
    }
    match tail.iter().rposition(|b| *b == b'\n') {
        Some(i) => Ok(len - window + i as u64 + 1),
        None if window == len => Ok(0),
        None => Ok(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_skipped_and_cut_away_by_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let state = CaseState::new(dir.path(), &crate::runenv::RunEnv::default()).with_actor("ana");
        state.log_activity("triage", serde_json::json!({"alert": "a"})).unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(state.activity_path()).unwrap();
        f.write_all(br#"{"at":"2026-03-16T10:00:00Z","by":"ana","act"#).unwrap();
        let (log, damaged) = state.activity().unwrap();
        assert_eq!((log.len(), damaged), (1, 0));
        state.log_activity("notes.append", serde_json::json!({"text": "x"})).unwrap();
        let (log, damaged) = state.activity().unwrap();
        assert_eq!(damaged, 0);
        assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["triage", "notes.append"]);
        std::fs::write(state.activity_path(), "garbage\n").unwrap();
        state.log_activity("triage", serde_json::json!({})).unwrap();
        assert_eq!(state.activity().unwrap(), (vec![state.activity().unwrap().0[0].clone()], 1));
    }
}
