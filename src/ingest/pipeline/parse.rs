//! Turning raw records into events, in parallel: a CSV row with its header or a JSON record (or a wrapper line
//! of many) becomes a parsed map, and the map is recognised and normalized.

use super::read::Container;
use crate::index::document::Original;
use crate::ingest::normalize::lazy::{raw_kind, FieldValue, LazyMap, ObjectError};
use crate::ingest::normalize::{classify, normalize, FileHints, Normalized};
use crate::ingest::readers::csv_records::parse_fields;
use crate::ingest::readers::RawRecord;
use crate::model::Origin;
use rayon::prelude::*;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// What became of one logical record.
pub(super) enum Outcome {
    /// An event, with the record's original text.
    Event(Box<Normalized>, Original),
    /// A record that could not be read or normalized, and why.
    Rejected(String),
    /// A record of no known log, and what it looked like.
    Unknown(String),
}

/// A parsed batch: each raw record's number and line with what became of the records it held.
pub(super) type ParsedBatch = Vec<(u64, u64, Vec<Outcome>)>;

/// Parses the batches of one file: where its records come from, how they are laid out, and what its name says.
pub(super) struct BatchParser<'a> {
    /// The file's path in the case, named in each event's origin.
    pub(super) rel: &'a str,
    /// How the file's records are laid out.
    pub(super) container: Container,
    /// What the file's name says about its records.
    pub(super) hints: &'a FileHints,
}

impl BatchParser<'_> {
    /// Parses a numbered batch in parallel. Records are moved into parsing: a record's bytes become the stored
    /// original without a copy.
    pub(super) fn parse(
        &self,
        batch: Vec<(u64, RawRecord)>,
        headers: Option<&[(String, bool)]>,
        header_raw: &[u8],
    ) -> ParsedBatch {
        batch
            .into_par_iter()
            .map(|(no, rec)| {
                let line = rec.line;
                let origin = Origin { file: self.rel.to_string(), record: no, line: Some(line) };
                (no, line, parse_record(rec, self.container, headers, header_raw, origin, self.hints))
            })
            .collect::<Vec<_>>()
    }
}

/// Why a file is not a log export: none of its first records belongs to a known log. `None` when one does.
pub(super) fn not_a_log(first: &ParsedBatch) -> Option<String> {
    if first.iter().any(|(_, _, o)| o.iter().any(|x| !matches!(x, Outcome::Unknown(_)))) {
        return None;
    }
    let why = first
        .iter()
        .find_map(|(_, _, o)| o.iter().find_map(|x| if let Outcome::Unknown(w) = x { Some(w.clone()) } else { None }));
    Some(why.unwrap_or_else(|| "no record matches a supported log".into()))
}

/// Parses one raw record into zero or more logical records and normalizes each.
fn parse_record(
    rec: RawRecord,
    container: Container,
    headers: Option<&[(String, bool)]>,
    header_raw: &[u8],
    origin: Origin,
    hints: &FileHints,
) -> Vec<Outcome> {
    if let Some(p) = &rec.problem {
        return vec![Outcome::Rejected(p.describe())];
    }
    match container {
        Container::Csv => vec![parse_csv_row(&rec.bytes, headers, header_raw, origin, hints)],
        Container::Json(_) => parse_json_record(rec.bytes, origin, hints),
    }
}

/// One CSV row read against the file's header; its original is the header and the row.
fn parse_csv_row(
    row: &[u8],
    headers: Option<&[(String, bool)]>,
    header_raw: &[u8],
    origin: Origin,
    hints: &FileHints,
) -> Outcome {
    let Some(headers) = headers else {
        return Outcome::Rejected("CSV row before any header".into());
    };
    let fields = match parse_fields(row) {
        Ok(f) => f,
        Err(e) => return Outcome::Rejected(e),
    };
    if fields.len() != headers.len() {
        return Outcome::Rejected(format!("CSV row has {} columns, the header has {}", fields.len(), headers.len()));
    }
    let map = LazyMap::from_cells(csv_cells(headers, &fields));
    let mut raw = Vec::with_capacity(header_raw.len() + row.len() + 1);
    raw.extend_from_slice(header_raw);
    raw.push(b'\n');
    raw.extend_from_slice(row);
    match normalize_map(&map, &raw, origin, hints, "CSV columns") {
        Ok(n) => Outcome::Event(n, Original::from(raw)),
        Err(o) => o,
    }
}

