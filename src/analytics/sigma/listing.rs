//! `harrier rules list`: harrier's own detections and every Sigma rule it was given, each with its status, the
//! reason a rule did not load, and the fields a rule reads that the case never fills.

use super::load::RuleSet;
use super::record::Record;
use super::view::EventView;
use crate::analytics::{params, registry};
use crate::model::{Event, Source};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// One rule in the listing.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RuleRow {
    /// `native` or `sigma`.
    pub kind: String,
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub level: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// `loaded` or `skipped`.
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Fields the rule names that the mapping does not list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<String>,
    /// Fields the rule reads that no event of the case has a value for (when a case was given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lacking: Vec<String>,
}

/// Which fields some event of each source fills, for the loaded rules' fields.
#[derive(Debug, Default)]
pub struct SeenFields {
    seen: HashMap<Source, HashSet<String>>,
}

impl SeenFields {
    /// Notes the fields the rules of `set` read that `ev` has (once seen, a field is not looked at again).
    pub fn observe(&mut self, set: &RuleSet, ev: &Event) {
        let Some(src) = ev.source else { return };
        let view = EventView { event: ev, map: &set.fields };
        let seen = self.seen.entry(src).or_default();
        for rule in set.loaded.iter().filter(|r| r.sources.contains(&src)) {
            for f in &rule.info.fields {
                if !seen.contains(f.as_str()) && view.field(f).is_some() {
                    seen.insert(f.clone());
                }
            }
        }
    }

    fn has(&self, sources: &[Source], field: &str) -> bool {
        sources.iter().any(|s| self.seen.get(s).is_some_and(|f| f.contains(field)))
    }
}

/// The listing: native detections first, then the Sigma rules loaded, then those skipped.
pub fn rows(set: &RuleSet, seen: Option<&SeenFields>) -> Vec<RuleRow> {
    let mut out = Vec::new();
    for det in registry::all() {
        let title = params::meta(det.id()).map(|m| m.title.clone()).unwrap_or_default();
        out.push(RuleRow {
            kind: "native".into(),
            id: det.id().into(),
            title,
            status: "loaded".into(),
            ..RuleRow::default()
        });
    }
    for r in &set.loaded {
        let lacking: BTreeSet<String> = match seen {
            Some(s) => r.info.fields.iter().filter(|f| !s.has(&r.sources, f)).cloned().collect(),
            None => BTreeSet::new(),
        };
        out.push(RuleRow {
            kind: "sigma".into(),
            id: r.info.id.clone(),
            title: r.info.title.clone(),
            author: r.info.author.clone(),
            level: r.info.level.clone(),
            path: r.path.clone(),
            status: "loaded".into(),
            reason: String::new(),
            unmapped: r.unmapped.clone(),
            lacking: lacking.into_iter().collect(),
        });
    }
    for s in &set.skipped {
        out.push(RuleRow {
            kind: "sigma".into(),
            title: s.title.clone(),
            path: s.path.clone(),
            status: "skipped".into(),
            reason: s.reason.clone(),
            ..RuleRow::default()
        });
    }
    out
}
