//! The alerts queue: most severe first, then by time; filtered by severity and analytic.

use super::Ui;
use crate::text::sanitize::{cell, clean};
use crate::time::format::show;
use crate::tui::state::alerts::AlertsState;
use crate::tui::state::app::App;
use crate::tui::state::casebook::status_label;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Draws the queue with the row `cursor` selected.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, cursor: usize) {
    let t = &ui.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let list = app.filtered_alerts();
    let filter = format!(
        "severity ≥ {} · status {} · analytic {}{}",
        app.filter.min_severity.map(|s| s.as_str()).unwrap_or("any"),
        app.filter.status.map(|s| s.label()).unwrap_or("any"),
        app.filter.analytic.as_deref().map(clean).unwrap_or_else(|| "any".into()),
        if app.filter.by_incident { " · by incident" } else { "" }
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("Alerts {}/{}  ", list.len(), app.alerts().len()), t.style("header")),
            Span::styled(filter, t.style("muted")),
        ])),
        head,
    );
    let empty = match app.overview.value().map(|o| &o.alerts) {
        None => Some(("loading…".to_string(), t.style("loading"))),
        Some(AlertsState::NotRun) => {
            Some(("No alerts yet: detection has not been run for this case (harrier detect).".into(), t.style("muted")))
        }
        Some(AlertsState::Unreadable(e)) => Some((clean(e), t.style("error"))),
        Some(AlertsState::Loaded(_)) if list.is_empty() => {
            Some(("No alert matches the filters.".into(), t.style("muted")))
        }
        _ => None,
    };
    if let Some((msg, style)) = empty {
        frame.render_widget(Paragraph::new(Span::styled(msg, style)), body);
        return;
    }
    let wide = area.width >= 120;
    // Detection ids run from `AN0534` to `auth-method-change`; the column fits the longest shown, within bounds.
    let analytic_w =
        list.iter().map(|a| a.analytic.chars().count()).max().unwrap_or(6).clamp(8, if wide { 18 } else { 12 });
    let title_w = (area.width as usize).saturating_sub(if wide {
        8 + analytic_w + 24 + 16 + 30 + 16
    } else {
        8 + analytic_w + 20 + 5 + 16
    });
    let rows = list.iter().map(|a| {
        let status = app.case_book().status_of(&a.id);
        let mut cells = vec![
            Span::styled(a.severity.as_str().to_string(), t.severity(a.severity)),
            Span::raw(cell(&a.analytic, analytic_w)),
            Span::styled(
                status_label(status).to_string(),
                t.style(if status.is_closed() { "muted" } else { "notice" }),
            ),
            Span::raw(app.case_book().progress_label(a)),
            Span::raw(if wide { show(a.first_seen, app.tz) } else { short_time(a, app) }),
        ];
        if wide {
            let id = if app.filter.by_incident { a.incident.as_deref().unwrap_or(&a.id) } else { &a.id };
            cells.push(Span::raw(cell(id, 16)));
            let who = a.entities.users.first().or(a.entities.ips.first()).map(String::as_str).unwrap_or("");
            cells.push(Span::raw(cell(who, 30)));
        }
        cells.push(Span::raw(cell(&a.title, title_w.max(10))));
        Row::new(cells)
    });
    let widths: Vec<Constraint> = if wide {
        vec![
            Constraint::Length(8),
            Constraint::Length(analytic_w as u16),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(23),
            Constraint::Length(16),
            Constraint::Length(30),
            Constraint::Min(10),
        ]
    } else {
        vec![
            Constraint::Length(8),
            Constraint::Length(analytic_w as u16),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(16),
            Constraint::Min(10),
        ]
    };
    let mut header = vec!["SEVERITY", "ANALYTIC", "STATUS", "STEPS", "FIRST SEEN"];
    if wide {
        header.extend([if app.filter.by_incident { "INCIDENT" } else { "ID" }, "ENTITY"]);
    }
    header.push("TITLE");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.style("header")))
        .row_highlight_style(t.style("selected"));
    let mut state = TableState::default().with_selected(Some(cursor.min(list.len().saturating_sub(1))));
    frame.render_stateful_widget(table, body, &mut state);
}

fn short_time(a: &crate::tui::state::alerts::Alert, app: &App) -> String {
    a.first_seen.map(|t| t.with_timezone(&app.tz).format("%m-%d %H:%M %Z").to_string()).unwrap_or_default()
}
