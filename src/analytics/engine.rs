//! Runs the analytics: one pass over the events into the store, then each analytic over what was kept.

use super::alert::{Alert, Suppression, Suppressions};
use super::catalog::{self, OpList};
use super::clock::Clock;
use super::common::{op_name, Cx, Findings};
use super::coverage::Coverage;
use super::incidents::Incident;
use super::params::{self, Params};
use super::registry::{self, Detector};
use super::store::Store;
use super::AnalyticsError;
use crate::config::CaseConfig;
use crate::facts::Facts;
use crate::index::{CaseIndex, IndexError};
use crate::model::{Event, Severity, Source};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The analytics in the order they run.
pub const ANALYTIC_IDS: [&str; 5] = ["AN0534", "AN0959", "AN1089", "AN1350", "AN1107"];

/// Bound on audit records kept whole; beyond it the rest are counted in coverage (grants are rare in real tenants).
const MAX_AUDITS: usize = 200_000;

/// What a detection run needs besides the events.
#[derive(Debug, Clone, Default)]
pub struct DetectContext {
    pub config: CaseConfig,
    /// Analytics to run (ids, any case); empty runs all.
    pub only: Vec<String>,
    /// The moment the run stamps as `generated`, from the run environment so that runs are reproducible.
    pub now: DateTime<Utc>,
    /// What the case's snapshot exports state about the tenant (empty when it holds none).
    pub facts: Arc<Facts>,
}

impl DetectContext {
    /// A run of every analytic under the case's settings, stamped `now`, with no snapshot facts.
    pub fn all(config: CaseConfig, now: DateTime<Utc>) -> DetectContext {
        DetectContext { config, only: Vec::new(), now, facts: Arc::default() }
    }

    /// The same run with the case's snapshot facts.
    pub fn with_facts(self, facts: Facts) -> DetectContext {
        DetectContext { facts: Arc::new(facts), ..self }
    }
}

/// Numbers about the run, for the record and the benchmark.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RunStats {
    pub events: u64,
    pub touches: u64,
    pub audits_kept: u64,
    pub audits_dropped: u64,
    pub principals: u64,
}

/// The result of a run: the `detect --format json` document.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    pub alerts: Vec<Alert>,
    /// Alerts grouped by the people, sessions and addresses they share.
    pub incidents: Vec<Incident>,
    pub suppressions: Vec<Suppression>,
    pub coverage: Coverage,
    pub generated: DateTime<Utc>,
    pub analytics: Vec<String>,
    pub params: BTreeMap<String, BTreeMap<String, super::params::ParamValue>>,
    pub stats: RunStats,
}

impl Detection {
    /// Alerts at or above `min`.
    pub fn at_least(&self, min: Severity) -> impl Iterator<Item = &Alert> {
        self.alerts.iter().filter(move |a| a.severity >= min)
    }
}

/// True for audit records a detection may need in full: the catalogue's grant and trust operations, and those the
/// selected detections name in their `[records]`.
fn keep_whole(ev: &Event, wanted: &HashSet<&str>) -> bool {
    let Some(src) = ev.source else { return false };
    if !matches!(
        src,
        Source::EntraAudit | Source::UalAzureAd | Source::UalExchange | Source::UalOther | Source::UalSharepoint
    ) {
        return false;
    }
    if src == Source::UalExchange && ev.mailbox.as_ref().is_some_and(|m| m.item_count.is_some()) {
        return false;
    }
    let op = op_name(ev);
    wanted.contains(op.as_str()) || OpList::ALL.iter().any(|l| catalog::is_operation(*l, &op))
}

/// The UAL carries a copy of each Entra audit record (`Add partner to company.`); when the case holds both, the
/// Entra record is kept and the copy dropped so one change is one finding.
fn drop_ual_copies(audits: &mut Vec<Event>) {
    let entra: Vec<(i64, String, String)> = audits
        .iter()
        .filter(|e| e.source == Some(Source::EntraAudit))
        .map(|e| (e.ts.map(|t| t.timestamp()).unwrap_or(0), op_name(e), super::common::actor_of(e)))
        .collect();
    if entra.is_empty() {
        return;
    }
    audits.retain(|e| {
        if e.source != Some(Source::UalAzureAd) {
            return true;
        }
        let (ts, op, actor) = (e.ts.map(|t| t.timestamp()).unwrap_or(0), op_name(e), super::common::actor_of(e));
        !entra.iter().any(|(t, o, a)| (t - ts).abs() <= 300 && *o == op && *a == actor)
    });
}

