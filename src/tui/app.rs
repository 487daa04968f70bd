//! The one App state. Only `update` changes it; views read it.

use super::alerts::{Alert, AlertsState};
use super::bookmarks::Bookmark;
use super::casebook::CaseBook;
use super::casejobs::ExportMeter;
use super::entity::{EntityKind, EntityRef};
use super::prompt::Prompt;
use super::stats::{Dim, Stats};
use crate::case::state::{SuppressionPlan, TriageStatus};
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
#[derive(Debug, Clone)]
pub struct OverviewData {
    pub ledger: Ledger,
    pub per_source: Vec<(Source, usize)>,
    pub total: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub alerts: AlertsState,
    /// Saved bookmarks, or why they could not be read.
    pub bookmarks: Result<Vec<Bookmark>, String>,
    /// Saved searches of earlier sessions, oldest first, or why they could not be read.
    pub history: Result<Vec<String>, String>,
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

/// Counts loaded for a view by a worker job.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub stats: Option<Stats>,
    /// Generation of the job in flight.
    pub pending: Option<u64>,
    pub error: Option<String>,
}

/// The facet panel of a timeline: top values of the pivot's events; Enter narrows by one.
#[derive(Debug, Clone, Default)]
pub struct FacetPanel {
    pub data: Loaded,
    pub cursor: usize,
    /// Keys go to the panel rather than the rows.
    pub focused: bool,
}

/// Fields the facet panel counts.
pub const FACET_DIMS: [Dim; 6] = [Dim::Ip, Dim::App, Dim::Operation, Dim::Country, Dim::UserAgent, Dim::User];
/// Values per field in the facet panel.
pub const FACET_TOP: usize = 5;
/// Values per section on an entity page.
pub const ENTITY_TOP: usize = 6;

/// An entity page: first/last seen, top values around it, related alerts.
#[derive(Debug, Clone)]
pub struct EntityView {
    pub entity: EntityRef,
    pub data: Loaded,
    pub cursor: usize,
}

/// The counted fields of an entity page, in display order.
pub fn entity_dims(kind: EntityKind) -> &'static [Dim] {
    match kind {
        EntityKind::User => {
            &[Dim::Ip, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Session, Dim::Operation, Dim::Mailbox]
        }
        EntityKind::Ip => &[Dim::User, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Operation, Dim::Session],
        EntityKind::Session | EntityKind::Token => {
            &[Dim::User, Dim::Ip, Dim::Country, Dim::Asn, Dim::App, Dim::UserAgent, Dim::Operation]
        }
        EntityKind::Mailbox => &[Dim::User, Dim::Ip, Dim::Country, Dim::App, Dim::UserAgent, Dim::Operation],
        EntityKind::App => &[Dim::App, Dim::User, Dim::Ip, Dim::Country, Dim::UserAgent, Dim::Operation],
    }
}

/// A selectable line of an entity page or facet panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A related alert, by id.
    Alert(String),
    /// A counted value of a field.
    Value(Dim, String, u64),
}

/// A frequency table of one field over a timeline's events.
#[derive(Debug, Clone)]
pub struct FrequencyView {
    /// Title of the timeline it counts.
    pub of_title: String,
    pub query: ParsedQuery,
    pub dim: Dim,
    pub data: Loaded,
    pub cursor: usize,
}

/// The search `n` and `N` repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct LastSearch {
    pub text: String,
    pub query: ParsedQuery,
}

/// What the alert detail knows of one evidence event.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// Being looked up.
    Loading,
    /// Found in the index.
    Found(Box<Hit>),
    /// No event with this id in the index.
    Missing,
}

/// One screen on the pivot stack; each keeps its own cursor so going back restores it.
#[derive(Debug, Clone)]
pub enum View {
    Overview {
        scroll: usize,
    },
    Alerts {
        cursor: usize,
    },
    /// `step`: the runbook checklist has the keys, with this step selected.
    AlertDetail {
        alert_id: String,
        cursor: usize,
        step: Option<usize>,
    },
    Timeline(Box<TimelineView>),
    Entity(Box<EntityView>),
    Frequency(Box<FrequencyView>),
    Bookmarks {
        cursor: usize,
    },
    Notes {
        scroll: usize,
    },
}

