//! mass-deletion: one account deleting far more mail in a short time than it usually does, or many directory
//! objects at once (see `directory_deletion`).
//!
//! Works from the deletion touches the store keeps (`SoftDelete`, `HardDelete`, `MoveToDeletedItems` from the
//! mailbox audit: mailbox, logon type, address, country; one touch per record, whatever number of items the record
//! lists). For every principal and local day it finds the busiest window of `window_minutes` and compares its
//! records with `min_records` and with the principal's usual peak, the median of its busiest windows on its other
//! days in the case (up to `lookback_days` either side). A window at least `min_records` and `baseline_ratio`
//! times the usual peak is raised: medium, high when it mostly purges (`HardDelete`), reaches into other people's
//! mailboxes, or comes from a country the principal was not seen in on any other day or from an address nothing
//! places, critical when two of those hold. With too few other days the window is judged on `min_records` alone
//! and the alert says its baseline is insufficient (capped at medium). Deletions by Exchange itself (system
//! actors, transport and system-service logons, such as retention policies) and by allow-listed accounts are
//! counted as suppressions.

use super::bursts::{self, Burst, ByDay};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{names_of, AllowList};
use crate::analytics::catalog;
use crate::analytics::clock::Day;
use crate::analytics::common::{raise, utc, Cx, Findings};
use crate::analytics::store::touch::{Touch, TouchKind};
use crate::model::{ActorKind, Severity, Source};
use std::collections::{BTreeMap, BTreeSet};

/// Exchange logon types of its own processes: 3 Transport, 4 SystemService.
const SERVICE_LOGONS: [u8; 2] = [3, 4];
/// Exchange logon types of someone acting in a mailbox that is not theirs: 1 Admin, 2 Delegated, 6 DelegatedAdmin.
const OTHERS_LOGONS: [u8; 3] = [1, 2, 6];

/// Each record counts once.
fn one(_: &Touch) -> u64 {
    1
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes.push(
            "no Exchange mailbox audit (ual_exchange) in the case: mail deletion (SoftDelete, HardDelete, \
             MoveToDeletedItems) cannot be seen"
                .into(),
        );
    }
    let mut actors: Vec<String> = cx.params.list("actor_allowlist").to_vec();
    actors.extend(cx.config.allow.automation_accounts.iter().cloned());
    let allow = AllowList::new(&actors);
    let deletes = people_deleting(cx, &mut out);
    let min = cx.params.int("min_records").max(1) as u64;
    let width = cx.params.int("window_minutes").max(1) * 60;
    for ((actor, day), touches) in &deletes {
        let burst = bursts::peak(*actor, *day, touches, width, one);
        if burst.total < min {
            continue;
        }
        if let Some(m) = allow.matched(&names_of(cx, *actor)) {
            out.suppressions.add(&cx.meta.id, "actor_allowlist or allow.automation_accounts", m, &burst.touches[0].id);
            continue;
        }
        if let Some(b) = judge(cx, &deletes, &burst) {
            out.alerts.push(b);
        }
    }
    super::directory_deletion::run(cx, &mut out);
    out
}

/// Deletions grouped by principal and day, without those Exchange makes itself (counted as suppressions).
fn people_deleting<'a>(cx: &Cx<'a>, out: &mut Findings) -> ByDay<'a> {
    let mut by: ByDay = BTreeMap::new();
    for t in &cx.store.touches {
        if t.kind != TouchKind::MailDelete || t.actor == 0 {
            continue;
        }
        let who = cx.s(t.actor);
        if t.actor_kind == ActorKind::System || catalog::is_system_actor(who) {
            out.suppressions.add(&cx.meta.id, "system actor", who, &t.id);
        } else if SERVICE_LOGONS.contains(&t.logon_type) {
            out.suppressions.add(&cx.meta.id, "Exchange transport or system-service logon", who, &t.id);
        } else {
            by.entry((t.actor, cx.day_of(t))).or_default().push(t);
        }
    }
    by
}

