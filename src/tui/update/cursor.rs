//! Cursors and scrolling: the line selected in each view, the timeline row and column, the detail overlay's
//! field and scroll, and keeping them on screen when the terminal is resized.

use super::fetch::ensure_page;
use crate::tui::state::alerts::alert_items;
use crate::tui::state::casebook::runbook_of;
use crate::tui::state::columns;
use crate::tui::state::detail::EventDetail;
use crate::tui::state::entity_page::entity_items;
use crate::tui::state::facets::facet_items;
use crate::tui::state::fields::fields;
use crate::tui::state::timeline::TimelineView;
use crate::tui::state::{App, View};
use crate::tui::update::job::Job;

/// The terminal is now `width`×`height`: the timeline on top keeps its cursor row and column on screen.
pub(super) fn resize(app: &mut App, width: u16, height: u16) -> Vec<Job> {
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

/// Scrolls a timeline so its cursor row is among the `rows` shown.
pub(super) fn keep_visible(t: &mut TimelineView, rows: usize) {
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

/// `h` and `l`: the column cursor one shown column left (`delta` -1) or right.
pub(super) fn move_column(app: &mut App, delta: i64) -> Vec<Job> {
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
pub(super) fn list_len(app: &App) -> usize {
    match app.top() {
        View::Alerts { .. } => app.filtered_alerts().len(),
        View::AlertDetail { alert_id, step: Some(_), .. } => {
            app.alert(alert_id).map(|a| runbook_of(a).step_count()).unwrap_or(0)
        }
        View::AlertDetail { alert_id, .. } => app.alert(alert_id).map(|a| alert_items(a).len()).unwrap_or(0),
        View::Notes { .. } => app.case_book().notes.lines().count().max(1),
        View::Entity(e) => entity_items(e, app.alerts()).len(),
        View::Frequency(f) => f.data.value().and_then(|s| s.dims.first()).map_or(0, |t| t.values.len()),
        View::Bookmarks { .. } => app.bookmarks.len(),
        View::Timeline(t) => t.facets.as_ref().map_or(0, |f| facet_items(f).len()),
        View::Overview { .. } => 10_000,
    }
}

/// Moves the selection of whatever has the keys by `delta` lines, asking for the timeline page it lands on.
pub(super) fn move_cursor(app: &mut App, delta: i64) -> Vec<Job> {
    if let Some(d) = app.detail.as_mut() {
        let n = fields(&d.hit.event, app.tz).len();
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
