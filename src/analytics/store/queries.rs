//! How the analytics read the store after the pass: touches by session, token or principal, and baselines.

use super::profile::{Feat, Profile};
use super::signin_facts::{Place, SignInRisk};
use super::strings::Sym;
use super::touch::Touch;
use super::Store;
use crate::model::Source;

impl Store {
    /// Touches sharing a session id, in time order.
    pub fn in_session(&self, s: Sym) -> impl Iterator<Item = &Touch> {
        self.by_session.get(s).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches sharing a token id, in time order.
    pub fn with_token(&self, t: Sym) -> impl Iterator<Item = &Touch> {
        self.by_token.get(t).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches by one principal, in time order.
    pub fn by(&self, actor: Sym) -> impl Iterator<Item = &Touch> {
        self.by_actor.get(actor).iter().map(|&i| &self.touches[i as usize])
    }

    /// Touches by one principal within `[from, to]` (unix seconds).
    pub fn by_between(&self, actor: Sym, from: i64, to: i64) -> impl Iterator<Item = &Touch> {
        let idx = self.by_actor.get(actor);
        let start = idx.partition_point(|&i| self.touches[i as usize].ts < from);
        idx[start..].iter().map(|&i| &self.touches[i as usize]).take_while(move |t| t.ts <= to)
    }

    /// All sessions with their touch indexes.
    pub fn sessions(&self) -> impl Iterator<Item = (Sym, &[u32])> {
        self.by_session.iter()
    }

    /// The profile of a principal key (`alice@contoso.com`, `app:<id>`).
    pub fn profile_of(&self, key: &str) -> Option<&Profile> {
        self.strings.lookup(key).and_then(|s| self.profiles.get(&s))
    }

    /// The profile behind a symbol.
    pub fn profile(&self, s: Sym) -> Option<&Profile> {
        self.profiles.get(&s)
    }

    /// Number of distinct principals that used a feature value anywhere in the case.
    pub fn prevalence_of(&self, f: Feat, v: Sym, except: Sym) -> usize {
        self.prevalence.get(&(f, v)).map(|u| u.iter().filter(|&&x| x != except).count()).unwrap_or(0)
    }

    /// True when the case holds any event of `source`.
    pub fn has_source(&self, source: Source) -> bool {
        self.sources.days.get(&source).is_some_and(|d| !d.is_empty())
    }

    /// True when the Entra sign-in logs of people (interactive or not) hold any record on local `day`; when they
    /// do not, the UAL's copies of sign-ins are the only record of that day's sign-ins.
    pub fn user_signins_logged_on(&self, day: crate::analytics::clock::Day) -> bool {
        [Source::SigninInteractive, Source::SigninNoninteractive]
            .iter()
            .any(|s| self.sources.days.get(s).is_some_and(|d| d.contains_key(&day)))
    }

    /// The tenant's interactive sign-ins by local hour of the week (Monday 00:00 is bucket 0).
    pub fn tenant_histogram(&self) -> [u32; 168] {
        let mut h = [0u32; 168];
        for (d, hours) in self.tenant_hours.iter().enumerate() {
            h[d * 24..d * 24 + 24].copy_from_slice(hours);
        }
        h
    }

    /// The Identity Protection facts of a sign-in touch, when it carries any.
    pub fn risk_of(&self, t: &Touch) -> Option<&SignInRisk> {
        if t.flags & super::touch::flags::RISK == 0 {
            return None;
        }
        self.risk.get(&t.id)
    }

    /// The coordinates a sign-in record gave an address, when one did.
    pub fn place_of(&self, ip: Sym) -> Option<&Place> {
        self.places.get(&ip)
    }

    /// The string of a symbol.
    pub fn s(&self, sym: Sym) -> &str {
        self.strings.name(sym)
    }
}
