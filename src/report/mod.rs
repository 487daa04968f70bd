//! What leaves harrier: the case report (Markdown, HTML, JSON) and event exports (JSON lines, CSV, Timesketch).
//!
//! A report is built once into [`Report`] from the ledger, the detection results and the analyst state, then
//! rendered; the same facts appear in every format. Rendering is deterministic for the same state: the "generated
//! at" time is an input.

pub mod export;
mod html;
mod markdown;
mod model;

pub use html::{esc as html_escape, render_html};
pub use markdown::render_markdown;
pub use model::{
    build, AlertGroup, AlertRow, AttackRow, CaseSummary, EvidenceRow, Report, RunbookRow, SourceRow, StepRow,
};

use crate::analytics::saved::SavedError;
use crate::case::detection::load_or_detect;
use crate::case::state::{CaseState, StateError};
use crate::case::Case;
use chrono::{DateTime, Utc};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Alerts(#[from] SavedError),
    #[error(transparent)]
    State(#[from] StateError),
}

/// The shapes a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ReportFormat::Markdown),
            "html" => Ok(ReportFormat::Html),
            "json" => Ok(ReportFormat::Json),
            _ => Err(format!("unknown report format '{s}' (md, html, json)")),
        }
    }
}

/// Builds the report of an ingested case: saved alerts when fresh, else a new detection run.
pub fn for_case(
    case: &Case,
    state: &CaseState,
    tz: chrono_tz::Tz,
    generated_at: DateTime<Utc>,
) -> Result<Report, ReportError> {
    let detection = load_or_detect(case, generated_at)?;
    build(case, &detection, state, tz, generated_at)
}

/// Renders a report in one format.
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Markdown => render_markdown(report),
        ReportFormat::Html => render_html(report),
        ReportFormat::Json => {
            let mut s = crate::text::sanitize::json_pretty(report).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}
