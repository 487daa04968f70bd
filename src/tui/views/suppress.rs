//! The suppression preview: the `case.toml` diff a false positive's allowlist change makes, written only on
//! Enter.

use super::{centered, Ui};
use crate::text::sanitize::clean;
use crate::tui::state::app::App;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Draws the overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    let Some(plan) = &app.suppress else { return };
    let t = &ui.theme;
    let box_area = centered(area, area.width.saturating_sub(4).max(20), area.height.saturating_sub(2).max(6));
    let mut lines: Vec<Line> =
        plan.changes.iter().map(|c| Line::styled(clean(&c.describe()), t.style("header"))).collect();
    lines.push(Line::raw(""));
    for l in plan.diff().lines() {
        let style = if l.starts_with('+') {
            t.style("notice")
        } else if l.starts_with('-') {
            t.style("error")
        } else {
            t.style("muted")
        };
        lines.push(Line::styled(clean(l), style));
    }
    let title =
        format!(" Suppress alert {}: {} · Enter writes it, Esc cancels ", clean(&plan.alert_id), plan.path.display());
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((app.suppress_scroll.min(u16::MAX as usize) as u16, 0))
            .block(Block::default().borders(Borders::ALL).title(clean(&title))),
        box_area,
    );
}
