//! legacy-protocol: mail opened to protocols that never ask for a second factor.
//!
//! Two acts. A mailbox's client access turned on for POP, IMAP, SMTP AUTH, EWS, ActiveSync or MAPI
//! (`Set-CASMailbox`, `Set-CASMailboxPlan`): an intruder holding a password then downloads the whole mailbox with
//! an ordinary mail client and no MFA prompt. And sign-ins that succeeded over such a client (`clientAppUsed`
//! IMAP4, POP3, Authenticated SMTP, …): the password alone was enough. Which switches and clients count is data in
//! the asset; POP, IMAP and SMTP AUTH make an enablement high. Microsoft's own service accounts, allow-listed
//! admins and mailboxes, and sign-ins from expected addresses are counted as suppressed.

use super::signins::words;
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, names_of, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, ip_in, ip_of, op_name, prop, utc, Cx, Findings};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Event, Severity, Source};
use std::collections::{BTreeMap, BTreeSet};

/// Runs both checks.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes
            .push("no Exchange admin records (ual_exchange): protocols enabled on mailboxes cannot be seen".into());
    }
    if !cx.store.has_source(Source::SigninInteractive) && !cx.store.has_source(Source::SigninNoninteractive) {
        out.notes.push("no Entra sign-in logs: sign-ins over legacy clients cannot be seen".into());
    }
    enabled_protocols(cx, &mut out);
    legacy_sign_ins(cx, &mut out);
    out
}

/// The switches of a client-access change that turn a legacy protocol on (`PopEnabled`, `ImapEnabled`, …, and
/// `SmtpClientAuthenticationDisabled` set to false).
fn switched_on(cx: &Cx, ev: &Event) -> Vec<String> {
    let mut on = Vec::new();
    for name in cx.params.list("protocol_switches") {
        if prop(ev, &[name.as_str()]).is_some_and(|v| is_true(&v)) {
            on.push(name.clone());
        }
    }
    if prop(ev, &["SmtpClientAuthenticationDisabled"]).is_some_and(|v| is_false(&v)) {
        on.push("SMTP AUTH".to_string());
    }
    on
}

fn is_true(v: &str) -> bool {
    matches!(v.trim().trim_start_matches('$').to_ascii_lowercase().as_str(), "true" | "1")
}

fn is_false(v: &str) -> bool {
    matches!(v.trim().trim_start_matches('$').to_ascii_lowercase().as_str(), "false" | "0")
}

/// `Set-CASMailbox` and `Set-CASMailboxPlan` records that turn a legacy protocol on: one alert per record.
fn enabled_protocols(cx: &Cx, out: &mut Findings) {
    let actors = AllowList::new(cx.params.list("actor_allowlist"));
    let mailboxes = AllowList::new(cx.params.list("mailbox_allowlist"));
    let high: Vec<String> = words(cx, "high_risk_switches");
    for ev in cx.audits {
        let op = op_name(ev);
        if op != "set-casmailbox" && op != "set-casmailboxplan" {
            continue;
        }
        let on = switched_on(cx, ev);
        let Some(ts) = ev.ts.filter(|_| !on.is_empty()) else { continue };
        let actor = actor_of(ev);
        let mailbox = prop(ev, &["Identity"]).unwrap_or_default().to_ascii_lowercase();
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor) {
            out.suppressions.add(&cx.meta.id, "system actor", &actor, &ev.id);
            continue;
        }
        if let Some(m) = actors.matched(&actor_names(cx, ev)) {
            out.suppressions.add(&cx.meta.id, "actor_allowlist", m, &ev.id);
            continue;
        }
        if let Some(m) = mailboxes.matched(&[mailbox.as_str()]) {
            out.suppressions.add(&cx.meta.id, "mailbox_allowlist", m, &ev.id);
            continue;
        }
        let risky = on.iter().any(|s| high.contains(&s.to_ascii_lowercase()));
        let target = if mailbox.is_empty() { "a mailbox plan".to_string() } else { mailbox.clone() };
        let mut b = cx.alert(
            format!("{} enabled on {target} by {actor}", on.join(", ")),
            if risky { Severity::High } else { Severity::Medium },
        );
        b.key.push(ev.id.clone());
        b.reason(format!(
            "{} at {} by {actor}: {} turned on",
            ev.operation,
            cx.store.clock.describe(ts),
            on.join(", ")
        ));
        if risky {
            b.reason("POP, IMAP and SMTP AUTH sign in with a password alone, never asking for MFA, and a mail client can then download the whole mailbox");
        }
        let e = b.entities();
        e.user(&actor);
        e.mailbox(&mailbox);
        if let Some(ip) = ip_of(ev) {
            e.ip(&ip);
        }
        b.evidence(&ev.id, ts);
        out.alerts.push(b);
    }
}

/// Successful sign-ins over a legacy client, one alert per person and day.
fn legacy_sign_ins(cx: &Cx, out: &mut Findings) {
    let clients: Vec<String> = words(cx, "legacy_clients");
    let mut accounts: Vec<String> = cx.params.list("account_allowlist").to_vec();
    accounts.extend(cx.config.allow.automation_accounts.iter().cloned());
    let accounts = AllowList::new(&accounts);
    let nets = cx.expected_nets("expected_ips");
    let mut per_day: BTreeMap<(Sym, i32), Vec<&Touch>> = BTreeMap::new();
    for t in &cx.store.touches {
        if t.kind != TouchKind::SignIn || !t.has(flags::SUCCESS) || t.client == 0 {
            continue;
        }
        if !matches!(t.actor_kind, ActorKind::User | ActorKind::Guest) {
            continue;
        }
        if !clients.contains(&cx.s(t.client).to_ascii_lowercase()) {
            continue;
        }
        if let Some(m) = accounts.matched(&names_of(cx, t.actor)) {
            out.suppressions.add(&cx.meta.id, "allow.automation_accounts", m, &t.id);
            continue;
        }
        if t.ip != 0 && ip_in(&nets, cx.s(t.ip)) {
            out.suppressions.add(&cx.meta.id, "allow.expected_ips", cx.s(t.ip), &t.id);
            continue;
        }
        per_day.entry((t.actor, cx.day_of(t))).or_default().push(t);
    }
    for ((actor, _), list) in per_day {
        out.alerts.push(sign_in_alert(cx, actor, &list));
    }
}

/// The alert for one person's legacy sign-ins on one day.
fn sign_in_alert(cx: &Cx, actor: Sym, list: &[&Touch]) -> AlertBuilder {
    let user = cx.s(actor).to_string();
    let used: BTreeSet<&str> = list.iter().map(|t| cx.s(t.client)).collect();
    let ips: BTreeSet<&str> = list.iter().map(|t| cx.s(t.ip)).filter(|s| !s.is_empty()).collect();
    let used: Vec<&str> = used.into_iter().collect();
    let mut b = cx.alert(
        format!("{user}: {} successful sign-in(s) over legacy clients ({})", list.len(), used.join(", ")),
        Severity::High,
    );
    b.key.push(user.clone());
    b.key.push(list[0].ts.to_string());
    b.reason(format!(
        "{} sign-in(s) succeeded with {} from {}: the password alone was enough, no MFA was asked",
        list.len(),
        used.join(", "),
        ips.iter().copied().collect::<Vec<_>>().join(", ")
    ));
    let e = b.entities();
    e.user(&user);
    for t in list {
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.app(cx.s(t.app), None);
    }
    for t in list {
        b.evidence(&t.id, utc(t.ts));
    }
    b
}