impl View {
    /// The breadcrumb of this view.
    pub fn crumb(&self) -> String {
        match self {
            View::Overview { .. } => "Overview".into(),
            View::Alerts { .. } => "Alerts".into(),
            View::AlertDetail { alert_id, .. } => format!("Alert {alert_id}"),
            View::Timeline(t) => t.title.clone(),
            View::Entity(e) => format!("{} {}", e.entity.kind.title(), e.entity.value),
            View::Frequency(f) => format!("{} of {}", f.dim.title(), f.of_title),
            View::Bookmarks { .. } => "Bookmarks".into(),
            View::Notes { .. } => "Notes".into(),
        }
    }
}

/// The event detail overlay.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub hit: Hit,
    pub raw: Option<Result<String, String>>,
    pub pending: u64,
    /// Selected field line.
    pub cursor: usize,
    /// Rows scrolled past the fields into the original record.
    pub scroll: usize,
}

/// Alerts queue filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub min_severity: Option<Severity>,
    pub analytic: Option<String>,
    pub status: Option<StatusFilter>,
}

/// Which triage statuses the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// New or investigating.
    Open,
    Only(TriageStatus),
}

impl StatusFilter {
    /// The filter after this one, `None` when the cycle is back at "any".
    pub fn next(cur: Option<StatusFilter>) -> Option<StatusFilter> {
        use TriageStatus::*;
        match cur {
            None => Some(StatusFilter::Open),
            Some(StatusFilter::Open) => Some(StatusFilter::Only(New)),
            Some(StatusFilter::Only(New)) => Some(StatusFilter::Only(Investigating)),
            Some(StatusFilter::Only(Investigating)) => Some(StatusFilter::Only(TruePositive)),
            Some(StatusFilter::Only(TruePositive)) => Some(StatusFilter::Only(FalsePositive)),
            Some(StatusFilter::Only(FalsePositive)) => Some(StatusFilter::Only(BenignPositive)),
            Some(StatusFilter::Only(BenignPositive)) => None,
        }
    }

    /// True when an alert of status `s` passes.
    pub fn passes(self, s: TriageStatus) -> bool {
        match self {
            StatusFilter::Open => !s.is_closed(),
            StatusFilter::Only(o) => o == s,
        }
    }

    /// How the queue header names it.
    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::Only(s) => s.as_str(),
        }
    }
}

