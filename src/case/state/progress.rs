//! Runbook checklist progress per alert (`progress.json`): for each step ticked or annotated, whether it is done,
//! the analyst's note, and who changed it when. Steps are keyed by their stable runbook id.

use super::files::{load_json, save_json};
use super::{CaseState, StateError};
use crate::runbook::Runbook;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Longest note kept on a step.
pub const MAX_NOTE_CHARS: usize = 8000;

/// The state of one checklist step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepProgress {
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Every alert's checklist: alert id → step id → progress (the `progress.json` document).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressBook {
    #[serde(default)]
    pub alerts: BTreeMap<String, BTreeMap<String, StepProgress>>,
}

impl ProgressBook {
    /// The recorded steps of an alert.
    pub fn steps_of(&self, alert_id: &str) -> Option<&BTreeMap<String, StepProgress>> {
        self.alerts.get(alert_id)
    }

    /// One step's progress.
    pub fn step(&self, alert_id: &str, step_id: &str) -> Option<&StepProgress> {
        self.alerts.get(alert_id).and_then(|s| s.get(step_id))
    }

    /// How many of `runbook`'s steps are done for the alert (steps no longer in the runbook do not count).
    pub fn done_count(&self, alert_id: &str, runbook: &Runbook) -> usize {
        runbook.steps().filter(|(_, s)| self.step(alert_id, &s.id).is_some_and(|p| p.done)).count()
    }
}

impl CaseState {
    /// Where checklist progress lives.
    pub fn progress_path(&self) -> PathBuf {
        self.dir.join(crate::case::paths::PROGRESS)
    }

    /// Every alert's checklist progress.
    pub fn progress(&self) -> Result<ProgressBook, StateError> {
        load_json(&self.progress_path())
    }

    /// Ticks or unticks a step of `runbook` for an alert and/or sets its note (`Some("")` clears it). The step must
    /// be one of the runbook's.
    pub fn set_step(
        &self,
        alert_id: &str,
        runbook: &Runbook,
        step_id: &str,
        done: Option<bool>,
        note: Option<&str>,
    ) -> Result<StepProgress, StateError> {
        let alert_id = alert_id.trim();
        let step_id = step_id.trim();
        if runbook.step(step_id).is_none() {
            let known: Vec<&str> = runbook.steps().map(|(_, s)| s.id.as_str()).collect();
            return Err(StateError::Refused(format!(
                "runbook {} has no step '{step_id}' (steps: {})",
                runbook.id(),
                known.join(", ")
            )));
        }
        if done.is_none() && note.is_none() {
            return Err(StateError::Refused("nothing to change: give done/undone or a note".into()));
        }
        let note = note.map(str::trim);
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(StateError::Refused(format!("the note is longer than {MAX_NOTE_CHARS} characters")));
        }
        let _lock = self.write_lock("harrier runbook")?;
        let mut book = self.progress()?;
        let steps = book.alerts.entry(alert_id.to_string()).or_default();
        let now = self.now();
        let entry = steps.entry(step_id.to_string()).or_insert_with(|| StepProgress {
            done: false,
            note: None,
            by: self.actor.clone(),
            at: now,
        });
        if let Some(d) = done {
            entry.done = d;
        }
        if let Some(n) = note {
            entry.note = if n.is_empty() { None } else { Some(n.to_string()) };
        }
        entry.by = self.actor.clone();
        entry.at = now;
        let result = entry.clone();
        save_json(&self.progress_path(), &book)?;
        self.log_activity(
            "runbook.step",
            serde_json::json!({
                "alert": alert_id, "runbook": runbook.id(), "step": step_id, "done": result.done, "note": result.note,
            }),
        )?;
        Ok(result)
    }
}
