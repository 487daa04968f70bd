//! The snapshot block of an entity page: what the case's snapshot exports state about the entity, each section
//! headed by the snapshot it comes from, so a state of the tenant is never read as an event. Its rows are
//! selectable, after the related alerts.

use crate::text::sanitize::cell;
use crate::time::format::show;
use crate::tui::state::entity_page::EntityView;
use crate::tui::views::theme::Theme;
use chrono_tz::Tz;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Width of a row's time column ("2025-04-25 07:03:42 UTC").
const TIME_W: usize = 23;

/// The snapshot block's lines, and the item (an index into `entity_items`) each line selects; the first row is
/// item `first`. Nothing when the case holds no snapshot.
pub struct FactLines<'a> {
    pub lines: Vec<Line<'a>>,
    pub items: Vec<Option<usize>>,
}

/// The lines of the snapshot block of `v`, its rows numbered from `first`, the row `cursor` selected.
pub fn fact_lines<'a>(v: &EntityView, t: &Theme, tz: Tz, width: usize, first: usize) -> FactLines<'a> {
    let mut out = FactLines { lines: Vec::new(), items: Vec::new() };
    let note = |out: &mut FactLines<'a>, text: String, style: Style| {
        out.lines.push(Line::styled(cell(&text, width), style));
        out.items.push(None);
    };
    let facts = match (v.facts.value(), v.facts.error()) {
        (_, Some(e)) => {
            note(&mut out, format!("Snapshots: cannot read them: {e}"), t.style("error"));
            return out;
        }
        (None, None) if v.facts.is_loading() => {
            note(&mut out, "Snapshots: reading…".into(), t.style("loading"));
            return out;
        }
        (None, None) => return out,
        (Some(f), None) => f,
    };
    if facts.snapshots == 0 {
        return out;
    }
    if facts.sections.is_empty() {
        let text = format!("From snapshots: none of the case's {} snapshot files names it", facts.snapshots);
        note(&mut out, text, t.style("muted"));
        note(&mut out, String::new(), Style::default());
        return out;
    }
    let head = "From snapshots: the tenant's state when each was exported, not events";
    note(&mut out, head.into(), t.style("snapshot"));
    let mut index = first;
    for s in &facts.sections {
        let title = format!("{} — ", s.title);
        out.lines.push(Line::from(vec![
            Span::styled(title.clone(), t.style("header")),
            Span::styled(cell(&s.snapshot, width.saturating_sub(title.chars().count())), t.style("snapshot")),
        ]));
        out.items.push(None);
        // A section whose rows carry no time leaves the time column out.
        let time_w = if s.rows.iter().any(|r| r.at.is_some()) { TIME_W + 1 } else { 0 };
        for r in &s.rows {
            let at = r.at.map(|a| show(Some(a), tz)).unwrap_or_default();
            let text_w = width.saturating_sub(time_w + 2).max(8);
            let mut style = if r.notable { t.style("failure") } else { Style::default() };
            if index == v.cursor {
                style = style.patch(t.style("selected"));
            }
            out.lines.push(Line::from(vec![
                Span::styled(format!("  {:<time_w$}", at), t.style("muted")),
                Span::styled(cell(&r.text, text_w), style),
            ]));
            out.items.push(Some(index));
            index += 1;
        }
        if s.more > 0 {
            note(&mut out, format!("  … and {} more", s.more), t.style("muted"));
        }
    }
    note(&mut out, String::new(), Style::default());
    out
}
