//! The single pass: each event is counted for coverage, learnt into its principal's baseline and, when it is a
//! sign-in or an access, kept as a touch.

use super::strings::Sym;
use super::Store;
use crate::analytics::clock::Day;
use crate::analytics::graph::{self, GraphShape};
use crate::model::{Event, EventResult, Source, UaClass};

/// The facts of one event that both its baseline entry and its touch need, worked out once.
pub(super) struct Observed {
    pub day: Day,
    pub source: Source,
    pub actor: Sym,
    pub ua: Sym,
    pub ua_family: Sym,
    pub ua_class: UaClass,
    pub success: bool,
    pub signin: bool,
    pub interactive: bool,
    /// An audited operation (directory change, or Exchange admin action) rather than an access.
    pub audited: bool,
    pub country: Sym,
    pub ip: Sym,
    pub asn: u32,
    pub app: Sym,
    /// One classification of the Graph request serves the baseline and the touch.
    pub shape: Option<GraphShape>,
}

impl Store {
    /// Takes in one event: coverage, baselines, and a touch when it is a sign-in or an access.
    pub fn observe(&mut self, ev: &Event) {
        self.events += 1;
        let Some(ts) = ev.ts else {
            self.sources.without_time += 1;
            return;
        };
        let day = self.clock.day(ts);
        self.count_day(ev.source, day);
        let Some(seen) = self.observed(ev, day) else { return };
        if seen.success {
            self.learn(ev, ts, &seen);
        }
        self.record_touch(ev, ts, &seen);
    }

    /// Widens the case's span to `day` and counts the event on its source's day.
    fn count_day(&mut self, source: Option<Source>, day: Day) {
        self.span = Some(match self.span {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
        if let Some(src) = source {
            *self.sources.days.entry(src).or_default().entry(day).or_default() += 1;
        }
    }

    /// The shared facts of an event with a source and a principal; `None` for the others.
    fn observed(&mut self, ev: &Event, day: Day) -> Option<Observed> {
        let source = ev.source?;
        let actor = self.memo.principal(&mut self.strings, ev)?;
        let ua_text = ev.user_agent.as_deref().unwrap_or("");
        let (ua, ua_family, ua_class) =
            if ua_text.is_empty() { (0, 0, ev.ua_class) } else { self.user_agents.info(&mut self.strings, ua_text) };
        // Ingest's class wins when it set one; ours fills the gap.
        let ua_class = if ev.ua_class != UaClass::Empty || ua_text.is_empty() { ev.ua_class } else { ua_class };
        let signin = source.is_signin();
        let interactive =
            signin && ev.signin.as_ref().and_then(|s| s.interactive).unwrap_or(source == Source::SigninInteractive);
        let country = self.sym_opt(ev.net.country.as_deref().map(|c| c.trim()).filter(|c| !c.is_empty()));
        let ip = match ev.net.ip {
            Some(addr) => self.memo.ip(&mut self.strings, addr),
            None => 0,
        };
        let app = self.sym_opt(ev.app_id.as_deref());
        Some(Observed {
            day,
            source,
            actor,
            ua,
            ua_family,
            ua_class,
            success: ev.result != EventResult::Failure,
            signin,
            interactive,
            audited: matches!(source, Source::EntraAudit | Source::UalAzureAd)
                || source == Source::UalExchange && ev.mailbox.is_none(),
            country,
            ip,
            asn: ev.net.asn.unwrap_or(0),
            app,
            shape: ev.http.as_ref().map(|h| graph::shape(&h.method, &h.uri)),
        })
    }

    /// The symbol of an optional string; 0 when it is absent or empty.
    pub(super) fn sym_opt(&mut self, s: Option<&str>) -> Sym {
        match s {
            Some(v) if !v.is_empty() => self.strings.intern(v),
            _ => 0,
        }
    }
}