/// The detections to run: all registered ones, or those named in `only` (an unknown id is an error).
fn selected(ctx: &DetectContext) -> Result<Vec<&'static dyn Detector>, AnalyticsError> {
    if ctx.only.is_empty() {
        return Ok(registry::all().to_vec());
    }
    let mut out: Vec<&'static dyn Detector> = Vec::new();
    for id in &ctx.only {
        let d = registry::find(id).ok_or_else(|| AnalyticsError::UnknownAnalytic(id.clone()))?;
        if !out.iter().any(|o| o.id() == d.id()) {
            out.push(d);
        }
    }
    Ok(out)
}

/// Runs the analytics over any stream of events (the index, or a test's vector).
pub fn detect_events<I, E>(events: I, ctx: &DetectContext) -> Result<Detection, AnalyticsError>
where
    I: IntoIterator<Item = Result<Event, E>>,
    E: std::fmt::Display,
{
    catalog::check()?;
    let run = selected(ctx)?;
    let all_params = params::resolve(&ctx.config)?;
    let clock = Clock::new(ctx.config.timezone(), &ctx.config.hours);
    let mut store = Store::new(clock);
    let wanted: HashSet<&str> =
        run.iter().filter_map(|d| params::meta(d.id())).flat_map(|m| m.operations.iter().map(String::as_str)).collect();
    let mut audits = Vec::new();
    let mut stats = RunStats::default();
    for ev in events {
        let ev = match ev {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("skipping an unreadable stored event: {e}");
                continue;
            }
        };
        store.observe(&ev);
        if keep_whole(&ev, &wanted) {
            if audits.len() < MAX_AUDITS {
                audits.push(ev);
            } else {
                stats.audits_dropped += 1;
            }
        }
    }
    store.finish();
    audits.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
    drop_ual_copies(&mut audits);
    stats.events = store.events;
    stats.touches = store.touches.len() as u64;
    stats.audits_kept = audits.len() as u64;
    stats.principals = store.profiles.len() as u64;

    let mut coverage = Coverage::from_store(&store);
    let mut alerts = Vec::new();
    let mut suppressions = Suppressions::default();
    for det in &run {
        let id = &det.id();
        let params: &Params = &all_params[*id];
        let meta = params::meta(id).ok_or_else(|| AnalyticsError::Metadata(format!("no metadata for {id}")))?;
        let cx = Cx { store: &store, audits: &audits, params, meta, config: &ctx.config, facts: &ctx.facts };
        let found: Findings = det.run(&cx);
        let mut notes = found.notes;
        if stats.audits_dropped > 0 && det.reads_audit_records() {
            notes.push(format!(
                "{} audit records beyond the first {MAX_AUDITS} were not examined",
                stats.audits_dropped
            ));
        }
        coverage.judge(meta, notes, params.overridden.clone());
        let present: Vec<String> = meta
            .sources_needed
            .iter()
            .chain(&meta.sources_optional)
            .map(|s| {
                let held = s.parse::<Source>().is_ok_and(|src| store.has_source(src));
                format!("{s}: {}", if held { "present" } else { "missing" })
            })
            .collect();
        for mut b in found.alerts {
            b.alert.sources = present.clone();
            alerts.push(b.finish());
        }
        suppressions.merge(found.suppressions);
    }
    alerts.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.first_seen.cmp(&b.first_seen)).then(a.id.cmp(&b.id)));
    alerts.dedup_by(|a, b| a.id == b.id);
    let incidents = super::incidents::group(&mut alerts, &ctx.config);
    Ok(Detection {
        alerts,
        incidents,
        suppressions: suppressions.into_vec(),
        coverage,
        generated: ctx.now,
        analytics: run.iter().map(|d| d.id().to_string()).collect(),
        params: all_params
            .iter()
            .filter(|(k, _)| run.iter().any(|d| d.id() == k.as_str()))
            .map(|(k, p)| (k.clone(), p.values().clone()))
            .collect(),
        stats,
    })
}

/// Runs the analytics over a case's index.
pub fn detect(index: &CaseIndex, ctx: &DetectContext) -> Result<Detection, AnalyticsError> {
    detect_events(index.scan().map(|r: Result<Event, IndexError>| r), ctx)
}
