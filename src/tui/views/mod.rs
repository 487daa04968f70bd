//! The views: pure rendering, the App in, a frame out. Views read the state and never change it or query the
//! index; every string from a log passes through `sanitize` before it reaches a cell.

mod alert_detail;
mod alerts;
mod bookmarks;
mod bottom_line;
mod entity;
mod entity_facts;
mod event_detail;
pub mod exercise;
mod facets;
mod frequency;
mod help;
mod hints;
mod notes;
mod overview;
mod runbook;
mod suppress;
pub mod theme;
mod timeline;
mod wrap;

use crate::text::sanitize::{cell, clean};
use crate::tui::state::app::App;
use crate::tui::state::keymap::Keymap;
use crate::tui::state::view::View;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use theme::Theme;

/// What rendering needs besides the state: colours and the live keymap.
pub struct Ui {
    pub theme: Theme,
    pub keymap: Keymap,
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, ui: &Ui) {
    let [crumbs, body, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(frame.area());
    draw_breadcrumbs(frame, crumbs, app, ui);
    match app.top() {
        View::Overview { scroll } => overview::draw(frame, body, app, ui, *scroll),
        View::Alerts { cursor } => alerts::draw(frame, body, app, ui, *cursor),
        View::AlertDetail { alert_id, cursor, step } => {
            alert_detail::draw(frame, body, app, ui, alert_id, *cursor, *step)
        }
        View::Timeline(t) => timeline::draw(frame, body, app, ui, t),
        View::Entity(e) => entity::draw(frame, body, app, ui, e),
        View::Frequency(f) => frequency::draw(frame, body, app, ui, f),
        View::Bookmarks { cursor } => bookmarks::draw(frame, body, app, ui, *cursor),
        View::Notes { scroll } => notes::draw(frame, body, app, ui, *scroll),
    }
    if app.suppress.is_some() {
        suppress::draw(frame, body, app, ui);
    }
    if let Some(d) = &app.detail {
        event_detail::draw(frame, body, app, ui, d);
    }
    if app.help {
        help::draw(frame, body, ui, app.help_scroll);
    }
    bottom_line::draw(frame, bottom, app, ui);
}

fn draw_breadcrumbs(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    // A long case name gets a third of the line, between 30 and 60 columns: a wide terminal shows more of it.
    let name_width = (area.width as usize / 3).clamp(30, 60);
    let mut spans = vec![Span::styled(format!(" {} ", cell(&app.case_name, name_width)), ui.theme.style("title"))];
    let crumbs: Vec<String> = app.stack.iter().map(|v| clean(&v.crumb())).collect();
    // Keep the tail of the trail when it does not fit.
    let budget = (area.width as usize).saturating_sub(spans[0].width() + 2);
    let mut shown: Vec<String> = Vec::new();
    let mut used = 0;
    for c in crumbs.iter().rev() {
        let w = c.chars().count() + 3;
        if used + w > budget && !shown.is_empty() {
            shown.push("…".into());
            break;
        }
        used += w;
        shown.push(cell(c, budget.saturating_sub(3).max(4)));
    }
    shown.reverse();
    spans.push(Span::styled(shown.join(" › "), ui.theme.style("breadcrumb")));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The screen area between the breadcrumbs and the hint bar, where views draw.
pub fn body_area(width: u16, height: u16) -> Rect {
    Rect { x: 0, y: 1, width, height: height.saturating_sub(2).max(1) }
}

/// The line of the view on top drawn at screen cell (`x`, `y`), for views whose lines are laid out in
/// ways a click must ask the view about (entity pages, the alert detail).
pub fn line_at(app: &App, x: u16, y: u16) -> Option<usize> {
    let area = body_area(app.width, app.height);
    match app.top() {
        View::Entity(v) => entity::item_at(area, app, v, x, y),
        View::AlertDetail { alert_id, cursor, step: None } => {
            alert_detail::line_at(area, app, app.alert(alert_id)?, *cursor, y)
        }
        _ => None,
    }
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
