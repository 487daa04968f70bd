//! Finished jobs: each answer lands where it was asked for, unless a newer request has replaced it since (the
//! generation no longer awaited), and says what went wrong on the bottom line when it failed.

use super::cursor::keep_visible;
use super::navigation::open_detail;
use crate::case::state::bookmarks::Bookmark;
use crate::case::state::SuppressionPlan;
use crate::index::paging::KeyedPage;
use crate::index::Hit;
use crate::tui::state::casebook::CaseBook;
use crate::tui::state::entity_facts::EntityFacts;
use crate::tui::state::evidence::Evidence;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::overview::OverviewData;
use crate::tui::state::searches::remember;
use crate::tui::state::settings::settings;
use crate::tui::state::stats::Stats;
use crate::tui::state::timeline::{Histogram, Page, TimelineView};
use crate::tui::state::{App, View};
use crate::tui::update::job::{CaseJob, Job};

/// Evidence events kept looked up before the cache starts again.
const EVIDENCE_CACHE: usize = 20_000;

/// Counts, ledger and alerts for the overview, with the saved bookmarks and searches merged into this session's.
pub(super) fn overview_loaded(app: &mut App, gen: u64, result: Result<Box<OverviewData>, String>) -> Vec<Job> {
    if !app.overview.awaits(gen) {
        return Vec::new();
    }
    match result {
        Ok(o) => {
            match &o.bookmarks {
                Ok(saved) => merge_bookmarks(app, saved),
                Err(e) => app.warn(format!("bookmarks not loaded: {e}")),
            }
            match &o.history {
                Ok(saved) => merge_history(app, saved),
                Err(e) => app.warn(format!("search history not loaded: {e}")),
            }
            app.overview.answer(Ok(*o));
        }
        Err(e) => app.overview.answer(Err(e)),
    }
    Vec::new()
}

/// The saved bookmarks, then those of this session that are not among them.
fn merge_bookmarks(app: &mut App, saved: &[Bookmark]) {
    let mut list = saved.to_vec();
    for b in std::mem::take(&mut app.bookmarks) {
        if !list.iter().any(|s| s.event_id == b.event_id && s.source == b.source) {
            list.push(b);
        }
    }
    app.bookmarks = list;
}

/// The searches of earlier sessions, then this session's, newest last.
fn merge_history(app: &mut App, saved: &[String]) {
    let keep = settings().history.searches;
    let mut list = Vec::new();
    for h in saved.iter().chain(app.history.iter()) {
        remember(&mut list, h, keep);
    }
    app.history = list;
}

/// A page of timeline rows; a bookmark's timeline opens its event as soon as the row is here.
pub(super) fn page_loaded(app: &mut App, gen: u64, result: Result<(KeyedPage, Option<usize>), String>) -> Vec<Job> {
    let rows = app.timeline_rows();
    let mut open_now = false;
    if let Some(t) = timeline_awaiting(app, |t| t.page.awaits(gen)) {
        match result {
            Ok((page, total)) => {
                if total.is_some() {
                    t.total = total;
                }
                t.page.answer(Ok(Page { start: page.start, hits: page.hits }));
                // Rows that load clear the title's error line; a failed histogram is asked for again when the
                // view is next refreshed.
                if t.histogram.error().is_some() {
                    t.histogram = Loadable::Idle;
                }
                keep_visible(t, rows);
                open_now = std::mem::take(&mut t.auto_open) && t.hit(t.cursor).is_some();
            }
            Err(e) => t.page.answer(Err(e)),
        }
    }
    if open_now && matches!(app.top(), View::Timeline(t) if t.hit(t.cursor).is_some()) && app.detail.is_none() {
        return open_detail(app);
    }
    Vec::new()
}

/// The histogram strip of a timeline.
pub(super) fn histogram_loaded(app: &mut App, gen: u64, result: Result<Histogram, String>) -> Vec<Job> {
    if let Some(t) = timeline_awaiting(app, |t| t.histogram.awaits(gen)) {
        t.histogram.answer(result);
    }
    Vec::new()
}

/// The original record of the event in the detail overlay.
pub(super) fn raw_loaded(app: &mut App, gen: u64, result: Result<String, String>) -> Vec<Job> {
    if let Some(d) = app.detail.as_mut().filter(|d| d.raw.awaits(gen)) {
        d.raw.answer(result);
    }
    Vec::new()
}

/// The text of the Sigma rule an alert detail shows.
pub(super) fn rule_text_loaded(app: &mut App, gen: u64, result: Result<String, String>) -> Vec<Job> {
    if let Some((_, text)) = app.rule_yaml.as_mut().filter(|(_, t)| t.awaits(gen)) {
        text.answer(result);
    }
    Vec::new()
}

/// Counts for an entity page, facet panel or frequency table.
pub(super) fn stats_loaded(app: &mut App, gen: u64, result: Result<Box<Stats>, String>) -> Vec<Job> {
    if let Some(slot) = stats_awaiting(app, gen) {
        slot.answer(result.map(|s| *s));
    }
    Vec::new()
}

