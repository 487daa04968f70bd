//! What a file's events add up to (sources, time range, assumed time zones), and the ledger entry it makes.

use crate::ingest::ledger::FileEntry;
use crate::ingest::normalize::{Normalized, TimeAssumption};
use std::collections::{BTreeSet, HashMap};

/// Record counts at which collection tools stop; an export of exactly this size was probably cut short.
const TRUNCATION_SIZES: [u64; 4] = [5_000, 10_000, 50_000, 100_000];

/// What a file's indexed events add up to, for its ledger entry.
#[derive(Default)]
pub(super) struct FileTally {
    sources: BTreeSet<&'static str>,
    assumptions: HashMap<TimeAssumption, u64>,
    no_time: u64,
    first_ts: Option<chrono::DateTime<chrono::Utc>>,
    last_ts: Option<chrono::DateTime<chrono::Utc>>,
}

impl FileTally {
    /// Counts one normalized record: its source, what its time needed assuming, and where it falls in time.
    pub(super) fn count(&mut self, n: &Normalized) {
        if let Some(s) = n.event.source {
            self.sources.insert(s.as_str());
        }
        if n.assumption != TimeAssumption::None {
            *self.assumptions.entry(n.assumption).or_default() += 1;
        }
        match n.event.ts {
            None => self.no_time += 1,
            Some(t) => {
                self.first_ts = Some(self.first_ts.map_or(t, |x| x.min(t)));
                self.last_ts = Some(self.last_ts.map_or(t, |x| x.max(t)));
            }
        }
    }

    /// Fills in the entry of a file read as `format`: its sources, time range, and notes on what the responder
    /// should know (a read error, assumed zones and dates, records without time, a likely truncated export).
    pub(super) fn settle(self, entry: &mut FileEntry, format: String, read_error: Option<String>) {
        let FileTally { sources, assumptions, no_time, first_ts, last_ts } = self;
        entry.format = format;
        entry.source = sources.into_iter().collect::<Vec<_>>().join(",");
        if let Some(e) = read_error {
            entry.notes.push(e);
        }
        if let Some(n) = assumptions.get(&TimeAssumption::NoZoneReadAsUtc) {
            entry.notes.push(format!("{n} timestamps had no time zone and were read as UTC"));
        }
        if let Some(n) = assumptions.get(&TimeAssumption::AmbiguousDayMonth) {
            entry.notes.push(format!("{n} dates could be day/month or month/day and were read as month/day (US)"));
        }
        if no_time > 0 {
            entry.notes.push(format!("{no_time} records carry no time at all; they are indexed without one"));
        }
        if TRUNCATION_SIZES.contains(&entry.records) {
            entry.notes.push(format!(
                "exactly {} records: the collection probably hit its limit and the export may be incomplete",
                entry.records
            ));
        }
        entry.first_event = first_ts.map(|t| t.to_rfc3339());
        entry.last_event = last_ts.map(|t| t.to_rfc3339());
    }
}
