//! A frequency table: every value of one field over a timeline's events, with counts, shares and bars.

use super::Ui;
use crate::text::sanitize::cell;
use crate::tui::state::app::App;
use crate::tui::state::frequency::FrequencyView;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Draws `f` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, _app: &App, ui: &Ui, f: &FrequencyView) {
    let t = &ui.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let Some(stats) = f.data.value() else {
        let msg = match f.data.error() {
            Some(e) => Span::styled(cell(e, area.width as usize), t.style("error")),
            None => Span::styled(format!("counting {}…", f.dim.title().to_lowercase()), t.style("loading")),
        };
        frame.render_widget(Paragraph::new(msg), area);
        return;
    };
    let Some(top) = stats.dims.first() else { return };
    let scope = if stats.scanned < stats.total {
        format!("latest {} of {} events", stats.scanned, stats.total)
    } else {
        format!("{} events", stats.total)
    };
    let mut summary = format!("{} distinct · {scope}", top.distinct);
    if top.missing > 0 {
        summary.push_str(&format!(" · {} without a value", top.missing));
    }
    if top.values.len() < top.distinct {
        summary.push_str(&format!(" · top {} shown", top.values.len()));
    }
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{} of {}  ", f.dim.title(), cell(&f.of_title, 60)), t.style("header")),
            Span::styled(summary, t.style("muted")),
        ])),
        head,
    );
    let bar_w: usize = if area.width >= 120 { 30 } else { 12 };
    let value_w = (area.width as usize).saturating_sub(8 + 7 + bar_w + 3).max(10);
    let max = top.values.first().map(|v| v.1).unwrap_or(1).max(1);
    let rows = top.values.iter().map(|(value, n)| {
        let pct = *n as f64 * 100.0 / stats.scanned.max(1) as f64;
        let len = ((*n as f64 / max as f64) * bar_w as f64).ceil() as usize;
        Row::new(vec![
            Span::raw(cell(value, value_w)),
            Span::raw(format!("{n:>8}")),
            Span::raw(format!("{pct:>6.1}%")),
            Span::styled("▇".repeat(len.max(1)), t.style("histogram")),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(value_w as u16),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Length(bar_w as u16),
        ],
    )
    .header(Row::new(vec!["VALUE", "   COUNT", "  SHARE", ""]).style(t.style("header")))
    .row_highlight_style(t.style("selected"));
    let mut state = TableState::default().with_selected(if top.values.is_empty() { None } else { Some(f.cursor) });
    frame.render_stateful_widget(table, body, &mut state);
}