/// A message on the bottom line until the next key.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    /// Shown as an error rather than a notice.
    pub error: bool,
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
    /// The open `/` or `:` line.
    pub prompt: Option<Prompt>,
    /// Submitted searches, oldest first.
    pub history: Vec<String>,
    /// The last submitted search, which `n` and `N` look for in the table on screen.
    pub last_search: Option<LastSearch>,
    /// Generation of the `n`/`N` step in flight.
    pub match_pending: Option<u64>,
    /// Evidence events looked up for alert details, by event id (kept for the session).
    pub evidence: std::collections::HashMap<String, Evidence>,
    /// Generation of the evidence lookup in flight, and the ids it asked for.
    pub evidence_pending: Option<(u64, Vec<String>)>,
    /// Views left with Esc or `[`, most recent last; `]` returns to them.
    pub forward: Vec<View>,
    pub bookmarks: Vec<Bookmark>,
    /// Text waiting to be copied to the clipboard by the terminal loop.
    pub clipboard: Option<String>,
    /// Mouse reporting wanted.
    pub mouse: bool,
    /// The view (stack depth and breadcrumb) the last click landed on.
    pub click_target: Option<(usize, String)>,
    /// Reach of "around this event", minutes each side.
    pub around_minutes: i64,
    pub help: bool,
    pub help_scroll: usize,
    pub quit: bool,
    /// A one-line message (e.g. "this event has no session").
    pub status: Option<Status>,
    pub width: u16,
    pub height: u16,
    /// Triage, runbook progress and notes of the case.
    pub case: CaseBook,
    /// Why the case work could not be read, if it could not.
    pub case_error: Option<String>,
    /// Generation of the suppression preview being computed.
    pub suppress_pending: Option<u64>,
    /// The suppression preview overlay: applied only on Enter.
    pub suppress: Option<Box<SuppressionPlan>>,
    pub suppress_scroll: usize,
    /// The export in flight: what it writes, and its progress.
    pub export: Option<(String, ExportMeter)>,
    /// The terminal loop should open `$EDITOR` on the notes.
    pub edit_notes: bool,
    /// The run's clock, analyst and editor (a neutral one until the terminal loop sets the real one).
    pub env: crate::runenv::RunEnv,
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
            prompt: None,
            history: Vec::new(),
            last_search: None,
            match_pending: None,
            evidence: Default::default(),
            evidence_pending: None,
            forward: Vec::new(),
            bookmarks: Vec::new(),
            clipboard: None,
            mouse: true,
            click_target: None,
            around_minutes: super::settings::settings().around.minutes,
            help: false,
            help_scroll: 0,
            quit: false,
            status: None,
            width: 80,
            height: 24,
            case: CaseBook::default(),
            case_error: None,
            suppress_pending: None,
            suppress: None,
            suppress_scroll: 0,
            export: None,
            edit_notes: false,
            env: crate::runenv::RunEnv::default(),
            next_gen: 0,
        }
    }

    /// Shows a notice on the bottom line.
    pub fn notice(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), error: false });
    }

    /// Shows an error on the bottom line.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), error: true });
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
            .filter(|a| self.filter.status.is_none_or(|f| f.passes(self.case.status_of(&a.id))))
            .collect()
    }

    /// What is known of evidence event `id`.
    pub fn evidence_of(&self, id: &str) -> &Evidence {
        self.evidence.get(id).unwrap_or(&Evidence::Loading)
    }

    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&Alert> {
        self.alerts().iter().find(|a| a.id == id)
    }

    /// Timeline rows that fit on screen (breadcrumbs, title, histogram, header and hint bar take 5 lines).
    pub fn timeline_rows(&self) -> usize {
        (self.height as usize).saturating_sub(5).max(1)
    }

    /// Width of a timeline's rows: the terminal, less the side panel on wide terminals.
    pub fn rows_width(&self, tl: &TimelineView) -> u16 {
        if self.width >= FACET_SIDE_MIN_WIDTH && tl.facets.is_some() {
            self.width.saturating_sub(FACET_SIDE_WIDTH)
        } else if self.width >= PREVIEW_MIN_WIDTH {
            self.width.saturating_sub(PREVIEW_WIDTH)
        } else {
            self.width
        }
    }

    /// True when `e` is bookmarked.
    pub fn is_bookmarked(&self, e: &Event) -> bool {
        self.bookmarks.iter().any(|b| b.is_of(e))
    }

    /// Values of `kind` this session knows (alert entities), for `:` completion.
    pub fn known_values(&self, kind: EntityKind) -> Vec<String> {
        let mut out: Vec<String> = self
            .alerts()
            .iter()
            .flat_map(|a| a.entities.pivots())
            .filter(|(f, _)| *f == kind.field())
            .map(|(_, v)| v)
            .collect();
        out.sort();
        out.dedup();
        out
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

/// The selectable lines of an entity page: related alerts, then the top values of each field.
pub fn entity_items(view: &EntityView, alerts: &[Alert]) -> Vec<Item> {
    let mut items: Vec<Item> =
        alerts.iter().filter(|a| view.entity.in_alert(a)).map(|a| Item::Alert(a.id.clone())).collect();
    if let Some(stats) = &view.data.stats {
        for d in entity_dims(view.entity.kind) {
            if let Some(t) = stats.dim(*d) {
                items.extend(t.values.iter().take(ENTITY_TOP).map(|(v, n)| Item::Value(*d, v.clone(), *n)));
            }
        }
    }
    items
}

/// The selectable values of a facet panel.
pub fn facet_items(panel: &FacetPanel) -> Vec<Item> {
    let Some(stats) = &panel.data.stats else { return Vec::new() };
    stats
        .dims
        .iter()
        .flat_map(|t| t.values.iter().take(FACET_TOP).map(|(v, n)| Item::Value(t.dim, v.clone(), *n)))
        .collect()
}

/// The fields a facet panel counts for `query`: the usual ones, less those the query pins to one value.
pub fn facet_dims(query: &ParsedQuery) -> Vec<Dim> {
    FACET_DIMS
        .into_iter()
        .filter(|d| {
            !query
                .clauses
                .iter()
                .any(|c| !c.negated && !c.prefix && c.field.as_deref() == d.field() && d.field().is_some())
        })
        .collect()
}

/// The selectable lines of an alert detail: its entities (pivots), then its evidence ids.
pub fn alert_items(alert: &Alert) -> Vec<(&'static str, String)> {
    let mut items = alert.entities.pivots();
    items.extend(alert.evidence.iter().map(|e| ("id", e.clone())));
    items
}
