//! Runs the analytics: one pass over the events into the store, then each analytic over what was kept.

use super::alert::{Alert, Suppression, Suppressions};
use super::catalog;
use super::clock::Clock;
use super::common::{Cx, Findings};
use super::coverage::Coverage;
use super::incidents::Incident;
use super::kept_records::{drop_ual_copies, Keeper, MAX_AUDITS};
use super::params::{self, AnalyticMeta, Params};
use super::registry::{self, Detector};
use super::sigma::worker::SigmaWorker;
use super::sigma::{RuleSet, SigmaRun, SkippedRule};
use super::spent_events::SpentEvents;
use super::store::Store;
use super::AnalyticsError;
use crate::config::CaseConfig;
use crate::facts::Facts;
use crate::index::{CaseIndex, IndexError};
use crate::model::{Event, Severity, Source};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// Sigma rules to run with the detections (loaded and skipped); `None` runs none.
    pub sigma: Option<Arc<RuleSet>>,
}

impl DetectContext {
    /// A run of every analytic under the case's settings, stamped `now`, with no snapshot facts.
    pub fn all(config: CaseConfig, now: DateTime<Utc>) -> DetectContext {
        DetectContext { config, only: Vec::new(), now, facts: Arc::default(), sigma: None }
    }

    /// The same run with Sigma rules.
    pub fn with_sigma(self, rules: RuleSet) -> DetectContext {
        DetectContext { sigma: Some(Arc::new(rules)), ..self }
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
    /// How many rules ran: harrier's own and the Sigma rules loaded, with every Sigma rule that did not load.
    pub rules: RulesSummary,
    pub params: BTreeMap<String, BTreeMap<String, super::params::ParamValue>>,
    pub stats: RunStats,
    /// Where the run's time went; left out of the JSON so that runs stay byte-identical.
    #[serde(skip)]
    pub timings: Timings,
}

/// The `rules` section of `detect --format json`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RulesSummary {
    pub native: usize,
    pub sigma_loaded: usize,
    pub sigma_skipped: Vec<SkippedRule>,
}

/// Time spent in the shared pass over the events and in each detection, for `harrier bench`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading every event and building the store (baselines, touches, kept audit records).
    pub pass: Duration,
    /// Each detection's own run over the store, in run order.
    pub detections: Vec<(String, Duration)>,
    /// Grouping alerts into incidents.
    pub incidents: Duration,
    /// Sigma rules: compiling them, and what evaluating them added after the pass (the rest overlaps it).
    pub sigma: Duration,
}

