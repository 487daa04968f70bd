//! The case overview: span, counts per source, alerts by severity, ingest problems from the ledger.

use super::Ui;
use crate::model::Severity;
use crate::text::sanitize::{cell, clean};
use crate::time::format::show;
use crate::tui::state::alerts::AlertsState;
use crate::tui::state::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the overview into `area`, scrolled by `scroll` lines.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, scroll: usize) {
    let t = &ui.theme;
    let mut lines: Vec<Line> = Vec::new();
    let width = area.width as usize;
    let Some(o) = app.overview.value() else {
        let msg = match app.overview.error() {
            Some(e) => Span::styled(format!("cannot read the case: {}", clean(e)), t.style("error")),
            None => Span::styled("loading…", t.style("loading")),
        };
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: false }), area);
        return;
    };
    lines.push(Line::styled("Case", t.style("header")));
    lines.push(Line::raw(format!("  {} events · {} → {}", o.total, show(o.first, app.tz), show(o.last, app.tz))));
    lines.push(Line::raw(format!(
        "  {} files · {} records · {} indexed · {} duplicates · {} rejected",
        o.ledger.files.len(),
        o.ledger.totals.records,
        o.ledger.totals.indexed,
        o.ledger.totals.duplicates,
        o.ledger.totals.rejected
    )));
    let snapshots = o.ledger.files.iter().filter(|f| f.is_snapshot()).count();
    if snapshots > 0 {
        lines.push(Line::raw(format!(
            "  {} facts from {snapshots} snapshots (the tenant's state when exported)",
            o.ledger.totals.facts
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Events per source", t.style("header")));
    let max = o.per_source.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let bar_w = width.saturating_sub(34).min(60);
    for (s, n) in &o.per_source {
        let len = (n * bar_w).div_ceil(max);
        lines.push(Line::from(vec![
            Span::raw(format!("  {:<22}{:>8} ", s.as_str(), n)),
            Span::styled("▇".repeat(len), t.style("histogram")),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Alerts", t.style("header")));
    match &o.alerts {
        AlertsState::NotRun => lines
            .push(Line::styled("  detection has not been run for this case yet (harrier detect)", t.style("muted"))),
        AlertsState::Unreadable(e) => lines.push(Line::styled(format!("  {}", clean(e)), t.style("error"))),
        AlertsState::Loaded(list) => {
            let mut spans = vec![Span::raw(format!("  {} total  ", list.len()))];
            for s in [Severity::Critical, Severity::High, Severity::Medium, Severity::Low] {
                let n = list.iter().filter(|a| a.severity == s).count();
                spans.push(Span::styled(format!("{s} {n}  "), t.severity(s)));
            }
            lines.push(Line::from(spans));
            coverage_lines(&mut lines, &o.coverage_gaps, t, width);
        }
    }
    lines.push(Line::raw(""));
    let problems: Vec<_> = o.ledger.problems().collect();
    lines.push(Line::styled(format!("Ingest problems ({} files)", problems.len()), t.style("header")));
    if problems.is_empty() {
        lines.push(Line::styled("  none: every file was read without rejections or notes", t.style("muted")));
    }
    let path_w = (width / 2).clamp(20, 70);
    for f in problems {
        let path = cell(&f.path, path_w);
        if f.format == "unsupported" {
            let reason = f.reason.as_deref().unwrap_or("not a supported log format");
            lines.push(Line::from(vec![
                Span::styled("  unsupported ", t.style("failure")),
                Span::raw(format!("{path}  ")),
                Span::styled(cell(reason, width.saturating_sub(path_w + 16).max(10)), t.style("muted")),
            ]));
        }
        if f.rejected > 0 {
            lines.push(Line::from(vec![
                Span::styled("  rejected    ", t.style("failure")),
                Span::raw(format!("{path}  {} of {} records", f.rejected, f.records)),
            ]));
            for e in f.errors.iter().take(3) {
                lines.push(Line::styled(format!("      {}", cell(e, width.saturating_sub(8))), t.style("muted")));
            }
        }
        for n in &f.notes {
            lines.push(Line::from(vec![
                Span::styled("  note        ", t.style("loading")),
                Span::raw(format!("{path}  ")),
                Span::styled(cell(n, width.saturating_sub(path_w + 16).max(10)), t.style("muted")),
            ]));
        }
    }
    let scroll = scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), area);
}

/// Under the alert counts: the detections that could not see all they look for, so a quiet queue is not read as
/// a clean case. Each shows its status and why, cut to the width (`harrier report` has the whole coverage).
fn coverage_lines<'a>(
    lines: &mut Vec<Line<'a>>,
    gaps: &[crate::analytics::saved::SavedAnalyticCoverage],
    t: &super::theme::Theme,
    width: usize,
) {
    for g in gaps {
        let why = g.notes.first().map(String::as_str).unwrap_or("");
        let head = format!("  {} {}", clean(&g.analytic), clean(&g.status));
        let room = width.saturating_sub(head.chars().count() + 2).max(10);
        lines.push(Line::from(vec![
            Span::styled(head, t.style(if g.status == "blind" { "failure" } else { "notice" })),
            Span::styled(format!(": {}", cell(why, room)), t.style("muted")),
        ]));
    }
}
