//! The event detail overlay: normalized fields, then the original record pretty-printed, wrapped and
//! sanitized line by line.

use super::Ui;
use crate::cli::sanitize::clean;
use crate::cli::timefmt::show;
use crate::model::Event;
use crate::tui::app::{App, EventDetail};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// The normalized fields of `e`, one per line, values whole (the caller wraps).
pub fn field_lines<'a>(e: &Event, app: &App, ui: &Ui) -> Vec<Line<'a>> {
    let mut out: Vec<(String, String)> = vec![
        ("time".into(), show(e.ts, app.tz)),
        ("source".into(), e.source.map(|s| s.as_str().to_string()).unwrap_or_default()),
        ("operation".into(), e.operation.clone()),
        ("result".into(), e.result.as_str().to_string()),
    ];
    let mut opt = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push((k.to_string(), v));
        }
    };
    opt("detail", e.result_detail.clone());
    opt("actor", Some(e.actor_label().to_string()));
    opt("actor id", e.actor.id.clone());
    opt("actor kind", Some(e.actor.kind.as_str().to_string()));
    opt("app", Some(e.app_label().to_string()));
    opt("app id", e.app_id.clone());
    opt("ip", e.net.ip.map(|i| i.to_string()));
    opt("country", e.net.country.clone());
    opt("city", e.net.city.clone());
    opt("asn", e.net.asn.map(|a| a.to_string()));
    opt("user agent", e.user_agent.clone());
    opt("ua class", Some(e.ua_class.as_str().to_string()));
    opt("session", e.session_id.clone());
    opt("token", e.token_id.clone());
    opt("correlation", e.correlation_id.clone());
    opt("mailbox", e.mailbox.as_ref().and_then(|m| m.mailbox.clone()));
    opt("target", Some(e.target_label()));
    opt("uri", e.http.as_ref().map(|h| format!("{} {}", h.method, h.uri)));
    for (k, v) in e.params.iter().take(40) {
        opt(&format!("param {k}"), Some(v.clone()));
    }
    opt("file", Some(format!("{} #{}", e.origin.file, e.origin.record)));
    opt("event id", Some(e.id.clone()));
    out.into_iter()
        .map(|(k, v)| {
            Line::from(vec![Span::styled(format!("{:<12}", clean(&k)), ui.theme.style("muted")), Span::raw(clean(&v))])
        })
        .collect()
}

/// Draws the overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui, d: &EventDetail) {
    let t = &ui.theme;
    let mut lines = field_lines(&d.hit.event, app, ui);
    lines.push(Line::raw(""));
    lines.push(Line::styled("Original record", t.style("header")));
    match &d.raw {
        None => lines.push(Line::styled("loading…", t.style("loading"))),
        Some(Err(e)) => lines.push(Line::styled(clean(e), t.style("error"))),
        Some(Ok(text)) => lines.extend(text.lines().map(|l| Line::raw(clean(l)))),
    }
    let scroll = d.scroll.min(lines.len().saturating_sub(1)) as u16;
    let rect = super::centered(area, area.width.saturating_sub(4).max(20), area.height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(" Event ")),
        rect,
    );
}
