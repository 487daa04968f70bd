//! Bookmarked events of the case, in the order they were marked.

use super::Ui;
use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Draws the list with row `cursor` selected.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, cursor: usize) {
    let t = &ui.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let about = match app.bookmarks.get(cursor) {
        Some(b) if !b.tags.is_empty() || b.comment.is_some() => {
            let tags: Vec<String> = b.tags.iter().map(|t| format!("#{t}")).collect();
            let text = format!("{} {}", tags.join(" "), b.comment.as_deref().unwrap_or(""));
            cell(text.trim(), (area.width as usize).saturating_sub(16).max(8))
        }
        _ => "saved in the case state (bookmarks.json) · c tags and comment".to_string(),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("Bookmarks {}  ", app.bookmarks.len()), t.style("header")),
            Span::styled(about, t.style("muted")),
        ])),
        head,
    );
    if app.bookmarks.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "No bookmarks yet: press m on a timeline row or an open event.",
                t.style("muted"),
            )),
            body,
        );
        return;
    }
    let wide = area.width >= 120;
    let time_w: u16 = if wide { 23 } else { 16 };
    let gaps = if wide { 5 } else { 3 };
    let fixed = time_w + 15 + gaps + if wide { 10 + 30 } else { 0 };
    let op_w = (area.width.saturating_sub(fixed) / 2).max(8);
    let actor_w = area.width.saturating_sub(fixed + op_w).max(8);
    let rows = app.bookmarks.iter().map(|b| {
        let time = if wide {
            show(b.ts, app.tz)
        } else {
            b.ts.map(|ts| ts.with_timezone(&app.tz).format("%m-%d %H:%M %Z").to_string()).unwrap_or_default()
        };
        let mut cells = vec![Span::raw(time)];
        if wide {
            cells.push(Span::raw(cell(&b.source, 10)));
        }
        cells.push(Span::raw(cell(&b.operation, op_w as usize)));
        cells.push(Span::raw(cell(&b.actor, actor_w as usize)));
        cells.push(Span::raw(cell(&b.ip, 15)));
        if wide {
            cells.push(Span::styled(cell(&b.origin, 30), t.style("muted")));
        }
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(time_w)];
    let mut header = vec!["TIME"];
    if wide {
        widths.push(Constraint::Length(10));
        header.push("SOURCE");
    }
    widths.extend([Constraint::Length(op_w), Constraint::Length(actor_w), Constraint::Length(15)]);
    header.extend(["OPERATION", "ACTOR", "IP"]);
    if wide {
        widths.push(Constraint::Length(30));
        header.push("FILE");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.style("header")))
        .row_highlight_style(t.style("selected"));
    let mut state = TableState::default().with_selected(Some(cursor.min(app.bookmarks.len() - 1)));
    frame.render_stateful_widget(table, body, &mut state);
}
