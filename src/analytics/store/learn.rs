//! Learning from a successful event: its principal's baseline, the tenant-wide prevalence of networks and clients,
//! and the tenant's sign-in hours.

use super::observe::Observed;
use super::profile::{Feat, Profile};
use super::strings::Sym;
use super::Store;
use crate::analytics::graph::GraphClass;
use crate::model::{ActorKind, Event};
use chrono::{DateTime, Utc};

/// Most principals remembered per feature value, which bounds the prevalence map.
const MAX_PREVALENCE_USERS: usize = 64;

/// Most other names remembered per principal (object ids, display names, app ids).
const MAX_NAMES: usize = 8;

/// The interned values a baseline entry needs beyond the shared facts.
struct BaselineValues {
    asn: Sym,
    class: Sym,
    template: Sym,
    /// Other names the record gives the principal.
    names: Vec<Sym>,
}

impl Store {
    /// Adds a successful event to its principal's baseline, the tenant prevalence and the tenant's hours.
    pub(super) fn learn(&mut self, ev: &Event, ts: DateTime<Utc>, seen: &Observed) {
        let hour = self.clock.hour(ts) as usize;
        let values = BaselineValues {
            asn: if seen.asn != 0 { self.strings.intern(&seen.asn.to_string()) } else { 0 },
            class: self.strings.intern(seen.ua_class.as_str()),
            template: match &seen.shape {
                Some(s) => self.strings.intern(&s.template),
                None => 0,
            },
            names: crate::analytics::allow::names_in_event(ev)
                .into_iter()
                .map(|n| n.trim().to_ascii_lowercase())
                .filter(|n| n.as_str() != self.strings.name(seen.actor))
                .collect::<Vec<String>>()
                .iter()
                .map(|n| self.strings.intern(n))
                .collect(),
        };
        let p = self.profiles.entry(seen.actor).or_default();
        note_activity(p, ev, ts.timestamp(), seen, hour);
        note_features(p, seen, &values);
        for n in &values.names {
            if p.names.len() < MAX_NAMES && !p.names.contains(n) {
                p.names.push(*n);
            }
        }
        self.note_prevalence(seen, values.asn);
        if seen.interactive && matches!(ev.actor.kind, ActorKind::User | ActorKind::Guest) {
            let l = ts.with_timezone(&self.clock.tz);
            let wd = chrono::Datelike::weekday(&l).num_days_from_monday() as usize;
            self.tenant_hours[wd][hour] += 1;
        }
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

/// Where from and with what the principal acted: the day each feature value was seen.
fn note_features(p: &mut Profile, seen: &Observed, values: &BaselineValues) {
    let day = seen.day;
    let add = |p: &mut Profile, f: Feat, v: Sym| {
        if v != 0 {
            p.features.entry((f, v)).or_default().insert(day);
        }
    };
    add(p, Feat::Country, seen.country);
    add(p, Feat::Asn, values.asn);
    add(p, Feat::UaFamily, seen.ua_family);
    add(p, Feat::UaClass, values.class);
    add(p, Feat::Ip, seen.ip);
    if seen.signin {
        add(p, Feat::ClientApp, seen.app);
    }
    if seen.interactive {
        add(p, Feat::InteractiveCountry, seen.country);
        add(p, Feat::InteractiveAsn, values.asn);
    }
    if let Some(s) = &seen.shape {
        add(p, Feat::GraphTemplate, values.template);
        if s.class == GraphClass::Enumeration {
            add(p, Feat::Enumeration, 1);
        }
    }
}
