//! Reading what a snapshot record says through its shape's column names: text, flags, numbers, times and address
//! lists, each failing with the column's name when its value cannot be what the column means.

use super::catalogue::Shape;
use super::row::Row;
use crate::ingest::normalize::fields::{as_bool, as_i64, is_blank, scalar_text};
use crate::ingest::normalize::{parse_time, TimeAssumption};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::cell::Cell;

/// Longest text kept from one value (rule descriptions, alert descriptions); the rest is cut.
const MAX_TEXT: usize = 2000;

/// How many dates of a file had to be read with an assumption, for its ledger notes. A time without a zone is
/// read as UTC without a note: Graph documents every time of these objects as UTC, and flattening them to CSV only
/// drops the `Z`.
#[derive(Debug, Default)]
pub struct TimeNotes {
    /// Dates that could be day/month or month/day, read as month/day.
    pub day_month: Cell<u64>,
}

/// One record read through its shape.
pub struct Fields<'a> {
    pub shape: &'a Shape,
    pub row: &'a Row,
    pub notes: &'a TimeNotes,
}

impl Fields<'_> {
    /// The first column of `field` that holds a value, with its name.
    fn first(&self, field: &str) -> Option<(&str, Value)> {
        self.shape
            .columns(field)
            .iter()
            .find_map(|c| self.row.get(&c.to_lowercase()).filter(|v| !is_blank(v)).map(|v| (c.as_str(), v)))
    }

    /// The name of `field`'s first column, for messages.
    fn name(&self, field: &str) -> String {
        self.shape.columns(field).first().cloned().unwrap_or_else(|| field.to_string())
    }

    /// The raw value of `field`.
    pub fn value(&self, field: &str) -> Option<Value> {
        self.first(field).map(|(_, v)| v)
    }

    /// `field` as text (structured values as compact JSON), cut to a bounded length; else the shape's default.
    pub fn text(&self, field: &str) -> Option<String> {
        let text = match self.first(field) {
            Some((_, v)) => scalar_text(&v).or_else(|| Some(v.to_string()))?,
            None => self.shape.defaults.get(field)?.clone(),
        };
        Some(match text.char_indices().nth(MAX_TEXT) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        })
    }

    /// `field` as lower-case text.
    pub fn lower(&self, field: &str) -> Option<String> {
        self.text(field).map(|s| s.to_lowercase())
    }

    /// `field` as text, which the record must have.
    pub fn require(&self, field: &str) -> Result<String, String> {
        self.text(field).ok_or_else(|| format!("{} is empty", self.name(field)))
    }

    /// `field` as true or false.
    pub fn flag(&self, field: &str) -> Result<Option<bool>, String> {
        let Some((col, v)) = self.first(field) else { return Ok(None) };
        as_bool(&v).map(Some).ok_or_else(|| format!("{col} is {}, not True or False", shown(&v)))
    }

    /// `field` as a whole number.
    pub fn int(&self, field: &str) -> Result<Option<i64>, String> {
        let Some((col, v)) = self.first(field) else { return Ok(None) };
        as_i64(&v).map(Some).ok_or_else(|| format!("{col} is {}, not a number", shown(&v)))
    }

    /// `field` as a time (UTC). .NET's smallest and largest dates, which stand for "never", are no time.
    pub fn time(&self, field: &str) -> Result<Option<DateTime<Utc>>, String> {
        let Some((col, v)) = self.first(field) else { return Ok(None) };
        let text = scalar_text(&v).unwrap_or_default();
        if ["0001-01-01", "1/1/0001", "01/01/0001", "9999-12-31", "12/31/9999"].iter().any(|p| text.starts_with(p)) {
            return Ok(None);
        }
        let (t, assumed) = parse_time(&text, true).ok_or_else(|| format!("{col} is {}, not a time", shown(&v)))?;
        if assumed == TimeAssumption::AmbiguousDayMonth {
            self.notes.day_month.set(self.notes.day_month.get() + 1);
        }
        Ok(Some(t))
    }
}

/// A value quoted for a message, cut short.
fn shown(v: &Value) -> String {
    let text = scalar_text(v).unwrap_or_else(|| v.to_string());
    let cut: String = text.chars().take(40).collect();
    format!("'{}{}'", crate::text::sanitize::clean(&cut), if cut.len() < text.len() { "…" } else { "" })
}
