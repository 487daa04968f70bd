//! An entity page: who or what it is, first and last seen, the alerts that name it, what the case's snapshots
//! state about it, and the top values of its events (IPs, countries, ASNs, apps, user agents, sessions,
//! operations).

use super::entity_facts::{fact_lines, FactLines};
use super::Ui;
use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::app::App;
use crate::tui::state::entity_page::{entity_dims, EntityView, ENTITY_TOP};
use crate::tui::state::stats::{Stats, TopValues};
use crate::tui::views::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Terminal width from which sections sit side by side.
const GRID_MIN_WIDTH: u16 = 120;

/// Lines placed on screen: where they go, how far they are scrolled, and which item each line selects.
struct Placed<'a> {
    rect: Rect,
    scroll: u16,
    lines: Vec<Line<'a>>,
    items: Vec<Option<usize>>,
}

/// Draws the page of `v` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, v: &EntityView) {
    for p in plan(area, app, &ui.theme, v) {
        frame.render_widget(Paragraph::new(p.lines).scroll((p.scroll, 0)), p.rect);
    }
}

/// The selectable item (an index into `entity_items`) drawn at screen cell (`x`, `y`), if any.
pub fn item_at(area: Rect, app: &App, v: &EntityView, x: u16, y: u16) -> Option<usize> {
    let theme = Theme::defaults(false);
    plan(area, app, &theme, v).into_iter().find_map(|p| {
        let inside = x >= p.rect.x && x < p.rect.right() && y >= p.rect.y && y < p.rect.bottom();
        if !inside {
            return None;
        }
        p.items.get((y - p.rect.y + p.scroll) as usize).copied().flatten()
    })
}

fn plan<'a>(area: Rect, app: &App, t: &Theme, v: &EntityView) -> Vec<Placed<'a>> {
    let mut head = vec![Line::from(vec![
        Span::styled(format!("{} ", v.entity.kind.title()), t.style("header")),
        Span::styled(cell(&v.entity.value, area.width.saturating_sub(20) as usize), t.style("title")),
    ])];
    match (v.data.value(), v.data.error()) {
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
    let head_items = vec![None; head.len()];
    let mut placed = vec![Placed { rect: top, scroll: 0, lines: head, items: head_items }];

    // Related alerts come first; their item indexes precede the values'.
    let related: Vec<_> = app.alerts().iter().filter(|a| v.entity.in_alert(a)).collect();
    let mut alert_lines = vec![Line::styled(format!("Related alerts ({})", related.len()), t.style("header"))];
    let mut alert_items = vec![None];
    if related.is_empty() {
        let why = if app.alerts().is_empty() { "none loaded (harrier detect)" } else { "none name it" };
        alert_lines.push(Line::styled(format!("  {why}"), t.style("muted")));
        alert_items.push(None);
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
        alert_items.push(Some(i));
    }
    alert_lines.push(Line::raw(""));
    alert_items.push(None);
    // The snapshot rows come next, then the values.
    let facts = fact_lines(v, t, app.tz, body.width as usize, related.len());
    let fact_rows = facts.items.iter().flatten().count();
    let mut sections: Vec<(Vec<Line>, Vec<Option<usize>>)> = Vec::new();
    if let Some(stats) = v.data.value() {
        let mut index = related.len() + fact_rows;
        for d in entity_dims(v.entity.kind) {
            if let Some(top) = stats.dim(*d) {
                let lines = section(top, stats, index, v.cursor, t, section_width(body.width));
                let n = top.values.len().min(ENTITY_TOP);
                let mut items = vec![None];
                items.extend((index..index + n).map(Some));
                items.truncate(lines.len());
                index += n;
                sections.push((lines, items));
            }
        }
    }
    if body.width >= GRID_MIN_WIDTH {
        placed.extend(grid(body, v.cursor, (alert_lines, alert_items), facts, sections));
    } else {
        // One column, scrolled so the selected line shows.
        let mut lines = alert_lines;
        let mut items = alert_items;
        items.extend(facts.items);
        lines.extend(facts.lines);
        for (s, i) in sections {
            let one_line = s.len() == 1;
            lines.extend(s);
            items.extend(i);
            items.resize(lines.len(), None);
            if !one_line {
                lines.push(Line::raw(""));
                items.push(None);
            }
        }
        let selected_line = items.iter().position(|i| *i == Some(v.cursor)).unwrap_or(0);
        let scroll = (selected_line + 2).saturating_sub(body.height as usize) as u16;
        placed.push(Placed { rect: body, scroll, lines, items });
    }
    placed
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

/// Related alerts on top, then the snapshot block (as tall as the sections below leave room for, at least half of
/// what remains, scrolled to the selected row), then the sections side by side.
fn grid<'a>(
    area: Rect,
    cursor: usize,
    (alert_lines, alert_items): (Vec<Line<'a>>, Vec<Option<usize>>),
    facts: FactLines<'a>,
    sections: Vec<(Vec<Line<'a>>, Vec<Option<usize>>)>,
) -> Vec<Placed<'a>> {
    let cols = if area.width >= 150 { 3 } else { 2 };
    let alerts_h = (alert_lines.len() as u16).min(area.height / 3).max(2);
    let rest = area.height.saturating_sub(alerts_h);
    let grid_h: u16 =
        sections.chunks(cols).map(|row| row.iter().map(|(l, _)| l.len()).max().unwrap_or(0) as u16 + 1).sum();
    let facts_h = (facts.lines.len() as u16).min(rest.saturating_sub(grid_h).max(rest / 2));
    let [alerts, facts_area, grid] =
        Layout::vertical([Constraint::Length(alerts_h), Constraint::Length(facts_h), Constraint::Min(1)]).areas(area);
    let selected = facts.items.iter().position(|i| *i == Some(cursor)).unwrap_or(0);
    let facts_scroll = (selected + 1).saturating_sub(facts_h as usize) as u16;
    let mut out = vec![
        Placed { rect: alerts, scroll: 0, lines: alert_lines, items: alert_items },
        Placed { rect: facts_area, scroll: facts_scroll, lines: facts.lines, items: facts.items },
    ];
    // Sections side by side, each row of the grid as tall as its tallest section.
    let w = grid.width / cols as u16;
    let mut y = grid.y;
    let mut rest = sections.into_iter();
    loop {
        let row: Vec<_> = rest.by_ref().take(cols).collect();
        if row.is_empty() || y >= grid.y + grid.height {
            break;
        }
        let h = row.iter().map(|(l, _)| l.len()).max().unwrap_or(0) as u16 + 1;
        for (col, (lines, items)) in row.into_iter().enumerate() {
            let rect = Rect { x: grid.x + col as u16 * w, y, width: w.saturating_sub(2), height: h };
            out.push(Placed { rect: rect.intersection(grid), scroll: 0, lines, items });
        }
        y = y.saturating_add(h);
    }
    out
}

/// The lines of one field's section; the second value is true when it holds the cursor.
fn section<'a>(
    top: &TopValues,
    stats: &Stats,
    first_index: usize,
    cursor: usize,
    t: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    if top.values.is_empty() {
        return vec![Line::styled(format!("{}: none recorded", top.dim.title()), t.style("muted"))];
    }
    let mut lines = vec![Line::styled(format!("{} ({})", top.dim.title(), top.distinct), t.style("header"))];
    for (i, (value, n)) in top.values.iter().take(ENTITY_TOP).enumerate() {
        let selected = first_index + i == cursor;
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
    lines
}
