//! Everything that can change the App: commands from keys, search-line edits, terminal size, finished jobs.

use super::app::{Histogram, OverviewData};
use super::keymap::Command;
use crate::index::Hit;

/// One change request. Finished jobs carry the generation they were started with; stale ones are dropped.
#[derive(Debug, Clone)]
pub enum Action {
    /// A bound key.
    Command(Command),
    /// A character typed into the search line.
    SearchChar(char),
    /// Backspace in the search line.
    SearchBackspace,
    /// Enter in the search line: run the query as a timeline.
    SearchSubmit,
    /// Esc in the search line.
    SearchCancel,
    /// The terminal is now this many columns and rows.
    Resize { width: u16, height: u16 },
    /// Counts, ledger and alerts for the overview.
    OverviewLoaded { gen: u64, result: Result<Box<OverviewData>, String> },
    /// A page of timeline rows starting at `start`, and the total when it was asked for.
    PageLoaded { gen: u64, start: usize, result: Result<(Vec<Hit>, Option<usize>), String> },
    /// The histogram strip of a timeline.
    HistogramLoaded { gen: u64, result: Result<Histogram, String> },
    /// The original record of the event in the detail view, pretty-printed.
    RawLoaded { gen: u64, result: Result<String, String> },
}