/// The snapshot facts of an entity page.
pub(super) fn entity_facts_loaded(app: &mut App, gen: u64, result: Result<Box<EntityFacts>, String>) -> Vec<Job> {
    let page = app.stack.iter_mut().rev().find_map(|v| match v {
        View::Entity(e) if e.facts.awaits(gen) => Some(e),
        _ => None,
    });
    if let Some(e) = page {
        e.facts.answer(result.map(|f| *f));
    }
    Vec::new()
}

/// The evidence events of an alert detail; the ids asked for and not found are missing from the index.
pub(super) fn events_looked(app: &mut App, gen: u64, result: Result<Vec<(String, Option<Hit>)>, String>) -> Vec<Job> {
    if !app.evidence_lookup.awaits(gen) {
        return Vec::new();
    }
    let asked = app.evidence_lookup.take_request().map(|r| r.ids).unwrap_or_default();
    match result {
        Ok(found) => {
            if app.evidence.len() > EVIDENCE_CACHE {
                app.evidence.clear();
            }
            for (id, hit) in found {
                let e = hit.map_or(Evidence::Missing, |h| Evidence::Found(Box::new(h)));
                app.evidence.insert(id, e);
            }
            for id in asked {
                app.evidence.entry(id).or_insert(Evidence::Missing);
            }
        }
        Err(e) => app.warn(format!("evidence not looked up: {e}")),
    }
    Vec::new()
}

/// The search history file was written, or why not.
pub(super) fn history_saved(app: &mut App, result: Result<(), String>) -> Vec<Job> {
    if let Err(e) = result {
        app.warn(format!("search history not saved: {e}"));
    }
    Vec::new()
}

/// Triage, runbook progress and notes as saved.
pub(super) fn case_loaded(app: &mut App, result: Result<Box<CaseBook>, String>) -> Vec<Job> {
    app.case.answer(result.map(|book| *book));
    Vec::new()
}

/// A change of case work was saved, with the case work read again; when it was not, what is saved is read again.
pub(super) fn case_saved(app: &mut App, result: Result<(String, Box<CaseBook>), String>) -> Vec<Job> {
    match result {
        Ok((msg, book)) => {
            app.case.answer(Ok(*book));
            app.notice(msg);
            Vec::new()
        }
        Err(e) => {
            app.warn(format!("not saved: {e}"));
            vec![Job::Case(CaseJob::Load)]
        }
    }
}

/// The bookmarks as saved after a change.
pub(super) fn bookmarks_changed(app: &mut App, result: Result<(String, Vec<Bookmark>), String>) -> Vec<Job> {
    match result {
        Ok((msg, list)) => {
            app.bookmarks = list;
            if let Some(View::Bookmarks { cursor }) = app.stack.last_mut() {
                *cursor = (*cursor).min(app.bookmarks.len().saturating_sub(1));
            }
            app.notice(msg);
        }
        Err(e) => app.warn(format!("bookmarks not saved: {e}")),
    }
    Vec::new()
}

/// The `case.toml` change a suppression would make: shown in the preview overlay.
pub(super) fn suppression_planned(app: &mut App, gen: u64, result: Result<Box<SuppressionPlan>, String>) -> Vec<Job> {
    if !app.suppress_plan.awaits(gen) {
        return Vec::new();
    }
    app.suppress_plan.take_request();
    match result {
        Ok(plan) => {
            app.suppress = Some(plan);
            app.suppress_scroll = 0;
            app.status = None;
        }
        Err(e) => app.warn(e),
    }
    Vec::new()
}

/// An export finished: where it went and how many rows it wrote.
pub(super) fn export_done(app: &mut App, result: Result<(std::path::PathBuf, u64), String>) -> Vec<Job> {
    app.export.take_request();
    match result {
        Ok((path, rows)) => app.notice(format!("exported {rows} events to {}", path.display())),
        Err(e) => app.warn(format!("export failed: {e}")),
    }
    Vec::new()
}

/// `$EDITOR` closed on the notes: read them again.
pub(super) fn editor_closed(app: &mut App, result: Result<(), String>) -> Vec<Job> {
    if let Err(e) = result {
        app.warn(e);
    } else {
        app.notice("notes reloaded");
    }
    vec![Job::Case(CaseJob::Load)]
}

/// The timeline on the stack (nearest the top first) whose request `pred` picks.
fn timeline_awaiting(app: &mut App, pred: impl Fn(&TimelineView) -> bool) -> Option<&mut TimelineView> {
    app.stack.iter_mut().rev().find_map(|v| match v {
        View::Timeline(t) if pred(t) => Some(t.as_mut()),
        _ => None,
    })
}

/// The counts on the stack (an entity page, a frequency table, a facet panel) waiting for generation `gen`.
fn stats_awaiting(app: &mut App, gen: u64) -> Option<&mut Loadable<Stats>> {
    app.stack.iter_mut().rev().find_map(|v| {
        let slot = match v {
            View::Entity(e) => &mut e.data,
            View::Frequency(f) => &mut f.data,
            View::Timeline(t) => &mut t.facets.as_mut()?.data,
            _ => return None,
        };
        slot.awaits(gen).then_some(slot)
    })
}
