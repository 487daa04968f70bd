//! mail-forwarding, the mailbox setting: a mailbox set to forward all its mail to an address outside the tenant.
//!
//! Reads every `Set-Mailbox` record that sets `ForwardingSmtpAddress` or `ForwardingAddress` (from Exchange
//! PowerShell, the admin centre or the owner's own Outlook on the web settings). A destination outside the tenant
//! is raised, one alert per destination with every mailbox sent to it: high, critical when several mailboxes
//! feed the same destination or when the owner no longer keeps a copy (`DeliverToMailboxAndForward` false). A
//! `ForwardingAddress` that names a directory recipient the case cannot tie to one of its accounts is raised at
//! medium, since a mail contact can point anywhere. Forwarding inside the tenant or to an allowed domain, and
//! changes by Microsoft system actors, allow-listed actors or on allow-listed mailboxes, are counted as
//! suppressions. Clearing forwarding is not a finding.

use super::mail_dest::{addresses, flag_off, mailbox_label, under_any, Domains, Lies};
use super::mailbox_forwarding_facts;
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, domain_of, ip_of, prop, raise, Cx, Findings};
use crate::model::mailbox::alias_of;
use crate::model::{ActorKind, Event, Severity, Source};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// The parameters and allow lists this detection reads.
pub(super) struct Settings {
    allowed_domains: Vec<String>,
    consumer: Vec<String>,
    pub(super) shared_min: usize,
    actors: AllowList,
    pub(super) mailboxes: AllowList,
    domains: Domains,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let lower = |name: &str| p.list(name).iter().map(|s| s.trim().to_lowercase()).collect::<Vec<String>>();
        let mut actors: Vec<String> = p.list("actor_allowlist").to_vec();
        actors.extend(cx.config.allow.automation_accounts.iter().cloned());
        Settings {
            allowed_domains: lower("allowed_forward_domains"),
            consumer: lower("consumer_mail_domains"),
            shared_min: p.int("shared_destination_mailboxes").max(2) as usize,
            actors: AllowList::new(&actors),
            mailboxes: AllowList::new(p.list("mailbox_allowlist")),
            domains: Domains::of(cx),
        }
    }
}

/// Where a forwarding setting sends mail.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dest {
    /// A mail address outside the tenant.
    Outside(String),
    /// A directory recipient named without an address that no account in the case matches.
    Unplaced(String),
}

impl Dest {
    pub(super) fn text(&self) -> &str {
        match self {
            Dest::Outside(a) | Dest::Unplaced(a) => a,
        }
    }
}

/// One forwarding change.
struct Forward<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    actor: String,
    /// The mailbox as the record names it (address, alias, object path or GUID).
    identity: String,
    /// The parameter that set the destination.
    param: &'static str,
    dest: Dest,
    /// `DeliverToMailboxAndForward` turned off: the owner keeps no copy.
    no_copy: bool,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes.push(if cx.facts.mailbox_forwarding().is_empty() {
            "no Exchange admin records (ual_exchange) in the case: mailbox forwarding cannot be seen".into()
        } else {
            "no Exchange admin records (ual_exchange) in the case: only the forwarding the mailbox snapshots record              is judged"
                .into()
        });
    }
    let s = Settings::read(cx);
    let mut by_dest: BTreeMap<Dest, Vec<Forward>> = BTreeMap::new();
    for ev in cx.audits {
        if !ev.operation.trim().eq_ignore_ascii_case("Set-Mailbox") {
            continue;
        }
        let Some(ts) = ev.ts else { continue };
        for (param, value) in forwarding_values(ev) {
            match place(cx, &s, &value) {
                Ok(dest) => {
                    let f = Forward {
                        ev,
                        ts,
                        actor: actor_of(ev),
                        identity: identity_of(ev),
                        param,
                        dest,
                        no_copy: flag_off(ev, "DeliverToMailboxAndForward"),
                    };
                    if let Some((rule, matched)) = allowed(cx, &s, &f) {
                        out.suppressions.add(&cx.meta.id, rule, &matched, &ev.id);
                    } else {
                        by_dest.entry(f.dest.clone()).or_default().push(f);
                    }
                }
                Err((rule, matched)) => out.suppressions.add(&cx.meta.id, rule, &matched, &ev.id),
            }
        }
    }
    let mut standing = mailbox_forwarding_facts::judge_all(cx, &s, &mut out);
    for (dest, group) in &by_dest {
        let mut b = build_alert(cx, &s, dest, group);
        if let Some(set) = standing.remove(dest) {
            mailbox_forwarding_facts::still_in_place(&mut b, &set);
        }
        out.alerts.push(b);
    }
    for (dest, set) in &standing {
        out.alerts.push(mailbox_forwarding_facts::alert(cx, &s, dest, set));
    }
    out
}

/// The forwarding destinations a `Set-Mailbox` record sets, with their parameter; empty values clear forwarding.
fn forwarding_values(ev: &Event) -> Vec<(&'static str, String)> {
    ["ForwardingSmtpAddress", "ForwardingAddress"]
        .into_iter()
        .filter_map(|p| prop(ev, &[p]).filter(|v| !v.eq_ignore_ascii_case("$null")).map(|v| (p, v)))
        .collect()
}

/// The mailbox the record changed: its `Identity`, else the mailbox ingest found.
fn identity_of(ev: &Event) -> String {
    prop(ev, &["Identity"])
        .or_else(|| ev.mailbox.as_ref().and_then(|m| m.mailbox.clone()))
        .or_else(|| ev.targets.first().and_then(|t| t.id.clone()))
        .unwrap_or_default()
}

