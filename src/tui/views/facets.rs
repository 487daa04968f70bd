//! The facet panel of a timeline: the top values of its events per field, with counts and a bar;
//! Enter on one narrows the timeline.

use super::Ui;
use crate::text::sanitize::cell;
use crate::tui::state::app::App;
use crate::tui::state::facets::{FacetPanel, FACET_TOP};
use crate::tui::state::timeline::TimelineView;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use ratatui::Frame;

/// Draws the panel of `tl` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, _app: &App, ui: &Ui, tl: &TimelineView, panel: &FacetPanel) {
    let t = &ui.theme;
    let title_style = if panel.focused { t.style("focus") } else { t.style("header") };
    let block = Block::default()
        .borders(Borders::LEFT | Borders::TOP)
        .title(Span::styled(" Facets · Enter narrows · Tab rows · Esc closes ", title_style));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(stats) = panel.data.value() else {
        let msg = match panel.data.error() {
            Some(e) => Span::styled(cell(e, inner.width as usize), t.style("error")),
            None => Span::styled("counting…", t.style("loading")),
        };
        frame.render_widget(Paragraph::new(msg), inner);
        return;
    };
    let width = inner.width as usize;
    let count_w = 7;
    let mut items: Vec<ListItem> = Vec::new();
    let mut selected_line = None;
    let mut index = 0usize;
    let scope = if stats.scanned < stats.total {
        format!("latest {} of {} events", stats.scanned, stats.total)
    } else {
        format!("{} events", stats.total)
    };
    items.push(ListItem::new(Line::styled(cell(&format!("{} · {scope}", tl.title), width), t.style("muted"))));
    for top in &stats.dims {
        items.push(ListItem::new(Line::styled(
            format!("{} ({} distinct)", top.dim.title(), top.distinct),
            t.style("header"),
        )));
        if top.values.is_empty() {
            items.push(ListItem::new(Line::styled("  (none)", t.style("muted"))));
        }
        for (value, n) in top.values.iter().take(FACET_TOP) {
            if index == panel.cursor && panel.focused {
                selected_line = Some(items.len());
            }
            let share = *n as f64 / stats.scanned.max(1) as f64;
            let bar_w = 6usize;
            let bar = "▇".repeat(((share * bar_w as f64).ceil() as usize).clamp(1, bar_w));
            let value_w = width.saturating_sub(count_w + bar_w + 4);
            items.push(ListItem::new(Line::from(vec![
                Span::raw(format!("  {:<value_w$}", cell(value, value_w))),
                Span::raw(format!("{n:>count_w$} ")),
                Span::styled(format!("{bar:<bar_w$}"), t.style("histogram")),
            ])));
            index += 1;
        }
    }
    let list = List::new(items).highlight_style(t.style("selected"));
    let mut state = ListState::default().with_selected(selected_line);
    frame.render_stateful_widget(list, inner, &mut state);
}
