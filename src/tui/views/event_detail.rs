//! The event detail overlay: normalized fields (one selected: `e` `p` `t` `y` act on it), then the
//! original record pretty-printed, wrapped and sanitized line by line.

use super::Ui;
use crate::model::Event;
use crate::text::sanitize::{cell, clean};
use crate::tui::state::app::App;
use crate::tui::state::detail::EventDetail;
use crate::tui::state::fields::fields;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Widest label column, so long parameter names do not crowd out values.
const LABEL_MAX: usize = 26;

/// The normalized fields of `e`, one per line; with `selected`, values are cut to `width` so each field is
/// one row and the selected one is highlighted.
pub fn field_lines<'a>(e: &Event, app: &App, ui: &Ui, selected: Option<(usize, usize)>) -> Vec<Line<'a>> {
    let t = &ui.theme;
    let fields = fields(e, app.tz);
    // Wide enough for the longest label (parameter names vary), within bounds, always with a gap before the value.
    let label_w = fields.iter().map(|f| f.label.chars().count() + 1).max().unwrap_or(0).clamp(12, LABEL_MAX);
    fields
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let label = format!("{:<label_w$}", cell(&f.label, label_w - 1));
            let (value, style) = match selected {
                Some((cursor, width)) => {
                    let v = cell(&f.value, width.saturating_sub(label_w + 1).max(8));
                    (v, if i == cursor { t.style("selected") } else { ratatui::style::Style::default() })
                }
                None => (clean(&f.value), ratatui::style::Style::default()),
            };
            let label_style = if f.entity.is_some() { t.style("key") } else { t.style("muted") };
            Line::from(vec![Span::styled(label, label_style), Span::styled(value, style)])
        })
        .collect()
}

/// Draws the overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, d: &EventDetail) {
    let t = &ui.theme;
    let rect = super::centered(area, area.width.saturating_sub(4).max(20), area.height);
    let inner_w = rect.width.saturating_sub(2) as usize;
    let inner_h = rect.height.saturating_sub(2) as usize;
    let mut lines = field_lines(&d.hit.event, app, ui, Some((d.cursor, inner_w)));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Original record", t.style("header")));
    match (d.raw.value(), d.raw.error()) {
        (_, Some(e)) => lines.push(Line::styled(clean(e), t.style("error"))),
        (Some(text), None) => lines.extend(text.lines().map(|l| Line::raw(clean(l)))),
        (None, None) => lines.push(Line::styled("loading…", t.style("loading"))),
    }
    // Field lines are one row each, so keeping the cursor in view is plain arithmetic.
    let follow = (d.cursor + 1).saturating_sub(inner_h.max(1));
    let scroll = (follow + d.scroll).min(u16::MAX as usize) as u16;
    let title = format!(" Event · {} ", clean(&d.hit.event.operation));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(cell(&title, inner_w.saturating_sub(2)))),
        rect,
    );
}
