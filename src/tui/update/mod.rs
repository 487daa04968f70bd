//! The update: the only place the App changes. An [`Action`] in (a key, a prompt edit, a new terminal size, a
//! finished job), the App changed and the [`Job`]s to start out. No I/O and no clock but the App's own
//! ([`RunEnv`](crate::runenv::RunEnv)): the clipboard text and the request for `$EDITOR` wait in the App for the
//! runtime, and a result that arrives for a request no longer awaited is dropped.

pub mod action;
mod casework;
#[cfg(test)]
mod casework_tests;
pub mod clipboard;
pub mod job;
mod marks;
mod pivot;
mod prompt;
mod search;
#[cfg(test)]
mod tests;

use crate::index::paging::PageAt;
use crate::index::query::ParsedQuery;
use crate::model::{Event, Severity};
use crate::tui::state::alerts::alert_items;
use crate::tui::state::app::App;
use crate::tui::state::columns;
use crate::tui::state::detail::EventDetail;
use crate::tui::state::entity_page::entity_items;
use crate::tui::state::evidence::{Evidence, EvidenceRequest};
use crate::tui::state::facets::facet_items;
use crate::tui::state::keymap::Command;
use crate::tui::state::loadable::Loadable;
use crate::tui::state::prompt::{Prompt, PromptKind};
use crate::tui::state::stats::Stats;
use crate::tui::state::timeline::{Page, PageRequest, TimelineView, PAGE_SIZE};
use crate::tui::state::view::View;
use crate::tui::update::action::Action;
use crate::tui::update::job::{CaseJob, Job};

pub use pivot::{open_entity, open_timeline};

/// Evidence events kept looked up before the cache starts again.
const EVIDENCE_CACHE: usize = 20_000;

