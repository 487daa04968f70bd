//! Shared helpers for integration tests: temporary cases and ingest.
#![allow(dead_code)]

pub mod anon;
pub mod mmdb_writer;

use harrier::case::{Case, Ledger};
use harrier::index::query::ParsedQuery;
use harrier::index::CaseIndex;
use harrier::ingest::{ingest, IngestOptions, IngestProgress};
use std::path::Path;

/// Copies a folder tree (fixtures are read-only on disk), leaving out harrier's own state folder.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".harrier" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let mut perm = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&target, perm).unwrap();
        }
    }
}

/// Ingests a case folder with default options.
pub fn ingest_dir(dir: &Path) -> (Case, Ledger) {
    let case = Case::open(dir, None).unwrap();
    let ledger = ingest(&case, &IngestOptions::default(), &IngestProgress::default()).unwrap();
    (case, ledger)
}

/// Runs a query over an ingested case and returns the events.
pub fn query(case: &Case, q: &str) -> Vec<harrier::model::Event> {
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    index.search(&ParsedQuery::parse(q).unwrap(), 0, 10_000).unwrap().into_iter().map(|h| h.event).collect()
}

/// The ledger entry for a path ending in `suffix`.
pub fn file<'a>(ledger: &'a Ledger, suffix: &str) -> &'a harrier::case::FileEntry {
    ledger.files.iter().find(|f| f.path.ends_with(suffix)).unwrap_or_else(|| panic!("no ledger entry for {suffix}"))
}
