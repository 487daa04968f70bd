//! The flat columns of an event that CSV and Timesketch exports share.

use crate::model::Event;

/// CSV header, in column order.
pub const CSV_HEADER: [&str; 16] = [
    "time_utc",
    "source",
    "operation",
    "result",
    "actor",
    "actor_kind",
    "ip",
    "country",
    "app",
    "resource",
    "target",
    "user_agent",
    "session_id",
    "token_id",
    "event_id",
    "origin",
];

/// One event as the responder reads it, in [`CSV_HEADER`] order.
pub struct Columns(pub [String; 16]);

impl Columns {
    /// The columns of `e`.
    pub fn of(e: &Event) -> Columns {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let app = match (&e.app_name, &e.app_id) {
            (Some(n), Some(id)) if n != id => format!("{n} ({id})"),
            _ => e.app_label().to_string(),
        };
        Columns([
            e.ts.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)).unwrap_or_default(),
            e.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
            e.operation.clone(),
            e.result.as_str().to_string(),
            e.actor_label().to_string(),
            e.actor.kind.as_str().to_string(),
            e.net.ip.map(|i| i.to_string()).unwrap_or_default(),
            opt(&e.net.country),
            app,
            e.resource_name.clone().or_else(|| e.resource_id.clone()).unwrap_or_default(),
            e.target_label(),
            opt(&e.user_agent),
            opt(&e.session_id),
            opt(&e.token_id),
            e.id.clone(),
            format!("{}#{}", e.origin.file, e.origin.record),
        ])
    }
}

/// Makes a cell inert in spreadsheets: a value starting with `=`, `+`, `-`, `@`, tab or carriage return would be
/// read as a formula, so it gets a leading `'`.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}
