//! Evaluating the loaded rules over a case's events: compiled once, each event routed to the rules of the
//! logsources its source feeds, batches evaluated in parallel; correlation rules see their events in time order.

use super::backend::{self, Correlator, RuleEngine};
use super::group::{Group, Groups};
use super::load::RuleSet;
use super::record::Record;
use super::view::EventView;
use super::SigmaError;
use crate::model::{Event, Source};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// One event a rule matched, with what the alert needs from it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: String,
    pub event: String,
    pub ts: Option<DateTime<Utc>>,
    pub user: String,
    pub ip: String,
    pub session: String,
    pub app: Option<(String, Option<String>)>,
    pub tenant: String,
    /// The rule's fields and the values the event gave them.
    pub values: Vec<(String, String)>,
}

/// Counts for the record and the benchmark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SigmaStats {
    /// Events handed to at least one rule.
    pub evaluated: u64,
    /// Events no loaded rule's logsource covers.
    pub skipped: u64,
}

struct Correlation {
    engine: Mutex<Box<dyn Correlator>>,
    sources: Vec<Source>,
    /// Events its detections matched, kept to be fed in time order at the end.
    kept: Mutex<Vec<Event>>,
}

/// The compiled rules of one run.
pub struct SigmaRun {
    set: RuleSet,
    by_source: HashMap<Source, Box<dyn RuleEngine>>,
    correlations: Vec<Correlation>,
    groups: Mutex<Groups>,
    /// Every match with its values, kept only when asked for (`harrier rules test`).
    every: Option<Mutex<Vec<Hit>>>,
    stats: Mutex<SigmaStats>,
}

impl SigmaRun {
    /// Compiles the loaded rules: one engine per harrier source, holding the rules that source feeds.
    pub fn compile(set: RuleSet) -> Result<SigmaRun, SigmaError> {
        let mut by_source = HashMap::new();
        let correlated: BTreeSet<usize> =
            set.files.iter().enumerate().filter(|(_, f)| f.has_correlation()).map(|(i, _)| i).collect();
        for src in Source::ALL {
            let files: BTreeSet<usize> = set
                .loaded
                .iter()
                .filter(|r| r.sources.contains(&src) && !correlated.contains(&r.file))
                .map(|r| r.file)
                .collect();
            if files.is_empty() {
                continue;
            }
            let wanted: Vec<_> = files
                .iter()
                .map(|&i| {
                    set.files[i].only(&|id| set.rule(id).is_some_and(|r| r.sources.contains(&src) && r.file == i))
                })
                .collect();
            let engine = backend::compile(&wanted.iter().collect::<Vec<_>>()).map_err(SigmaError::Compile)?;
            by_source.insert(src, engine);
        }
        let mut correlations = Vec::new();
        for &i in &correlated {
            let sources: BTreeSet<Source> =
                set.loaded.iter().filter(|r| r.file == i).flat_map(|r| r.sources.iter().copied()).collect();
            let engine = backend::correlator(&set.files[i]).map_err(SigmaError::Compile)?;
            correlations.push(Correlation {
                engine: Mutex::new(engine),
                sources: sources.into_iter().collect(),
                kept: Mutex::new(Vec::new()),
            });
        }
        Ok(SigmaRun { set, by_source, correlations, groups: Mutex::default(), every: None, stats: Mutex::default() })
    }

    /// The same run keeping every match with the values the rule read.
    pub fn keeping_every_match(self) -> SigmaRun {
        SigmaRun { every: Some(Mutex::default()), ..self }
    }

    /// The rules this run holds.
    pub fn rules(&self) -> &RuleSet {
        &self.set
    }

    /// Evaluates a batch of events in parallel.
    pub fn evaluate_batch(&self, events: &[Event]) {
        let found: Vec<(Vec<String>, bool)> =
            events.par_chunks(256).map(|c| self.evaluate_chunk(c)).flat_map_iter(|v| v).collect();
        let mut stats = SigmaStats::default();
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        for (ev, (ids, routed)) in events.iter().zip(&found) {
            if *routed {
                stats.evaluated += 1;
            } else {
                stats.skipped += 1;
            }
            for id in ids {
                groups.add(&self.set, id, ev);
                if let Some(every) = &self.every {
                    every.lock().unwrap_or_else(|e| e.into_inner()).push(hit(&self.set, id, ev));
                }
            }
        }
        drop(groups);
        if let Ok(mut s) = self.stats.lock() {
            s.evaluated += stats.evaluated;
            s.skipped += stats.skipped;
        }
    }

    fn evaluate_chunk(&self, events: &[Event]) -> Vec<(Vec<String>, bool)> {
        events
            .iter()
            .map(|ev| {
                let mut ids = Vec::new();
                let routed = self.evaluate_one(ev, &mut ids);
                (ids, routed)
            })
            .collect()
    }

    /// The ids of the detection rules matching one event; whether any rule covers its source.
    fn evaluate_one(&self, ev: &Event, ids: &mut Vec<String>) -> bool {
        let Some(src) = ev.source else { return false };
        let view = EventView { event: ev, map: &self.set.fields };
        let mut routed = false;
        if let Some(engine) = self.by_source.get(&src) {
            routed = true;
            engine.matching(&view, ids);
        }
        for c in self.correlations.iter().filter(|c| c.sources.contains(&src)) {
            routed = true;
            let wants = c.engine.lock().map(|e| e.wants(&view)).unwrap_or(false);
            if wants {
                if let Ok(mut kept) = c.kept.lock() {
                    kept.push(ev.clone());
                }
            }
        }
        routed
    }

    /// Feeds the correlations their events in time order; every group of matches, every match when they were
    /// kept, the run's counts and the rules.
    pub fn finish(self) -> Finished {
        let mut groups = self.groups.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut every = self.every.map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).unwrap_or_default();
        for c in self.correlations {
            let mut kept = c.kept.into_inner().unwrap_or_default();
            kept.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
            let Ok(mut engine) = c.engine.into_inner() else { continue };
            for ev in &kept {
                let view = EventView { event: ev, map: &self.set.fields };
                let secs = ev.ts.map_or(0, |t| t.timestamp());
                for id in engine.feed(&view, secs) {
                    groups.add(&self.set, &id, ev);
                    every.push(hit(&self.set, &id, ev));
                }
            }
        }
        every.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.event.cmp(&b.event)));
        Finished {
            groups: groups.into_sorted(),
            every,
            stats: self.stats.into_inner().unwrap_or_default(),
            rules: self.set,
        }
    }
}

/// What a finished run hands back.
pub struct Finished {
    pub groups: Vec<Group>,
    pub every: Vec<Hit>,
    pub stats: SigmaStats,
    pub rules: RuleSet,
}

/// What the alert needs from an event a rule matched.
pub fn hit(set: &RuleSet, rule: &str, ev: &Event) -> Hit {
    let view = EventView { event: ev, map: &set.fields };
    let fields = set.rule(rule).map(|r| r.info.fields.clone()).unwrap_or_default();
    let values = fields.into_iter().filter_map(|f| view.field(&f).map(|v| (f, v.show()))).collect();
    Hit {
        rule: rule.to_string(),
        event: ev.id.clone(),
        ts: ev.ts,
        user: ev.actor.upn.clone().unwrap_or_default(),
        ip: ev.net.ip.map(|i| i.to_string()).unwrap_or_default(),
        session: ev.session_id.clone().unwrap_or_default(),
        app: ev.app_id.clone().map(|id| (id, ev.app_name.clone())),
        tenant: ev.actor.home_tenant.clone().unwrap_or_default(),
        values,
    }
}
