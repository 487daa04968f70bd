//! How a finding read from a snapshot cites it: the file, the record and when it was taken, and the moment the
//! alert's time range takes from it.

use crate::facts::{Snapshot, Taken};
use chrono::{DateTime, Utc};

/// `snapshot Rules.csv record 3 (snapshot taken 2025-04-30 16:47)`.
pub fn cite(snapshot: &Snapshot, row: Option<u64>) -> String {
    let record = row.map(|r| format!(" record {r}")).unwrap_or_default();
    let when = match &snapshot.taken {
        Some(_) => snapshot.label().split(" · ").next().unwrap_or_default().to_string(),
        None => "time not known".to_string(),
    };
    format!("snapshot {}{record} ({when})", snapshot.file_name())
}

/// When the snapshot was taken, as a time for the alert's range (a file-name time is the collector's clock, read as
/// UTC); `None` when the file does not tell.
pub fn taken_at(snapshot: &Snapshot) -> Option<DateTime<Utc>> {
    snapshot.taken.as_ref().map(|Taken { at, .. }| at.and_utc())
}
