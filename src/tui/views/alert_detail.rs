//! One alert: title, severity, span, reasons, then its entities and evidence ids, each a pivot.

use super::Ui;
use crate::cli::sanitize::{cell, clean};
use crate::cli::timefmt::show;
use crate::tui::app::{alert_items, App};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the alert `alert_id` with pivot line `cursor` selected.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, alert_id: &str, cursor: usize) {
    let t = &ui.theme;
    let Some(a) = app.alert(alert_id) else {
        frame.render_widget(Paragraph::new(Span::styled("alert no longer in alerts.json", t.style("error"))), area);
        return;
    };
    let mut head = vec![
        Line::from(vec![
            Span::styled(format!("{} ", a.severity.as_str().to_uppercase()), t.severity(a.severity)),
            Span::styled(format!("{} ", clean(&a.analytic)), t.style("header")),
            Span::raw(clean(&a.title)),
        ]),
        Line::styled(format!("{} → {}", show(a.first_seen, app.tz), show(a.last_seen, app.tz)), t.style("muted")),
        Line::styled("Reasons", t.style("header")),
    ];
    if a.reasons.is_empty() {
        head.push(Line::styled("  (none given)", t.style("muted")));
    }
    head.extend(a.reasons.iter().map(|r| Line::raw(format!("  • {}", clean(r)))));
    if !a.baseline.is_empty() {
        head.push(Line::styled("Baseline", t.style("header")));
        head.extend(a.baseline.iter().map(|b| Line::styled(format!("  {}", clean(b)), t.style("muted"))));
    }
    let head_h = (head.len() as u16 + 1).min(area.height / 2).max(3);
    let [top, bottom] = Layout::vertical([Constraint::Length(head_h), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), top);
    let items = alert_items(a);
    let width = bottom.width.saturating_sub(14) as usize;
    let list_items: Vec<ListItem> = items
        .iter()
        .map(|(field, value)| {
            let label = if *field == "id" { "evidence" } else { field };
            let shown = match a.entities.app_names.get(value) {
                Some(name) if *field == "app" => format!("{value}  {name}"),
                _ => value.clone(),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{label:<9} "), t.style("muted")),
                Span::raw(cell(&shown, width.max(8))),
            ]))
        })
        .collect();
    let title = format!(" Entities and evidence ({}) · Enter opens the timeline ", items.len());
    let list = List::new(list_items)
        .block(Block::default().borders(Borders::TOP).title(title))
        .highlight_style(t.style("selected"));
    let mut state = ListState::default().with_selected(if items.is_empty() { None } else { Some(cursor) });
    frame.render_stateful_widget(list, bottom, &mut state);
}
