//! Bookmarked events (`bookmarks.json`): the evidence the analyst picked out, with tags and a comment, kept so
//! they outlive the session, travel with the case and feed the report's evidence timeline.

use super::files::read_bounded;
use super::{CaseState, StateError};
use crate::case::{write_atomic, Case};
use crate::model::Event;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bookmarks kept at most; marking beyond this is refused with a message.
pub const MAX_BOOKMARKS: usize = 10_000;

/// Most tags on one bookmark, and the longest tag and comment.
pub const MAX_TAGS: usize = 32;
const MAX_TAG_CHARS: usize = 64;
const MAX_COMMENT_CHARS: usize = 4000;

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
    /// The analyst's labels (`initial-access`, `exfil`, …), lower-case, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Why this event matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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
            tags: Vec::new(),
            comment: None,
        }
    }

    /// True when this bookmark is of `e` (same id and source: ids can repeat across sources).
    pub fn is_of(&self, e: &Event) -> bool {
        self.event_id == e.id && self.source == e.source.map(|s| s.as_str()).unwrap_or_default()
    }

    fn is(&self, event_id: &str, source: Option<&str>) -> bool {
        self.event_id == event_id && source.is_none_or(|s| self.source.eq_ignore_ascii_case(s))
    }
}

#[derive(Serialize, Deserialize)]
struct BookmarkFile {
    bookmarks: Vec<Bookmark>,
}

/// Where a case's bookmarks live.
pub fn path(case: &Case) -> PathBuf {
    case.state_dir.join(crate::case::paths::BOOKMARKS)
}

/// Reads the bookmarks; a missing file is none, an unreadable one an error naming it.
pub fn load(path: &Path) -> Result<Vec<Bookmark>, String> {
    read(path).map_err(|e| e.to_string())
}

/// Writes the bookmarks atomically.
pub fn save(path: &Path, list: &[Bookmark]) -> Result<(), String> {
    write(path, list).map_err(|e| e.to_string())
}

fn read(path: &Path) -> Result<Vec<Bookmark>, StateError> {
    match read_bounded(path)? {
        None => Ok(Vec::new()),
        Some(bytes) => serde_json::from_slice::<BookmarkFile>(&bytes)
            .map(|f| f.bookmarks.into_iter().take(MAX_BOOKMARKS).collect())
            .map_err(|e| StateError::Corrupt { path: path.display().to_string(), message: e.to_string() }),
    }
}

fn write(path: &Path, list: &[Bookmark]) -> Result<(), StateError> {
    let bytes = serde_json::to_vec_pretty(&BookmarkFile { bookmarks: list.to_vec() })
        .map_err(|e| StateError::io(path, std::io::Error::other(e)))?;
    write_atomic(path, &bytes).map_err(|e| StateError::io(path, e))
}

/// Normalises a tag: trimmed, lower-case, spaces as dashes, no control characters.
fn clean_tag(t: &str) -> Result<String, StateError> {
    let t: String = t
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    if t.is_empty() || t.chars().count() > MAX_TAG_CHARS {
        return Err(StateError::Refused(format!("a tag is 1 to {MAX_TAG_CHARS} characters")));
    }
    Ok(t)
}

impl CaseState {
    /// Where the bookmarks live.
    pub fn bookmarks_path(&self) -> PathBuf {
        self.dir.join(crate::case::paths::BOOKMARKS)
    }

    /// Every bookmark, in the order marked.
    pub fn bookmarks(&self) -> Result<Vec<Bookmark>, StateError> {
        read(&self.bookmarks_path())
    }

    /// Adds a bookmark; `false` when that event was already bookmarked (nothing changes).
    pub fn add_bookmark(&self, bookmark: Bookmark) -> Result<bool, StateError> {
        let _lock = self.write_lock("harrier bookmark")?;
        let mut list = self.bookmarks()?;
        if list.iter().any(|b| b.is(&bookmark.event_id, Some(&bookmark.source))) {
            return Ok(false);
        }
        if list.len() >= MAX_BOOKMARKS {
            return Err(StateError::Refused(format!("the case already has {MAX_BOOKMARKS} bookmarks")));
        }
        let details = serde_json::json!({"event": bookmark.event_id, "source": bookmark.source});
        list.push(bookmark);
        write(&self.bookmarks_path(), &list)?;
        self.log_activity("bookmark.add", details)?;
        Ok(true)
    }

