//! The snapshot block of an entity page: what the case's snapshot exports state about the entity, each section
//! headed by the snapshot it comes from, so a state of the tenant is never read as an event.

use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::entity_page::EntityView;
use crate::tui::views::theme::Theme;
use chrono_tz::Tz;
use ratatui::text::{Line, Span};

/// Width of a row's time column ("2025-04-25 07:03:42 UTC").
const TIME_W: usize = 23;

/// The lines of the snapshot block, or none when the case holds no snapshot.
pub fn fact_lines<'a>(v: &EntityView, t: &Theme, tz: Tz, width: usize) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let facts = match (v.facts.value(), v.facts.error()) {
        (_, Some(e)) => {
            lines.push(Line::styled(cell(&format!("Snapshots: cannot read them: {e}"), width), t.style("error")));
            return lines;
        }
        (None, None) if v.facts.is_loading() => {
            lines.push(Line::styled("Snapshots: reading…", t.style("loading")));
            return lines;
        }
        (None, None) => return lines,
        (Some(f), None) => f,
    };
    if facts.snapshots == 0 {
        return lines;
    }
    if facts.sections.is_empty() {
        let text = format!("From snapshots: none of the case's {} snapshot files names it", facts.snapshots);
        lines.push(Line::styled(cell(&text, width), t.style("muted")));
        lines.push(Line::raw(""));
        return lines;
    }
    let head = "From snapshots: the tenant's state when each was exported, not events";
    lines.push(Line::styled(cell(head, width), t.style("snapshot")));
    for s in &facts.sections {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", s.title), t.style("header")),
            Span::styled(cell(&s.snapshot, width.saturating_sub(s.title.chars().count() + 1)), t.style("snapshot")),
        ]));
        for r in &s.rows {
            let at = r.at.map(|a| show(Some(a), tz)).unwrap_or_default();
            let text_w = width.saturating_sub(TIME_W + 3).max(8);
            let style = if r.notable { t.style("failure") } else { Default::default() };
            lines.push(Line::from(vec![
                Span::styled(format!("  {at:<TIME_W$} "), t.style("muted")),
                Span::styled(cell(&r.text, text_w), style),
            ]));
        }
        if s.more > 0 {
            lines.push(Line::styled(format!("  … and {} more", s.more), t.style("muted")));
        }
    }
    lines.push(Line::raw(""));
    lines
}
