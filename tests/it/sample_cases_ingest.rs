//! Every shipped sample case ingests completely: each record the generator wrote is read, the overlapping exports it
//! planted are recognised as duplicates, and nothing is rejected or left unsupported.

use crate::common::{copy_tree, ingest_dir, query};
use std::path::PathBuf;

fn answer_totals(case: &std::path::Path) -> (u64, u64, u64) {
    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(case.join("answer-key.json")).unwrap()).unwrap();
    let t = &key["totals"];
    (t["records"].as_u64().unwrap(), t["unique_records"].as_u64().unwrap(), t["duplicates"].as_u64().unwrap())
}

#[test]
fn sample_cases_ingest_every_record_the_generator_wrote() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases");
    for name in ["demo", "bec", "quiet"] {
        let tmp = tempfile::tempdir().unwrap();
        copy_tree(&root.join(name), tmp.path());
        let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
        let (case, ledger) = ingest_dir(tmp.path());
        let (records, unique, dups) = answer_totals(tmp.path());
        let t = &ledger.totals;
        assert_eq!(t.rejected, 0, "{name}: rejected records");
        assert!(ledger.files.iter().all(|f| f.format != "unsupported"), "{name}: an export was not recognised");
        assert_eq!((t.records, t.indexed, t.duplicates), (records, unique, dups), "{name}: totals vs answer key");
        assert!(!query(&case, "source:signin_interactive").is_empty(), "{name}: no interactive sign-ins");
    }
}

#[test]
fn ingest_progress_ends_at_every_byte_and_file_of_the_case() {
    use harrier::ingest::{ingest, IngestOptions, IngestProgress};
    use std::sync::atomic::Ordering::Relaxed;
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-cases/demo"), tmp.path());
    let _ = std::fs::remove_dir_all(tmp.path().join(".harrier"));
    let case = harrier::case::Case::open(tmp.path(), None).unwrap();
    // First run reads every file; the second skips them all as unchanged.
    for run in ["first", "again"] {
        let progress = IngestProgress::default();
        ingest(&case, &IngestOptions::default(), &progress).unwrap();
        let total = progress.bytes_total.load(Relaxed);
        assert!(total > 100_000, "{run}: {total}");
        assert_eq!(progress.bytes_done.load(Relaxed), total, "{run}: bytes");
        assert_eq!(progress.files_done.load(Relaxed), progress.files_total.load(Relaxed), "{run}: files");
    }
}
