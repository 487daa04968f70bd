//! What jobs run against: the case, its index and the run environment.

use crate::case::Case;
use crate::facts::{Facts, FactsFile};
use crate::index::CaseIndex;
use std::sync::{Arc, OnceLock};

/// What jobs run against: the case and its index (absent when the case has not been ingested).
pub struct JobContext {
    pub case: Case,
    pub index: Result<CaseIndex, String>,
    /// The run's clock, analyst and settings, for work that records or stamps anything.
    pub env: crate::runenv::RunEnv,
    /// The case's facts file, read from the state folder the first time a page asks for it.
    facts_file: OnceLock<Result<FactsFile, String>>,
    /// Its facts, ready to be asked.
    facts: OnceLock<Arc<Facts>>,
}

impl JobContext {
    /// Opens the case's index.
    pub fn new(case: Case, env: crate::runenv::RunEnv) -> JobContext {
        let index = if case.is_ingested() {
            CaseIndex::open(&case.index_dir()).map_err(|e| format!("{}: {e}", case.index_dir().display()))
        } else {
            Err(format!("case {} has not been ingested yet (run `harrier ingest`)", case.root.display()))
        };
        JobContext { case, index, env, facts_file: OnceLock::new(), facts: OnceLock::new() }
    }

    /// The case's snapshot facts (read once per session), or why they cannot be read. While an exercise limits
    /// the index to its clock, only snapshots taken by then are shown.
    pub fn facts(&self) -> Result<Arc<Facts>, String> {
        let read = || FactsFile::load(&self.case.facts_path()).map_err(|e| e.to_string());
        let file = self.facts_file.get_or_init(read).as_ref().map_err(Clone::clone)?;
        if let Some(v) = self.index.as_ref().ok().and_then(|ix| ix.visibility()) {
            return Ok(Arc::new(Facts::from_file(file.taken_by(v.until.naive_utc()))));
        }
        Ok(self.facts.get_or_init(|| Arc::new(Facts::from_file(file.clone()))).clone())
    }

    /// The index, or why there is none.
    pub fn index(&self) -> Result<&CaseIndex, String> {
        self.index.as_ref().map_err(|e| e.clone())
    }
}
