//! Matches of one rule on one UTC day, gathered as they come (in any order) into what its alert needs, with
//! bounded memory however many events match: a count, the time span, the earliest evidence and a capped set of
//! each kind of entity. What is kept does not depend on the order matches arrive in.

use super::load::RuleSet;
use super::run::{hit, Hit};
use crate::analytics::alert::MAX_EVIDENCE;
use crate::model::Event;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

/// Entities of each kind kept per group.
const MAX_ENTITIES: usize = 50;

/// One rule's matches on one day.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub rule: String,
    pub count: u64,
    pub first_ts: Option<DateTime<Utc>>,
    pub last_ts: Option<DateTime<Utc>>,
    /// The earliest match, with the values the rule read.
    pub first: Option<Hit>,
    evidence: BinaryHeap<(Option<DateTime<Utc>>, String)>,
    pub users: BTreeSet<String>,
    pub ips: BTreeSet<String>,
    pub sessions: BTreeSet<String>,
    pub tenants: BTreeSet<String>,
    pub apps: BTreeMap<String, Option<String>>,
}

fn capped(set: &mut BTreeSet<String>, v: &str) {
    if v.is_empty() || set.contains(v) {
        return;
    }
    set.insert(v.to_string());
    if set.len() > MAX_ENTITIES {
        set.pop_last();
    }
}

impl Group {
    fn add(&mut self, set: &RuleSet, ev: &Event) {
        self.count += 1;
        self.first_ts = match (self.first_ts, ev.ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ts = self.last_ts.max(ev.ts);
        let key = (ev.ts, ev.id.clone());
        let earlier = self.first.as_ref().is_none_or(|f| (ev.ts, ev.id.as_str()) < (f.ts, f.event.as_str()));
        if earlier {
            self.first = Some(hit(set, &self.rule, ev));
        }
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence.push(key);
        } else if self.evidence.peek().is_some_and(|top| key < *top) {
            self.evidence.pop();
            self.evidence.push(key);
        }
        capped(&mut self.users, ev.actor.upn.as_deref().unwrap_or_default());
        capped(&mut self.ips, &ev.net.ip.map(|i| i.to_string()).unwrap_or_default());
        capped(&mut self.sessions, ev.session_id.as_deref().unwrap_or_default());
        capped(&mut self.tenants, ev.actor.home_tenant.as_deref().unwrap_or_default());
        if let Some(id) = ev.app_id.as_deref().filter(|a| !a.is_empty()) {
            if !self.apps.contains_key(id) {
                self.apps.insert(id.to_string(), ev.app_name.clone());
                if self.apps.len() > MAX_ENTITIES {
                    self.apps.pop_last();
                }
            }
        }
    }

    /// The kept evidence, oldest first.
    pub fn evidence(&self) -> Vec<(Option<DateTime<Utc>>, String)> {
        self.evidence.clone().into_sorted_vec()
    }
}

/// Every group of a run, by rule and day.
#[derive(Debug, Default)]
pub struct Groups {
    by_key: HashMap<(String, i64), Group>,
}

impl Groups {
    /// Counts one match of `rule` on `ev`.
    pub fn add(&mut self, set: &RuleSet, rule: &str, ev: &Event) {
        let day = ev.ts.map_or(i64::MIN, |t| t.timestamp().div_euclid(86_400));
        let g = self
            .by_key
            .entry((rule.to_string(), day))
            .or_insert_with(|| Group { rule: rule.to_string(), ..Group::default() });
        g.add(set, ev);
    }

    /// The groups by rule, then day.
    pub fn into_sorted(self) -> Vec<Group> {
        let mut v: Vec<((String, i64), Group)> = self.by_key.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().map(|(_, g)| g).collect()
    }
}
