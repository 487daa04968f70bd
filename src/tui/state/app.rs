//! The one App state: the pivot stack and everything else on screen or loaded. Only `update` changes it; views
//! read it.

use super::alerts::{Alert, AlertFilter};
use super::casebook::CaseBook;
use super::detail::EventDetail;
use super::entity::EntityKind;
use super::evidence::{Evidence, EvidenceRequest};
use super::export::RunningExport;
use super::loadable::Loadable;
use super::overview::OverviewData;
use super::prompt::Prompt;
use super::searches::LastSearch;
use super::timeline::{TimelineView, FACET_SIDE_MIN_WIDTH, FACET_SIDE_WIDTH, PREVIEW_MIN_WIDTH, PREVIEW_WIDTH};
use super::view::View;
use crate::case::state::bookmarks::Bookmark;
use crate::case::state::SuppressionPlan;
use crate::model::Event;
use chrono_tz::Tz;
use std::sync::OnceLock;

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
    /// Counts, ledger and alerts of the case; the last ones stay shown while the overview reloads.
    pub overview: Loadable<OverviewData>,
    pub filter: AlertFilter,
    pub detail: Option<EventDetail>,
    /// The Sigma rule shown as YAML in place of an alert's reasons: the alert's id and the rule file's text.
    pub rule_yaml: Option<(String, Loadable<String>)>,
    /// The open `/` or `:` line.
    pub prompt: Option<Prompt>,
    /// Submitted searches, oldest first.
    pub history: Vec<String>,
    /// The last submitted search, which `n` and `N` look for in the table on screen.
    pub last_search: Option<LastSearch>,
    /// The `n`/`N` step in flight; its answer moves the cursor.
    pub match_step: Loadable<()>,
    /// Evidence events looked up for alert details, by event id (kept for the session).
    pub evidence: std::collections::HashMap<String, Evidence>,
    /// The evidence lookup in flight; its answer fills `evidence`.
    pub evidence_lookup: Loadable<(), EvidenceRequest>,
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
    /// Triage, runbook progress and notes of the case as last read (and ticked since), or why they could not be
    /// read.
    pub case: Loadable<CaseBook>,
    /// The suppression preview being computed; its answer opens `suppress`.
    pub suppress_plan: Loadable<()>,
    /// The suppression preview overlay: applied only on Enter.
    pub suppress: Option<Box<SuppressionPlan>>,
    pub suppress_scroll: usize,
    /// The export in flight: what it writes, and its progress.
    pub export: Loadable<(), RunningExport>,
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
            overview: Loadable::Idle,
            filter: AlertFilter::default(),
            detail: None,
            rule_yaml: None,
            prompt: None,
            history: Vec::new(),
            last_search: None,
            match_step: Loadable::Idle,
            evidence: Default::default(),
            evidence_lookup: Loadable::Idle,
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
            case: Loadable::Idle,
            suppress_plan: Loadable::Idle,
            suppress: None,
            suppress_scroll: 0,
            export: Loadable::Idle,
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

    /// The case work to show: as last read, or empty until it is.
    pub fn case_book(&self) -> &CaseBook {
        static EMPTY: OnceLock<CaseBook> = OnceLock::new();
        self.case.value().unwrap_or_else(|| EMPTY.get_or_init(CaseBook::default))
    }

    /// The view on top of the stack.
    pub fn top(&self) -> &View {
        self.stack.last().expect("stack holds the overview")
    }

    /// The saved alerts (empty until loaded).
    pub fn alerts(&self) -> &[Alert] {
        self.overview.value().map(|o| o.alerts.list()).unwrap_or(&[])
    }

    /// Alerts passing the filters, in queue order.
    pub fn filtered_alerts(&self) -> Vec<&Alert> {
        let mut list: Vec<&Alert> = self
            .alerts()
            .iter()
            .filter(|a| self.filter.min_severity.is_none_or(|s| a.severity >= s))
            .filter(|a| self.filter.analytic.as_ref().is_none_or(|an| &a.analytic == an))
            .filter(|a| self.filter.status.is_none_or(|f| f.passes(self.case_book().status_of(&a.id))))
            .collect();
        if self.filter.by_incident {
            super::alerts::sort_by_incident(&mut list);
        }
        list
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
