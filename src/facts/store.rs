//! The facts file of a case: every snapshot's facts, kept in the case state folder beside the ledger, written
//! atomically and read back on later runs.

use super::fact::SnapshotFacts;
use crate::files::atomic::write_atomic;
use crate::files::bounded::{read_text, BoundedReadError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The layout of the facts file; another version is refused (ingest again with `--rebuild`).
pub const FACTS_VERSION: u32 = 1;

/// Largest facts file read: ingest keeps at most a million facts, which stay below it.
pub const FACTS_MAX: u64 = 1 << 30;

/// Why the facts file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    #[error(transparent)]
    Read(#[from] BoundedReadError),
    #[error("{path} is not a facts file harrier can read: {source}")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} is facts file version {found}, this harrier reads version {FACTS_VERSION}; ingest with --rebuild")]
    Version { path: String, found: u32 },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What the facts file holds: the facts of each snapshot file, in the order of their paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactsFile {
    pub version: u32,
    pub snapshots: Vec<SnapshotFacts>,
}

impl Default for FactsFile {
    fn default() -> Self {
        FactsFile { version: FACTS_VERSION, snapshots: Vec::new() }
    }
}

impl FactsFile {
    /// Reads the facts file at `path`; a missing one holds no facts.
    pub fn load(path: &Path) -> Result<FactsFile, FactsError> {
        let text = match read_text(path, FACTS_MAX) {
            Ok(t) => t,
            Err(e) if e.is_not_found() => return Ok(FactsFile::default()),
            Err(e) => return Err(e.into()),
        };
        let name = || path.display().to_string();
        let version: Versioned =
            serde_json::from_str(&text).map_err(|source| FactsError::Parse { path: name(), source })?;
        if version.version != FACTS_VERSION {
            return Err(FactsError::Version { path: name(), found: version.version });
        }
        serde_json::from_str(&text).map_err(|source| FactsError::Parse { path: name(), source })
    }

    /// Replaces the facts file at `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), FactsError> {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        write_atomic(path, &bytes).map_err(|source| FactsError::Write { path: path.display().to_string(), source })
    }

    /// Only the snapshots known to have been taken by `until` (an exercise shows no state from after its clock,
    /// nor one whose time is unknown).
    pub fn taken_by(&self, until: chrono::NaiveDateTime) -> FactsFile {
        let snapshots = self
            .snapshots
            .iter()
            .filter(|s| s.snapshot.taken.as_ref().is_some_and(|t| t.at <= until))
            .cloned()
            .collect();
        FactsFile { version: self.version, snapshots }
    }

    /// The facts of the snapshot file at `path`, if the file holds them.
    pub fn of_file(&self, path: &str) -> Option<&SnapshotFacts> {
        self.snapshots.iter().find(|s| s.snapshot.path == path)
    }
}

/// Just the version, read before the rest so an old layout is named rather than misread.
#[derive(Deserialize)]
struct Versioned {
    version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Fact, InboxRule, Snapshot, SnapshotKind};

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts.json");
        assert_eq!(FactsFile::load(&path).unwrap(), FactsFile::default(), "a missing file holds no facts");
        let rule = InboxRule { mailbox: "a@b.example".into(), name: "x".into(), ..InboxRule::default() };
        let file = FactsFile {
            version: FACTS_VERSION,
            snapshots: vec![SnapshotFacts {
                snapshot: Snapshot { path: "r.csv".into(), kind: SnapshotKind::MailboxRules, taken: None },
                facts: vec![Fact::InboxRule(rule)],
            }],
        };
        file.save(&path).unwrap();
        assert_eq!(FactsFile::load(&path).unwrap(), file);
        assert!(file.of_file("r.csv").is_some() && file.of_file("other.csv").is_none());
        let now = chrono::NaiveDateTime::parse_from_str("2025-05-01 00:00", "%Y-%m-%d %H:%M").unwrap();
        assert!(file.taken_by(now).snapshots.is_empty(), "a snapshot of unknown time is not shown under a clock");
        std::fs::write(&path, br#"{"version": 99, "snapshots": []}"#).unwrap();
        assert!(matches!(FactsFile::load(&path), Err(FactsError::Version { found: 99, .. })));
        std::fs::write(&path, b"{not json").unwrap();
        assert!(matches!(FactsFile::load(&path), Err(FactsError::Parse { .. })));
    }
}
