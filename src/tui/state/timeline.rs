//! A timeline: the rows of one pivot or search, paged through the index, with its histogram strip, and the
//! widths at which a side panel or preview fits beside the rows.

use super::facets::FacetPanel;
use super::loadable::{Generation, Loadable};
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

/// The page request in flight: its generation and the first row it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub generation: u64,
    pub start: usize,
}

impl Generation for PageRequest {
    fn generation(&self) -> u64 {
        self.generation
    }
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
    /// The loaded rows around the cursor; they stay shown while the next page loads.
    pub page: Loadable<Page, PageRequest>,
    pub histogram: Loadable<Histogram>,
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
            page: Loadable::Idle,
            histogram: Loadable::Idle,
            column: 0,
            facets: None,
            auto_open: false,
        }
    }

    /// The loaded event at row `row`, if its page is here.
    pub fn hit(&self, row: usize) -> Option<&Hit> {
        let p = self.page.value()?;
        row.checked_sub(p.start).and_then(|i| p.hits.get(i))
    }

    /// The rows loaded, as a range of row numbers.
    pub fn loaded_rows(&self) -> std::ops::Range<usize> {
        self.page.value().map_or(0..0, |p| p.start..p.start + p.hits.len())
    }

    /// The error the title line shows: of the last page asked for, else of the histogram.
    pub fn error(&self) -> Option<&str> {
        self.page.error().or(self.histogram.error())
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
