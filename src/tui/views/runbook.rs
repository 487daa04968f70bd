//! The runbook checklist of an alert: steps grouped by phase, ticked or not, with the analyst's notes; the
//! selected step's guidance and pivot below.

use super::Ui;
use crate::text::sanitize::{cell, clean};
use crate::tui::state::alerts::Alert;
use crate::tui::state::app::App;
use crate::tui::state::casebook::{checklist, runbook_of};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the checklist of `alert` in `area`; `selected` is the step under the cursor when the checklist has the
/// keys.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, alert: &Alert, selected: Option<usize>) {
    let t = &ui.theme;
    let rb = runbook_of(alert);
    let steps = checklist(rb);
    let done = app.case_book().progress.done_count(&alert.id, rb);
    let title = format!(" {done}/{} steps · Runbook: {} ", steps.len(), clean(rb.title()));
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        cell(&title, area.width as usize),
        if selected.is_some() { t.style("focus") } else { t.style("header") },
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let detail_h = if selected.is_some() && inner.height >= 12 { 5 } else { 0 };
    let [list_area, detail_area] = Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(inner);
    let width = list_area.width as usize;
    let mut items = Vec::new();
    let mut selected_line = None;
    let mut phase = None;
    for (i, (p, step)) in steps.iter().enumerate() {
        if phase != Some(*p) {
            phase = Some(*p);
            items.push(ListItem::new(Line::styled(p.title().to_string(), t.style("header"))));
        }
        if selected == Some(i) {
            selected_line = Some(items.len());
        }
        let progress = app.case_book().step(&alert.id, &step.id);
        let mark = if progress.is_some_and(|s| s.done) { "[x] " } else { "[ ] " };
        let mut spans = vec![Span::raw(mark)];
        let pivot = if step.pivot.is_some() { " ↗" } else { "" };
        let title_w = width.saturating_sub(4 + pivot.chars().count());
        spans.push(Span::raw(cell(&step.title, title_w.max(4))));
        spans.push(Span::styled(pivot, t.style("key")));
        let mut lines = vec![Line::from(spans)];
        if let Some(note) = progress.and_then(|s| s.note.as_deref()) {
            lines.push(Line::styled(format!("    ✎ {}", cell(note, width.saturating_sub(6).max(4))), t.style("muted")));
        }
        items.push(ListItem::new(lines));
    }
    let list = List::new(items).highlight_style(t.style("selected"));
    let mut state = ListState::default().with_selected(selected_line);
    frame.render_stateful_widget(list, list_area, &mut state);
    if detail_h > 0 {
        if let Some((_, step)) = selected.and_then(|i| steps.get(i)) {
            let mut lines = vec![Line::styled(clean(&step.detail), t.style("muted"))];
            if let Some(p) = &step.pivot {
                lines.insert(
                    0,
                    Line::from(vec![Span::styled("Enter ", t.style("key")), Span::raw(clean(&p.template()))]),
                );
            }
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: true }).block(Block::default().borders(Borders::TOP)),
                detail_area,
            );
        }
    }
}
