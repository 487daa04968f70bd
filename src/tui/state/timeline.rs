//! A timeline: the rows of one pivot or search, paged through the index, with its histogram strip, and the
//! widths at which a side panel or preview fits beside the rows.

use super::facets::FacetPanel;
use crate::index::query::ParsedQuery;
use crate::index::Hit;
use crate::model::Event;
use chrono::{DateTime, Utc};

/// Rows fetched per timeline page: the cursor's neighbourhood, never the whole result.
pub const PAGE_SIZE: usize = 500;
/// Buckets of the histogram strip.
pub const HISTOGRAM_BUCKETS: usize = 64;

/// Loaded rows of a timeline: `hits[0]` is row `start`.
#[derive(Debug, Clone)]
pub struct Page {
    pub start: usize,
    pub hits: Vec<Hit>,
}

/// Event counts over equal slices of a timeline's span.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub buckets: Vec<u64>,
}

/// A timeline: the rows of one pivot or search, paged through the index.
#[derive(Debug, Clone)]
pub struct TimelineView {
    /// Breadcrumb label, e.g. `user:adele@…` or `search: op:New-InboxRule`.
    pub title: String,
    pub query: ParsedQuery,
    pub total: Option<usize>,
    pub cursor: usize,
    /// First row shown.
    pub top: usize,
    pub page: Option<Page>,
    /// (generation, first row) of the page request in flight.
    pub pending: Option<(u64, usize)>,
    pub histogram: Option<Histogram>,
    pub hist_pending: Option<u64>,
    pub error: Option<String>,
    /// Column under the column cursor, an index into `Column::ALL`.
    pub column: usize,
    /// The facet panel, when open.
    pub facets: Option<FacetPanel>,
    /// Open the first row's detail as soon as it arrives (bookmarks).
    pub auto_open: bool,
}

impl TimelineView {
    /// A timeline not loaded yet.
    pub fn new(title: String, query: ParsedQuery) -> TimelineView {
        TimelineView {
            title,
            query,
            total: None,
            cursor: 0,
            top: 0,
            page: None,
            pending: None,
            histogram: None,
            hist_pending: None,
            error: None,
            column: 0,
            facets: None,
            auto_open: false,
        }
    }

    /// The loaded event at row `row`, if its page is here.
    pub fn hit(&self, row: usize) -> Option<&Hit> {
        let p = self.page.as_ref()?;
        row.checked_sub(p.start).and_then(|i| p.hits.get(i))
    }

    /// The event under the cursor.
    pub fn current(&self) -> Option<&Event> {
        self.hit(self.cursor).map(|h| &h.event)
    }
}

/// Terminal width from which the facet panel sits beside the rows instead of over them.
pub const FACET_SIDE_MIN_WIDTH: u16 = 140;
/// Width of the facet side panel.
pub const FACET_SIDE_WIDTH: u16 = 50;
/// Terminal width from which the event under the cursor is previewed beside the rows.
pub const PREVIEW_MIN_WIDTH: u16 = 190;
/// Width of that preview.
pub const PREVIEW_WIDTH: u16 = 48;
