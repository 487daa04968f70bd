//! A timeline: title and counts, a histogram strip over the span, time-ordered rows, and on wide
//! terminals a preview of the event under the cursor.

use super::Ui;
use crate::model::{Event, EventResult};
use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::app::App;
use crate::tui::state::columns::{visible, widths, Column};
use crate::tui::state::timeline::{
    Histogram, TimelineView, FACET_SIDE_MIN_WIDTH, FACET_SIDE_WIDTH, PREVIEW_MIN_WIDTH, PREVIEW_WIDTH,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws timeline `tl` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, tl: &TimelineView) {
    let t = &ui.theme;
    let [title, hist, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let count = match (tl.total, tl.error()) {
        (_, Some(e)) => Span::styled(cell(e, area.width as usize), t.style("error")),
        (Some(0), _) => Span::styled("no events match", t.style("muted")),
        (Some(n), _) => Span::raw(format!("row {} of {n}", tl.cursor + 1)),
        (None, _) => Span::styled("loading…", t.style("loading")),
    };
    let loading = if tl.page.is_loading() && tl.total.is_some() {
        Span::styled("  loading…", t.style("loading"))
    } else {
        Span::raw("")
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{}  ", cell(&tl.title, 60)), t.style("header")),
            count,
            loading,
        ])),
        title,
    );
    draw_histogram(frame, hist, app, ui, tl.histogram.value());
    let rows_w = app.rows_width(tl);
    match &tl.facets {
        Some(f) if area.width >= FACET_SIDE_MIN_WIDTH => {
            let [a, b] = Layout::horizontal([Constraint::Length(rows_w), Constraint::Length(FACET_SIDE_WIDTH)])
                .areas(table_area);
            draw_rows(frame, a, app, ui, tl);
            super::facets::draw(frame, b, app, ui, tl, f);
        }
        Some(f) if f.focused => super::facets::draw(frame, table_area, app, ui, tl, f),
        _ if area.width >= PREVIEW_MIN_WIDTH => {
            let [a, side] =
                Layout::horizontal([Constraint::Length(rows_w), Constraint::Length(PREVIEW_WIDTH)]).areas(table_area);
            draw_rows(frame, a, app, ui, tl);
            let lines = match tl.current() {
                Some(e) => super::event_detail::field_lines(e, app, ui, None),
                None => vec![Line::styled("no event under the cursor", t.style("muted"))],
            };
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::default().borders(Borders::LEFT)),
                side,
            );
        }
        _ => draw_rows(frame, table_area, app, ui, tl),
    }
}

fn draw_histogram(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, h: Option<&Histogram>) {
    let t = &ui.theme;
    let Some(h) = h else {
        frame.render_widget(Paragraph::new(Span::styled("histogram loading…", t.style("loading"))), area);
        return;
    };
    if h.buckets.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled("no timed events", t.style("muted"))), area);
        return;
    }
    let from = h.from.with_timezone(&app.tz).format("%Y-%m-%d %H:%M").to_string();
    let to = show(Some(h.to), app.tz);
    let strip_w = (area.width as usize).saturating_sub(from.len() + to.len() + 2).max(1);
    let max = *h.buckets.iter().max().unwrap_or(&1);
    let strip: String = (0..strip_w)
        .map(|i| {
            let lo = i * h.buckets.len() / strip_w;
            let hi = ((i + 1) * h.buckets.len() / strip_w).max(lo + 1).min(h.buckets.len());
            let v: u64 = h.buckets[lo..hi].iter().copied().max().unwrap_or(0);
            if v == 0 {
                ' '
            } else {
                BARS[((v * 7).div_ceil(max.max(1)) as usize).min(7)]
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(from, t.style("muted")),
            Span::raw(" "),
            Span::styled(strip, t.style("histogram")),
            Span::raw(" "),
            Span::styled(to, t.style("muted")),
        ])),
        area,
    );
}

fn draw_rows(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, tl: &TimelineView) {
    let t = &ui.theme;
    let w = widths(area.width);
    let keep = visible(area.width);
    let rows_h = area.height.saturating_sub(1) as usize;
    let total = tl.total.unwrap_or(0);
    let rows_focused = !tl.facets.as_ref().is_some_and(|f| f.focused);
    let rows = (tl.top..(tl.top + rows_h).min(total)).map(|r| {
        let style = if r == tl.cursor && rows_focused {
            t.style("selected")
        } else if r == tl.cursor {
            t.style("muted").add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            Style::default()
        };
        match tl.hit(r) {
            Some(h) => {
                let e = &h.event;
                let mark = if app.is_bookmarked(e) { Span::styled("*", t.style("bookmark")) } else { Span::raw(" ") };
                let mut cells = vec![mark];
                cells.extend(keep.iter().map(|&i| {
                    let col = Column::ALL[i];
                    let text = if col == Column::Time { time_cell(e, app, w[0]) } else { col.value(e, app.tz) };
                    let s = Span::raw(cell(&text, w[i] as usize));
                    if col == Column::Result && e.result == EventResult::Failure {
                        s.style(t.style("failure"))
                    } else {
                        s
                    }
                }));
                Row::new(cells).style(style)
            }
            None => Row::new(vec![Span::raw(" "), Span::styled("loading…", t.style("loading"))]).style(style),
        }
    });
    let mut header = vec![Span::raw(" ")];
    header.extend(keep.iter().map(|&i| {
        let style = if i == tl.column && rows_focused { t.style("column") } else { t.style("header") };
        Span::styled(Column::ALL[i].name(), style)
    }));
    let mut constraints = vec![Constraint::Length(1)];
    constraints.extend(keep.iter().map(|&i| Constraint::Length(w[i])));
    let table = Table::new(rows, constraints).header(Row::new(header).style(t.style("header")));
    frame.render_widget(table, area);
}

fn time_cell(e: &Event, app: &App, time_w: u16) -> String {
    if time_w >= 23 {
        show(e.ts, app.tz)
    } else {
        e.ts.map(|ts| ts.with_timezone(&app.tz).format("%m-%d %H:%M:%S %Z").to_string())
            .unwrap_or_else(|| "(no time)".into())
    }
}
