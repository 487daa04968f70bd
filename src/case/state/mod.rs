//! The analyst's work on a case, kept in the state folder beside the index: triage decisions, runbook progress,
//! bookmarks, notes, and an append-only activity log of every change.
//!
//! Every file is written whole with [`write_atomic`](crate::case::write_atomic) (temp file, fsync, rename), so a
//! kill at any moment leaves the old or the new content, never a mix. Readers never lock: they see one complete
//! version. Writers take the state lock (`state.lock`, separate from the index lock) for the read-modify-write,
//! so two writers cannot interleave. A missing file is empty state; an unreadable one is an error naming it.

pub mod activity;
pub mod bookmarks;
mod error;
pub(crate) mod files;
pub mod notes;
pub mod progress;
pub mod suppress;
mod suppress_from;
mod textdiff;
pub mod triage;

pub use activity::ActivityEntry;
pub use bookmarks::Bookmark;
pub use error::StateError;
pub use progress::{ProgressBook, StepProgress};
pub use suppress::{AllowChange, SuppressionPlan};
pub use triage::{EntityFilter, TriageBook, TriageChange, TriageEntry, TriageStatus};

use super::{Case, CaseLock};
use crate::runenv::{clean_analyst, Clock, RunEnv};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Name of the lock file writers of analyst state hold.
pub const STATE_LOCK: &str = "state.lock";

/// How long a writer waits for another writer to finish before giving up.
const LOCK_PATIENCE: Duration = Duration::from_secs(10);

/// Handle on a case's analyst state: where it lives, who is acting, and what time it is.
#[derive(Debug, Clone)]
pub struct CaseState {
    dir: PathBuf,
    actor: String,
    clock: Clock,
}

impl CaseState {
    /// The state kept in `state_dir`, acted on by the run's analyst at the run's clock.
    pub fn new(state_dir: &Path, env: &RunEnv) -> CaseState {
        CaseState { dir: state_dir.to_path_buf(), actor: env.analyst.clone(), clock: env.clock }
    }

    /// The state of an opened case.
    pub fn of(case: &Case, env: &RunEnv) -> CaseState {
        CaseState::new(&case.state_dir, env)
    }

    /// Records changes under another analyst name.
    pub fn with_actor(mut self, actor: &str) -> CaseState {
        self.actor = clean_analyst(actor);
        self
    }

    /// Stamps changes with a fixed time instead of the clock (reproducible reports and tests).
    pub fn with_clock(mut self, now: DateTime<Utc>) -> CaseState {
        self.clock = Clock::Fixed(now);
        self
    }

    /// The state folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Who changes are recorded as.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The time changes are stamped with.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Takes the writer lock for one read-modify-write.
    fn write_lock(&self, purpose: &str) -> Result<CaseLock, StateError> {
        Ok(CaseLock::acquire_waiting(&self.dir, STATE_LOCK, purpose, LOCK_PATIENCE)?)
    }
}
