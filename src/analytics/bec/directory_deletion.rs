//! The directory half of `mass-deletion`: one actor deleting many users, groups or applications in a short
//! window (`Delete user.` and its kin in the Entra audit log). Intruders do it to lock the organisation out or to
//! cover their tracks; an identity admin's clean-up of leavers is the look-alike, and is allow-listed by actor.

use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, ip_of, op_name, Cx, Findings};
use crate::model::{ActorKind, Event, Severity};
use std::collections::BTreeMap;

/// Finds bursts of directory deletions and adds their alerts to `out`.
pub(super) fn run(cx: &Cx, out: &mut Findings) {
    let ops: Vec<String> =
        cx.params.list("directory_delete_operations").iter().map(|o| o.to_ascii_lowercase()).collect();
    let mut actors: Vec<String> = cx.params.list("actor_allowlist").to_vec();
    actors.extend(cx.config.allow.automation_accounts.iter().cloned());
    let allow = AllowList::new(&actors);
    let mut by_actor: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for ev in cx.audits {
        if ev.ts.is_none() || !ops.contains(&op_name(ev)) {
            continue;
        }
        let actor = actor_of(ev);
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor) {
            out.suppressions.add(&cx.meta.id, "system actor", &actor, &ev.id);
            continue;
        }
        if let Some(m) = allow.matched(&actor_names(cx, ev)) {
            out.suppressions.add(&cx.meta.id, "actor_allowlist or allow.automation_accounts", m, &ev.id);
            continue;
        }
        by_actor.entry(actor).or_default().push(ev);
    }
    let window = cx.params.int("directory_window_minutes").max(1) * 60;
    let min = cx.params.int("directory_min_deletions").max(2) as usize;
    for (actor, list) in by_actor {
        for burst in bursts_of(&list, window, min) {
            out.alerts.push(alert(cx, &actor, burst, window));
        }
    }
}

/// Runs of at least `min` deletions whose first and last lie within `window` seconds, greedily from the first.
fn bursts_of<'a>(list: &[&'a Event], window: i64, min: usize) -> Vec<Vec<&'a Event>> {
    let secs = |e: &Event| e.ts.map(|t| t.timestamp()).unwrap_or(0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let mut j = i;
        while j < list.len() && secs(list[j]) - secs(list[i]) <= window {
            j += 1;
        }
        if j - i >= min {
            out.push(list[i..j].to_vec());
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// One alert for one burst: who, how many of what, how fast.
fn alert(cx: &Cx, actor: &str, burst: Vec<&Event>, window: i64) -> crate::analytics::alert::AlertBuilder {
    let first = burst[0].ts.unwrap_or_default();
    let last = burst[burst.len() - 1].ts.unwrap_or_default();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for ev in &burst {
        *kinds.entry(ev.operation.trim_end_matches('.').to_string()).or_default() += 1;
    }
    let what: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} × {k}")).collect();
    let minutes = ((last - first).num_seconds() / 60).max(1);
    let mut b = cx.alert(format!("{actor} deleted {} directory objects in {minutes} min", burst.len()), Severity::High);
    b.key.push(actor.to_string());
    b.key.push(first.timestamp().to_string());
    b.reason(format!(
        "{} between {} and {} (within the {}-minute window): {}",
        burst.len(),
        cx.store.clock.describe(first),
        cx.store.clock.describe(last),
        window / 60,
        what.join(", ")
    ));
    let e = b.entities();
    e.user(actor);
    for ev in &burst {
        for t in &ev.targets {
            if let Some(u) = t.upn.as_deref().or(t.name.as_deref().filter(|n| n.contains('@'))) {
                e.user(u);
            }
        }
        if let Some(ip) = ip_of(ev) {
            e.ip(&ip);
        }
    }
    for ev in &burst {
        b.evidence(&ev.id, ev.ts.unwrap_or_default());
    }
    b
}
