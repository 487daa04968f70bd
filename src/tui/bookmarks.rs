//! Bookmarked events, kept in the case state folder as `bookmarks.json` so they outlive the session and
//! travel with the case.

use crate::case::{write_atomic, Case};
use crate::model::Event;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bookmarks kept at most; marking beyond this is refused with a message.
pub const MAX_BOOKMARKS: usize = 10_000;

/// One bookmarked event: enough to list it without the index, and its id to find it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    pub event_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<DateTime<Utc>>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub ip: String,
    /// File and record the event was read from.
    #[serde(default)]
    pub origin: String,
    pub marked_at: DateTime<Utc>,
}

impl Bookmark {
    /// A bookmark of `e`, marked at `now`.
    pub fn of(e: &Event, now: DateTime<Utc>) -> Bookmark {
        Bookmark {
            event_id: e.id.clone(),
            ts: e.ts,
            source: e.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
            operation: e.operation.clone(),
            actor: e.actor_label().to_string(),
            ip: e.net.ip.map(|i| i.to_string()).unwrap_or_default(),
            origin: format!("{} #{}", e.origin.file, e.origin.record),
            marked_at: now,
        }
    }

    /// True when this bookmark is of `e` (same id and source: ids can repeat across sources).
    pub fn is_of(&self, e: &Event) -> bool {
        self.event_id == e.id && self.source == e.source.map(|s| s.as_str()).unwrap_or_default()
    }
}

#[derive(Serialize, Deserialize)]
struct BookmarkFile {
    bookmarks: Vec<Bookmark>,
}

/// Where a case's bookmarks live.
pub fn path(case: &Case) -> PathBuf {
    case.state_dir.join("bookmarks.json")
}

/// Reads the bookmarks; a missing file is none, an unreadable one an error naming it.
pub fn load(path: &Path) -> Result<Vec<Bookmark>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice::<BookmarkFile>(&bytes)
            .map(|f| f.bookmarks.into_iter().take(MAX_BOOKMARKS).collect())
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the bookmarks atomically.
pub fn save(path: &Path, list: &[Bookmark]) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(&BookmarkFile { bookmarks: list.to_vec() }).map_err(|e| e.to_string())?;
    write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_round_trip_and_bad_files_name_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bookmarks.json");
        assert_eq!(load(&p), Ok(Vec::new()));
        let e = Event { id: "e1".into(), operation: "New-InboxRule".into(), ..Event::default() };
        let b = Bookmark::of(&e, Utc::now());
        save(&p, std::slice::from_ref(&b)).unwrap();
        let back = load(&p).unwrap();
        assert_eq!(back, vec![b.clone()]);
        assert!(back[0].is_of(&e));
        std::fs::write(&p, "{").unwrap();
        assert!(load(&p).unwrap_err().contains("bookmarks.json"));
    }
}
