//! Reads every record of one case file with harrier's own readers and normalizer, for the anonymiser to learn
//! the names, addresses and ids it holds. Unlike ingest, records of unknown shape are visited too: an inventory
//! export (users, mailbox rules) names the same people as the logs.

use crate::ingest::discover::SourceFile;
use crate::ingest::normalize::{classify, normalize, FileHints, LazyMap};
use crate::ingest::open::{open_text, peek_head};
use crate::ingest::readers::csv_records::{clean_header, parse_fields, CsvRecords};
use crate::ingest::readers::json_records::{detect_layout, JsonRecords};
use crate::ingest::readers::RawRecord;
use crate::model::{Event, Origin};
use serde_json::{Map, Value};

/// What reading one file gave.
#[derive(Debug, Default, Clone)]
pub struct FileRead {
    /// Records read (a wrapper line holding many records counts each).
    pub records: u64,
    /// Why the file could not be read as records, if so.
    pub problem: Option<String>,
}

/// Called with each record's fields and, when harrier recognises the log, its event.
pub type RecordVisitor<'a> = dyn FnMut(&Map<String, Value>, Option<&Event>) + 'a;

/// Calls `visit` for every record of `file`: the parsed fields and, when harrier recognises the log, its event.
pub fn read_records(file: &SourceFile, visit: &mut RecordVisitor<'_>) -> FileRead {
    let mut out = FileRead::default();
    let reader = match open_text(file).and_then(|(r, _, _)| peek_head(r, 64 * 1024)) {
        Ok((head, reader)) => (head, reader),
        Err(e) => {
            out.problem = Some(format!("cannot read: {e}"));
            return out;
        }
    };
    let (head, reader) = reader;
    if crate::ingest::decode::looks_binary(&head[..head.len().min(8192)]) {
        out.problem = Some("binary content".into());
        return out;
    }
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
    let hints = FileHints::default();
    let origin = || Origin { file: file.rel.clone(), record: 0, line: None };
    match first {
        None => {}
        Some(b'[') | Some(b'{') => {
            for rec in JsonRecords::new(reader, detect_layout(&head)) {
                let Ok(rec) = rec else { break };
                let Some(value) = json_value(&rec) else { continue };
                let items: Vec<&Value> = match &value {
                    Value::Object(m) if m.len() <= 4 && wrapper(m).is_some() => {
                        wrapper(m).into_iter().flatten().collect()
                    }
                    v => vec![v],
                };
                for item in items {
                    if let Value::Object(map) = item {
                        out.records += 1;
                        let event = event_of(map, &rec.bytes, origin(), &hints);
                        visit(map, event.as_ref());
                    }
                }
            }
        }
        Some(_) => {
            let mut headers: Option<Vec<String>> = None;
            for rec in CsvRecords::new(reader) {
                let Ok(rec) = rec else { break };
                if rec.problem.is_some() {
                    continue;
                }
                let Ok(fields) = parse_fields(&rec.bytes) else { continue };
                let Some(h) = &headers else {
                    if !rec.bytes.starts_with(b"#TYPE") {
                        headers = Some(fields.iter().map(|x| clean_header(x)).collect());
                    }
                    continue;
                };
                let mut map = Map::with_capacity(fields.len());
                for (k, v) in h.iter().zip(fields) {
                    map.entry(k.clone()).or_insert(Value::String(v));
                }
                out.records += 1;
                let event = event_of(&map, &rec.bytes, origin(), &hints);
                visit(&map, event.as_ref());
            }
        }
    }
    out
}

fn json_value(rec: &RawRecord) -> Option<Value> {
    if rec.problem.is_some() {
        return None;
    }
    serde_json::from_slice(&rec.bytes).ok()
}

fn wrapper(m: &Map<String, Value>) -> Option<&Vec<Value>> {
    ["records", "value", "Records"].iter().find_map(|k| m.get(*k).and_then(Value::as_array))
}

fn event_of(map: &Map<String, Value>, raw: &[u8], origin: Origin, hints: &FileHints) -> Option<Event> {
    let text = serde_json::to_string(map).ok()?;
    let record = LazyMap::from_json_str(&text).ok()?;
    let kind = classify(&record)?;
    normalize(kind, &record, raw, origin, hints).ok().map(|n| n.event)
}
