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

/// Most facts kept from all the snapshot files of a case, so the facts file stays below what is read back.
pub const MAX_FACTS: usize = 1_000_000;

/// What reading a snapshot file has gathered so far.
struct Reading<'a> {
    shape: &'static Shape,
    rel: &'a str,
    headers: Option<Vec<String>>,
    rows: u64,
    facts: Vec<Fact>,
    /// Facts this file may keep: its own cap, or what the case's cap leaves.
    cap: usize,
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
        let kept: usize = self.facts.iter().map(|s| s.facts.len()).sum();
        let mut r = Reading {
            shape,
            rel: &f.rel,
            headers: None,
            rows: 0,
            facts: Vec::new(),
            cap: MAX_FACTS_PER_FILE.min(MAX_FACTS.saturating_sub(kept)),
            dropped: 0,
            notes: TimeNotes::default(),
        };
        for next in records {
            let before = entry.records;
            match next {
                Ok(rec) => r.record(rec, container, entry),
                Err(e) => {
                    entry.notes.push(format!("read error after row {}: {e}", r.rows));
                    break;
                }
            }
            self.progress.records.fetch_add(entry.records - before, Ordering::Relaxed);
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
                for mut fact in facts {
                    fact.at_row(self.rows);
                    if self.facts.len() < self.cap {
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
                "{} facts beyond the first {} of this file were counted but not kept (at most {MAX_FACTS_PER_FILE} \
                 per file and {MAX_FACTS} per case)",
                self.dropped, self.cap
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Fact, SnapshotKind, UserRecord};

    #[test]
    fn facts_beyond_the_cap_are_counted_but_not_kept() {
        let shape = crate::ingest::snapshot::catalogue::shapes().iter().find(|s| s.kind == SnapshotKind::Users);
        let mut r = Reading {
            shape: shape.unwrap(),
            rel: "users.csv",
            headers: None,
            rows: 0,
            facts: Vec::new(),
            cap: 2,
            dropped: 0,
            notes: TimeNotes::default(),
        };
        let mut entry = FileEntry::default();
        let user =
            |n: u32| Ok(vec![Fact::User(UserRecord { upn: format!("u{n}@x.example"), ..UserRecord::default() })]);
        for n in 0..3 {
            r.row(n as u64 + 2, user(n), &mut entry);
        }
        r.row(5, Err("UserPrincipalName is empty".into()), &mut entry);
        r.settle(&mut entry);
        assert_eq!((entry.records, entry.facts, entry.rejected, r.facts.len()), (4, 3, 1, 2));
        assert_eq!(entry.errors, ["users.csv row 4 (line 5): UserPrincipalName is empty"]);
        assert!(entry.notes[0].starts_with("1 facts beyond the first 2 of this file"), "{:?}", entry.notes);
        assert_eq!(entry.format, "users_snapshot");
    }
}
