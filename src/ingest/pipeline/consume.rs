//! The in-order end of a file's reading: each parsed batch is de-duplicated, learned from and enriched record by
//! record, then indexed.

use super::parse::{Outcome, ParsedBatch};
use super::tally::FileTally;
use super::Run;
use crate::index::document::{to_document, Original};
use crate::ingest::ledger::FileEntry;
use crate::model::{Event, Source};
use rayon::prelude::*;
use std::sync::atomic::Ordering;

impl Run<'_> {
    /// De-duplicates, learns from and enriches one parsed batch in record order, then indexes it.
    pub(super) fn consume(&mut self, outcomes: ParsedBatch, entry: &mut FileEntry, tally: &mut FileTally) {
        // Documents are built in parallel once the order-dependent steps (dedupe, learning) are done.
        let mut ready: Vec<(u64, u64, Event, Original, u64)> = Vec::with_capacity(outcomes.len());
        for (no, line, outs) in outcomes {
            for out in outs {
                entry.records += 1;
                self.progress.records.fetch_add(1, Ordering::Relaxed);
                match out {
                    Outcome::Rejected(why) | Outcome::Unknown(why) => {
                        entry.reject(format!("record {no} (line {line}): {why}"));
                    }
                    Outcome::Event(n, raw) => {
                        let mut n = *n;
                        tally.count(&n);
                        let native = n.native_id.clone().unwrap_or_else(|| n.event.id.clone());
                        let key = dedupe_key(n.event.source, &native);
                        match self.seen.entry(key) {
                            std::collections::hash_map::Entry::Occupied(_) => {
                                entry.duplicates += 1;
                                continue;
                            }
                            std::collections::hash_map::Entry::Vacant(slot) => {
                                slot.insert(entry.file_id);
                            }
                        }
                        self.learned.learn(&n.event);
                        crate::enrich::enrich(&mut n.event, &self.learned, &self.geo);
                        ready.push((no, line, n.event, raw, key));
                    }
                }
            }
        }
        self.index_events(ready, entry);
    }

    /// Builds the batch's documents in parallel and adds them to the index in record order.
    fn index_events(&mut self, ready: Vec<(u64, u64, Event, Original, u64)>, entry: &mut FileEntry) {
        let fields = &self.index.fields;
        let file_id = entry.file_id;
        let docs: Vec<_> = ready
            .par_iter()
            .map(|(no, line, event, raw, key)| (*no, *line, to_document(fields, event, raw, *key, file_id)))
            .collect();
        for (no, line, doc) in docs {
            match self.writer.add_document(doc) {
                Ok(_) => entry.indexed += 1,
                Err(e) => entry.reject(format!("record {no} (line {line}): index write failed: {e}")),
            }
        }
    }
}

/// The de-duplication key of a record: its source and native id (or content hash).
fn dedupe_key(source: Option<Source>, native: &str) -> u64 {
    let mut h = blake3::Hasher::new();
    h.update(source.map(|s| s.as_str()).unwrap_or("").as_bytes());
    h.update(&[0]);
    h.update(native.as_bytes());
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().unwrap_or([0; 8]))
}
