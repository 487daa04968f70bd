//! One alert: title, severity, span, reasons, then its entities and evidence events, each a pivot. Evidence
//! rows show the event (time with zone, source, operation, actor, IP) once the lookup job has found it.

use super::Ui;
use crate::text::sanitize::{cell, clean};
use crate::time::format::show;
use crate::tui::state::alerts::{alert_items, Alert};
use crate::tui::state::app::App;
use crate::tui::state::evidence::Evidence;
use crate::tui::views::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

/// Width of the label before each entity or evidence line.
const LABEL_W: usize = 10;

/// Terminal width from which the runbook checklist sits beside the alert rather than in place of its pivots.
pub const RUNBOOK_SIDE_MIN_WIDTH: u16 = 140;

/// The alert's own part of the screen, and the runbook pane's when it sits beside it (two blank columns apart, so
/// that a reason running to the edge does not read on into the checklist).
fn columns(area: Rect) -> (Rect, Option<Rect>) {
    if area.width >= RUNBOOK_SIDE_MIN_WIDTH {
        let [left, _, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Length(2), Constraint::Fill(1)]).areas(area);
        (left, Some(right))
    } else {
        (area, None)
    }
}

/// Draws the alert `alert_id` with pivot line `cursor` selected, or with runbook step `step` selected when the
/// checklist has the keys.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, alert_id: &str, cursor: usize, step: Option<usize>) {
    let t = &ui.theme;
    let Some(a) = app.alert(alert_id) else {
        frame.render_widget(Paragraph::new(Span::styled("alert no longer in alerts.json", t.style("error"))), area);
        return;
    };
    let (area, side) = columns(area);
    let mut head = head_lines(a, app, t, area);
    let [top, bottom] = split(area, &head);
    let (width, fit) = (area.width as usize, top.height as usize);
    if rows(&head, width) > fit && fit > 1 {
        // The lines that fit above one saying how many more there are.
        let mut used = 0;
        let keep = head
            .iter()
            .take_while(|l| {
                used += rows(std::slice::from_ref(*l), width);
                used < fit
            })
            .count();
        let hidden = head.len() - keep;
        head.truncate(keep);
        let whole = if showing_rule(app, a) {
            "`harrier rules list --json` gives the file"
        } else {
            "make the terminal taller"
        };
        head.push(Line::styled(cell(&format!("  … {hidden} more lines: {whole}"), width), t.style("muted")));
    }
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), top);
    match side {
        Some(side) => super::runbook::draw(frame, side, app, ui, a, step),
        None if step.is_some() => {
            super::runbook::draw(frame, bottom, app, ui, a, step);
            return;
        }
        None => {}
    }
    let items = alert_items(a);
    let width = (bottom.width as usize).saturating_sub(LABEL_W + 2);
    let list_items: Vec<ListItem> = items
        .iter()
        .map(|(field, value)| {
            let label = if *field == "id" { "evidence" } else { field };
            let mut spans = vec![Span::styled(format!("{label:<w$}", w = LABEL_W), t.style("muted"))];
            if *field == "id" {
                spans.extend(evidence_spans(app, t, value, width));
            } else {
                let shown = match a.entities.app_names.get(value) {
                    Some(name) if *field == "app" => format!("{value}  {name}"),
                    _ => value.clone(),
                };
                spans.push(Span::raw(cell(&shown, width.max(8))));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let evidence = a.evidence.len();
    let loading = a.evidence.iter().filter(|id| matches!(app.evidence_of(id), Evidence::Loading)).count();
    let state = if loading > 0 && app.evidence_lookup.is_loading() {
        format!(" · looking up {loading} events…")
    } else {
        String::new()
    };
    let title =
        format!(" Entities ({}) and evidence ({evidence}){state} · Enter opens ", items.len().saturating_sub(evidence));
    let list = List::new(list_items)
        .block(Block::default().borders(Borders::TOP).title(title))
        .highlight_style(t.style("selected"));
    let mut state = ListState::default().with_selected(if items.is_empty() { None } else { Some(cursor) });
    frame.render_stateful_widget(list, bottom, &mut state);
}

/// The entity or evidence line (an index into `alert_items`) drawn at screen row `y`, as ratatui scrolls
/// the list to show the line under `cursor`.
pub fn line_at(area: Rect, app: &App, alert: &Alert, cursor: usize, y: u16) -> Option<usize> {
    let theme = Theme::defaults(false);
    let (area, _) = columns(area);
    let [_, bottom] = split(area, &head_lines(alert, app, &theme, area));
    let first = bottom.y + 1;
    let height = bottom.height.saturating_sub(1) as usize;
    let offset = (cursor + 1).saturating_sub(height.max(1));
    let i = offset + y.checked_sub(first)? as usize;
    (y < bottom.bottom() && i < alert_items(alert).len()).then_some(i)
}

/// Head (reasons and baseline, or the rule) above, the pivot list below. The head takes what it needs, leaving the
/// list at least its top rows (the list scrolls; what the alert says should not have to).
fn split(area: Rect, head: &[Line]) -> [Rect; 2] {
    let most = area.height.saturating_sub(LIST_ROWS_UNDER_HEAD);
    let head_h = (rows(head, area.width as usize) as u16 + 1).min(most).max(3);
    Layout::vertical([Constraint::Length(head_h), Constraint::Min(1)]).areas(area)
}

/// Screen rows `lines` take when wrapped to `width` columns.
fn rows(lines: &[Line], width: usize) -> usize {
    lines.iter().map(|l| l.width().div_ceil(width.max(1)).max(1)).sum()
}

/// Rows always left to the entity and evidence list: its title and four lines.
const LIST_ROWS_UNDER_HEAD: u16 = 5;

/// True when the alert's rule is shown in place of its reasons.
fn showing_rule(app: &App, a: &Alert) -> bool {
    app.rule_yaml.as_ref().is_some_and(|(id, _)| *id == a.id)
}

/// The alert's span in the case's zone and, when that is not UTC, in UTC as well: the reasons give UTC times.
fn span_line<'a>(a: &Alert, app: &App, t: &Theme) -> Line<'a> {
    let mut spans =
        vec![Span::styled(format!("{} → {}", show(a.first_seen, app.tz), show(a.last_seen, app.tz)), t.style("muted"))];
    if app.tz != chrono_tz::UTC {
        spans.push(Span::styled(
            format!("  ({}, as in the reasons)", utc_span(a.first_seen, a.last_seen)),
            t.style("muted"),
        ));
    }
    Line::from(spans)
}

/// A span in UTC, its second date left out when it is the first's: `13:51:08 → 15:18:05 UTC on 2026-03-10`.
fn utc_span(first: Option<chrono::DateTime<chrono::Utc>>, last: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f.date_naive() == l.date_naive() => {
            format!("{} → {} UTC on {}", f.format("%H:%M:%S"), l.format("%H:%M:%S"), f.format("%Y-%m-%d"))
        }
        _ => format!("{} → {}", show(first, chrono_tz::UTC), show(last, chrono_tz::UTC)),
    }
}

/// The head's lines for an alert drawn in `area`: reasons and baseline wrapped to its width with their
/// continuation lines under the text, a rule's YAML cut at the width (its indentation is its structure).
fn head_lines<'a>(a: &Alert, app: &App, t: &Theme, area: Rect) -> Vec<Line<'a>> {
    let width = area.width as usize;
    let status = app.case_book().status_of(&a.id);
    let reason = app.case_book().triage.get(&a.id).and_then(|e| e.reason.clone());
    let mut head = vec![
        Line::from(vec![
            Span::styled(format!("{} ", a.severity.as_str().to_uppercase()), t.severity(a.severity)),
            Span::styled(format!("{} ", clean(&a.analytic)), t.style("header")),
            Span::raw(clean(&a.title)),
        ]),
        Line::from(vec![
            Span::styled(status.title().to_string(), t.style(if status.is_closed() { "notice" } else { "header" })),
            Span::styled(format!(" · {} steps", app.case_book().progress_label(a)), t.style("muted")),
            Span::styled(reason.map(|r| format!(" · {}", clean(&r))).unwrap_or_default(), t.style("muted")),
        ]),
        span_line(a, app, t),
    ];
    if let Some(rule) = a.rule.as_ref().filter(|r| r.is_sigma()) {
        head.push(Line::from(vec![
            Span::styled("Sigma rule ", t.style("header")),
            Span::raw(format!("{} · by {}", clean(&rule.id), clean(rule.author.as_deref().unwrap_or("unknown")))),
            Span::styled(format!(" · {}", clean(rule.level.as_deref().unwrap_or("no level"))), t.style("muted")),
        ]));
    }
    if let Some((_, text)) = app.rule_yaml.as_ref().filter(|(id, _)| *id == a.id) {
        head.push(Line::styled("Rule (V shows the reasons again)", t.style("header")));
        match (text.value(), text.error()) {
            (Some(yaml), _) => head.extend(yaml.lines().map(|l| Line::raw(cell(&format!("  {l}"), width.max(8))))),
            (None, Some(e)) => {
                head.push(Line::styled(format!("  cannot read the rule: {}", clean(e)), t.style("error")))
            }
            (None, None) => head.push(Line::styled("  reading the rule…", t.style("muted"))),
        }
        return head;
    }
    head.push(Line::styled("Reasons", t.style("header")));
    if a.reasons.is_empty() {
        head.push(Line::styled("  (none given)", t.style("muted")));
    }
    for r in &a.reasons {
        head.extend(super::wrap::hanging(&clean(r), "  • ", width).into_iter().map(Line::raw));
    }
    if !a.baseline.is_empty() {
        head.push(Line::styled("Baseline", t.style("header")));
        for b in &a.baseline {
            head.extend(
                super::wrap::hanging(&clean(b), "  ", width).into_iter().map(|l| Line::styled(l, t.style("muted"))),
            );
        }
    }
    head
}

/// One evidence event in `width` cells: time, source, operation, actor and IP when found, narrower
/// terminals dropping source and IP first.
fn evidence_spans<'a>(app: &App, t: &Theme, id: &str, width: usize) -> Vec<Span<'a>> {
    match app.evidence_of(id) {
        Evidence::Loading => vec![
            Span::styled(cell(id, width.saturating_sub(14).max(8)), t.style("muted")),
            Span::styled("  loading…", t.style("loading")),
        ],
        Evidence::Missing => vec![
            Span::raw(cell(id, width.saturating_sub(20).max(8))),
            Span::styled("  not in the index", t.style("error")),
        ],
        Evidence::Found(h) => {
            let e = &h.event;
            let time = show(e.ts, app.tz);
            let source = e.source.map(|s| s.short()).unwrap_or("-");
            let ip = e.net.ip.map(|i| i.to_string()).unwrap_or_default();
            let wide = width >= 100;
            let rest = width.saturating_sub(time.chars().count() + 1 + if wide { 11 + 17 } else { 0 });
            let op_w = (rest * 2 / 5).clamp(8, 32);
            let actor_w = rest.saturating_sub(op_w + 1).max(8);
            let mut spans = vec![Span::styled(format!("{time} "), t.style("muted"))];
            if wide {
                spans.push(Span::raw(format!("{source:<10} ")));
            }
            spans.push(Span::styled(format!("{:<op_w$} ", cell(&e.operation, op_w)), t.style("header")));
            spans.push(Span::raw(format!("{:<actor_w$}", cell(e.actor_label(), actor_w))));
            if wide {
                spans.push(Span::raw(format!(" {}", cell(&ip, 16))));
            }
            spans
        }
    }
}