    /// Removes the bookmark of an event (of one source when given); returns how many were removed.
    pub fn remove_bookmark(&self, event_id: &str, source: Option<&str>) -> Result<usize, StateError> {
        let _lock = self.write_lock("harrier bookmark")?;
        let mut list = self.bookmarks()?;
        let before = list.len();
        list.retain(|b| !b.is(event_id, source));
        let removed = before - list.len();
        if removed == 0 {
            return Err(StateError::Refused(format!("no bookmark of event {event_id}")));
        }
        write(&self.bookmarks_path(), &list)?;
        self.log_activity("bookmark.remove", serde_json::json!({"event": event_id, "source": source}))?;
        Ok(removed)
    }

    /// Adds and removes tags and sets the comment (`Some("")` clears it) of one bookmark.
    pub fn annotate_bookmark(
        &self,
        event_id: &str,
        source: Option<&str>,
        add_tags: &[String],
        remove_tags: &[String],
        comment: Option<&str>,
    ) -> Result<Bookmark, StateError> {
        let add: Vec<String> = add_tags.iter().map(|t| clean_tag(t)).collect::<Result<_, _>>()?;
        let remove: Vec<String> = remove_tags.iter().map(|t| clean_tag(t)).collect::<Result<_, _>>()?;
        let comment = comment.map(str::trim);
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            return Err(StateError::Refused(format!("the comment is longer than {MAX_COMMENT_CHARS} characters")));
        }
        let _lock = self.write_lock("harrier bookmark")?;
        let mut list = self.bookmarks()?;
        let matching: Vec<usize> = (0..list.len()).filter(|i| list[*i].is(event_id, source)).collect();
        let i = match matching.as_slice() {
            [i] => *i,
            [] => return Err(StateError::Refused(format!("no bookmark of event {event_id}"))),
            _ => {
                return Err(StateError::Refused(format!(
                    "event {event_id} is bookmarked in several sources; name the source"
                )))
            }
        };
        let b = &mut list[i];
        b.tags.retain(|t| !remove.contains(t));
        for t in add {
            if !b.tags.contains(&t) {
                b.tags.push(t);
            }
        }
        b.tags.sort();
        if b.tags.len() > MAX_TAGS {
            return Err(StateError::Refused(format!("a bookmark carries at most {MAX_TAGS} tags")));
        }
        if let Some(c) = comment {
            b.comment = if c.is_empty() { None } else { Some(c.to_string()) };
        }
        let result = b.clone();
        write(&self.bookmarks_path(), &list)?;
        self.log_activity(
            "bookmark.annotate",
            serde_json::json!({"event": event_id, "source": result.source, "tags": result.tags, "comment": result.comment}),
        )?;
        Ok(result)
    }
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

    #[test]
    fn files_without_tags_or_comment_still_load_and_tags_are_normalised() {
        let dir = tempfile::tempdir().unwrap();
        let state = CaseState::new(dir.path(), &crate::runenv::RunEnv::default()).with_actor("ana");
        std::fs::write(
            state.bookmarks_path(),
            r#"{"bookmarks":[{"event_id":"e1","source":"ual_exchange","operation":"Set-Mailbox",
                "marked_at":"2026-03-10T10:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(state.bookmarks().unwrap()[0].tags, Vec::<String>::new());
        let b = state
            .annotate_bookmark("e1", None, &["Initial Access".into(), "exfil".into()], &[], Some("rule forwards mail"))
            .unwrap();
        assert_eq!(b.tags, vec!["exfil", "initial-access"]);
        let b = state.annotate_bookmark("e1", Some("ual_exchange"), &[], &["exfil".into()], None).unwrap();
        assert_eq!(b.tags, vec!["initial-access"]);
        assert_eq!(b.comment.as_deref(), Some("rule forwards mail"));
        assert!(state.annotate_bookmark("nope", None, &[], &[], Some("x")).is_err());
        assert_eq!(state.remove_bookmark("e1", None).unwrap(), 1);
        assert!(state.bookmarks().unwrap().is_empty());
    }
}
