//! Event exports for other tools: JSON lines (normalized event plus original record), CSV for spreadsheets and
//! Timesketch JSONL. Exports stream through the index a page at a time, so any number of rows fits in flat memory;
//! a progress callback reports as rows go out and can stop the export.

mod columns;
mod csv_rows;
mod jsonl;
mod timesketch;

pub use columns::{neutralise_formula, Columns, CSV_HEADER};

use crate::index::query::ParsedQuery;
use crate::index::{CaseIndex, IndexError};
use std::io::Write;

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 1000;

/// Export shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One object per line: `{"event": …, "original": …}`.
    Jsonl,
    /// The columns a responder reads, spreadsheet-safe.
    Csv,
    /// Timesketch's JSONL import: `message`, `datetime`, `timestamp_desc` plus flat fields.
    Timesketch,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" => Ok(ExportFormat::Jsonl),
            "csv" => Ok(ExportFormat::Csv),
            "timesketch" => Ok(ExportFormat::Timesketch),
            _ => Err(format!("unknown export format '{s}' (jsonl, csv, timesketch)")),
        }
    }
}

/// How far an export has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportProgress {
    /// Events read so far.
    pub done: u64,
    /// Events the query matches.
    pub total: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub written: u64,
    /// Events left out of a Timesketch export because they carry no time (Timesketch needs one).
    pub skipped_without_time: u64,
    /// Stored events that could not be read back (named in the log).
    pub unreadable: u64,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("writing the export")]
    Io(#[from] std::io::Error),
    #[error("writing the export")]
    Csv(#[from] csv::Error),
    #[error("export cancelled after {0} rows")]
    Cancelled(u64),
}

/// Where rows go: through the CSV writer or straight out as lines.
enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Lines(&'a mut dyn Write),
}

/// Writes every event matching `query` to `out` in `format`, oldest first. `progress` is called every
/// thousand events and at the end; returning `false` stops the export with [`ExportError::Cancelled`].
pub fn export_events(
    index: &CaseIndex,
    query: &ParsedQuery,
    format: ExportFormat,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(ExportProgress) -> bool,
) -> Result<ExportSummary, ExportError> {
    let total = index.count(query)? as u64;
    let mut summary = ExportSummary::default();
    let mut done = 0u64;
    let mut sink = match format {
        ExportFormat::Csv => {
            let mut w = csv::WriterBuilder::new().from_writer(out);
            w.write_record(CSV_HEADER)?;
            Sink::Csv(Box::new(w))
        }
        _ => Sink::Lines(out),
    };
    for item in index.stream(query) {
        done += 1;
        match item {
            Err(e) => {
                tracing::warn!("export: skipping a stored event that cannot be read: {e}");
                summary.unreadable += 1;
            }
            Ok(s) => {
                let wrote = match &mut sink {
                    Sink::Csv(w) => csv_rows::write(w, &s.event)?,
                    Sink::Lines(out) if format == ExportFormat::Timesketch => timesketch::write(*out, &s.event)?,
                    Sink::Lines(out) => jsonl::write(*out, &s.event, &s.raw)?,
                };
                if wrote {
                    summary.written += 1;
                } else {
                    summary.skipped_without_time += 1;
                }
            }
        }
        if done.is_multiple_of(PROGRESS_EVERY) && !progress(ExportProgress { done, total }) {
            return Err(ExportError::Cancelled(summary.written));
        }
    }
    match sink {
        Sink::Csv(mut w) => w.flush()?,
        Sink::Lines(out) => out.flush()?,
    }
    progress(ExportProgress { done, total });
    Ok(summary)
}
