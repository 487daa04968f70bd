//! The help overlay, generated from the live keymap.

use super::Ui;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Row, Table};
use ratatui::Frame;

/// Draws every binding: keys and what they do.
pub fn draw(frame: &mut Frame, area: Rect, ui: &Ui) {
    let t = &ui.theme;
    let mut rows: Vec<Row> = ui
        .keymap
        .bindings
        .iter()
        .map(|b| Row::new(vec![Span::styled(b.keys.join(" "), t.style("key")), Span::raw(b.help.clone())]))
        .collect();
    rows.push(Row::new(vec![Span::styled("ctrl-c", t.style("key")), Span::raw("leave harrier at once")]));
    let h = (rows.len() as u16 + 2).min(area.height);
    let rect = super::centered(area, 72, h);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Table::new(rows, [Constraint::Length(18), Constraint::Min(10)])
            .block(Block::default().borders(Borders::ALL).title(" Keys (? or Esc closes) ")),
        rect,
    );
}