/// Applies `action` to `app` and returns the jobs it needs.
pub fn update(app: &mut App, action: Action) -> Vec<Job> {
    match action {
        Action::Command(cmd) => command(app, cmd),
        Action::Prompt(key) => prompt::key(app, key),
        Action::Mouse(m) => marks::mouse(app, m),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            let rows = app.timeline_rows();
            let width = match app.top() {
                View::Timeline(t) => app.rows_width(t),
                _ => app.width,
            };
            if let Some(View::Timeline(t)) = app.stack.last_mut() {
                keep_visible(t, rows);
                snap_column(t, width);
            }
            Vec::new()
        }
        Action::OverviewLoaded { gen, result } => {
            if app.overview.awaits(gen) {
                match result {
                    Ok(o) => {
                        match &o.bookmarks {
                            Ok(saved) => {
                                let mut list = saved.clone();
                                for b in std::mem::take(&mut app.bookmarks) {
                                    if !list.iter().any(|s| s.event_id == b.event_id && s.source == b.source) {
                                        list.push(b);
                                    }
                                }
                                app.bookmarks = list;
                            }
                            Err(e) => app.warn(format!("bookmarks not loaded: {e}")),
                        }
                        match &o.history {
                            Ok(saved) => {
                                let keep = crate::tui::state::settings::settings().history.searches;
                                let mut list = Vec::new();
                                for h in saved.iter().chain(app.history.iter()) {
                                    crate::tui::state::searches::remember(&mut list, h, keep);
                                }
                                app.history = list;
                            }
                            Err(e) => app.warn(format!("search history not loaded: {e}")),
                        }
                        app.overview.answer(Ok(*o));
                    }
                    Err(e) => app.overview.answer(Err(e)),
                }
            }
            Vec::new()
        }
        Action::PageLoaded { gen, result } => {
            let rows = app.timeline_rows();
            let mut open_now = false;
            if let Some(t) = timeline_awaiting(app, |t| t.page.awaits(gen)) {
                match result {
                    Ok((page, total)) => {
                        if total.is_some() {
                            t.total = total;
                        }
                        t.page.answer(Ok(Page { start: page.start, hits: page.hits }));
                        // Rows that load clear the title's error line; a failed histogram is asked for again
                        // when the view is next refreshed.
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
        Action::HistogramLoaded { gen, result } => {
            if let Some(t) = timeline_awaiting(app, |t| t.histogram.awaits(gen)) {
                t.histogram.answer(result);
            }
            Vec::new()
        }
        Action::RawLoaded { gen, result } => {
            if let Some(d) = app.detail.as_mut().filter(|d| d.raw.awaits(gen)) {
                d.raw.answer(result);
            }
            Vec::new()
        }
        Action::StatsLoaded { gen, result } => {
            if let Some(slot) = stats_awaiting(app, gen) {
                slot.answer(result.map(|s| *s));
            }
            Vec::new()
        }
        Action::MatchFound { gen, forward, result } => search::found(app, gen, forward, result),
        Action::EventsLooked { gen, result } => {
            if app.evidence_lookup.awaits(gen) {
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
            }
            Vec::new()
        }
        Action::HistorySaved { result } => {
            if let Err(e) = result {
                app.warn(format!("search history not saved: {e}"));
            }
            Vec::new()
        }
        Action::CaseLoaded { result } => {
            match result {
                Ok(book) => {
                    app.case = *book;
                    app.case_error = None;
                }
                Err(e) => app.case_error = Some(e),
            }
            Vec::new()
        }
        Action::CaseSaved { result } => {
            match result {
                Ok((msg, book)) => {
                    app.case = *book;
                    app.case_error = None;
                    app.notice(msg);
                }
                Err(e) => {
                    app.warn(format!("not saved: {e}"));
                    return vec![Job::Case(CaseJob::Load)];
                }
            }
            Vec::new()
        }
        Action::BookmarksChanged { result } => {
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
        Action::SuppressionPlanned { gen, result } => {
            if app.suppress_plan.awaits(gen) {
                app.suppress_plan.take_request();
                match result {
                    Ok(plan) => {
                        app.suppress = Some(plan);
                        app.suppress_scroll = 0;
                        app.status = None;
                    }
                    Err(e) => app.warn(e),
                }
            }
            Vec::new()
        }
        Action::ExportDone { result } => {
            app.export.take_request();
            match result {
                Ok((path, rows)) => app.notice(format!("exported {rows} events to {}", path.display())),
                Err(e) => app.warn(format!("export failed: {e}")),
            }
            Vec::new()
        }
        Action::EditorClosed { result } => {
            if let Err(e) = result {
                app.warn(e);
            } else {
                app.notice("notes reloaded");
            }
            vec![Job::Case(CaseJob::Load)]
        }
        Action::ReplayClockMoved { backwards } => clock_moved(app, backwards),
    }
}

/// After the replay clock moved: reload the overview and alerts; going back also closes the views opened since,
/// which could show events now beyond the clock.
fn clock_moved(app: &mut App, backwards: bool) -> Vec<Job> {
    if backwards {
        app.stack.truncate(1);
        app.forward.clear();
        app.detail = None;
    }
    start(app)
}

/// The first job of a session: load the overview.
pub fn start(app: &mut App) -> Vec<Job> {
    let gen = app.next_gen();
    app.overview.ask(gen);
    vec![Job::LoadOverview { gen }, Job::Case(CaseJob::Load)]
}

fn timeline_awaiting(app: &mut App, pred: impl Fn(&TimelineView) -> bool) -> Option<&mut TimelineView> {
    app.stack.iter_mut().rev().find_map(|v| match v {
        View::Timeline(t) if pred(t) => Some(t.as_mut()),
        _ => None,
    })
}

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

fn command(app: &mut App, cmd: Command) -> Vec<Job> {
    app.status = None;
    if app.help {
        match cmd {
            Command::Help | Command::Back | Command::Quit => app.help = false,
            Command::Down => app.help_scroll += 1,
            Command::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
            Command::PageDown => app.help_scroll += 10,
            Command::PageUp => app.help_scroll = app.help_scroll.saturating_sub(10),
            Command::Top => app.help_scroll = 0,
            _ => {}
        }
        return Vec::new();
    }
    if app.suppress.is_some() {
        return casework::suppress_key(app, cmd);
    }
    match cmd {
        Command::Help => {
            app.help = true;
            app.help_scroll = 0;
            Vec::new()
        }
        Command::Quit | Command::Back | Command::HistoryBack => back(app, cmd == Command::Quit),
        Command::HistoryForward => forward(app),
        Command::Search | Command::ScreenSearch => {
            app.prompt = Some(Prompt::new(PromptKind::Search));
            Vec::new()
        }
        Command::CommandLine => {
            app.prompt = Some(Prompt::new(PromptKind::Command));
            Vec::new()
        }
        Command::ScreenOverview => {
            app.detail = None;
            app.stack.truncate(1);
            Vec::new()
        }
        Command::ScreenAlerts => {
            app.detail = None;
            match app.stack.iter().position(|v| matches!(v, View::Alerts { .. })) {
                Some(i) => app.stack.truncate(i + 1),
                None => {
                    app.stack.truncate(1);
                    app.stack.push(View::Alerts { cursor: 0 });
                }
            }
            Vec::new()
        }
        Command::ScreenTimeline => {
            app.detail = None;
            match app.stack.iter().rposition(|v| matches!(v, View::Timeline(_))) {
                Some(i) => {
                    app.stack.truncate(i + 1);
                    refresh_top(app)
                }
                None => open_timeline(app, "All events".into(), ParsedQuery::default()),
            }
        }
        Command::ScreenBookmarks => {
            app.detail = None;
            if !matches!(app.top(), View::Bookmarks { .. }) {
                push_view(app, View::Bookmarks { cursor: 0 });
            }
            Vec::new()
        }
        Command::FilterSeverity => {
            if matches!(app.top(), View::Alerts { .. }) {
                app.filter.min_severity = match app.filter.min_severity {
                    None | Some(Severity::Low) => Some(Severity::Medium),
                    Some(Severity::Medium) => Some(Severity::High),
                    Some(Severity::High) => Some(Severity::Critical),
                    Some(Severity::Critical) => None,
                };
                set_cursor(app, 0);
            }
            Vec::new()
        }
        Command::FilterStatus => {
            if matches!(app.top(), View::Alerts { .. }) {
                app.filter.status = crate::tui::state::alerts::StatusFilter::next(app.filter.status);
                set_cursor(app, 0);
            }
            Vec::new()
        }
        Command::ScreenNotes => casework::open_notes(app),
        Command::Runbook => casework::toggle_runbook(app),
        Command::TickStep => casework::tick(app),
        Command::Annotate => casework::annotate(app),
        Command::Triage => casework::triage_prompt(app),
        Command::EditNotes => casework::edit_notes(app),
        Command::FilterAnalytic => {
            if matches!(app.top(), View::Alerts { .. }) {
                let mut ids: Vec<String> = app.alerts().iter().map(|a| a.analytic.clone()).collect();
                ids.sort();
                ids.dedup();
                app.filter.analytic = match &app.filter.analytic {
                    None => ids.first().cloned(),
                    Some(cur) => ids.iter().skip_while(|i| *i != cur).nth(1).cloned(),
                };
                set_cursor(app, 0);
            }
            Vec::new()
        }
        Command::Open => open(app),
        Command::PivotUser => pivot::pivot_row(app, crate::tui::state::entity::EntityKind::User),
        Command::PivotIp => pivot::pivot_row(app, crate::tui::state::entity::EntityKind::Ip),
        Command::PivotSession => pivot::pivot_row(app, crate::tui::state::entity::EntityKind::Session),
        Command::PivotApp => pivot::pivot_row(app, crate::tui::state::entity::EntityKind::App),
        Command::Entity => pivot::entity_of_selection(app),
        Command::Pivot => pivot::timeline_of_selection(app),
        Command::Around => pivot::around(app),
        Command::Facets => pivot::toggle_facets(app),
        Command::Frequency => pivot::frequency(app),
        Command::ColumnLeft => move_column(app, -1),
        Command::ColumnRight => move_column(app, 1),
        Command::Copy => marks::copy(app, false),
        Command::CopyRow => marks::copy(app, true),
        Command::Bookmark => marks::toggle_bookmark(app),
        Command::NextMatch => search::step(app, true),
        Command::PrevMatch => search::step(app, false),
        Command::Down => move_cursor(app, 1),
        Command::Up => move_cursor(app, -1),
        Command::PageDown => {
            let n = app.timeline_rows() as i64;
            move_cursor(app, n)
        }
        Command::PageUp => {
            let n = app.timeline_rows() as i64;
            move_cursor(app, -n)
        }
        Command::Top => move_cursor(app, i64::MIN / 2),
        Command::Bottom => move_cursor(app, i64::MAX / 2),
    }
}

/// Esc, `q` and `[`: close the overlay or panel on top, else go back one view (which `]` can return to).
/// `q` on the overview quits.
fn back(app: &mut App, quit: bool) -> Vec<Job> {
    if app.detail.take().is_some() {
        return Vec::new();
    }
    if let Some(View::Timeline(t)) = app.stack.last_mut() {
        if t.facets.as_ref().is_some_and(|f| f.focused) {
            t.facets = None;
            return Vec::new();
        }
    }
    if app.stack.len() > 1 {
        if let Some(v) = app.stack.pop() {
            app.forward.push(v);
        }
        return refresh_top(app);
    }
    if quit {
        app.quit = true;
    }
    Vec::new()
}

/// `]`: return to the view last left with Esc or `[`.
fn forward(app: &mut App) -> Vec<Job> {
    match app.forward.pop() {
        Some(v) => {
            app.detail = None;
            app.stack.push(v);
            refresh_top(app)
        }
        None => {
            app.notice("nothing to go forward to");
            Vec::new()
        }
    }
}

/// Pushes the detail of alert `id` and asks for its evidence events.
pub(super) fn open_alert(app: &mut App, id: String) -> Vec<Job> {
    push_view(app, View::AlertDetail { alert_id: id, cursor: 0, step: None });
    refresh_top(app)
}

/// Pushes a new view; the forward history no longer applies.
pub(super) fn push_view(app: &mut App, v: View) {
    app.detail = None;
    app.forward.clear();
    app.stack.push(v);
}

/// Makes sure the view on top has its data: the page under a timeline's cursor, its histogram, counts.
/// Requests again what may have been dropped while the view was not on top.
pub(super) fn refresh_top(app: &mut App) -> Vec<Job> {
    let mut jobs = Vec::new();
    let gen_page = app.next_gen();
    let gen_hist = app.next_gen();
    let gen_stats = app.next_gen();
    if let View::AlertDetail { alert_id, .. } = app.top() {
        let wanted: Vec<String> = app
            .alert(alert_id)
            .map(|a| {
                a.evidence.iter().take(crate::tui::state::settings::settings().evidence.lookup_limit).cloned().collect()
            })
            .unwrap_or_default();
        let missing: Vec<String> = wanted.into_iter().filter(|id| !app.evidence.contains_key(id)).collect();
        let asked = app.evidence_lookup.request().is_some_and(|r| r.ids == missing);
        if !missing.is_empty() && !asked {
            let gen = app.next_gen();
            app.evidence_lookup.ask(EvidenceRequest { generation: gen, ids: missing.clone() });
            jobs.push(Job::LookupEvents { gen, ids: missing });
        }
    }
    match app.stack.last_mut() {
        Some(View::Timeline(t)) => {
            if t.hit(t.cursor).is_none() {
                t.page.forget();
            }
            jobs.extend(ensure_page(t, gen_page));
            if t.histogram.value().is_none() {
                t.histogram.ask(gen_hist);
                jobs.push(Job::LoadHistogram { gen: gen_hist, query: t.query.clone() });
            }
            if let Some(f) = t.facets.as_mut() {
                jobs.extend(request_stats(
                    &mut f.data,
                    gen_stats,
                    &t.query,
                    crate::tui::state::facets::facet_dims(&t.query),
                ));
            }
        }
        Some(View::Entity(e)) => {
            let dims = crate::tui::state::entity_page::entity_dims(e.entity.kind).to_vec();
            jobs.extend(request_stats(&mut e.data, gen_stats, &e.entity.query(), dims));
        }
        Some(View::Frequency(f)) => jobs.extend(request_stats(&mut f.data, gen_stats, &f.query, vec![f.dim])),
        _ => {}
    }
    jobs
}

/// A counting job for `slot` unless it already has its numbers (or an error).
fn request_stats(
    slot: &mut Loadable<Stats>,
    gen: u64,
    query: &ParsedQuery,
    dims: Vec<crate::tui::state::stats::Dim>,
) -> Option<Job> {
    if slot.is_settled() {
        return None;
    }
    slot.ask(gen);
    Some(Job::LoadStats { gen, query: query.clone(), dims })
}

/// Requests the page around the cursor when it is neither loaded nor on its way.
fn ensure_page(t: &mut TimelineView, gen: u64) -> Option<Job> {
    if t.hit(t.cursor).is_some() {
        return None;
    }
    if let Some(total) = t.total {
        if t.cursor >= total {
            return None;
        }
    }
    if t.page.request().is_some_and(|r| (r.start..r.start + PAGE_SIZE).contains(&t.cursor)) {
        return None;
    }
    let (at, start) = page_for(t);
    t.page.ask(PageRequest { generation: gen, start });
    Some(Job::LoadPage { gen, query: t.query.clone(), at, limit: PAGE_SIZE, total: t.total })
}

/// Which page holds the cursor, and the row it will start at: the first or last rows near the ends, else
/// the rows after (or before) a loaded event near the cursor, so no request pays for skipping rows.
/// Only a jump far from every loaded row falls back to counting rows from the top.
fn page_for(t: &TimelineView) -> (PageAt, usize) {
    let c = t.cursor;
    let half = PAGE_SIZE / 2;
    let Some(total) = t.total else { return (PageAt::First, 0) };
    if c < half {
        return (PageAt::First, 0);
    }
    if c + half >= total {
        return (PageAt::Last, total.saturating_sub(PAGE_SIZE));
    }
    if let Some(p) = t.page.value().filter(|p| !p.hits.is_empty()) {
        let end = p.start + p.hits.len();
        if c >= end && c < end + PAGE_SIZE {
            let row = (c - half).clamp(p.start, end - 1);
            return (PageAt::After { row, key: p.hits[row - p.start].key }, row + 1);
        }
        if c < p.start && c + PAGE_SIZE > p.start {
            let row = (c + half).clamp(p.start, end - 1);
            return (PageAt::Before { row, key: p.hits[row - p.start].key }, row.saturating_sub(PAGE_SIZE));
        }
    }
    (PageAt::Offset(c - half), c - half)
}

fn keep_visible(t: &mut TimelineView, rows: usize) {
    if t.cursor < t.top {
        t.top = t.cursor;
    } else if t.cursor >= t.top + rows {
        t.top = t.cursor + 1 - rows;
    }
}

/// Puts the column cursor on a column shown at `width`.
fn snap_column(t: &mut TimelineView, width: u16) {
    let shown = columns::visible(width);
    if !shown.contains(&t.column) {
        t.column = shown.iter().copied().rfind(|c| *c <= t.column).unwrap_or(shown[0]);
    }
}

fn move_column(app: &mut App, delta: i64) -> Vec<Job> {
    if app.detail.is_some() {
        return Vec::new();
    }
    let width = match app.top() {
        View::Timeline(t) => app.rows_width(t),
        _ => return Vec::new(),
    };
    if let Some(View::Timeline(t)) = app.stack.last_mut() {
        if t.facets.as_ref().is_some_and(|f| f.focused) {
            return Vec::new();
        }
        snap_column(t, width);
        let shown = columns::visible(width);
        let i = shown.iter().position(|c| *c == t.column).unwrap_or(0) as i64;
        t.column = shown[(i + delta).clamp(0, shown.len() as i64 - 1) as usize];
    }
    Vec::new()
}

fn set_cursor(app: &mut App, value: usize) {
    match app.stack.last_mut() {
        Some(View::Alerts { cursor }) | Some(View::AlertDetail { cursor, .. }) => *cursor = value,
        Some(View::Overview { scroll }) => *scroll = value,
        _ => {}
    }
}

/// Puts the cursor of the list on top (any list, the facet panel included) on line `line`.
pub(super) fn set_line(app: &mut App, line: usize) {
    match app.stack.last_mut() {
        Some(View::Alerts { cursor }) | Some(View::AlertDetail { cursor, .. }) | Some(View::Bookmarks { cursor }) => {
            *cursor = line
        }
        Some(View::Entity(e)) => e.cursor = line,
        Some(View::Frequency(f)) => f.cursor = line,
        Some(View::Timeline(t)) => {
            if let Some(f) = t.facets.as_mut() {
                f.cursor = line;
                f.focused = true;
            }
        }
        Some(View::Overview { scroll }) | Some(View::Notes { scroll }) => *scroll = line,
        None => {}
    }
}

/// Number of selectable lines of the view on top (timelines excepted).
fn list_len(app: &App) -> usize {
    match app.top() {
        View::Alerts { .. } => app.filtered_alerts().len(),
        View::AlertDetail { alert_id, step: Some(_), .. } => {
            app.alert(alert_id).map(|a| crate::tui::state::casebook::runbook_of(a).step_count()).unwrap_or(0)
        }
        View::AlertDetail { alert_id, .. } => app.alert(alert_id).map(|a| alert_items(a).len()).unwrap_or(0),
        View::Notes { .. } => app.case.notes.lines().count().max(1),
        View::Entity(e) => entity_items(e, app.alerts()).len(),
        View::Frequency(f) => f.data.value().and_then(|s| s.dims.first()).map_or(0, |t| t.values.len()),
        View::Bookmarks { .. } => app.bookmarks.len(),
        View::Timeline(t) => t.facets.as_ref().map_or(0, |f| facet_items(f).len()),
        View::Overview { .. } => 10_000,
    }
}

pub(super) fn move_cursor(app: &mut App, delta: i64) -> Vec<Job> {
    if let Some(d) = app.detail.as_mut() {
        let n = crate::tui::state::fields::fields(&d.hit.event, app.tz).len();
        let raw_lines = d.raw.value().map_or(1, |text| text.lines().count());
        move_detail(d, n, delta);
        d.scroll = d.scroll.min(raw_lines + 2);
        return Vec::new();
    }
    let rows = app.timeline_rows();
    let max = list_len(app).saturating_sub(1);
    let gen = app.next_gen();
    match app.stack.last_mut() {
        Some(View::Overview { scroll }) => *scroll = clamp_add(*scroll, delta, max),
        Some(View::AlertDetail { step: Some(step), .. }) => *step = clamp_add(*step, delta, max),
        Some(View::Alerts { cursor }) | Some(View::AlertDetail { cursor, .. }) | Some(View::Bookmarks { cursor }) => {
            *cursor = clamp_add(*cursor, delta, max)
        }
        Some(View::Notes { scroll }) => *scroll = clamp_add(*scroll, delta, max),
        Some(View::Entity(e)) => e.cursor = clamp_add(e.cursor, delta, max),
        Some(View::Frequency(f)) => f.cursor = clamp_add(f.cursor, delta, max),
        Some(View::Timeline(t)) => {
            if let Some(f) = t.facets.as_mut().filter(|f| f.focused) {
                f.cursor = clamp_add(f.cursor, delta, max);
                return Vec::new();
            }
            let Some(total) = t.total else { return Vec::new() };
            t.cursor = clamp_add(t.cursor, delta, total.saturating_sub(1));
            keep_visible(t, rows);
            return ensure_page(t, gen).into_iter().collect();
        }
        None => {}
    }
    Vec::new()
}

/// Moves the detail view: the field cursor first, then scrolls into the original record.
fn move_detail(d: &mut EventDetail, fields: usize, delta: i64) {
    let last = fields.saturating_sub(1);
    if delta > 0 {
        let step = delta as usize;
        let to_last = last - d.cursor.min(last);
        d.cursor += step.min(to_last);
        d.scroll = d.scroll.saturating_add(step - step.min(to_last)).min(usize::MAX / 4);
    } else {
        let step = delta.unsigned_abs() as usize;
        let from_scroll = step.min(d.scroll);
        d.scroll -= from_scroll;
        d.cursor = d.cursor.saturating_sub(step - from_scroll);
    }
}

fn clamp_add(v: usize, delta: i64, max: usize) -> usize {
    let n = (v as i64).saturating_add(delta).max(0) as usize;
    n.min(max)
}

pub(super) fn open(app: &mut App) -> Vec<Job> {
    match app.top().clone() {
        View::Overview { .. } => command(app, Command::ScreenAlerts),
        View::Alerts { cursor } => {
            let Some(id) = app.filtered_alerts().get(cursor).map(|a| a.id.clone()) else { return Vec::new() };
            open_alert(app, id)
        }
        View::AlertDetail { alert_id, step: Some(i), .. } => casework::open_step(app, &alert_id, i),
        View::AlertDetail { alert_id, cursor, .. } => {
            let Some((field, value)) = app.alert(&alert_id).and_then(|a| alert_items(a).get(cursor).cloned()) else {
                return Vec::new();
            };
            if field == "id" {
                return pivot::open_event_by_id(app, &value);
            }
            open_timeline(app, format!("{field}:{value}"), ParsedQuery::pivot(field, &value))
        }
        View::Timeline(t) => {
            if app.detail.is_some() {
                return Vec::new();
            }
            if t.facets.as_ref().is_some_and(|f| f.focused) {
                return pivot::narrow_by_selection(app);
            }
            open_detail(app)
        }
        View::Entity(_) | View::Frequency(_) => pivot::narrow_by_selection(app),
        View::Bookmarks { cursor } => match app.bookmarks.get(cursor).map(|b| b.event_id.clone()) {
            Some(id) => pivot::open_event_by_id(app, &id),
            None => Vec::new(),
        },
        View::Notes { .. } => Vec::new(),
    }
}

/// Opens the detail of the timeline row under the cursor and asks for its original record.
fn open_detail(app: &mut App) -> Vec<Job> {
    let Some(hit) = (match app.top() {
        View::Timeline(t) => t.hit(t.cursor).cloned(),
        _ => None,
    }) else {
        return Vec::new();
    };
    let gen = app.next_gen();
    let address = hit.address;
    app.detail = Some(EventDetail { hit, raw: Loadable::loading(gen), cursor: 0, scroll: 0 });
    vec![Job::LoadRaw { gen, address }]
}

/// The event a row command acts on: the detail overlay's, else the timeline row under the cursor.
pub(super) fn focused_event(app: &App) -> Option<Event> {
    if let Some(d) = &app.detail {
        return Some(d.hit.event.clone());
    }
    match app.top() {
        View::Timeline(t) if !t.facets.as_ref().is_some_and(|f| f.focused) => t.current().cloned(),
        _ => None,
    }
}
