//! mass-mail-access: one account reading far more mail in a short time than it usually does.
//!
//! Works from the `MailItemsAccessed` touches the store keeps (items read, mailbox, address, country). For every
//! principal and local day it finds the busiest window of `window_minutes` and compares the items read in it with
//! `min_items` and with the principal's usual peak: the median of its busiest windows on its other days with
//! reading in the case (up to `lookback_days` either side, so a case that starts on the day of the attack still
//! has a baseline, and a few days of attacker reading do not become normal). A window at least `min_items` and
//! `baseline_ratio` times the usual peak is raised: medium, high when it also reaches into several other people's
//! mailboxes, comes from a country the principal was not seen in on any other day, from an address nothing
//! places, or is marked external access by Exchange, and critical when two of those hold. With too few other days
//! the usual peak is unknown: the window is judged on `min_items` alone and the alert says its baseline is
//! insufficient (and is capped at medium). Allow-listed accounts (backup, archiving, eDiscovery) are counted as
//! suppressions.

use super::bursts::{self, Burst, ByDay};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{names_of, AllowList};
use crate::analytics::clock::Day;
use crate::analytics::common::{raise, utc, Cx, Findings};
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::{Severity, Source};
use std::collections::BTreeSet;

/// Items a mail read reached.
fn items(t: &Touch) -> u64 {
    t.items as u64
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes.push(
            "no Exchange mailbox audit (ual_exchange) in the case: mail reading (MailItemsAccessed) cannot be seen"
                .into(),
        );
    }
    let mut actors: Vec<String> = cx.params.list("actor_allowlist").to_vec();
    actors.extend(cx.config.allow.automation_accounts.iter().cloned());
    let allow = AllowList::new(&actors);
    let reads = bursts::by_actor_and_day(cx, TouchKind::MailRead);
    let min_items = cx.params.int("min_items").max(1) as u64;
    let width = cx.params.int("window_minutes").max(1) * 60;
    for ((actor, day), touches) in &reads {
        let burst = bursts::peak(*actor, *day, touches, width, items);
        if burst.total < min_items {
            continue;
        }
        if let Some(m) = allow.matched(&names_of(cx, *actor)) {
            out.suppressions.add(&cx.meta.id, "actor_allowlist or allow.automation_accounts", m, &burst.touches[0].id);
            continue;
        }
        if let Some(b) = judge(cx, &reads, &burst) {
            out.alerts.push(b);
        }
    }
    super::search_export::run(cx, &mut out);
    out
}

/// Raises the burst when it is well above the principal's usual peak, or when that peak is unknown.
fn judge(cx: &Cx, reads: &ByDay, burst: &Burst) -> Option<AlertBuilder> {
    let p = cx.params;
    let who = cx.s(burst.actor);
    let bursts::Pace { days, usual, highest, enough } = bursts::beyond_usual_pace(cx, reads, burst, items)?;
    let mut b = cx.alert(String::new(), Severity::Medium);
    if !enough {
        b.insufficient(format!(
            "{who} read mail on {} other day(s) in the case, {} needed to know their usual pace",
            days,
            p.int("min_baseline_days")
        ));
    }
    let mailboxes = bursts::mailboxes(cx, burst);
    b.alert.title = format!("{who} read {} mail items in {} minutes", burst.total, bursts::minutes(burst));
    b.key.push(format!("{who}\u{1f}{}", burst.day));
    b.reason(format!(
        "{} MailItemsAccessed record(s) with {} item(s) between {} and {}, in {} mailbox(es): {}",
        burst.touches.len(),
        burst.total,
        cx.store.clock.describe(burst.touches[0].time()),
        cx.store.clock.describe(burst.touches.last().map(|t| t.time()).unwrap_or_default()),
        mailboxes.len(),
        mailboxes.iter().copied().collect::<Vec<_>>().join(", ")
    ));
    if enough {
        b.reason(format!(
            "{:.0} times {who}'s usual busiest {}-minute window ({usual} items, the median over {} other day(s) in \
             the case; the highest was {highest})",
            burst.total as f64 / usual.max(1) as f64,
            p.int("window_minutes"),
            days
        ));
    }
    b.baseline(format!(
        "busiest window on {} other day(s) with reading: median {usual} items, highest {highest}",
        days
    ));
    let mut sev = Severity::Medium;
    for (i, s) in signals(cx, burst, &mailboxes, enough).into_iter().enumerate() {
        b.reason(s);
        if i < 2 {
            sev = raise(sev);
        }
    }
    b.alert.severity = sev;
    add_entities(cx, &mut b, burst);
    Some(b)
}

/// What makes the burst worse: other people's mailboxes, a new country, an unplaced address, Exchange's
/// external-access mark.
fn signals(cx: &Cx, burst: &Burst, mailboxes: &BTreeSet<&str>, enough: bool) -> Vec<String> {
    let who = cx.s(burst.actor);
    let mut out = Vec::new();
    let others: Vec<&str> = mailboxes.iter().copied().filter(|m| *m != who).collect();
    if others.len() >= cx.params.int("min_other_mailboxes").max(1) as usize {
        out.push(format!("{who} read {} other people's mailboxes: {}", others.len(), others.join(", ")));
    }
    if enough {
        for c in bursts::new_countries(cx, burst, cx.params.int("lookback_days").max(1) as Day) {
            out.push(format!("read from {c}, a country {who} was not seen in on any other day in the case"));
        }
    }
    if burst.touches.iter().any(|t| t.country == 0 && t.ip != 0) {
        out.push("some of the reads come from an address no GeoIP entry or sign-in in the case places".to_string());
    }
    if burst.touches.iter().any(|t| t.has(flags::EXTERNAL_ACCESS)) {
        out.push("Exchange marks the access as external (ExternalAccess)".to_string());
    }
    out
}

/// Every read of the window as evidence, with the addresses, sessions, mailboxes and apps involved.
fn add_entities(cx: &Cx, b: &mut AlertBuilder, burst: &Burst) {
    let who = cx.s(burst.actor).to_string();
    if who.contains('@') {
        b.entities().user(&who);
    }
    for t in &burst.touches {
        b.evidence(&t.id, utc(t.ts));
        let e = b.entities();
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.mailbox(cx.s(t.mailbox));
        if who.starts_with("app:") {
            e.app(cx.s(t.app), None);
        }
    }
}
