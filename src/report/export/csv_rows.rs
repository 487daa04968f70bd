//! CSV rows: RFC 4180 quoting (commas, quotes, line breaks) by the csv writer, formulas neutralised.

use super::columns::{neutralise_formula, Columns};
use crate::model::Event;
use std::io::Write;

/// Writes one event; always written.
pub fn write<W: Write>(w: &mut csv::Writer<W>, e: &Event) -> Result<bool, csv::Error> {
    let cols = Columns::of(e);
    w.write_record(cols.0.iter().map(|c| neutralise_formula(c).into_owned()))?;
    Ok(true)
}
