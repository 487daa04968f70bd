//! Keeps a case's saved alerts in step with its index, so the workbench never opens on alerts older than the
//! last ingest.

use super::Case;
use crate::analytics::saved::{self, SavedDetection, SavedError};
use crate::analytics::sigma::{load_rules, SourceSpec};
use crate::analytics::{detect, output, AnalyticsError, DetectContext, Detection};
use crate::facts::{Facts, FactsError};
use crate::index::{CaseIndex, IndexError};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Why detection over a case could not run or be saved.
#[derive(Debug, thiserror::Error)]
pub enum DetectionError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Analytics(#[from] AnalyticsError),
    #[error(transparent)]
    Facts(#[from] FactsError),
    #[error("saving {path}: {source}")]
    Save {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Where a case's Sigma rules come from, in order: folders given for this run, `[sigma] rules` in `case.toml`
/// (relative to the case folder), and the `sigma/` folder under the config folder when it exists.
pub fn sigma_sources(case: &Case, extra: &[PathBuf], config_dir: Option<&Path>) -> Vec<SourceSpec> {
    let mut out: Vec<SourceSpec> = extra.iter().map(|p| SourceSpec { path: p.clone(), optional: false }).collect();
    for r in &case.config.sigma.rules {
        let p = PathBuf::from(r);
        let path = if p.is_absolute() { p } else { case.root.join(p) };
        out.push(SourceSpec { path, optional: false });
    }
    if let Some(dir) = config_dir {
        out.push(SourceSpec { path: dir.join("sigma"), optional: true });
    }
    out
}

/// True when saved results exist and are not older than the last ingest.
pub fn is_fresh(case: &Case) -> bool {
    let modified = |p: std::path::PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(case.alerts_path()), modified(case.ledger_path())) {
        (Some(a), Some(l)) => a >= l,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// True when the saved alerts are missing or older than the last ingest.
pub fn alerts_stale(case: &Case) -> bool {
    !is_fresh(case)
}

/// The case's alerts: the saved run when fresh, else a new run over the index (saved for next time).
/// The case must be ingested.
pub fn load_or_detect(case: &Case, now: DateTime<Utc>) -> Result<SavedDetection, SavedError> {
    if is_fresh(case) {
        if let Some(d) = saved::load(&case.alerts_path())? {
            return Ok(d);
        }
    }
    let index = CaseIndex::open(&case.index_dir())?;
    let rules = load_rules(&sigma_sources(case, &[], None), &case.config.sigma).map_err(AnalyticsError::from)?;
    let ctx = DetectContext::all(case.config.clone(), now).with_facts(Facts::load(&case.facts_path())?);
    let ctx = if rules.loaded.is_empty() && rules.skipped.is_empty() { ctx } else { ctx.with_sigma(rules) };
    let d = detect(&index, &ctx)?;
    output::save(&d, &case.alerts_path())
        .map_err(|source| SavedError::Io { path: case.alerts_path().display().to_string(), source })?;
    Ok(SavedDetection::from_detection(&d))
}

/// Runs the analytics (all, or only those in `only`) over the case's index and snapshot facts; a full run is saved for the
/// workbench, a partial one is not, so the queue always shows every analytic.
pub fn detect_and_save(
    case: &Case,
    only: Vec<String>,
    now: DateTime<Utc>,
    sigma: &[SourceSpec],
) -> Result<Detection, DetectionError> {
    let index = CaseIndex::open(&case.index_dir())?;
    let facts = std::sync::Arc::new(Facts::load(&case.facts_path())?);
    let rules = load_rules(sigma, &case.config.sigma).map_err(AnalyticsError::from)?;
    let sigma = (!rules.loaded.is_empty() || !rules.skipped.is_empty()).then(|| std::sync::Arc::new(rules));
    let ctx = DetectContext { config: case.config.clone(), only, now, facts, sigma };
    let d = detect(&index, &ctx)?;
    if ctx.only.is_empty() {
        let path = case.alerts_path();
        output::save(&d, &path).map_err(|source| DetectionError::Save { path: path.display().to_string(), source })?;
    }
    Ok(d)
}
