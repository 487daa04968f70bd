//! The views: pure rendering, the App in, a frame out. Views read the state and never change it or query the
//! index; every string from a log passes through `sanitize` before it reaches a cell.

mod alert_detail;
mod alerts;
mod bookmarks;
mod entity;
mod event_detail;
pub mod exercise;
mod facets;
mod frequency;
mod help;
mod notes;
mod overview;
mod runbook;
mod suppress;
pub mod theme;
mod timeline;

use crate::text::sanitize::{cell, clean};
use crate::tui::state::app::App;
use crate::tui::state::export::RunningExport;
use crate::tui::state::keymap::{Command, Keymap};
use crate::tui::state::prompt::PromptKind;
use crate::tui::state::view::View;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
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
    draw_bottom(frame, bottom, app, ui);
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

fn draw_bottom(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    if let Some(p) = &app.prompt {
        let lead = match p.kind {
            PromptKind::Search => "/",
            PromptKind::Command => ":",
        };
        let mut spans = vec![Span::styled(lead, ui.theme.style("key")), Span::raw(clean(&p.text)), Span::raw("▏")];
        if let Some(e) = &p.error {
            spans.push(Span::styled(format!("  {}", clean(e)), ui.theme.style("error")));
        } else if let Some(h) = &p.hint {
            spans.push(Span::styled(format!("  {}", clean(h)), ui.theme.style("muted")));
        } else if p.text.is_empty() {
            let tip = match p.kind {
                PromptKind::Search => "  user:… ip:… op:… -field:… word*  · Tab completes fields · ↑↓ history",
                PromptKind::Command => "  user ip session mailbox app search around alerts bookmarks q · Tab completes",
            };
            spans.push(Span::styled(tip, ui.theme.style("muted")));
        }
        frame.render_widget(Clear, area);
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(msg) = &app.status {
        let style = if msg.error { ui.theme.style("error") } else { ui.theme.style("notice") };
        frame.render_widget(Paragraph::new(Span::styled(clean(&msg.text), style)), area);
        return;
    }
    if let Some(RunningExport { what, meter }) = app.export.request() {
        let (done, total) = meter.read();
        let text = format!("exporting {} · {done}/{total} events…", clean(what));
        frame.render_widget(Paragraph::new(Span::styled(text, ui.theme.style("loading"))), area);
        return;
    }
    if app.suppress.is_some() {
        let text = format!(
            " {} write case.toml  {} cancel ",
            ui.keymap.key_of(Command::Open),
            ui.keymap.key_of(Command::Back)
        );
        frame.render_widget(Paragraph::new(Span::styled(text, ui.theme.style("key"))), area);
        return;
    }
    let facets_focused = matches!(app.top(), View::Timeline(t) if t.facets.as_ref().is_some_and(|f| f.focused));
    let cmds: &[(Command, &str)] = if app.detail.is_some() {
        &[
            (Command::Back, "close"),
            (Command::Entity, "entity"),
            (Command::Pivot, "timeline"),
            (Command::Around, "around"),
            (Command::Copy, "copy"),
            (Command::Bookmark, "mark"),
        ]
    } else if facets_focused {
        &[
            (Command::Open, "narrow"),
            (Command::Entity, "entity"),
            (Command::Frequency, "all values"),
            (Command::Facets, "rows"),
            (Command::Back, "close"),
        ]
    } else {
        match app.top() {
            View::Overview { .. } => &[
                (Command::ScreenAlerts, "alerts"),
                (Command::ScreenTimeline, "timeline"),
                (Command::ScreenBookmarks, "bookmarks"),
                (Command::CommandLine, "command"),
            ],
            View::Alerts { .. } => &[
                (Command::Open, "open"),
                (Command::Triage, "triage"),
                (Command::FilterSeverity, "severity"),
                (Command::FilterStatus, "status"),
                (Command::FilterAnalytic, "analytic"),
                (Command::Entity, "entity"),
            ],
            View::AlertDetail { step: Some(_), .. } => &[
                (Command::TickStep, "tick"),
                (Command::Open, "pivot"),
                (Command::Annotate, "note"),
                (Command::Triage, "triage"),
                (Command::Runbook, "entities"),
            ],
            View::AlertDetail { .. } => &[
                (Command::Open, "open"),
                (Command::Runbook, "runbook"),
                (Command::Triage, "triage"),
                (Command::Entity, "entity"),
                (Command::Copy, "copy"),
            ],
            View::Notes { .. } => &[(Command::CommandLine, "command (:note TEXT)"), (Command::EditNotes, "$EDITOR")],
            View::Timeline(_) => &[
                (Command::Open, "detail"),
                (Command::Entity, "entity"),
                (Command::Pivot, "timeline"),
                (Command::ColumnRight, "column"),
                (Command::Facets, "facets"),
                (Command::Frequency, "freq"),
                (Command::Around, "±"),
                (Command::Bookmark, "mark"),
            ],
            View::Entity(_) => &[
                (Command::Open, "narrow/open"),
                (Command::Pivot, "its timeline"),
                (Command::Entity, "entity"),
                (Command::Frequency, "all values"),
                (Command::Copy, "copy"),
            ],
            View::Frequency(_) => &[(Command::Open, "narrow"), (Command::Entity, "entity"), (Command::Copy, "copy")],
            View::Bookmarks { .. } => &[
                (Command::Open, "open event"),
                (Command::Bookmark, "remove"),
                (Command::Annotate, "tags/comment"),
                (Command::Copy, "copy id"),
            ],
        }
    };
    let quit = if app.stack.len() > 1 || app.detail.is_some() { "back" } else { "quit" };
    let next = if app.last_search.is_some() && !matches!(app.top(), View::Overview { .. }) && app.detail.is_none() {
        vec![(Command::NextMatch, "next match")]
    } else {
        Vec::new()
    };
    let tail: Vec<(Command, &str)> =
        next.into_iter().chain([(Command::Search, "search"), (Command::Help, "help"), (Command::Quit, quit)]).collect();
    let piece = |cmd: Command, label: &str| (format!(" {} ", ui.keymap.key_of(cmd)), format!("{label} "));
    let width = |(k, l): &(String, String)| k.chars().count() + l.chars().count();
    // The view's own keys first, as many as fit beside "? help", which always shows.
    let help = piece(Command::Help, "help");
    let mut budget = (area.width as usize).saturating_sub(width(&help));
    let mut pieces = Vec::new();
    for (cmd, label) in cmds.iter().chain(tail.iter()) {
        let p = piece(*cmd, label);
        if *cmd == Command::Help {
            pieces.push(p);
            continue;
        }
        if width(&p) <= budget {
            budget -= width(&p);
            pieces.push(p);
        }
    }
    let mut spans = Vec::new();
    for (k, l) in pieces {
        spans.push(Span::styled(k, ui.theme.style("key")));
        spans.push(Span::styled(l, ui.theme.style("hint")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(ui.theme.style("hint")), area);
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
