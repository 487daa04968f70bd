//! Copying (`y`, `Y`), bookmarks (`m`) and the mouse.

use super::cursor::{keep_visible, list_len, move_cursor};
use super::fetch::ensure_page;
use super::navigation::{focused_event, open};
use super::pivot::selected;
use super::search::current_line;
use crate::case::state::bookmarks::{Bookmark, MAX_BOOKMARKS};
use crate::tui::state::app::App;
use crate::tui::state::columns::{self, Column};
use crate::tui::state::timeline::{FACET_SIDE_MIN_WIDTH, FACET_SIDE_WIDTH};
use crate::tui::state::view::View;
use crate::tui::update::action::MouseInput;
use crate::tui::update::clipboard::sanitize;
use crate::tui::update::job::{CaseJob, Job};

/// `y`: the selected value; `Y` (`row`): the whole row, or the original record in the detail view.
pub(super) fn copy(app: &mut App, row: bool) -> Vec<Job> {
    let text = if row { row_text(app) } else { None }.or_else(|| selected(app).value);
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        app.warn("nothing to copy here");
        return Vec::new();
    };
    let (clean, cut) = sanitize(&text);
    let n = clean.chars().count();
    app.clipboard = Some(clean);
    app.notice(if cut {
        format!("copied the first {n} characters (OSC 52 limit)")
    } else {
        format!("copied {n} characters")
    });
    Vec::new()
}

/// The detail's original record (or the event as JSON until it loads), or a timeline row as tab-separated
/// columns.
fn row_text(app: &App) -> Option<String> {
    if let Some(d) = &app.detail {
        return match d.raw.value() {
            Some(raw) => Some(raw.clone()),
            None => serde_json::to_string_pretty(&d.hit.event).ok(),
        };
    }
    match app.top() {
        View::Timeline(t) if !t.facets.as_ref().is_some_and(|f| f.focused) => {
            let e = t.current()?;
            Some(Column::ALL.iter().map(|c| c.value(e, app.tz)).collect::<Vec<_>>().join("\t"))
        }
        _ => None,
    }
}

/// `m`: bookmark the focused event, or remove the bookmark (also from the bookmarks screen). The list changes on
/// screen at once; the core saves it under the state lock and logs the change.
pub(super) fn toggle_bookmark(app: &mut App) -> Vec<Job> {
    if app.detail.is_none() {
        if let View::Bookmarks { cursor } = app.top() {
            let cursor = *cursor;
            if cursor < app.bookmarks.len() {
                let b = app.bookmarks.remove(cursor);
                if let Some(View::Bookmarks { cursor }) = app.stack.last_mut() {
                    *cursor = (*cursor).min(app.bookmarks.len().saturating_sub(1));
                }
                return vec![Job::Case(CaseJob::RemoveBookmark { event_id: b.event_id, source: b.source })];
            }
            return Vec::new();
        }
    }
    let Some(e) = focused_event(app) else {
        app.warn("select an event to bookmark (a timeline row or an open event)");
        return Vec::new();
    };
    if let Some(i) = app.bookmarks.iter().position(|b| b.is_of(&e)) {
        let b = app.bookmarks.remove(i);
        vec![Job::Case(CaseJob::RemoveBookmark { event_id: b.event_id, source: b.source })]
    } else if app.bookmarks.len() >= MAX_BOOKMARKS {
        app.warn(format!("{MAX_BOOKMARKS} bookmarks already; remove some first"));
        Vec::new()
    } else {
        let b = Bookmark::of(&e, app.env.now());
        app.bookmarks.push(b.clone());
        app.notice(format!("bookmarked ({} in this case; 5 lists them)", app.bookmarks.len()));
        vec![Job::Case(CaseJob::AddBookmark { bookmark: Box::new(b) })]
    }
}

/// Wheel moves the selection; a click selects the row (and on a timeline the column) under the pointer.
pub(super) fn mouse(app: &mut App, m: MouseInput) -> Vec<Job> {
    if !app.mouse || app.prompt.is_some() {
        return Vec::new();
    }
    match m {
        MouseInput::ScrollDown => move_cursor(app, 1),
        MouseInput::ScrollUp => move_cursor(app, -1),
        MouseInput::Click { x, y } | MouseInput::DoubleClick { x, y } => {
            if app.detail.is_some() || app.help {
                return Vec::new();
            }
            let double = matches!(m, MouseInput::DoubleClick { .. });
            // The second click of a double click counts only where the first one landed: when the first
            // opened something, the second must not act on what opened.
            let target = (app.stack.len(), app.top().crumb());
            if double && app.click_target.as_ref() != Some(&target) {
                return Vec::new();
            }
            app.click_target = Some(target);
            let before = current_line(app);
            let was_timeline = matches!(app.top(), View::Timeline(t) if !t.facets.as_ref().is_some_and(|f| f.focused));
            let (jobs, hit) = click(app, x, y as usize);
            // A click on the selected line (the second of a double click too) opens it, as Enter does; on
            // timeline rows, where a click picks the column, only a double click does.
            let again = hit.is_some_and(|line| line == before && !was_timeline);
            if (double && hit.is_some()) || again {
                let mut jobs = jobs;
                jobs.extend(open(app));
                return jobs;
            }
            jobs
        }
    }
}

