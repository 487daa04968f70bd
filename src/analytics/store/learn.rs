//! Learning from a successful event: its principal's baseline, the tenant-wide prevalence of networks and clients,
//! and the tenant's sign-in hours.

use super::observe::Observed;
use super::profile::{Feat, FeatureSet, Profile};
use super::strings::Sym;
use super::Store;
use crate::analytics::graph::GraphClass;
use crate::model::{ActorKind, Event};
use chrono::{DateTime, Utc};

/// Most principals remembered per feature value, which bounds the prevalence map.
const MAX_PREVALENCE_USERS: usize = 64;

/// Most other names remembered per principal (object ids, display names, app ids).
const MAX_NAMES: usize = 8;

impl Store {
    /// Adds a successful event to its principal's baseline, the tenant prevalence and the tenant's hours.
    pub(super) fn learn(&mut self, ev: &Event, ts: DateTime<Utc>, seen: &Observed) {
        let hour = self.clock.hour(ts) as usize;
        let asn = self.memo.asn(&mut self.strings, seen.asn);
        let features = FeatureSet {
            day: seen.day,
            country: seen.country,
            asn,
            ua_family: seen.ua_family,
            class: self.memo.class(&mut self.strings, seen.ua_class),
            ip: seen.ip,
            app: if seen.signin { seen.app } else { 0 },
            interactive: seen.interactive,
            template: seen.shape.as_ref().map(|s| self.strings.intern(&s.template)),
            enumeration: seen.shape.as_ref().is_some_and(|s| s.class == GraphClass::Enumeration),
        };
        let names_hash = raw_names_hash(ev);
        let fresh_names = self.profiles.get(&seen.actor).is_none_or(|p| p.last_names != names_hash);
        let names: Vec<Sym> = if fresh_names { self.other_names(ev, seen.actor) } else { Vec::new() };
        let p = self.profiles.entry(seen.actor).or_default();
        note_activity(p, ev, ts.timestamp(), seen, hour);
        if p.last_features != Some(features) {
            note_features(p, &features, p.last_features);
            p.last_features = Some(features);
        }
        if fresh_names {
            p.last_names = names_hash;
            for n in names {
                if p.names.len() < MAX_NAMES && !p.names.contains(&n) {
                    p.names.push(n);
                }
            }
        }
        self.note_prevalence(seen, asn);
        if seen.interactive && matches!(ev.actor.kind, ActorKind::User | ActorKind::Guest) {
            let l = ts.with_timezone(&self.clock.tz);
            let wd = chrono::Datelike::weekday(&l).num_days_from_monday() as usize;
            self.tenant_hours[wd][hour] += 1;
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

    /// Remembers which principals used the event's country, network and client family.
    fn note_prevalence(&mut self, seen: &Observed, asn: Sym) {
        for (f, v) in [(Feat::Country, seen.country), (Feat::Asn, asn), (Feat::UaFamily, seen.ua_family)] {
            if v != 0 {
                let users = self.prevalence.entry((f, v)).or_default();
                if users.len() < MAX_PREVALENCE_USERS && !users.contains(&seen.actor) {
                    users.push(seen.actor);
                }
            }
        }
    }
}

/// When the principal was active: first and last time, active and sign-in days, presence hours.
fn note_activity(p: &mut Profile, ev: &Event, unix: i64, seen: &Observed, hour: usize) {
    if p.first_ts == 0 || unix < p.first_ts {
        p.first_ts = unix;
    }
    p.last_ts = p.last_ts.max(unix);
    p.kind.get_or_insert(ev.actor.kind);
    p.active.insert(seen.day);
    if seen.signin || seen.audited {
        p.signin_days.insert(seen.day);
    }
    if seen.interactive || seen.audited {
        let e = p.hours.entry(seen.day).or_insert([0; 24]);
        e[hour] = e[hour].saturating_add(1);
    }
}

/// Where from and with what the principal acted: the day each feature value was seen. `last` is the set noted
/// for the principal's previous event: a value it held on the same day is already noted, so only what changed is
/// looked up.
fn note_features(p: &mut Profile, f: &FeatureSet, last: Option<FeatureSet>) {
    let day = f.day;
    let last = last.filter(|l| l.day == day);
    let mut add = |feat: Feat, v: Sym, before: Option<Sym>| {
        if v != 0 && before != Some(v) {
            p.features.entry((feat, v)).or_default().insert(day);
        }
    };
    add(Feat::Country, f.country, last.map(|l| l.country));
    add(Feat::Asn, f.asn, last.map(|l| l.asn));
    add(Feat::UaFamily, f.ua_family, last.map(|l| l.ua_family));
    add(Feat::UaClass, f.class, last.map(|l| l.class));
    add(Feat::Ip, f.ip, last.map(|l| l.ip));
    add(Feat::ClientApp, f.app, last.map(|l| l.app));
    if f.interactive {
        let was = last.filter(|l| l.interactive);
        add(Feat::InteractiveCountry, f.country, was.map(|l| l.country));
        add(Feat::InteractiveAsn, f.asn, was.map(|l| l.asn));
    }
    if let Some(template) = f.template {
        add(Feat::GraphTemplate, template, last.and_then(|l| l.template));
        if f.enumeration {
            add(Feat::Enumeration, 1, last.filter(|l| l.enumeration && l.template.is_some()).map(|_| 1));
        }
    }
}

/// A hash of the names a record gives its principal, as written.
fn raw_names_hash(ev: &Event) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for n in crate::analytics::allow::event_names(ev) {
        n.hash(&mut h);
    }
    // Never 0, the hash of a principal not yet seen.
    h.finish() | 1
}
