//! The one place that knows the names inside a case's state folder, so every reader and writer agrees and a
//! reviewer can see at a glance what harrier keeps.

/// The state folder inside a writable case folder.
pub const STATE_FOLDER: &str = ".harrier";
/// The tantivy index.
pub const INDEX: &str = "index";
/// What happened to every file and record (`ingest --json`).
pub const LEDGER: &str = "ledger.json";
/// Facts learned at ingest: IP geography, user ids → UPNs.
pub const LEARNED: &str = "learned.json";
/// What the case's snapshot exports state about the tenant (inbox rules, risk, roles, app permissions…).
pub const FACTS: &str = "facts.json";
/// The last full detection run (`detect --format json`).
pub const ALERTS: &str = "alerts.json";
/// Layout version and the mark of the machine that wrote the state.
pub const STATE_META: &str = "state.json";
/// The single-writer lock of the index and ledger.
pub const WRITE_LOCK: &str = "lock";
/// Bookmarked events with tags and comments.
pub const BOOKMARKS: &str = "bookmarks.json";
/// Runbook steps ticked, with notes.
pub const PROGRESS: &str = "progress.json";
/// Every change to the analyst state, one JSON line each.
pub const ACTIVITY: &str = "activity.jsonl";
/// Triage status of each alert.
pub const TRIAGE: &str = "triage.json";
/// The case notes.
pub const NOTES: &str = "notes.md";
/// The workbench's search history.
pub const SEARCH_HISTORY: &str = "search-history.json";
/// A tabletop exercise's session: clock, injects fired, answers.
pub const EXERCISE_SESSION: &str = "exercise.json";
/// Timelines exported from the workbench.
pub const EXPORTS: &str = "exports";
