//! JSON lines: the normalized event and the original record, one object per line.

use crate::model::Event;
use std::io::Write;

/// Writes one event; always written. The original is embedded as JSON when it is JSON (sign-in, audit, Graph
/// records), else as text (a CSV header and row).
pub fn write(out: &mut dyn Write, e: &Event, raw: &[u8]) -> std::io::Result<bool> {
    let original = serde_json::from_slice::<serde_json::Value>(raw)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(raw).into_owned()));
    let line = serde_json::json!({"event": e, "original": original});
    out.write_all(crate::text::sanitize::json_line(&line).map_err(std::io::Error::other)?.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(true)
}