/// Where a destination lies: `Ok` to judge it, `Err` with the suppression rule and match when it stays home.
pub(super) fn place(cx: &Cx, s: &Settings, value: &str) -> Result<Dest, (&'static str, String)> {
    if let Some(addr) = addresses(value).into_iter().next() {
        return match s.domains.judge(&addr, &s.allowed_domains) {
            Lies::Outside => Ok(Dest::Outside(addr)),
            Lies::Allowed => Err(("allowed_forward_domains", addr)),
            Lies::Inside | Lies::InsideSeen => Err(("forwards inside the tenant", addr)),
        };
    }
    let alias = alias_of(value);
    let known = alias.as_deref().is_some_and(|a| {
        cx.store.profiles.keys().any(|k| {
            let key = cx.s(*k);
            key.contains('@') && alias_of(key).as_deref() == Some(a)
        })
    });
    if known {
        Err(("forwards inside the tenant", value.to_ascii_lowercase()))
    } else {
        Ok(Dest::Unplaced(value.trim().to_string()))
    }
}

/// The allow rule a change falls under: Microsoft system actors, approved actors, approved mailboxes.
fn allowed(cx: &Cx, s: &Settings, f: &Forward) -> Option<(&'static str, String)> {
    if f.ev.actor.kind == ActorKind::System || catalog::is_system_actor(&f.actor) {
        return Some(("system actor", f.actor.clone()));
    }
    if let Some(m) = s.actors.matched(&actor_names(cx, f.ev)) {
        return Some(("actor_allowlist or allow.automation_accounts", m.to_string()));
    }
    let label = mailbox_label(&f.identity);
    let mut names: Vec<&str> = vec![f.identity.as_str(), label.as_str()];
    let recorded = f.ev.mailbox.as_ref().and_then(|m| m.mailbox.as_deref());
    names.extend(recorded);
    s.mailboxes.matched(&names).map(|m| ("mailbox_allowlist", m.to_string()))
}

/// One alert per destination, naming every mailbox forwarded to it.
fn build_alert(cx: &Cx, s: &Settings, dest: &Dest, group: &[Forward]) -> AlertBuilder {
    let mailboxes: BTreeSet<String> = group.iter().map(|f| mailbox_label(&f.identity)).collect();
    let list: Vec<&str> = mailboxes.iter().map(String::as_str).collect();
    let (title, mut sev) = match dest {
        Dest::Outside(a) => {
            (format!("Mail of {} forwarded to {a} outside the tenant", plural_mailboxes(&list)), Severity::High)
        }
        Dest::Unplaced(r) => (
            format!("Mail of {} forwarded to directory recipient '{r}', which the case cannot place", list.join(", ")),
            Severity::Medium,
        ),
    };
    let mut b = cx.alert(title, sev);
    b.key.push(dest.text().to_ascii_lowercase());
    for f in group {
        describe(cx, &mut b, f);
    }
    explain_destination(s, &mut b, dest);
    if mailboxes.len() >= s.shared_min {
        b.reason(format!("{} mailboxes forward to the same destination: {}", mailboxes.len(), list.join(", ")));
        sev = Severity::Critical;
    }
    if group.iter().any(|f| f.no_copy) {
        b.reason("DeliverToMailboxAndForward is False: the owner keeps no copy of the forwarded mail");
        sev = raise(sev);
    }
    b.alert.severity = sev;
    b
}

/// "2 mailboxes (a, b)" or the one mailbox.
pub(super) fn plural_mailboxes(list: &[&str]) -> String {
    match list {
        [one] => one.to_string(),
        _ => format!("{} mailboxes ({})", list.len(), list.join(", ")),
    }
}

/// What is known about the destination: its domain against the tenant's, a consumer mail service, or a name
/// nothing resolves.
pub(super) fn explain_destination(s: &Settings, b: &mut AlertBuilder, dest: &Dest) {
    match dest {
        Dest::Outside(a) => {
            let domain = domain_of(a).unwrap_or("");
            b.reason(format!("{domain} is outside the tenant ({})", s.domains.basis()));
            if under_any(domain, &s.consumer) {
                b.reason(format!("{domain} is a consumer mail service (consumer_mail_domains)"));
            }
        }
        Dest::Unplaced(r) => b.reason(format!(
            "ForwardingAddress names '{r}', a directory recipient no account in the case matches; a mail contact \
             with that name can point to any outside address"
        )),
    }
}

/// The reasons, entities and evidence of one forwarding change.
fn describe(cx: &Cx, b: &mut AlertBuilder, f: &Forward) {
    b.reason(format!(
        "Set-Mailbox {} {} on {} by {} at {}",
        f.param,
        f.dest.text(),
        mailbox_label(&f.identity),
        f.actor,
        cx.store.clock.describe(f.ts)
    ));
    b.reason(match (ip_of(f.ev), f.ev.net.country.as_deref()) {
        (Some(ip), Some(cc)) => format!("{} acted from {ip} ({cc})", f.actor),
        (Some(ip), None) => format!("{} acted from {ip}, which no GeoIP entry or sign-in in the case places", f.actor),
        (None, _) => format!("the record names no client address for {}", f.actor),
    });
    b.evidence(&f.ev.id, f.ts);
    let e = b.entities();
    if !f.actor.is_empty() {
        e.user(&f.actor);
    }
    let label = mailbox_label(&f.identity);
    if label.contains('@') {
        e.user(&label);
    }
    // As the record writes it, so that a pivot finds the record's other forms of the name.
    e.mailbox(&f.identity);
    if let Some(ip) = ip_of(f.ev) {
        e.ip(&ip);
    }
    if let Some(sid) = f.ev.session_id.as_deref() {
        e.session(sid);
    }
}