/// Raises the burst when it is well above the principal's usual peak, or when that peak is unknown.
fn judge(cx: &Cx, deletes: &ByDay, burst: &Burst) -> Option<AlertBuilder> {
    let p = cx.params;
    let who = cx.s(burst.actor);
    let bursts::Pace { days, usual, highest, enough } = bursts::beyond_usual_pace(cx, deletes, burst, one)?;
    let mut b = cx.alert(String::new(), Severity::Medium);
    if !enough {
        b.insufficient(format!(
            "{who} deleted mail on {} other day(s) in the case, {} needed to know their usual pace",
            days,
            p.int("min_baseline_days")
        ));
    }
    b.alert.title = format!("{who} deleted mail {} times in {} minutes", burst.total, bursts::minutes(burst));
    b.key.push(format!("{who}\u{1f}{}", burst.day));
    describe_burst(cx, &mut b, burst);
    if enough {
        b.reason(format!(
            "{:.0} times {who}'s usual busiest {}-minute window ({usual} deletion records, the median over {} other \
             day(s) in the case; the highest was {highest})",
            burst.total as f64 / usual.max(1) as f64,
            p.int("window_minutes"),
            days
        ));
    }
    b.baseline(format!(
        "busiest window on {} other day(s) with deletions: median {usual} records, highest {highest}",
        days
    ));
    let mut sev = Severity::Medium;
    for (i, s) in signals(cx, burst, enough).into_iter().enumerate() {
        b.reason(s);
        if i < 2 {
            sev = raise(sev);
        }
    }
    b.alert.severity = sev;
    add_entities(cx, &mut b, burst);
    Some(b)
}

/// The counts per operation, the time span and the mailboxes of the burst.
fn describe_burst(cx: &Cx, b: &mut AlertBuilder, burst: &Burst) {
    let mut per_op: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &burst.touches {
        *per_op.entry(cx.s(t.detail)).or_default() += 1;
    }
    let ops: Vec<String> = per_op.iter().map(|(op, n)| format!("{n} {op}")).collect();
    let mailboxes = bursts::mailboxes(cx, burst);
    b.reason(format!(
        "{} deletion record(s) ({}) between {} and {}, in {} mailbox(es): {}; one record can list many items",
        burst.total,
        ops.join(", "),
        cx.store.clock.describe(burst.touches[0].time()),
        cx.store.clock.describe(burst.touches.last().map(|t| t.time()).unwrap_or_default()),
        mailboxes.len(),
        mailboxes.iter().copied().collect::<Vec<_>>().join(", ")
    ));
}

/// What makes the burst worse: purging, other people's mailboxes, a new country, an unplaced address.
fn signals(cx: &Cx, burst: &Burst, enough: bool) -> Vec<String> {
    let who = cx.s(burst.actor);
    let mut out = Vec::new();
    let hard = burst.touches.iter().filter(|t| cx.s(t.detail).eq_ignore_ascii_case("HardDelete")).count();
    if hard * 2 >= burst.touches.len() {
        out.push(format!(
            "{hard} of the records are HardDelete: the mail was purged past Deleted Items and survives only in \
             Recoverable Items while retention holds it"
        ));
    }
    let others: BTreeSet<&str> = burst
        .touches
        .iter()
        .filter(|t| OTHERS_LOGONS.contains(&t.logon_type) || !own_mailbox(cx, t, who))
        .map(|t| cx.s(t.mailbox))
        .filter(|m| !m.is_empty())
        .collect();
    if !others.is_empty() {
        let list: Vec<&str> = others.into_iter().collect();
        out.push(format!("{who} deleted mail in other people's mailboxes: {}", list.join(", ")));
    }
    if enough {
        for c in bursts::new_countries(cx, burst, cx.params.int("lookback_days").max(1) as Day) {
            out.push(format!("deleted from {c}, a country {who} was not seen in on any other day in the case"));
        }
    }
    if burst.touches.iter().any(|t| t.country == 0 && t.ip != 0) {
        out.push("some deletions come from an address no GeoIP entry or sign-in in the case places".to_string());
    }
    out
}

/// True when the touch's mailbox is the principal's own (or names none).
fn own_mailbox(cx: &Cx, t: &Touch, who: &str) -> bool {
    let m = cx.s(t.mailbox);
    m.is_empty() || m.eq_ignore_ascii_case(who)
}

/// Every deletion of the window as evidence, with the addresses, sessions, mailboxes and apps involved.
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
