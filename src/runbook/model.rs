//! The runbook model: a runbook is a title, the analytic it serves, a summary, and steps grouped in phases.

use super::error::RunbookError;
use super::pivot::Pivot;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// The phases of an incident response, in the order a runbook lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Triage,
    Scoping,
    Containment,
    Eradication,
    Recovery,
    Evidence,
}

impl Phase {
    /// Every phase, in runbook order.
    pub const ALL: [Phase; 6] =
        [Phase::Triage, Phase::Scoping, Phase::Containment, Phase::Eradication, Phase::Recovery, Phase::Evidence];

    /// Stable lower-case name: the TOML table name and the key in saved progress.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Triage => "triage",
            Phase::Scoping => "scoping",
            Phase::Containment => "containment",
            Phase::Eradication => "eradication",
            Phase::Recovery => "recovery",
            Phase::Evidence => "evidence",
        }
    }

    /// Heading shown to the analyst.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Triage => "Triage",
            Phase::Scoping => "Scoping",
            Phase::Containment => "Containment",
            Phase::Eradication => "Eradication",
            Phase::Recovery => "Recovery",
            Phase::Evidence => "Evidence to preserve",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phase::ALL.iter().copied().find(|p| p.as_str() == s).ok_or_else(|| {
            format!("unknown phase `{s}` (triage, scoping, containment, eradication, recovery, evidence)")
        })
    }
}

/// One thing the responder checks or does. The id is stable so saved checklist progress survives edits to the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the runbook: lower-case letters, digits and dashes.
    pub id: String,
    /// One line for the checklist.
    pub title: String,
    /// What to check and why: the log, the field, what a bad value and a benign explanation look like.
    pub detail: String,
    /// The harrier query that answers the step, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pivot: Option<Pivot>,
}

/// An incident-response runbook for one analytic, or the general one for an M365 compromise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    id: String,
    title: String,
    analytic: Option<String>,
    summary: String,
    phases: [Vec<Step>; 6],
}

/// The TOML layout of a runbook file: one array of tables per phase.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunbookFile {
    title: String,
    #[serde(default)]
    analytic: Option<String>,
    summary: String,
    triage: Vec<Step>,
    scoping: Vec<Step>,
    containment: Vec<Step>,
    eradication: Vec<Step>,
    recovery: Vec<Step>,
    evidence: Vec<Step>,
}

impl Runbook {
    /// Parse and check a runbook. `id` is the runbook's name (its file stem, e.g. `an0534`) and appears in errors.
    /// Unknown keys, missing phases, empty text, malformed or repeated step ids and unchecked pivots are errors.
    pub fn from_toml(id: &str, text: &str) -> Result<Runbook, RunbookError> {
        let file: RunbookFile =
            toml::from_str(text).map_err(|source| RunbookError::Toml { runbook: id.to_string(), source })?;
        let invalid = |message: String| RunbookError::Invalid { runbook: id.to_string(), message };
        if !is_slug(id) {
            return Err(invalid(format!("runbook id `{id}` must be lower-case letters, digits and dashes")));
        }
        if file.title.trim().is_empty() {
            return Err(invalid("empty `title`".into()));
        }
        if file.summary.trim().is_empty() {
            return Err(invalid("empty `summary`".into()));
        }
        let analytic = match file.analytic {
            Some(a) if is_analytic_id(a.trim()) => Some(a.trim().to_ascii_uppercase()),
            Some(a) if is_slug(a.trim()) => Some(a.trim().to_string()),
            Some(a) => {
                return Err(invalid(format!("`analytic = \"{a}\"` is not a detection id like AN0534 or inbox-rule")))
            }
            None => None,
        };
        let runbook = Runbook {
            id: id.to_string(),
            title: file.title.trim().to_string(),
            analytic,
            summary: file.summary.trim().to_string(),
            phases: [file.triage, file.scoping, file.containment, file.eradication, file.recovery, file.evidence],
        };
        runbook.check_steps()?;
        Ok(runbook)
    }

    fn check_steps(&self) -> Result<(), RunbookError> {
        let mut seen = HashSet::new();
        for phase in Phase::ALL {
            if self.phase(phase).is_empty() {
                return Err(RunbookError::Invalid {
                    runbook: self.id.clone(),
                    message: format!("phase `{phase}` has no steps"),
                });
            }
        }
        for (_, step) in self.steps() {
            let fail = |message: &str| RunbookError::Step {
                runbook: self.id.clone(),
                step: step.id.clone(),
                message: message.to_string(),
            };
            if !is_slug(&step.id) {
                return Err(fail("ids are lower-case letters, digits and dashes"));
            }
            if !seen.insert(step.id.as_str()) {
                return Err(fail("id used twice in this runbook"));
            }
            if step.title.trim().is_empty() {
                return Err(fail("empty `title`"));
            }
            if step.detail.trim().is_empty() {
                return Err(fail("empty `detail`"));
            }
        }
        Ok(())
    }

    /// The runbook's name, e.g. `an0534` or `m365-compromise`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Heading shown above the checklist.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The analytic this runbook serves (upper-case, `AN0534`), or `None` for the general runbook.
    pub fn analytic(&self) -> Option<&str> {
        self.analytic.as_deref()
    }

    /// What the alert means, in a few sentences.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The steps of one phase, in order.
    pub fn phase(&self, phase: Phase) -> &[Step] {
        &self.phases[phase.index()]
    }

    /// Every step with its phase, in runbook order.
    pub fn steps(&self) -> impl Iterator<Item = (Phase, &Step)> {
        Phase::ALL.into_iter().flat_map(move |phase| self.phase(phase).iter().map(move |step| (phase, step)))
    }

    /// Look a step up by id (as saved in checklist progress).
    pub fn step(&self, id: &str) -> Option<(Phase, &Step)> {
        self.steps().find(|(_, step)| step.id == id)
    }

    /// How many steps the runbook has.
    pub fn step_count(&self) -> usize {
        self.phases.iter().map(Vec::len).sum()
    }
}

/// Lower-case ASCII letters, digits and single inner dashes.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `AN` followed by four digits, any case.
fn is_analytic_id(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 6 && bytes[..2].eq_ignore_ascii_case(b"an") && bytes[2..].iter().all(u8::is_ascii_digit)
}
