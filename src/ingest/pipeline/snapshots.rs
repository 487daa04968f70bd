//! Reading a snapshot file: each record becomes the facts it states, or is rejected naming its row; nothing is
//! indexed. The file's facts are kept for the case's facts file.

use super::batches::RecordStream;
use super::read::Container;
use super::sniff::wrapped_items;
use super::Run;
use crate::facts::{Fact, Snapshot, SnapshotFacts};
use crate::ingest::discover::SourceFile;
use crate::ingest::ledger::FileEntry;
use crate::ingest::readers::csv_records::{clean_header, parse_fields};
use crate::ingest::readers::RawRecord;
use crate::ingest::snapshot::{read_record, taken, RecordText, Shape, TimeNotes};
use std::sync::atomic::Ordering;

/// Most facts kept from one snapshot file; the rest are counted in a note, so memory stays bounded.
pub const MAX_FACTS_PER_FILE: usize = 250_000;

/// What reading a snapshot file has gathered so far.
struct Reading<'a> {
    shape: &'static Shape,
    rel: &'a str,
    headers: Option<Vec<String>>,
    rows: u64,
    facts: Vec<Fact>,
    dropped: u64,
    notes: TimeNotes,
}

impl Run<'_> {
    /// Reads every record of the snapshot file `f` (of `shape`) into facts and fills in its ledger entry.
    pub(super) fn read_snapshot(
        &mut self,
        f: &SourceFile,
        shape: &'static Shape,
        records: RecordStream,
        container: Container,
        entry: &mut FileEntry,
    ) {
        let mut r = Reading {
            shape,
            rel: &f.rel,
            headers: None,
            rows: 0,
            facts: Vec::new(),
            dropped: 0,
            notes: TimeNotes::default(),
        };
        for next in records {
            match next {
                Ok(rec) => r.record(rec, container, entry),
                Err(e) => {
                    entry.notes.push(format!("read error after row {}: {e}", r.rows));
                    break;
                }
            }
            self.progress.records.fetch_add(1, Ordering::Relaxed);
        }
        r.settle(entry);
        let snapshot = Snapshot { path: f.rel.clone(), kind: shape.kind, taken: taken::taken(f) };
        self.facts.push(SnapshotFacts { snapshot, facts: r.facts });
    }
}

impl Reading<'_> {
    /// One raw record: a CSV file's header, or one or more rows (a JSON page holds many).
    fn record(&mut self, rec: RawRecord, container: Container, entry: &mut FileEntry) {
        if container == Container::Csv && self.headers.is_none() {
            if !rec.bytes.starts_with(b"#TYPE") {
                let cells = parse_fields(&rec.bytes).unwrap_or_default();
                self.headers = Some(cells.iter().map(|c| clean_header(c)).collect());
            }
            return;
        }
        let line = rec.line;
        if let Some(p) = &rec.problem {
            return self.row(line, Err(p.describe()), entry);
        }
        match container {
            Container::Csv => {
                let headers = self.headers.as_deref().unwrap_or_default();
                let read = parse_fields(&rec.bytes)
                    .and_then(|cells| read_record(self.shape, RecordText::Csv { headers, cells }, &self.notes));
                self.row(line, read, entry);
            }
            Container::Json(_) => self.json(line, &rec.bytes, entry),
        }
    }

    /// A JSON record, or each item of a `{"value":[…]}` page.
    fn json(&mut self, line: u64, bytes: &[u8], entry: &mut FileEntry) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return self.row(line, Err("the record is not UTF-8".into()), entry);
        };
        let page = serde_json::from_str::<serde_json::Value>(text).ok();
        let items = page.as_ref().and_then(|v| wrapped_items(v.as_object()?));
        match items {
            Some(items) => {
                for item in items {
                    let read = read_record(self.shape, RecordText::Json(&item.to_string()), &self.notes);
                    self.row(line, read, entry);
                }
            }
            None => {
                let read = read_record(self.shape, RecordText::Json(text), &self.notes);
                self.row(line, read, entry);
            }
        }
    }

    /// Counts one row and keeps its facts, or rejects it naming the file, row and line.
    fn row(&mut self, line: u64, read: Result<Vec<Fact>, String>, entry: &mut FileEntry) {
        self.rows += 1;
        entry.records += 1;
        match read {
            Ok(facts) => {
                entry.facts += facts.len() as u64;
                for fact in facts {
                    if self.facts.len() < MAX_FACTS_PER_FILE {
                        self.facts.push(fact);
                    } else {
                        self.dropped += 1;
                    }
                }
            }
            Err(why) => entry.reject(format!("{} row {} (line {line}): {why}", self.rel, self.rows)),
        }
    }

    /// Names the file's format and notes what the responder should know about its times and size.
    fn settle(&self, entry: &mut FileEntry) {
        entry.format = self.shape.kind.format();
        entry.source = String::new();
        let day_month = self.notes.day_month.get();
        if day_month > 0 {
            entry
                .notes
                .push(format!("{day_month} dates could be day/month or month/day and were read as month/day (US)"));
        }
        if self.dropped > 0 {
            entry.notes.push(format!(
                "{} facts beyond the first {MAX_FACTS_PER_FILE} of this file were counted but not kept",
                self.dropped
            ));
        }
    }
}
