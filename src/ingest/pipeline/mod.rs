//! The ingest run: discover → sniff → read in batches (on a reader thread) → parse and normalize in parallel →
//! enrich, de-duplicate and index in order (while the next batch is parsed) → ledger.

mod batches;
mod consume;
mod files;
mod order;
mod parse;
mod read;
mod snapshots;
mod sniff;
mod tally;

use super::ledger::Ledger;
use crate::enrich::geo::GeoDb;
use crate::enrich::learned::Learned;
use crate::facts::{FactsFile, SnapshotFacts};
use crate::files::atomic::write_atomic;
use crate::index::CaseIndex;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

/// Memory the index writer may fill before it writes a segment. Fewer, larger segments mean the terms that recur
/// across segments (users, addresses, apps, words) are written fewer times: a million events make two segments
/// instead of four, ingest is about 8% faster and peak memory grows by about 130 MB.
const WRITER_MEMORY: usize = 1024 * 1024 * 1024;

/// Ingest errors that stop the run (per-record and per-file problems go to the ledger instead).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error("index write failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("cannot write case state {path}: {source}")]
    State {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    GeoIp(#[from] crate::enrich::geo::GeoDbError),
    #[error(transparent)]
    Facts(#[from] crate::facts::FactsError),
}

/// What the caller can choose.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Throw away the index and read everything again.
    pub rebuild: bool,
    /// GeoIP databases (`.mmdb` or ip-location-db CSV), asked in this order for what the logs did not locate.
    pub geoip: Vec<PathBuf>,
}

/// Live counters a progress bar or the TUI samples while ingest runs.
#[derive(Debug, Default)]
pub struct IngestProgress {
    pub files_total: AtomicU64,
    pub files_done: AtomicU64,
    pub bytes_total: AtomicU64,
    /// Bytes of the case's files read so far, counted as they are read (a 2 GB export moves the bar while it is
    /// being read, not only when it is done).
    pub bytes_done: Arc<AtomicU64>,
    pub records: AtomicU64,
    pub current: Mutex<String>,
}

/// One ingest run's working set: the index being written, what it already holds, and what is learned on the way.
struct Run<'a> {
    index: &'a CaseIndex,
    writer: tantivy::IndexWriter,
    seen: FxHashMap<u64, u64>,
    learned: Learned,
    geo: GeoDb,
    progress: &'a IngestProgress,
    /// The facts of the last run, kept for snapshot files that have not changed.
    previous_facts: FactsFile,
    /// The facts of this run's snapshot files.
    facts: Vec<SnapshotFacts>,
}

/// Where ingest reads evidence and keeps what it builds. The case layer implements it; ingest sits below the case
/// and knows only these places.
pub trait IngestTarget {
    /// The evidence folder.
    fn root(&self) -> &Path;
    /// The index folder.
    fn index_dir(&self) -> PathBuf;
    /// The saved ledger.
    fn ledger_path(&self) -> PathBuf;
    /// Facts learned at ingest (IP geography, user ids → UPNs).
    fn learned_path(&self) -> PathBuf;
    /// What the case's snapshot exports state about the tenant.
    fn facts_path(&self) -> PathBuf;
    /// True when what is kept must be thrown away and built again.
    fn needs_rebuild(&self) -> bool;
    /// Records that the state now matches this version and machine.
    fn mark_built(&self) -> std::io::Result<()>;
}

/// Ingests every evidence file of `case` into its index and returns the ledger (also saved in the state).
pub fn ingest(
    case: &impl IngestTarget,
    opts: &IngestOptions,
    progress: &IngestProgress,
) -> Result<Ledger, IngestError> {
    // Before anything is thrown away: a database that cannot be used stops the run with the case as it was.
    let geo = GeoDb::open(&opts.geoip)?;
    let rebuild = opts.rebuild || case.needs_rebuild();
    if rebuild {
        forget_built_state(case)?;
    }
    let previous = if rebuild { Ledger::default() } else { Ledger::load(&case.ledger_path()) };
    let learned: Learned =
        std::fs::read(case.learned_path()).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let index = CaseIndex::open_or_create(&case.index_dir())?;
    let writer = index.writer(2, WRITER_MEMORY)?;
    let seen = index.dedupe_keys()?;
    // Facts of a layout this harrier cannot read are read again from their files.
    let previous_facts =
        if rebuild { FactsFile::default() } else { FactsFile::load(&case.facts_path()).unwrap_or_default() };
    let mut run = Run { index: &index, writer, seen, learned, geo, progress, previous_facts, facts: Vec::new() };

    let files = order::discover_signins_first(case.root(), progress);
    let mut ledger = run.ingest_files(&files, &previous);

    run.writer.commit()?;
    run.writer.wait_merging_threads()?;
    index.reload()?;
    ledger.files.sort_by(|a, b| a.path.cmp(&b.path));
    ledger.recompute();
    ledger.tally_geoip(&run.geo.databases(), &previous.geoip);
    run.facts.sort_by(|a, b| a.snapshot.path.cmp(&b.snapshot.path));
    let facts = FactsFile { snapshots: std::mem::take(&mut run.facts), ..FactsFile::default() };
    save_state(case, &ledger, &run.learned, &facts)?;
    Ok(ledger)
}

/// Throws away the index, ledger and learned facts of a case that is read again from scratch.
fn forget_built_state(case: &impl IngestTarget) -> Result<(), IngestError> {
    for p in [case.index_dir()] {
        if p.exists() {
            std::fs::remove_dir_all(&p).map_err(state_error(&p))?;
        }
    }
    let _ = std::fs::remove_file(case.ledger_path());
    let _ = std::fs::remove_file(case.learned_path());
    let _ = std::fs::remove_file(case.facts_path());
    Ok(())
}

/// Writes the ledger, the learned facts and the snapshots' facts, and marks the state built.
fn save_state(
    case: &impl IngestTarget,
    ledger: &Ledger,
    learned: &Learned,
    facts: &FactsFile,
) -> Result<(), IngestError> {
    let ledger_bytes = serde_json::to_vec_pretty(ledger).unwrap_or_default();
    write_atomic(&case.ledger_path(), &ledger_bytes).map_err(state_error(&case.ledger_path()))?;
    let learned_bytes = serde_json::to_vec(learned).unwrap_or_default();
    write_atomic(&case.learned_path(), &learned_bytes).map_err(state_error(&case.learned_path()))?;
    facts.save(&case.facts_path())?;
    case.mark_built().map_err(state_error(&case.index_dir()))?;
    Ok(())
}

/// Turns a failed write under the case state into an error naming the path.
fn state_error(path: &Path) -> impl FnOnce(std::io::Error) -> IngestError {
    let path = path.display().to_string();
    move |source| IngestError::State { path, source }
}

/// A stable id for a file path, stored with each event so a changed file's events can be replaced.
pub fn file_id(rel: &str) -> u64 {
    let h = blake3::hash(rel.as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or([0; 8]))
}