/// A row's cells named by their columns.
fn csv_cells<'a>(headers: &'a [(String, bool)], fields: &'a [String]) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    headers
        .iter()
        .zip(fields)
        .map(|((h, utc), v)| {
            // A `[UTC]` column states its zone in the header; carry that into the value.
            let v = if *utc && !v.trim().is_empty() {
                Cow::Owned(format!("{} UTC", v.trim()))
            } else {
                Cow::Borrowed(v.as_str())
            };
            (Cow::Borrowed(h.as_str()), v)
        })
        .collect()
}

/// One JSON record, or the many records of a wrapper line; a record's original is its own text.
fn parse_json_record(bytes: Vec<u8>, origin: Origin, hints: &FileHints) -> Vec<Outcome> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return vec![Outcome::Rejected(format!("invalid UTF-8 at byte {at} of the record"))];
        }
    };
    let outcome = match LazyMap::from_json_str(&text) {
        Ok(map) => match wrapper_items(&map) {
            // A line that is itself a `{"records":[…]}` or `{"value":[…]}` wrapper holds many records.
            Some(items) => return items.iter().map(|item| parse_wrapped_record(item, &origin, hints)).collect(),
            None => normalize_map(&map, text.as_bytes(), origin, hints, "JSON fields"),
        },
        Err(ObjectError::NotObject(kind)) => {
            return vec![Outcome::Rejected(format!("record is a JSON {kind}, not an object"))]
        }
        Err(ObjectError::Syntax(e)) => return vec![Outcome::Rejected(format!("invalid JSON: {e}"))],
    };
    vec![match outcome {
        Ok(n) => Outcome::Event(n, Original::Text(text)),
        Err(o) => o,
    }]
}

/// One element of a wrapper line's array.
fn parse_wrapped_record(item: &RawValue, origin: &Origin, hints: &FileHints) -> Outcome {
    match LazyMap::from_json_str(item.get()) {
        Ok(m) => match normalize_map(&m, item.get().as_bytes(), origin.clone(), hints, "JSON fields") {
            Ok(n) => Outcome::Event(n, Original::Text(item.get().to_string())),
            Err(o) => o,
        },
        Err(_) => Outcome::Rejected(format!("record is a JSON {}, not an object", raw_kind(item))),
    }
}

/// The array elements of a small object that wraps records (`records`, `value`).
fn wrapper_items<'a>(map: &LazyMap<'a>) -> Option<Vec<&'a RawValue>> {
    if map.len() > 4 {
        return None;
    }
    ["records", "value", "Records"].iter().find_map(|k| map.get(k).and_then(FieldValue::array_items))
}

/// The event of one parsed record, or why there is none (a rejected or unknown record).
fn normalize_map(
    map: &LazyMap,
    raw: &[u8],
    origin: Origin,
    hints: &FileHints,
    what: &str,
) -> Result<Box<Normalized>, Outcome> {
    match classify(map) {
        None => {
            let mut names: Vec<&str> = map.keys().take(8).collect();
            if map.len() > 8 {
                names.push("…");
            }
            Err(Outcome::Unknown(format!("{what} ({}) match no supported log source", names.join(", "))))
        }
        Some(kind) => match normalize(kind, map, raw, origin, hints) {
            Ok(n) => Ok(Box::new(n)),
            Err(r) => Err(Outcome::Rejected(format!("{} record: {}", kind.label(), r.0))),
        },
    }
}
