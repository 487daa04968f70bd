//! The compact facts one pass over the events leaves behind: interned strings, per-principal baselines,
//! a compact record ("touch") per sign-in and data access, and per-source day counts for coverage.
//!
//! Nothing here keeps a whole `Event`; a million events fit in well under a gigabyte.

pub mod address;
pub mod days;
pub mod profile;
pub mod source_days;
pub mod strings;
pub mod touch;

mod baselines;
mod groups;
mod learn;
mod learner;
mod mailbox_facts;
mod memo;
mod observe;
mod queries;
mod record;
mod request_facts;
pub mod signin_facts;
mod user_agents;

use super::clock::{Clock, Day};
use groups::Groups;
use memo::Memo;
use profile::{Feat, Profile};
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap as HashMap;
use signin_facts::{Place, SignInRisk};
use source_days::SourceDays;
use strings::{Interner, Sym};
use touch::Touch;
use user_agents::UserAgents;

/// Everything the single pass keeps.
#[derive(Debug)]
pub struct Store {
    /// The case's time zone and working hours, for local days and hours.
    pub clock: Clock,
    /// Every string the store refers to.
    pub strings: Interner,
    /// The baseline of each principal.
    pub profiles: HashMap<Sym, Profile>,
    /// For tenant prevalence: feature → principals that used it.
    pub prevalence: HashMap<(Feat, Sym), Vec<Sym>>,
    /// Sign-ins and accesses, in time order once the pass is finished.
    pub touches: Vec<Touch>,
    /// Events per source and day.
    pub sources: SourceDays,
    /// Events seen, with or without a time.
    pub events: u64,
    /// Tenant interactive sign-ins per local weekday and hour.
    pub tenant_hours: [[u32; 24]; 7],
    /// Identity Protection facts of the sign-ins that carry any, by event id (few sign-ins do).
    risk: HashMap<Box<str>, SignInRisk>,
    /// The coordinates sign-in records gave each address, by address symbol.
    places: HashMap<Sym, Place>,
    user_agents: UserAgents,
    memo: Memo,
    /// Learns the baselines during the pass; moved into `profiles`, `prevalence` and `tenant_hours` by `finish`.
    learner: Option<learner::Learner>,
    by_session: Groups,
    by_token: Groups,
    by_actor: Groups,
    /// The first and last local day of the case.
    pub span: Option<(Day, Day)>,
}

impl Store {
    /// An empty store reading time through `clock`.
    pub fn new(clock: Clock) -> Store {
        let learner = Some(learner::Learner::start(clock.clone()));
        Store {
            clock,
            strings: Interner::new(),
            profiles: HashMap::default(),
            prevalence: HashMap::default(),
            touches: Vec::new(),
            sources: SourceDays::default(),
            events: 0,
            tenant_hours: [[0; 24]; 7],
            risk: HashMap::default(),
            places: HashMap::default(),
            user_agents: UserAgents::default(),
            memo: Memo::default(),
            learner,
            by_session: Groups::default(),
            by_token: Groups::default(),
            by_actor: Groups::default(),
            span: None,
        }
    }

    /// Sorts touches by time, builds the session, token and actor indexes, and takes the baselines the learner
    /// has learnt.
    pub fn finish(&mut self) {
        // Time, then id, then source: a total order (one id may appear in two sources), so an unstable sort gives
        // the same sequence on every run. The pass is over, so the sort has every core.
        self.touches.par_sort_unstable_by(|a, b| {
            a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)).then_with(|| a.source.cmp(&b.source))
        });
        self.user_agents.clear();
        self.memo.clear();
        let symbols = self.strings.len();
        let positions = || self.touches.iter().enumerate().map(|(i, t)| (t, i as u32));
        self.by_session =
            Groups::build(symbols, positions().filter(|(t, _)| t.session != 0).map(|(t, i)| (t.session, i)));
        self.by_token = Groups::build(symbols, positions().filter(|(t, _)| t.token != 0).map(|(t, i)| (t.token, i)));
        self.by_actor = Groups::build(symbols, positions().map(|(t, i)| (t.actor, i)));
        // The learner catches up while the touches are sorted and grouped above.
        if let Some(learner) = self.learner.take() {
            let b = learner.finish();
            (self.profiles, self.prevalence, self.tenant_hours) = (b.profiles, b.prevalence, b.tenant_hours);
        }
    }
}
