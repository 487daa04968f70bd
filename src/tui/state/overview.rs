//! What the overview screen shows: the case's counts, span, ingest ledger and saved alerts, with the bookmarks
//! and search history read alongside.

use super::alerts::AlertsState;
use crate::case::state::bookmarks::Bookmark;
use crate::case::Ledger;
use crate::model::Source;
use chrono::{DateTime, Utc};

/// What the overview shows, computed off the UI thread.
#[derive(Debug, Clone)]
pub struct OverviewData {
    pub ledger: Ledger,
    pub per_source: Vec<(Source, usize)>,
    pub total: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub alerts: AlertsState,
    /// The detections the saved run says could not see all they look for (`degraded` or `blind`), with why.
    pub coverage_gaps: Vec<crate::analytics::saved::SavedAnalyticCoverage>,
    /// Saved bookmarks, or why they could not be read.
    pub bookmarks: Result<Vec<Bookmark>, String>,
    /// Saved searches of earlier sessions, oldest first, or why they could not be read.
    pub history: Result<Vec<String>, String>,
}
