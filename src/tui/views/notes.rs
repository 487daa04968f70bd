//! The case notes (`notes.md` in the state folder), as saved; `:note` appends, `E` opens `$EDITOR`.

use super::Ui;
use crate::text::sanitize::clean;
use crate::tui::state::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the notes scrolled to line `scroll`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, scroll: usize) {
    let t = &ui.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("Notes {} lines  ", app.case_book().notes.lines().count()), t.style("header")),
            Span::styled("notes.md in the case state · :note TEXT appends", t.style("muted")),
        ])),
        head,
    );
    if let Some(e) = app.case.error() {
        frame.render_widget(Paragraph::new(Span::styled(clean(e), t.style("error"))), body);
        return;
    }
    if app.case_book().notes.trim().is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No notes yet: :note TEXT adds a paragraph.", t.style("muted"))),
            body,
        );
        return;
    }
    let lines: Vec<Line> = app
        .case_book()
        .notes
        .lines()
        .skip(scroll)
        .map(|l| {
            let l = clean(l);
            if l.starts_with('#') {
                Line::styled(l, t.style("header"))
            } else {
                Line::raw(l)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
}
