//! Which files are read: new and changed files are read, unchanged ones keep their ledger entry, and the events
//! of files that are gone or changed are taken out of the index.

use super::{file_id, Run};
use crate::ingest::discover::SourceFile;
use crate::ingest::ledger::{FileEntry, Ledger};
use crate::ingest::open::{content_hash, HashTap};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;

impl Run<'_> {
    /// Brings the case's files into the index, given the ledger of the last run, and returns the new ledger (in
    /// the order the files were read).
    pub(super) fn ingest_files(&mut self, files: &[SourceFile], previous: &Ledger) -> Ledger {
        let prev_by_path: HashMap<&str, &FileEntry> = previous.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let current: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let mut ledger = Ledger::default();

        // Files gone since the last run: their events go too.
        for old in &previous.files {
            if !current.contains(old.path.as_str()) {
                self.forget_file(old.file_id);
            }
        }

        for f in files {
            *self.progress.current.lock().unwrap_or_else(|e| e.into_inner()) = f.rel.clone();
            let entry = self.ingest_file(f, prev_by_path.get(f.rel.as_str()).copied());
            ledger.files.push(entry);
            self.progress.files_done.fetch_add(1, Ordering::Relaxed);
        }
        ledger
    }

    /// One file's ledger entry: set aside by discovery, kept from the last run when the file is unchanged, or
    /// read (again).
    fn ingest_file(&mut self, f: &SourceFile, seen_before: Option<&FileEntry>) -> FileEntry {
        if let Some(reason) = &f.set_aside {
            let path = f.rel.clone();
            let reason = Some(reason.clone());
            return FileEntry { path, format: "unsupported".into(), reason, ..FileEntry::default() };
        }
        // A file seen before is hashed first to tell whether it changed; a new one is hashed while it is read.
        let hash = if seen_before.is_some() { content_hash(f).unwrap_or_default() } else { String::new() };
        if let Some(old) = seen_before {
            // A snapshot is kept only with its facts; one whose facts are lost is read again.
            if !hash.is_empty() && old.hash == hash && (!old.is_snapshot() || self.carry_facts(&old.path)) {
                self.progress.bytes_done.fetch_add(f.bytes, Ordering::Relaxed);
                return old.clone();
            }
            self.forget_file(old.file_id);
        }
        let mut entry =
            FileEntry { path: f.rel.clone(), hash, bytes: f.bytes, file_id: file_id(&f.rel), ..FileEntry::default() };
        let tap = entry.hash.is_empty().then(HashTap::default);
        let before = self.progress.bytes_done.load(Ordering::Relaxed);
        self.read_file(f, &mut entry, tap.as_ref());
        entry.geoip = self.geo.take_counts();
        // Settled to the file's size: reading may have stopped early, and an archive entry's size is its own.
        self.progress.bytes_done.store(before + f.bytes, Ordering::Relaxed);
        if let Some(tap) = tap {
            entry.hash = tap.finish().or_else(|| content_hash(f).ok()).unwrap_or_default();
        }
        entry.finish();
        entry
    }

    /// Keeps the facts the last run read from the snapshot file at `path`; false when they are not there.
    fn carry_facts(&mut self, path: &str) -> bool {
        let Some(i) = self.previous_facts.snapshots.iter().position(|s| s.snapshot.path == path) else { return false };
        self.facts.push(self.previous_facts.snapshots.swap_remove(i));
        true
    }

    /// Takes a file's events out of the index and out of the de-duplication keys.
    pub(super) fn forget_file(&mut self, fid: u64) {
        self.writer.delete_term(tantivy::Term::from_field_u64(self.index.fields.file_id, fid));
        self.seen.retain(|_, f| *f != fid);
    }
}
