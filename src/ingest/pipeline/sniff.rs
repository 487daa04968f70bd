//! Telling a snapshot from a log by its first record: a CSV file's header, or a JSON file's first record (the first
//! item of a `{"value":[…]}` page).

use super::batches::RecordStream;
use super::read::Container;
use crate::ingest::readers::csv_records::{clean_header, parse_fields};
use crate::ingest::readers::RawRecord;
use crate::ingest::snapshot::{recognise, Shape};
use serde_json::Value;

/// Records taken from the front of a file to look at, read again by whichever reader the file gets.
pub(super) type Taken = Vec<std::io::Result<RawRecord>>;

/// The snapshot shape of the file `records` come from, if it is one, and the records read to tell.
pub(super) fn sniff_snapshot(records: &mut RecordStream, container: Container) -> (Option<&'static Shape>, Taken) {
    let mut taken = Vec::new();
    let shape = loop {
        let Some(next) = records.next() else { break None };
        let rec = match &next {
            Ok(r) if r.problem.is_none() => r,
            _ => {
                taken.push(next);
                break None;
            }
        };
        let header_comment = container == Container::Csv && rec.bytes.starts_with(b"#TYPE");
        let shape = if header_comment { None } else { shape_of(&rec.bytes, container) };
        taken.push(next);
        if !header_comment {
            break shape;
        }
    };
    (shape, taken)
}

/// The shape whose columns the first record has.
fn shape_of(bytes: &[u8], container: Container) -> Option<&'static Shape> {
    match container {
        Container::Csv => {
            let cells = parse_fields(bytes).ok()?;
            let names: Vec<String> = cells.iter().map(|c| clean_header(c)).collect();
            recognise(names.iter().map(String::as_str))
        }
        Container::Json(_) => {
            let value: Value = serde_json::from_slice(bytes).ok()?;
            let object = first_object(&value)?;
            recognise(object.keys().map(String::as_str))
        }
    }
}

/// The record itself, or the first item of a small wrapper object's `value` / `records` array.
fn first_object(v: &Value) -> Option<&serde_json::Map<String, Value>> {
    let o = v.as_object()?;
    match wrapped_items(o) {
        Some(items) => items.first()?.as_object(),
        None => Some(o),
    }
}

/// The items of a wrapper object (a few keys, one of them `value` or `records` holding an array).
pub(super) fn wrapped_items(o: &serde_json::Map<String, Value>) -> Option<&Vec<Value>> {
    if o.len() > 4 {
        return None;
    }
    ["value", "records", "Records", "Value"].iter().find_map(|k| o.get(*k)?.as_array())
}
