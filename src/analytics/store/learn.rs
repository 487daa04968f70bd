//! Learning from a successful event: the pass's thread turns it into a [`Lesson`] (every string interned) and hands
//! it to the learner, which adds it to the principal's baseline, the tenant prevalence and the tenant's hours.

use super::baselines::Lesson;
use super::observe::Observed;
use super::profile::FeatureSet;
use super::strings::Sym;
use super::Store;
use crate::analytics::graph::GraphClass;
use crate::model::Event;
use chrono::{DateTime, Utc};

impl Store {
    /// Hands a successful event's lesson to the learner.
    pub(super) fn learn(&mut self, ev: &Event, ts: DateTime<Utc>, seen: &Observed) {
        let features = FeatureSet {
            day: seen.day,
            country: seen.country,
            asn: self.memo.asn(&mut self.strings, seen.asn),
            ua_family: seen.ua_family,
            class: self.memo.class(&mut self.strings, seen.ua_class),
            ip: seen.ip,
            app: if seen.signin { seen.app } else { 0 },
            interactive: seen.interactive,
            template: seen.shape.as_ref().map(|s| self.strings.intern(&s.template)),
            enumeration: seen.shape.as_ref().is_some_and(|s| s.class == GraphClass::Enumeration),
        };
        let names = if self.memo.names_changed(seen.actor, raw_names_hash(ev)) {
            self.other_names(ev, seen.actor)
        } else {
            Vec::new()
        };
        let lesson = Lesson {
            actor: seen.actor,
            kind: ev.actor.kind,
            ts,
            day: seen.day,
            signin: seen.signin,
            audited: seen.audited,
            interactive: seen.interactive,
            features,
            names,
        };
        if let Some(learner) = self.learner.as_mut() {
            learner.put(lesson);
        }
    }

    /// The names the record gives its principal other than the key it is kept under, interned.
    fn other_names(&mut self, ev: &Event, actor: Sym) -> Vec<Sym> {
        let names: Vec<String> = crate::analytics::allow::names_in_event(ev)
            .into_iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| n.as_str() != self.strings.name(actor))
            .collect();
        names.iter().map(|n| self.strings.intern(n)).collect()
    }
}

/// A hash of the names a record gives its principal, as written.
fn raw_names_hash(ev: &Event) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for n in crate::analytics::allow::event_names(ev) {
        n.hash(&mut h);
    }
    h.finish()
}
