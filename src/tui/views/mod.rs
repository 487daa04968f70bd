//! Pure rendering: the App in, a frame out. Views never query the index; every string from a log
//! passes through `sanitize` before it reaches a cell.

mod alert_detail;
mod alerts;
mod event_detail;
mod help;
mod overview;
mod timeline;

use super::app::{App, View};
use super::keymap::{Command, Keymap};
use super::theme::Theme;
use crate::cli::sanitize::{cell, clean};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

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
        View::AlertDetail { alert_id, cursor } => alert_detail::draw(frame, body, app, ui, alert_id, *cursor),
        View::Timeline(t) => timeline::draw(frame, body, app, ui, t),
    }
    if let Some(d) = &app.detail {
        event_detail::draw(frame, body, app, ui, d);
    }
    if app.help {
        help::draw(frame, body, ui);
    }
    draw_bottom(frame, bottom, app, ui);
}

fn draw_breadcrumbs(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    let mut spans = vec![Span::styled(format!(" {} ", cell(&app.case_name, 30)), ui.theme.style("title"))];
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

fn draw_bottom(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    if let Some(s) = &app.search {
        let mut spans = vec![Span::styled("/", ui.theme.style("key")), Span::raw(clean(&s.text)), Span::raw("▏")];
        if let Some(e) = &s.error {
            spans.push(Span::styled(format!("  {}", clean(e)), ui.theme.style("error")));
        }
        frame.render_widget(Clear, area);
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(msg) = &app.status {
        frame.render_widget(Paragraph::new(Span::styled(clean(msg), ui.theme.style("error"))), area);
        return;
    }
    let cmds: &[(Command, &str)] = if app.detail.is_some() {
        &[
            (Command::Back, "close"),
            (Command::Down, "scroll"),
            (Command::PivotUser, "user"),
            (Command::PivotIp, "ip"),
            (Command::Around, "around"),
        ]
    } else {
        match app.top() {
            View::Overview { .. } => {
                &[(Command::ScreenAlerts, "alerts"), (Command::ScreenTimeline, "timeline"), (Command::Search, "search")]
            }
            View::Alerts { .. } => {
                &[(Command::Open, "open"), (Command::FilterSeverity, "severity"), (Command::FilterAnalytic, "analytic")]
            }
            View::AlertDetail { .. } => &[(Command::Open, "timeline"), (Command::Back, "back")],
            View::Timeline(_) => &[
                (Command::Open, "detail"),
                (Command::PivotUser, "user"),
                (Command::PivotIp, "ip"),
                (Command::PivotSession, "session"),
                (Command::PivotApp, "app"),
                (Command::Around, "±15m"),
            ],
        }
    };
    let mut spans = Vec::new();
    for (cmd, label) in
        cmds.iter().chain([(Command::Search, "search"), (Command::Help, "help"), (Command::Quit, "quit")].iter())
    {
        if spans.len() > 1 && matches!(cmd, Command::Search) && cmds.iter().any(|(c, _)| *c == Command::Search) {
            continue;
        }
        spans.push(Span::styled(format!(" {} ", ui.keymap.key_of(*cmd)), ui.theme.style("key")));
        spans.push(Span::styled(format!("{label} "), ui.theme.style("hint")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(ui.theme.style("hint")), area);
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
