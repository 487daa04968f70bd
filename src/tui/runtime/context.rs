//! What jobs run against: the case, its index and the run environment.

use crate::case::Case;
use crate::facts::Facts;
use crate::index::CaseIndex;
use std::sync::{Arc, OnceLock};

/// What jobs run against: the case and its index (absent when the case has not been ingested).
pub struct JobContext {
    pub case: Case,
    pub index: Result<CaseIndex, String>,
    /// The run's clock, analyst and settings, for work that records or stamps anything.
    pub env: crate::runenv::RunEnv,
    /// The case's snapshot facts, read from the state folder the first time a page asks for them.
    facts: OnceLock<Result<Arc<Facts>, String>>,
}

impl JobContext {
    /// Opens the case's index.
    pub fn new(case: Case, env: crate::runenv::RunEnv) -> JobContext {
        let index = if case.is_ingested() {
            CaseIndex::open(&case.index_dir()).map_err(|e| format!("{}: {e}", case.index_dir().display()))
        } else {
            Err(format!("case {} has not been ingested yet (run `harrier ingest`)", case.root.display()))
        };
        JobContext { case, index, env, facts: OnceLock::new() }
    }

    /// The case's snapshot facts (read once per session), or why they cannot be read.
    pub fn facts(&self) -> Result<Arc<Facts>, String> {
        let read = || Facts::load(&self.case.facts_path()).map(Arc::new).map_err(|e| e.to_string());
        self.facts.get_or_init(read).clone()
    }

    /// The index, or why there is none.
    pub fn index(&self) -> Result<&CaseIndex, String> {
        self.index.as_ref().map_err(|e| e.clone())
    }
}
