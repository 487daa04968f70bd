//! A timeline: title and counts, a histogram strip over the span, time-ordered rows, and on wide
//! terminals a preview of the event under the cursor.

use super::Ui;
use crate::cli::sanitize::cell;
use crate::cli::timefmt::show;
use crate::model::{Event, EventResult};
use crate::tui::app::{App, Histogram, TimelineView};
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
    let count = match (tl.total, &tl.error) {
        (_, Some(e)) => Span::styled(cell(e, area.width as usize), t.style("error")),
        (Some(0), _) => Span::styled("no events match", t.style("muted")),
        (Some(n), _) => Span::raw(format!("row {} of {n}", tl.cursor + 1)),
        (None, _) => Span::styled("loading…", t.style("loading")),
    };
    let loading = if tl.pending.is_some() && tl.total.is_some() {
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
    draw_histogram(frame, hist, app, ui, tl.histogram.as_ref());
    let (rows_area, side) = if area.width >= 190 {
        let [a, b] = Layout::horizontal([Constraint::Min(100), Constraint::Length(48)]).areas(table_area);
        (a, Some(b))
    } else {
        (table_area, None)
    };
    draw_rows(frame, rows_area, app, ui, tl);
    if let Some(side) = side {
        let lines = match tl.current() {
            Some(e) => super::event_detail::field_lines(e, app, ui),
            None => vec![Line::styled("no event under the cursor", t.style("muted"))],
        };
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::default().borders(Borders::LEFT)),
            side,
        );
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

/// Column widths for a table `w` cells wide: time, source, operation, actor, ip, cc, app, target, result.
fn widths(w: u16) -> [u16; 9] {
    if w >= 150 {
        [23, 9, 24, 28, 16, 2, 18, (w - 135).max(10), 7]
    } else if w >= 100 {
        [23, 9, 20, 24, 15, 2, 0, (w - 23 - 9 - 20 - 24 - 15 - 2 - 8 - 8).max(6), 7]
    } else {
        let rest = w.saturating_sub(18 + 15 + 4);
        let op = rest * 2 / 5;
        [18, 0, op, rest - op, 15, 0, 0, 0, 0]
    }
}

fn draw_rows(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, tl: &TimelineView) {
    let t = &ui.theme;
    let w = widths(area.width);
    let names = ["TIME", "SOURCE", "OPERATION", "ACTOR", "IP", "CC", "APP", "TARGET", "RESULT"];
    let keep: Vec<usize> = (0..9).filter(|i| w[*i] > 0).collect();
    let rows_h = area.height.saturating_sub(1) as usize;
    let total = tl.total.unwrap_or(0);
    let rows = (tl.top..(tl.top + rows_h).min(total)).map(|r| {
        let style = if r == tl.cursor { t.style("selected") } else { Style::default() };
        match tl.hit(r) {
            Some(h) => {
                let vals = values(&h.event, app, w[0]);
                let cells: Vec<Span> = keep
                    .iter()
                    .map(|&i| {
                        let s = Span::raw(cell(&vals[i], w[i] as usize));
                        if i == 8 && h.event.result == EventResult::Failure {
                            s.style(t.style("failure"))
                        } else {
                            s
                        }
                    })
                    .collect();
                Row::new(cells).style(style)
            }
            None => Row::new(vec![Span::styled("loading…", t.style("loading"))]).style(style),
        }
    });
    let table = Table::new(rows, keep.iter().map(|&i| Constraint::Length(w[i])).collect::<Vec<_>>())
        .header(Row::new(keep.iter().map(|&i| names[i]).collect::<Vec<_>>()).style(t.style("header")));
    frame.render_widget(table, area);
}

fn values(e: &Event, app: &App, time_w: u16) -> [String; 9] {
    let time = if time_w >= 23 {
        show(e.ts, app.tz)
    } else {
        e.ts.map(|ts| ts.with_timezone(&app.tz).format("%m-%d %H:%M:%S %Z").to_string())
            .unwrap_or_else(|| "(no time)".into())
    };
    [
        time,
        e.source.map(|s| s.short()).unwrap_or("").to_string(),
        e.operation.clone(),
        e.actor_label().to_string(),
        e.net.ip.map(|i| i.to_string()).unwrap_or_default(),
        e.net.country.clone().unwrap_or_default(),
        e.app_label().to_string(),
        e.target_label(),
        e.result.as_str().to_string(),
    ]
}
