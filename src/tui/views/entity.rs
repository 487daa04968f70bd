//! An entity page: who or what it is, first and last seen, the alerts that name it, and the top values
//! of its events (IPs, countries, ASNs, apps, user agents, sessions, operations).

use super::Ui;
use crate::cli::sanitize::cell;
use crate::cli::timefmt::show;
use crate::tui::app::{entity_dims, App, EntityView, ENTITY_TOP};
use crate::tui::stats::{Stats, TopValues};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Terminal width from which sections sit side by side.
const GRID_MIN_WIDTH: u16 = 120;

/// Draws the page of `v` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, v: &EntityView) {
    let t = &ui.theme;
    let mut head = vec![Line::from(vec![
        Span::styled(format!("{} ", v.entity.kind.title()), t.style("header")),
        Span::styled(cell(&v.entity.value, area.width.saturating_sub(20) as usize), t.style("title")),
    ])];
    match (&v.data.stats, &v.data.error) {
        (_, Some(e)) => head.push(Line::styled(cell(e, area.width as usize), t.style("error"))),
        (None, None) => head.push(Line::styled("counting…", t.style("loading"))),
        (Some(s), None) if s.total == 0 => {
            head.push(Line::styled("no events in this case name it", t.style("muted")));
        }
        (Some(s), None) => {
            let seen = format!("first seen {} · last seen {}", show(s.first, app.tz), show(s.last, app.tz));
            let mut count = format!("{} events", s.total);
            if s.scanned < s.total {
                count.push_str(&format!(" · counts over the latest {}", s.scanned));
            }
            if area.width >= 110 {
                head.push(Line::styled(format!("{seen} · {count}"), t.style("muted")));
            } else {
                head.push(Line::styled(seen, t.style("muted")));
                head.push(Line::styled(count, t.style("muted")));
            }
        }
    }
    let [top, body] = Layout::vertical([Constraint::Length(head.len() as u16 + 1), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(head), top);

    // Related alerts come first; their item indexes precede the values'.
    let related: Vec<_> = app.alerts().iter().filter(|a| v.entity.in_alert(a)).collect();
    let mut alert_lines = vec![Line::styled(format!("Related alerts ({})", related.len()), t.style("header"))];
    if related.is_empty() {
        let why = if app.alerts().is_empty() { "none loaded (harrier detect)" } else { "none name it" };
        alert_lines.push(Line::styled(format!("  {why}"), t.style("muted")));
    }
    for (i, a) in related.iter().enumerate() {
        let style = if i == v.cursor { t.style("selected") } else { Style::default() };
        let text_w = (body.width as usize).saturating_sub(2 + 9 + 8 + 17);
        alert_lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(format!("{:<9}", a.severity.as_str()), t.severity(a.severity)),
            Span::styled(format!("{:<8}", cell(&a.analytic, 7)), style),
            Span::styled(format!("{:<17}", cell(&a.id, 16)), style),
            Span::styled(cell(&a.title, text_w.max(8)), style),
        ]));
    }
    alert_lines.push(Line::raw(""));
    let mut sections: Vec<Vec<Line>> = Vec::new();
    let mut selected_section = None;
    if let Some(stats) = &v.data.stats {
        let mut index = related.len();
        for d in entity_dims(v.entity.kind) {
            if let Some(top) = stats.dim(*d) {
                let (lines, hit) = section(top, stats, index, v.cursor, ui, section_width(body.width));
                if hit {
                    selected_section = Some(sections.len());
                }
                index += top.values.len().min(ENTITY_TOP);
                sections.push(lines);
            }
        }
    }
    if body.width >= GRID_MIN_WIDTH {
        draw_grid(frame, body, alert_lines, sections);
    } else {
        // One column, scrolled so the selected line shows.
        let mut lines = alert_lines;
        let mut selected_line = v.cursor.min(related.len().saturating_sub(1)) + 1;
        for (i, s) in sections.into_iter().enumerate() {
            if selected_section == Some(i) {
                selected_line = lines.len() + s.iter().position(|l| l.style == t.style("selected")).unwrap_or(0);
            }
            let one_line = s.len() == 1;
            lines.extend(s);
            if !one_line {
                lines.push(Line::raw(""));
            }
        }
        let h = body.height as usize;
        let scroll = (selected_line + 2).saturating_sub(h);
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
    }
}

fn section_width(body: u16) -> usize {
    if body >= 150 {
        (body as usize) / 3 - 2
    } else if body >= GRID_MIN_WIDTH {
        (body as usize) / 2 - 2
    } else {
        body as usize
    }
}

fn draw_grid(frame: &mut Frame, area: Rect, alert_lines: Vec<Line>, sections: Vec<Vec<Line>>) {
    let cols = if area.width >= 150 { 3 } else { 2 };
    let alerts_h = (alert_lines.len() as u16).min(area.height / 3).max(2);
    let [alerts, grid] = Layout::vertical([Constraint::Length(alerts_h), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(alert_lines), alerts);
    // Sections side by side, each row of the grid as tall as its tallest section.
    let w = grid.width / cols as u16;
    let mut y = grid.y;
    for row in sections.chunks(cols) {
        let h = row.iter().map(|l| l.len()).max().unwrap_or(0) as u16 + 1;
        for (col, lines) in row.iter().enumerate() {
            let rect = Rect { x: grid.x + col as u16 * w, y, width: w.saturating_sub(2), height: h };
            frame.render_widget(Paragraph::new(lines.clone()), rect.intersection(grid));
        }
        y = y.saturating_add(h);
        if y >= grid.y + grid.height {
            break;
        }
    }
}

/// The lines of one field's section; the second value is true when it holds the cursor.
fn section<'a>(
    top: &TopValues,
    stats: &Stats,
    first_index: usize,
    cursor: usize,
    ui: &Ui,
    width: usize,
) -> (Vec<Line<'a>>, bool) {
    let t = &ui.theme;
    if top.values.is_empty() {
        return (vec![Line::styled(format!("{}: none recorded", top.dim.title()), t.style("muted"))], false);
    }
    let mut lines = vec![Line::styled(format!("{} ({})", top.dim.title(), top.distinct), t.style("header"))];
    let mut hit = false;
    for (i, (value, n)) in top.values.iter().take(ENTITY_TOP).enumerate() {
        let selected = first_index + i == cursor;
        hit |= selected;
        let pct = *n as f64 * 100.0 / stats.scanned.max(1) as f64;
        let value_w = width.saturating_sub(2 + 8 + 6 + 1).max(8);
        let line = Line::from(vec![
            Span::raw("  "),
            Span::raw(format!("{:<value_w$}", cell(value, value_w))),
            Span::raw(format!("{n:>8}")),
            Span::styled(format!("{pct:>5.0}%"), t.style("muted")),
        ]);
        lines.push(if selected { line.style(t.style("selected")) } else { line });
    }
    (lines, hit)
}