impl Detection {
    /// Alerts at or above `min`.
    pub fn at_least(&self, min: Severity) -> impl Iterator<Item = &Alert> {
        self.alerts.iter().filter(move |a| a.severity >= min)
    }
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

/// What the one pass over the events leaves for the detections.
struct Pass {
    store: Store,
    audits: Vec<Event>,
    stats: RunStats,
    /// Alerts from the Sigma rules, with the time they added after the pass.
    sigma: Vec<Alert>,
    sigma_spent: Duration,
}

/// Reads every event into the store, keeping whole the audit records some selected detection reads.
fn pass<I, E>(events: I, ctx: &DetectContext, run: &[&'static dyn Detector]) -> Result<Pass, AnalyticsError>
where
    I: IntoIterator<Item = Result<Event, E>>,
    E: std::fmt::Display,
{
    let clock = Clock::new(ctx.config.timezone(), &ctx.config.hours);
    let mut store = Store::new(clock);
    let mut keeper = Keeper::new(run.iter().filter_map(|d| params::meta(d.id())));
    let mut audits = Vec::new();
    let mut stats = RunStats::default();
    let began = Instant::now();
    let mut sigma = match &ctx.sigma {
        Some(rules) if !rules.is_empty() => Some(SigmaWorker::start(SigmaRun::compile(RuleSet::clone(rules))?)),
        _ => None,
    };
    let mut sigma_spent = began.elapsed();
    let mut spent = SpentEvents::start();
    for ev in events {
        let ev = match ev {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("skipping an unreadable stored event: {e}");
                continue;
            }
        };
        store.observe(&ev);
        let keep = keeper.keeps(&ev);
        if keep && audits.len() < MAX_AUDITS {
            audits.push(ev);
            continue;
        }
        if keep {
            stats.audits_dropped += 1;
        }
        match &mut sigma {
            Some(w) => w.put(ev),
            None => spent.put(ev),
        }
    }
    spent.finish();
    let began = Instant::now();
    let sigma = match sigma {
        Some(w) => {
            w.look_at(&audits);
            w.finish().map(sigma_alerts).unwrap_or_default()
        }
        None => Vec::new(),
    };
    sigma_spent += began.elapsed();
    store.finish();
    audits.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
    drop_ual_copies(&mut audits);
    stats.events = store.events;
    stats.touches = store.touches.len() as u64;
    stats.audits_kept = audits.len() as u64;
    stats.principals = store.profiles.len() as u64;
    Ok(Pass { store, audits, stats, sigma, sigma_spent })
}

/// The alerts of a finished Sigma run.
fn sigma_alerts(run: SigmaRun) -> Vec<Alert> {
    let done = run.finish();
    super::sigma::alerts::alerts(&done.rules, &done.groups)
}

/// One detection's findings with the notes its coverage line needs and the time it took.
struct Ran {
    found: Findings,
    notes: Vec<String>,
    spent: Duration,
}

/// Runs one detection over the pass.
fn run_one(det: &dyn Detector, pass: &Pass, params: &Params, meta: &AnalyticMeta, ctx: &DetectContext) -> Ran {
    let cx = Cx { store: &pass.store, audits: &pass.audits, params, meta, config: &ctx.config, facts: &ctx.facts };
    let began = Instant::now();
    let mut found: Findings = det.run(&cx);
    let spent = began.elapsed();
    let mut notes = std::mem::take(&mut found.notes);
    if pass.stats.audits_dropped > 0 && det.reads_audit_records() {
        notes.push(format!(
            "{} audit records beyond the first {MAX_AUDITS} were not examined",
            pass.stats.audits_dropped
        ));
    }
    Ran { found, notes, spent }
}

/// The sources a detection reads, each said present or missing, as its alerts list them.
fn sources_present(meta: &AnalyticMeta, store: &Store) -> Vec<String> {
    meta.sources_needed
        .iter()
        .chain(&meta.sources_optional)
        .map(|s| {
            let held = s.parse::<Source>().is_ok_and(|src| store.has_source(src));
            format!("{s}: {}", if held { "present" } else { "missing" })
        })
        .collect()
}

/// Runs the analytics over any stream of events (the index, or a test's vector). The detections run side by side
/// over the one pass; their findings are taken in registry order, so the result does not depend on which finished
/// first.
pub fn detect_events<I, E>(events: I, ctx: &DetectContext) -> Result<Detection, AnalyticsError>
where
    I: IntoIterator<Item = Result<Event, E>>,
    E: std::fmt::Display,
{
    catalog::check()?;
    let run = selected(ctx)?;
    let all_params = params::resolve(&ctx.config)?;
    let mut metas = Vec::with_capacity(run.len());
    for det in &run {
        let id = det.id();
        metas.push(params::meta(id).ok_or_else(|| AnalyticsError::Metadata(format!("no metadata for {id}")))?);
    }
    let started = Instant::now();
    let mut pass = pass(events, ctx, &run)?;
    let mut timings = Timings { pass: started.elapsed(), sigma: pass.sigma_spent, ..Timings::default() };

    let results: Vec<Ran> = run
        .par_iter()
        .zip(metas.par_iter())
        .map(|(det, meta)| run_one(*det, &pass, &all_params[det.id()], meta, ctx))
        .collect();
    let mut coverage = Coverage::from_store(&pass.store);
    let mut alerts = Vec::new();
    let mut suppressions = Suppressions::default();
    for ((det, meta), ran) in run.iter().zip(&metas).zip(results) {
        timings.detections.push((det.id().to_string(), ran.spent));
        coverage.judge(meta, ran.notes, ran.found.sight, all_params[det.id()].overridden.clone());
        let present = sources_present(meta, &pass.store);
        for mut b in ran.found.alerts {
            b.alert.sources = present.clone();
            alerts.push(b.finish());
        }
        suppressions.merge(ran.found.suppressions);
    }
    alerts.append(&mut pass.sigma);
    alerts.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.first_seen.cmp(&b.first_seen)).then(a.id.cmp(&b.id)));
    alerts.dedup_by(|a, b| a.id == b.id);
    let began = Instant::now();
    let incidents = super::incidents::group(&mut alerts, &ctx.config);
    timings.incidents = began.elapsed();
    Ok(Detection {
        alerts,
        incidents,
        suppressions: suppressions.into_vec(),
        coverage,
        generated: ctx.now,
        analytics: run.iter().map(|d| d.id().to_string()).collect(),
        rules: RulesSummary {
            native: run.len(),
            sigma_loaded: ctx.sigma.as_ref().map_or(0, |s| s.loaded.len()),
            sigma_skipped: ctx.sigma.as_ref().map(|s| s.skipped.clone()).unwrap_or_default(),
        },
        params: all_params
            .iter()
            .filter(|(k, _)| run.iter().any(|d| d.id() == k.as_str()))
            .map(|(k, p)| (k.clone(), p.values().clone()))
            .collect(),
        stats: pass.stats,
        timings,
    })
}

/// Runs the analytics over a case's index.
pub fn detect(index: &CaseIndex, ctx: &DetectContext) -> Result<Detection, AnalyticsError> {
    detect_events(index.scan().map(|r: Result<Event, IndexError>| r), ctx)
}
