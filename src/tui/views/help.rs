//! The help overlay, generated from the live keymap and the `:` command catalogue; scrolls with j/k.

use super::Ui;
use crate::tui::state::settings::commands;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Row, Table};
use ratatui::Frame;

/// Draws every binding and command, scrolled by `scroll` rows.
pub fn draw(frame: &mut Frame, area: Rect, ui: &Ui, scroll: usize) {
    let t = &ui.theme;
    let mut rows: Vec<Row> = ui
        .keymap
        .bindings
        .iter()
        .map(|b| Row::new(vec![Span::styled(b.keys.join(" "), t.style("key")), Span::raw(b.help.clone())]))
        .collect();
    rows.push(Row::new(vec![Span::styled("ctrl-c", t.style("key")), Span::raw("leave harrier at once")]));
    rows.push(Row::new(vec![Span::raw(""), Span::raw("")]));
    rows.push(Row::new(vec![Span::styled("Commands (:)", t.style("header")), Span::raw("")]));
    for c in commands() {
        let name = if c.args.is_empty() { format!(":{}", c.name) } else { format!(":{} {}", c.name, c.args) };
        rows.push(Row::new(vec![Span::styled(name, t.style("key")), Span::raw(c.help.clone())]));
    }
    let total = rows.len();
    let h = (total as u16 + 2).min(area.height);
    let visible = h.saturating_sub(2) as usize;
    let scroll = scroll.min(total.saturating_sub(visible));
    let rows: Vec<Row> = rows.into_iter().skip(scroll).collect();
    let rect = super::centered(area, 78, h);
    let title = if total > visible {
        format!(" Keys and commands · j/k scroll ({}-{} of {total}) · ? or Esc closes ", scroll + 1, scroll + visible)
    } else {
        " Keys and commands · ? or Esc closes ".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Table::new(rows, [Constraint::Length(17), Constraint::Min(10)])
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
