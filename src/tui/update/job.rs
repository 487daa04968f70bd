//! The work `update` asks for: index queries, file reads and writes of case work, each run by the runtime off the
//! UI thread and answered with an [`Action`](super::action::Action) that carries the job's generation.

use crate::case::state::bookmarks::Bookmark;
use crate::case::state::{EntityFilter, SuppressionPlan, TriageStatus};
use crate::index::paging::{PageAt, SortKey};
use crate::index::query::ParsedQuery;
use crate::report::export::ExportFormat;
use crate::tui::state::entity::EntityRef;
use crate::tui::state::export::ExportMeter;
use crate::tui::state::stats::Dim;
use std::path::PathBuf;
use tantivy::DocAddress;

/// Work the UI asks for.
#[derive(Debug, Clone)]
pub enum Job {
    /// Ledger, alerts file, counts per source and the time span.
    LoadOverview { gen: u64 },
    /// `limit` rows of `query` at `at` (keyset paging); with the total when `total` is not known yet.
    LoadPage { gen: u64, query: ParsedQuery, at: PageAt, limit: usize, total: Option<usize> },
    /// The next (`forward`) or previous event of `query` that also matches `search`, from the event `from`
    /// (the cursor's), wrapping at the ends; with the rows around it unless its row is in `loaded`.
    FindMatch {
        gen: u64,
        query: ParsedQuery,
        search: ParsedQuery,
        from: Option<SortKey>,
        forward: bool,
        loaded: std::ops::Range<usize>,
    },
    /// Time, source, operation, actor and IP of each event id (alert evidence), in one batch.
    LookupEvents { gen: u64, ids: Vec<String> },
    /// Counts over the span of `query`.
    LoadHistogram { gen: u64, query: ParsedQuery },
    /// The original record of one event.
    LoadRaw { gen: u64, address: DocAddress },
    /// The text of the Sigma rule file that raised an alert.
    LoadRuleText { gen: u64, path: std::path::PathBuf },
    /// Span and top values of `dims` over the events of `query` (entity pages, facets, frequency tables).
    LoadStats { gen: u64, query: ParsedQuery, dims: Vec<Dim> },
    /// What the case's snapshots state about one entity.
    LoadEntityFacts { gen: u64, entity: EntityRef },
    /// Replace the saved search history with `list`.
    SaveHistory { list: Vec<String> },
    /// A write of case work, or an export.
    Case(CaseJob),
}

/// One write of case work, or an export.
#[derive(Debug, Clone)]
pub enum CaseJob {
    /// Read triage, progress and notes.
    Load,
    /// Tick/untick a runbook step and/or set its note.
    SetStep { alert_id: String, analytic: String, step_id: String, done: Option<bool>, note: Option<String> },
    /// Set one alert's status.
    SetTriage { alert_id: String, status: TriageStatus, reason: Option<String> },
    /// Set the status of every alert naming an entity.
    BulkTriage { entity: EntityFilter, status: TriageStatus, reason: Option<String> },
    /// Compute the `case.toml` change that would silence what an alert found.
    PlanSuppression { gen: u64, alert_id: String },
    /// Write a previewed suppression.
    ApplySuppression { plan: Box<SuppressionPlan> },
    /// Append a paragraph to `notes.md`.
    AppendNote { text: String },
    /// Bookmark an event.
    AddBookmark { bookmark: Box<Bookmark> },
    /// Remove an event's bookmark.
    RemoveBookmark { event_id: String, source: String },
    /// Add/remove tags and set the comment of a bookmark.
    AnnotateBookmark {
        event_id: String,
        source: String,
        add: Vec<String>,
        remove: Vec<String>,
        comment: Option<String>,
    },
    /// Write the events of `query` to `path`.
    Export { query: ParsedQuery, format: ExportFormat, path: ExportPath, meter: ExportMeter },
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportPath {
    /// This file name in the case state folder's `exports/`.
    InState(String),
    /// The path the analyst gave.
    Given(PathBuf),
}
