//! `harrier bench --sigma DIR`: the same detect run again with Sigma rules, against the run without them.

use crate::analytics::sigma::{load_rules, SourceSpec};
use crate::analytics::{detect, DetectContext};
use crate::config::CaseConfig;
use crate::index::CaseIndex;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// What the Sigma rules cost on top of harrier's own detections.
#[derive(Debug, Clone, Serialize)]
pub struct SigmaBench {
    pub rules_loaded: usize,
    pub rules_skipped: usize,
    /// The whole detect run with the rules, s.
    pub detect_with_sigma_s: f64,
    /// Its time over the run without them (`detect_s`).
    pub ratio_to_native: f64,
    /// Time the rules added after the shared pass (compiling, and evaluating what the pass left), s.
    pub sigma_after_pass_s: f64,
    pub sigma_alerts: usize,
    /// Peak resident memory of the process after the run, MB.
    pub peak_rss_mb: Option<f64>,
}

/// Runs detect with the rules under `dirs` and compares it with `native_s`, the run without them.
pub fn run(
    index: &CaseIndex,
    config: &CaseConfig,
    dirs: &[PathBuf],
    native_s: f64,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<SigmaBench> {
    let specs: Vec<SourceSpec> = dirs.iter().map(|p| SourceSpec { path: p.clone(), optional: false }).collect();
    let rules = load_rules(&specs, &config.sigma)?;
    let (loaded, skipped) = (rules.loaded.len(), rules.skipped.len());
    let t = Instant::now();
    let d = detect(index, &DetectContext::all(config.clone(), now).with_sigma(rules))?;
    let with = t.elapsed().as_secs_f64();
    Ok(SigmaBench {
        rules_loaded: loaded,
        rules_skipped: skipped,
        detect_with_sigma_s: with,
        ratio_to_native: with / native_s.max(1e-9),
        sigma_after_pass_s: d.timings.sigma.as_secs_f64(),
        sigma_alerts: d.alerts.iter().filter(|a| a.rule.is_sigma()).count(),
        peak_rss_mb: super::bench::peak_rss_mb(),
    })
}
