//! Per-source day counts, which the coverage section reads to say what the case holds and where it has gaps.

use crate::analytics::clock::Day;
use crate::model::Source;
use std::collections::BTreeMap;

/// Events per source per local day, for the coverage section.
#[derive(Debug, Default)]
pub struct SourceDays {
    /// Event count per source and local day.
    pub days: BTreeMap<Source, BTreeMap<Day, u64>>,
    /// Events that carried no time and so count on no day.
    pub without_time: u64,
}
