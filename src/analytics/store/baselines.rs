//! The baselines a pass learns: each principal's profile, the tenant-wide prevalence of networks and clients, and
//! the tenant's sign-in hours. They are learnt from [`Lesson`]s, in which every string is already a symbol, so
//! that learning needs no interner and can run on a thread of its own beside the pass (see [`super::learner`]).

use super::profile::{Feat, FeatureSet, Profile};
use super::strings::Sym;
use crate::analytics::clock::{Clock, Day};
use crate::model::ActorKind;
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap as HashMap;

/// Most principals remembered per feature value, which bounds the prevalence map.
const MAX_PREVALENCE_USERS: usize = 64;

/// Most other names remembered per principal (object ids, display names, app ids).
const MAX_NAMES: usize = 8;

/// What one successful event teaches the baselines.
#[derive(Debug, Clone)]
pub(super) struct Lesson {
    pub actor: Sym,
    pub kind: ActorKind,
    pub ts: DateTime<Utc>,
    pub day: Day,
    pub signin: bool,
    pub audited: bool,
    pub interactive: bool,
    pub features: FeatureSet,
    /// The other names the record gives its principal, interned; only when they differ from the names its
    /// previous record gave.
    pub names: Vec<Sym>,
}

/// Profiles, prevalence and tenant hours.
#[derive(Debug, Default)]
pub(super) struct Baselines {
    pub profiles: HashMap<Sym, Profile>,
    pub prevalence: HashMap<(Feat, Sym), Vec<Sym>>,
    pub tenant_hours: [[u32; 24]; 7],
}

impl Baselines {
    /// Adds one lesson; `clock` gives its local hour.
    pub fn learn(&mut self, clock: &Clock, l: Lesson) {
        let hour = clock.hour(l.ts) as usize;
        let p = self.profiles.entry(l.actor).or_default();
        note_activity(p, &l, hour);
        if p.last_features != Some(l.features) {
            note_features(p, &l.features, p.last_features);
            p.last_features = Some(l.features);
        }
        for n in l.names {
            if p.names.len() < MAX_NAMES && !p.names.contains(&n) {
                p.names.push(n);
            }
        }
        let f = &l.features;
        for (feat, v) in [(Feat::Country, f.country), (Feat::Asn, f.asn), (Feat::UaFamily, f.ua_family)] {
            if v != 0 {
                let users = self.prevalence.entry((feat, v)).or_default();
                if users.len() < MAX_PREVALENCE_USERS && !users.contains(&l.actor) {
                    users.push(l.actor);
                }
            }
        }
        if l.interactive && matches!(l.kind, ActorKind::User | ActorKind::Guest) {
            let wd = Clock::weekday_of(l.day).num_days_from_monday() as usize;
            self.tenant_hours[wd][hour] += 1;
        }
    }
}

/// When the principal was active: first and last time, active and sign-in days, presence hours.
fn note_activity(p: &mut Profile, l: &Lesson, hour: usize) {
    let unix = l.ts.timestamp();
    if p.first_ts == 0 || unix < p.first_ts {
        p.first_ts = unix;
    }
    p.last_ts = p.last_ts.max(unix);
    p.kind.get_or_insert(l.kind);
    p.active.insert(l.day);
    if l.signin || l.audited {
        p.signin_days.insert(l.day);
    }
    if l.interactive || l.audited {
        let e = p.hours.entry(l.day).or_insert([0; 24]);
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
