//! The analyst's case work as the workbench shows it: triage decisions, runbook progress and notes, read from the
//! core state files ([`crate::case::state`]) and refreshed after every change the workbench writes.

use super::alerts::Alert;
use crate::case::state::{CaseState, ProgressBook, StepProgress, TriageBook, TriageStatus};
use crate::runbook::{Phase, Runbook, Step};

/// Triage, progress and notes of the case, as last read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseBook {
    pub triage: TriageBook,
    pub progress: ProgressBook,
    /// `notes.md`.
    pub notes: String,
}

impl CaseBook {
    /// The alert's triage status (new when never triaged).
    pub fn status_of(&self, alert_id: &str) -> TriageStatus {
        self.triage.status_of(alert_id)
    }

    /// One step's recorded progress for an alert.
    pub fn step(&self, alert_id: &str, step_id: &str) -> Option<&StepProgress> {
        self.progress.step(alert_id, step_id)
    }

    /// "n/m" steps of the alert's runbook done.
    pub fn progress_label(&self, alert: &Alert) -> String {
        let rb = runbook_of(alert);
        format!("{}/{}", self.progress.done_count(&alert.id, rb), rb.step_count())
    }
}

/// Triage, progress and notes as saved.
pub fn load(state: &CaseState) -> Result<CaseBook, String> {
    Ok(CaseBook {
        triage: state.triage().map_err(|e| e.to_string())?,
        progress: state.progress().map_err(|e| e.to_string())?,
        notes: state.notes().map_err(|e| e.to_string())?,
    })
}

/// The runbook an alert is worked with: its analytic's, else the general compromise runbook.
pub fn runbook_of(alert: &Alert) -> &'static Runbook {
    crate::runbook::for_alert(&alert.analytic)
}

/// The steps of a runbook in checklist order, each with its phase; the step cursor indexes this list.
pub fn checklist(rb: &Runbook) -> Vec<(Phase, &Step)> {
    rb.steps().collect()
}

/// The alert's entities in the shape runbook pivots fill their placeholders from.
pub fn pivot_entities(alert: &Alert) -> crate::runbook::AlertEntities {
    let e = &alert.entities;
    crate::runbook::AlertEntities {
        users: e.users.clone(),
        ips: e.ips.clone(),
        sessions: e.sessions.clone(),
        mailboxes: e.mailboxes.clone(),
        apps: e.apps.clone(),
    }
}

/// Short label of a status for the queue column.
pub fn status_label(s: TriageStatus) -> &'static str {
    match s {
        TriageStatus::New => "new",
        TriageStatus::Investigating => "investig.",
        TriageStatus::TruePositive => "true pos",
        TriageStatus::FalsePositive => "false pos",
        TriageStatus::BenignPositive => "benign",
    }
}
