//! Per-principal baselines: when and from where each user, app or service principal usually acts.

use super::days::DaySet;
use super::strings::Sym;
use crate::analytics::clock::{Clock, Day};
use crate::model::{ActorKind, Event};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// The kinds of facts a baseline remembers per principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feat {
    /// Country of the source address.
    Country,
    /// Autonomous system of the source address.
    Asn,
    /// User-agent family (`python-requests`, `Chrome`, …).
    UaFamily,
    /// User-agent class (browser, scripting, offensive, …).
    UaClass,
    /// Client application id of a sign-in.
    ClientApp,
    /// Graph request template (`/v1.0/users/{id}/messages`).
    GraphTemplate,
    /// Country of an interactive sign-in.
    InteractiveCountry,
    /// Autonomous system of an interactive sign-in.
    InteractiveAsn,
    /// Any directory enumeration through Graph (value 1).
    Enumeration,
    /// Source address.
    Ip,
}

/// What the case says about one principal (user, service principal/app, or the tenant).
#[derive(Debug, Default)]
pub struct Profile {
    /// First successful activity (unix seconds).
    pub first_ts: i64,
    /// Last successful activity (unix seconds).
    pub last_ts: i64,
    /// Days with any activity by the principal.
    pub active: DaySet,
    /// Days with a successful sign-in or an audited operation performed by the principal.
    pub signin_days: DaySet,
    /// The days each feature value was seen.
    pub features: HashMap<(Feat, Sym), DaySet>,
    /// Presence hours (interactive sign-ins and audited operations) per local day.
    pub hours: BTreeMap<Day, [u16; 24]>,
    /// The actor kind of the principal's first successful event.
    pub kind: Option<ActorKind>,
    /// User-agent classes seen for the principal.
    pub ua_classes_seen: u16,
    /// Other names the principal went by (object id, display name, app id), for allow lists.
    pub names: Vec<Sym>,
    /// The features of the principal's last learnt event: most events repeat their predecessor's, and learning
    /// the same day again changes nothing.
    pub(super) last_features: Option<FeatureSet>,
}

/// Everything one event adds to its principal's feature days, compared whole to skip repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FeatureSet {
    pub day: Day,
    pub country: Sym,
    pub asn: Sym,
    pub ua_family: Sym,
    pub class: Sym,
    pub ip: Sym,
    /// The client application, for sign-ins only.
    pub app: Sym,
    pub interactive: bool,
    /// The Graph request template, when the event is a Graph request.
    pub template: Option<Sym>,
    pub enumeration: bool,
}

impl Profile {
    /// Distinct days in `[from, to)` on which feature `(f, v)` was seen.
    pub fn days_with(&self, f: Feat, v: Sym, from: Day, to: Day) -> usize {
        self.features.get(&(f, v)).map(|d| d.count_in(from, to)).unwrap_or(0)
    }

    /// The feature values of kind `f` seen on at least `min_days` days in `[from, to)`.
    pub fn values_of(&self, f: Feat, from: Day, to: Day, min_days: usize) -> Vec<Sym> {
        let mut v: Vec<Sym> = self
            .features
            .iter()
            .filter(|((k, _), d)| *k == f && d.count_in(from, to) >= min_days.max(1))
            .map(|((_, s), _)| *s)
            .collect();
        v.sort();
        v
    }

    /// Hour-of-week histogram of presence over `[from, to)`.
    pub fn how_histogram(&self, from: Day, to: Day) -> [u32; 168] {
        let mut h = [0u32; 168];
        for (d, hours) in self.hours.range(from..to) {
            let base = Clock::weekday_of(*d).num_days_from_monday() as usize * 24;
            for (i, c) in hours.iter().enumerate() {
                h[base + i] += *c as u32;
            }
        }
        h
    }

    /// Days of history the case holds for the principal before `day` (from first sight).
    pub fn history_days(&self, day: Day) -> i32 {
        match self.active.first() {
            Some(f) if f < day => day - f,
            _ => 0,
        }
    }
}

/// The principal key an event's actor is baselined under: the UPN for people, `app:<id>` for app-only actors.
pub fn principal_key(ev: &Event) -> Option<String> {
    let mut key = String::new();
    write_principal_key(ev, &mut key).then_some(key)
}

/// Writes the key of [`principal_key`] into `out` (emptied first), for a caller that reuses one buffer for every
/// event; false when the event has no principal.
pub fn write_principal_key(ev: &Event, out: &mut String) -> bool {
    out.clear();
    let (prefix, name) = match ev.actor.kind {
        ActorKind::Sp | ActorKind::Mi => ("app:", ev.app_id.as_deref().or(ev.actor.id.as_deref())),
        ActorKind::Anonymous => return false,
        _ => ("", ev.actor.upn.as_deref().filter(|s| !s.is_empty()).or(ev.actor.id.as_deref())),
    };
    let Some(name) = name else { return false };
    out.push_str(prefix);
    out.push_str(name);
    out.make_ascii_lowercase();
    true
}
