//! Timesketch JSONL: each line has `message`, `datetime` (ISO 8601) and `timestamp_desc`, plus flat fields.

use super::columns::{Columns, CSV_HEADER};
use crate::model::{Event, Source};
use std::io::Write;

/// What the time of a record means, per log source.
fn timestamp_desc(source: Option<Source>) -> &'static str {
    match source {
        Some(s) if s.is_signin() => "Sign-in Time",
        Some(Source::Graph) => "Request Time",
        Some(Source::EntraAudit) => "Activity Time",
        Some(s) if s.is_ual() => "Creation Time",
        _ => "Event Time",
    }
}

/// One line saying what happened, for Timesketch's event list.
fn message(e: &Event) -> String {
    let mut m = if e.operation.is_empty() { "(no operation)".to_string() } else { e.operation.clone() };
    let actor = e.actor_label();
    if !actor.is_empty() {
        m.push_str(&format!(" by {actor}"));
    }
    let target = e.target_label();
    if !target.is_empty() && target != actor {
        m.push_str(&format!(" on {target}"));
    }
    if let Some(ip) = e.net.ip {
        m.push_str(&format!(" from {ip}"));
    }
    m.push_str(&format!(" ({})", e.result.as_str()));
    m
}

/// Writes one event; events without a time are left out (returns `false`).
pub fn write(out: &mut dyn Write, e: &Event) -> std::io::Result<bool> {
    let Some(ts) = e.ts else { return Ok(false) };
    let mut obj = serde_json::Map::new();
    obj.insert("message".into(), message(e).into());
    obj.insert("datetime".into(), ts.to_rfc3339_opts(chrono::SecondsFormat::Micros, true).into());
    obj.insert("timestamp_desc".into(), timestamp_desc(e.source).into());
    obj.insert("timestamp".into(), ts.timestamp_micros().into());
    obj.insert("data_type".into(), format!("m365:{}", e.source.map(|s| s.as_str()).unwrap_or("unknown")).into());
    let cols = Columns::of(e);
    for (name, value) in CSV_HEADER.iter().zip(cols.0) {
        if *name != "time_utc" && !value.is_empty() {
            obj.insert((*name).to_string(), value.into());
        }
    }
    let line = crate::text::sanitize::json_line(&serde_json::Value::Object(obj)).map_err(std::io::Error::other)?;
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(true)
}
