//! The export half of `mass-mail-access`: mailbox content taken out through a compliance (eDiscovery) search
//! rather than read message by message. An intruder holding an account with eDiscovery rights searches every
//! mailbox for payment mail and exports the results in one action (`New-ComplianceSearchAction -Export`, then the
//! export downloaded), which leaves no MailItemsAccessed records at all. Exports by allow-listed eDiscovery
//! accounts, [allow] automation accounts and Microsoft's system actors are counted as suppressions.

use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, ip_of, op_name, prop, Cx, Findings};
use crate::model::{ActorKind, Event, Severity};
use std::collections::BTreeMap;

/// Finds compliance-search exports and adds their alerts to `out`, one per actor and search.
pub(super) fn run(cx: &Cx, out: &mut Findings) {
    let lower = |name: &str| cx.params.list(name).iter().map(|o| o.to_ascii_lowercase()).collect::<Vec<String>>();
    let (actions, downloads, searches) =
        (lower("export_action_operations"), lower("export_download_operations"), lower("search_operations"));
    let mut actors: Vec<String> = cx.params.list("actor_allowlist").to_vec();
    actors.extend(cx.config.allow.automation_accounts.iter().cloned());
    let allow = AllowList::new(&actors);
    let mut exports: BTreeMap<(String, String), Vec<&Event>> = BTreeMap::new();
    for ev in cx.audits.iter().filter(|e| e.ts.is_some()) {
        let op = op_name(ev);
        let export = actions.contains(&op) && is_export(ev) || downloads.contains(&op);
        if !export {
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
        exports.entry((actor, search_name(ev))).or_default().push(ev);
    }
    for ((actor, name), list) in exports {
        let search = cx.audits.iter().find(|e| searches.contains(&op_name(e)) && search_name(e) == name);
        out.alerts.push(alert(cx, &actor, &name, &list, search));
    }
}

/// True when a search action exports (or previews for export) rather than purges or previews on screen.
fn is_export(ev: &Event) -> bool {
    prop(ev, &["Export"]).is_some_and(|v| !v.eq_ignore_ascii_case("false"))
        || prop(ev, &["ActionType", "Action"]).is_some_and(|v| v.eq_ignore_ascii_case("export"))
}

/// The search a record is about: `SearchName`, `Name` or the object it names, lower-case.
fn search_name(ev: &Event) -> String {
    let raw = prop(ev, &["SearchName", "Name"]).or_else(|| ev.targets.first().and_then(|t| t.name.clone()));
    raw.unwrap_or_default().trim().trim_end_matches("_Export").to_ascii_lowercase()
}

/// One alert for one actor's exports of one search: high, critical when the search covered every mailbox.
fn alert(cx: &Cx, actor: &str, name: &str, list: &[&Event], search: Option<&Event>) -> AlertBuilder {
    let first = list[0].ts.unwrap_or_default();
    let label = if name.is_empty() { "an unnamed search" } else { name };
    let mut b =
        cx.alert(format!("{actor} exported mailbox content through compliance search '{label}'"), Severity::High);
    b.key.push(format!("export\u{1f}{actor}\u{1f}{name}"));
    let ops: Vec<String> = list.iter().map(|e| e.operation.clone()).collect();
    b.reason(format!(
        "{} at {}: the search's results leave the tenant as a download, with no MailItemsAccessed record of the \
         messages in it",
        ops.join(", "),
        cx.store.clock.describe(first)
    ));
    if let Some(s) = search {
        let scope = prop(s, &["ExchangeLocation"]).unwrap_or_default();
        // The query is kept as written: its own quotes are part of it.
        let query = s.params.iter().find(|(k, _)| k.eq_ignore_ascii_case("ContentMatchQuery")).map(|(_, v)| v);
        if let Some(q) = query.filter(|q| !q.trim().is_empty()) {
            b.reason(format!("the search looked for: {q}"));
        }
        if scope.eq_ignore_ascii_case("all") {
            b.reason("the search covered every mailbox in the organisation (ExchangeLocation All)".to_string());
            b.alert.severity = Severity::Critical;
        }
        b.evidence(&s.id, s.ts.unwrap_or_default());
    }
    let e = b.entities();
    e.user(actor);
    for ev in list {
        if let Some(ip) = ip_of(ev) {
            e.ip(&ip);
        }
    }
    for ev in list {
        b.evidence(&ev.id, ev.ts.unwrap_or_default());
    }
    b
}
