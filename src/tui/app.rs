//! The one App state. Only `update` changes it; views read it.

use super::alerts::{Alert, AlertsState};
use crate::case::Ledger;
use crate::index::query::ParsedQuery;
use crate::index::Hit;
use crate::model::{Event, Severity, Source};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Rows fetched per timeline page: the cursor's neighbourhood, never the whole result.
pub const PAGE_SIZE: usize = 500;
/// Buckets of the histogram strip.
pub const HISTOGRAM_BUCKETS: usize = 64;

/// What the overview shows, computed off the UI thread.
#[derive(Debug, Clone, Default)]
pub struct OverviewData {
    pub ledger: Ledger,
    pub per_source: Vec<(Source, usize)>,
    pub total: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub alerts: AlertsState,
}

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

/// One screen on the pivot stack; each keeps its own cursor so going back restores it.
#[derive(Debug, Clone)]
pub enum View {
    Overview { scroll: usize },
    Alerts { cursor: usize },
    AlertDetail { alert_id: String, cursor: usize },
    Timeline(Box<TimelineView>),
}

impl View {
    /// The breadcrumb of this view.
    pub fn crumb(&self) -> String {
        match self {
            View::Overview { .. } => "Overview".into(),
            View::Alerts { .. } => "Alerts".into(),
            View::AlertDetail { alert_id, .. } => format!("Alert {alert_id}"),
            View::Timeline(t) => t.title.clone(),
        }
    }
}

/// The event detail overlay.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub hit: Hit,
    pub raw: Option<Result<String, String>>,
    pub pending: u64,
    pub scroll: usize,
}

/// The `/` query line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchLine {
    pub text: String,
    pub error: Option<String>,
}

/// Alerts queue filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub min_severity: Option<Severity>,
    pub analytic: Option<String>,
}

/// The whole UI state.
#[derive(Debug, Clone)]
pub struct App {
    pub case_name: String,
    pub tz: Tz,
    /// Pivot stack; `stack[0]` is the overview and is never popped.
    pub stack: Vec<View>,
    pub overview: Option<OverviewData>,
    pub overview_pending: Option<u64>,
    pub overview_error: Option<String>,
    pub filter: AlertFilter,
    pub detail: Option<EventDetail>,
    pub search: Option<SearchLine>,
    pub help: bool,
    pub quit: bool,
    /// A one-line message (e.g. "this event has no session").
    pub status: Option<String>,
    pub width: u16,
    pub height: u16,
    next_gen: u64,
}

impl App {
    /// A fresh App on the overview; `update(Action::Resize …)` or the first job fills it in.
    pub fn new(case_name: String, tz: Tz) -> App {
        App {
            case_name,
            tz,
            stack: vec![View::Overview { scroll: 0 }],
            overview: None,
            overview_pending: None,
            overview_error: None,
            filter: AlertFilter::default(),
            detail: None,
            search: None,
            help: false,
            quit: false,
            status: None,
            width: 80,
            height: 24,
            next_gen: 0,
        }
    }

    /// A new generation number for a job.
    pub fn next_gen(&mut self) -> u64 {
        self.next_gen += 1;
        self.next_gen
    }

    /// The view on top of the stack.
    pub fn top(&self) -> &View {
        self.stack.last().expect("stack holds the overview")
    }

    /// The saved alerts (empty until loaded).
    pub fn alerts(&self) -> &[Alert] {
        self.overview.as_ref().map(|o| o.alerts.list()).unwrap_or(&[])
    }

    /// Alerts passing the filters, in queue order.
    pub fn filtered_alerts(&self) -> Vec<&Alert> {
        self.alerts()
            .iter()
            .filter(|a| self.filter.min_severity.is_none_or(|s| a.severity >= s))
            .filter(|a| self.filter.analytic.as_ref().is_none_or(|an| &a.analytic == an))
            .collect()
    }

    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&Alert> {
        self.alerts().iter().find(|a| a.id == id)
    }

    /// Timeline rows that fit on screen (breadcrumbs, title, histogram, header and hint bar take 5 lines).
    pub fn timeline_rows(&self) -> usize {
        (self.height as usize).saturating_sub(5).max(1)
    }
}

/// The selectable lines of an alert detail: its entities (pivots), then its evidence ids.
pub fn alert_items(alert: &Alert) -> Vec<(&'static str, String)> {
    let mut items = alert.entities.pivots();
    items.extend(alert.evidence.iter().map(|e| ("id", e.clone())));
    items
}