/// Selects what is under a click; returns the jobs and the line clicked, if it was a line.
fn click(app: &mut App, x: u16, y: usize) -> (Vec<Job>, Option<usize>) {
    let line = crate::tui::views::line_at(app, x, y as u16);
    match app.stack.last_mut() {
        Some(View::Entity(e)) => {
            if let Some(i) = line {
                e.cursor = i;
            }
            return (Vec::new(), line);
        }
        Some(View::AlertDetail { cursor, .. }) => {
            if let Some(i) = line {
                *cursor = i;
            }
            return (Vec::new(), line);
        }
        _ => {}
    }
    let jobs = click_table(app, x, y);
    let cursor = match app.top() {
        View::Timeline(t) if !t.facets.as_ref().is_some_and(|f| f.focused) => t.cursor,
        View::Timeline(_) => return (jobs, None),
        _ => current_line(app),
    };
    (jobs, clicked_row(app, x, y).filter(|r| *r == cursor))
}

/// The row of a table (alerts, bookmarks, frequency table, timeline) drawn at screen line `y`.
fn clicked_row(app: &App, x: u16, y: usize) -> Option<usize> {
    let body_h = (app.height as usize).saturating_sub(2);
    match app.top() {
        View::Timeline(t) => (y >= 4 && y + 1 < app.height as usize && x < app.rows_width(t)).then(|| t.top + y - 4),
        View::Alerts { cursor } | View::Bookmarks { cursor } => {
            let h = body_h.saturating_sub(2).max(1);
            let offset = (cursor + 1).saturating_sub(h);
            y.checked_sub(3).filter(|i| *i < h).map(|i| offset + i)
        }
        View::Frequency(f) => {
            let h = body_h.saturating_sub(2).max(1);
            let offset = (f.cursor + 1).saturating_sub(h);
            y.checked_sub(3).filter(|i| *i < h).map(|i| offset + i)
        }
        _ => None,
    }
}

fn click_table(app: &mut App, x: u16, y: usize) -> Vec<Job> {
    // Breadcrumbs take the first line, the hint bar the last.
    let body_h = (app.height as usize).saturating_sub(2);
    let rows = app.timeline_rows();
    let gen = app.next_gen();
    let rows_width = match app.top() {
        View::Timeline(t) => app.rows_width(t),
        _ => app.width,
    };
    let height = app.height;
    let len = list_len(app);
    match app.stack.last_mut() {
        Some(View::Timeline(t)) => {
            let panel_over = t.facets.as_ref().is_some_and(|f| f.focused) && app.width < FACET_SIDE_MIN_WIDTH;
            let panel_beside = t.facets.is_some() && app.width >= FACET_SIDE_MIN_WIDTH;
            if panel_over || (panel_beside && x >= app.width.saturating_sub(FACET_SIDE_WIDTH)) {
                return Vec::new();
            }
            // Title, histogram and header come before the rows.
            let Some(offset) = y.checked_sub(4) else { return Vec::new() };
            let row = t.top + offset;
            if y + 1 >= height as usize || t.total.is_none_or(|n| row >= n) {
                return Vec::new();
            }
            if let Some(f) = t.facets.as_mut() {
                f.focused = false;
            }
            t.cursor = row;
            if let Some(c) = column_at(rows_width, x) {
                t.column = c;
            }
            keep_visible(t, rows);
            ensure_page(t, gen).into_iter().collect()
        }
        Some(View::Alerts { cursor }) | Some(View::Bookmarks { cursor }) => {
            *cursor = list_click(*cursor, len, y, 3, body_h.saturating_sub(2));
            Vec::new()
        }
        Some(View::Frequency(f)) => {
            f.cursor = list_click(f.cursor, len, y, 3, body_h.saturating_sub(2));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The row a click at screen line `y` selects in a table whose first row is on line `first` and which shows
/// `height` rows, scrolled as ratatui scrolls it (just enough to show the selection `cursor`).
fn list_click(cursor: usize, len: usize, y: usize, first: usize, height: usize) -> usize {
    let offset = (cursor + 1).saturating_sub(height.max(1));
    match y.checked_sub(first) {
        Some(i) if i < height && offset + i < len => offset + i,
        _ => cursor,
    }
}

/// The timeline column under screen column `x` for rows `width` wide (after the bookmark mark).
fn column_at(width: u16, x: u16) -> Option<usize> {
    let ws = columns::widths(width);
    let mut left = 2u16;
    for i in columns::visible(width) {
        let right = left + ws[i];
        if x >= left && x < right + 1 {
            return Some(i);
        }
        left = right + 1;
    }
    None
}
