//! Snapshot exports: files that record the state of the tenant when they were taken (inbox rules, user risk,
//! roles, app permissions, security alerts, MFA state and authentication methods). They are recognised by their columns or fields like logs are, and
//! read as [facts](crate::facts), never as events.

mod address;
pub mod catalogue;
mod fields;
mod map;
mod row;
pub mod taken;

pub use catalogue::{recognise, Shape};
pub use fields::TimeNotes;

use crate::facts::Fact;
use fields::Fields;
use row::Row;

/// A snapshot record, as its reader cut it out of the file.
pub enum RecordText<'a> {
    /// A CSV row's cells, read against the file's header.
    Csv { headers: &'a [String], cells: Vec<String> },
    /// A JSON record's text.
    Json(&'a str),
}

/// The facts one record of a file of `shape` states, or why it is malformed.
pub fn read_record(shape: &Shape, record: RecordText, notes: &TimeNotes) -> Result<Vec<Fact>, String> {
    let row = match record {
        RecordText::Csv { headers, cells } => {
            if cells.len() != headers.len() {
                return Err(format!("the row has {} columns, the header has {}", cells.len(), headers.len()));
            }
            Row::from_csv(headers, cells)
        }
        RecordText::Json(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(o)) => Row::from_object(o),
            Ok(_) => return Err("the record is not a JSON object".into()),
            Err(e) => return Err(format!("invalid JSON: {e}")),
        },
    };
    map::facts_of(&Fields { shape, row: &row, notes })
}
