//! AN1350: a partner's delegated access is turned into mailbox access.
//!
//! Stage 1 is a change of partner trust (a DAP/GDAP partner or a cross-tenant service-provider setting added or
//! updated, GDAP service principals created, changes made by a partner technician). Stage 2 is mailbox delegation or
//! an Exchange role assignment made by a partner actor or granted to an outside principal. Stage 3 is the use:
//! mailbox access by the grantee or the partner's technicians, and their service-provider sign-ins. Stages are tied
//! by partner tenant id (from the trust change and from the technicians' sign-ins) and by actor; each partner tenant
//! gives one alert whose severity follows how much of the chain is present.

use super::catalog::{self, IdSet, OpList};
use super::common::{actor_of, domain_of, ip_of, is_internal, lower, op_in, prop, raise, utc, Cx, Findings};
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Event, Severity};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const DAY: i64 = 86_400;

#[derive(Default)]
struct Chain<'a> {
    trust: Vec<&'a Event>,
    delegations: Vec<(&'a Event, String, String)>,
    access: Vec<&'a Touch>,
    signins: Vec<&'a Touch>,
    actors: BTreeSet<String>,
    name: Option<String>,
}

fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The grantee and mailbox of a delegation or role assignment (`User`/`Trustee`/`GrantSendOnBehalfTo`, `Identity`).
pub fn grant_parts(ev: &Event) -> (String, String) {
    let grantee = prop(ev, &["User", "Trustee", "GrantSendOnBehalfTo", "App", "Member"]).unwrap_or_default();
    let mailbox = prop(ev, &["Identity", "Mailbox"]).unwrap_or_default();
    let mailbox = mailbox.split(":\\").next().unwrap_or("").trim().to_ascii_lowercase();
    (grantee.to_ascii_lowercase(), mailbox)
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let store = cx.store;
    let p = cx.params;
    let trusted = cx.list_with("trusted_partner_tenants", &cx.config.allow.trusted_partner_tenants);
    let delegate_ok = cx.list_with("delegate_mailboxes", &cx.config.allow.delegate_mailboxes);
    let vips: Vec<String> = p.list("target_mailboxes").iter().map(|s| s.to_ascii_lowercase()).collect();
    let partner_nets: Vec<ipnet::IpNet> =
        p.list("partner_ip_allowlist").iter().filter_map(|s| crate::config::parse_net(s)).collect();

    // Partner technicians and their home tenants, learned from sign-ins; domains map to tenants too.
    let mut tenant_of_actor: HashMap<String, String> = HashMap::new();
    let mut tenant_of_domain: HashMap<String, String> = HashMap::new();
    for t in &store.touches {
        if t.kind != TouchKind::SignIn || t.home_tenant == 0 {
            continue;
        }
        if t.actor_kind == ActorKind::Partner || t.has(flags::SERVICE_PROVIDER) {
            let actor = cx.s(t.actor).to_string();
            let tenant = cx.s(t.home_tenant).to_ascii_lowercase();
            if let Some(d) = domain_of(&actor) {
                tenant_of_domain.entry(d.to_string()).or_insert_with(|| tenant.clone());
            }
            tenant_of_actor.entry(actor).or_insert(tenant);
        }
    }
    let tenant_for = |who: &str| -> Option<String> {
        tenant_of_actor.get(who).cloned().or_else(|| domain_of(who).and_then(|d| tenant_of_domain.get(d).cloned()))
    };
    let unknown_key = |who: &str| format!("domain:{}", domain_of(who).unwrap_or(who));

    let mut chains: BTreeMap<String, Chain> = BTreeMap::new();
    // Stage 1: trust changes.
    for ev in cx.audits {
        let partner_actor = ev.actor.kind == ActorKind::Partner;
        let trust = op_in(ev, OpList::PartnerTrust);
        let gdap_sp = op_in(ev, OpList::ServicePrincipal)
            && prop(ev, &["AppPrincipalId", "AppId", "ServicePrincipalName"])
                .is_some_and(|a| catalog::in_set(IdSet::GdapPartnerApps, &a));
        if !(trust || gdap_sp || partner_actor && (op_in(ev, OpList::AppGrant) || op_in(ev, OpList::ServicePrincipal)))
        {
            continue;
        }
        let tenant = prop(ev, &["PartnerTenantId", "TenantId", "targetTenantId", "PartnerTenant"])
            .or_else(|| ev.targets.iter().filter_map(|t| t.id.clone()).find(|i| is_guid(i) && trust))
            .map(|s| s.to_ascii_lowercase())
            .or_else(|| if partner_actor { tenant_for(&actor_of(ev)) } else { None })
            .unwrap_or_else(|| "unknown partner".to_string());
        let c = chains.entry(tenant).or_default();
        if c.name.is_none() {
            c.name =
                prop(ev, &["PartnerName", "DisplayName"]).or_else(|| ev.targets.iter().find_map(|t| t.name.clone()));
        }
        c.trust.push(ev);
    }
    // Stage 2: delegation by a partner actor or to an outside principal.
    for ev in cx.audits {
        if !(op_in(ev, OpList::MailboxDelegation) || op_in(ev, OpList::RoleAssignment)) {
            continue;
        }
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor_of(ev)) {
            continue;
        }
        let actor = actor_of(ev);
        let (grantee, mailbox) = grant_parts(ev);
        let actor_outside =
            ev.actor.kind == ActorKind::Partner || (actor.contains('@') && !is_internal(cx.config, &actor));
        let grantee_outside = grantee.contains('@') && !is_internal(cx.config, &grantee);
        if !actor_outside && !grantee_outside {
            continue;
        }
        let who = if actor_outside { &actor } else { &grantee };
        let key = tenant_for(who).unwrap_or_else(|| unknown_key(who));
        let c = chains.entry(key).or_default();
        c.actors.insert(who.clone());
        if grantee_outside {
            c.actors.insert(grantee.clone());
        }
        c.delegations.push((ev, grantee, mailbox));
    }
    // Partner actors seen in sign-ins join their tenant's chain.
    for (actor, tenant) in &tenant_of_actor {
        if let Some(c) = chains.get_mut(tenant) {
            c.actors.insert(actor.clone());
        }
    }
    // Stage 3: mailbox access and service-provider sign-ins by the chain's actors.
    for (key, c) in chains.iter_mut() {
        let start = c
            .delegations
            .iter()
            .filter_map(|(e, _, _)| e.ts)
            .chain(c.trust.iter().filter_map(|e| e.ts))
            .min()
            .map(|t| t.timestamp());
        let Some(start) = start else { continue };
        let horizon = start + (p.int("stage2_window_days") + p.int("stage3_window_days")).max(1) * DAY;
        let mailboxes: BTreeSet<&str> = c.delegations.iter().map(|(_, _, m)| m.as_str()).collect();
        for actor in c.actors.clone() {
            let Some(sym) = store.strings.lookup(&actor) else { continue };
            for t in store.by_between(sym, start, horizon) {
                match t.kind {
                    TouchKind::MailRead | TouchKind::MailboxLogin => {
                        let mb = cx.s(t.mailbox);
                        if mb != actor
                            && (mailboxes.is_empty() || mailboxes.contains(mb) || t.has(flags::EXTERNAL_ACCESS))
                        {
                            c.access.push(t);
                        }
                    }
                    TouchKind::SignIn if t.has(flags::SUCCESS) => {
                        let ip = cx.s(t.ip);
                        if !super::common::ip_in(&partner_nets, ip) {
                            c.signins.push(t);
                        }
                    }
                    _ => {}
                }
            }
        }
        let _ = key;
    }

    for (tenant, c) in chains {
        let is_trusted = trusted.contains(&tenant);
        let delegations: Vec<&(&Event, String, String)> = c.delegations.iter().collect();
        let outside_allow: Vec<&&(&Event, String, String)> =
            delegations.iter().filter(|(_, _, m)| !delegate_ok.iter().any(|d| d == m)).collect();
        if is_trusted && outside_allow.is_empty() {
            let example =
                c.delegations.first().map(|d| d.0.id.clone()).or_else(|| c.trust.first().map(|e| e.id.clone()));
            out.suppressions.add(
                &cx.meta.id,
                "allow.trusted_partner_tenants + allow.delegate_mailboxes",
                &tenant,
                &example.unwrap_or_default(),
            );
            continue;
        }
        let stages = usize::from(!c.trust.is_empty())
            + usize::from(!c.delegations.is_empty())
            + usize::from(!c.access.is_empty());
        if stages == 0 || (c.trust.is_empty() && c.delegations.is_empty()) {
            continue;
        }
        let mut sev = match stages {
            3 => Severity::Critical,
            2 => Severity::High,
            _ => Severity::Medium,
        };
        let label = c.name.clone().map(|n| format!("{n} ({tenant})")).unwrap_or_else(|| tenant.clone());
        let mut b = cx.alert(
            format!(
                "Partner {label}: {}",
                match stages {
                    3 => "trust change, mailbox delegation and mailbox access",
                    2 if c.trust.is_empty() => "mailbox delegation then mailbox access",
                    2 if c.access.is_empty() => "trust change then mailbox delegation",
                    2 => "trust change then mailbox access",
                    _ if c.trust.is_empty() => "mailbox delegation by or to a partner",
                    _ => "partner trust changed",
                }
            ),
            sev,
        );
        b.key.push(tenant.clone());
        if is_trusted {
            sev = lower(sev);
            b.reason(format!(
                "{tenant} is a trusted partner, but reached mailbox(es) outside allow.delegate_mailboxes"
            ));
        } else {
            b.reason(format!("partner tenant {tenant} is not in allow.trusted_partner_tenants"));
        }
        for ev in &c.trust {
            b.reason(format!("stage 1: {} by {} at {}", ev.operation.trim_end_matches('.'), actor_of(ev), show(ev)));
            b.evidence(&ev.id, ev.ts.unwrap_or_default());
            b.entities().user(&actor_of(ev));
            if let Some(ip) = ip_of(ev) {
                b.entities().ip(&ip);
            }
        }
        for (ev, grantee, mailbox) in &c.delegations {
            let rights = prop(ev, &["AccessRights", "Role"]).unwrap_or_default();
            b.reason(format!(
                "stage 2: {} {rights} on {} for {} by {} at {}",
                ev.operation,
                if mailbox.is_empty() { "(no mailbox named)" } else { mailbox },
                if grantee.is_empty() { "(unnamed)" } else { grantee },
                actor_of(ev),
                show(ev)
            ));
            if vips.iter().any(|v| v == mailbox) {
                sev = raise(sev);
                b.reason(format!("{mailbox} is a VIP mailbox (target_mailboxes)"));
            }
            b.evidence(&ev.id, ev.ts.unwrap_or_default());
            let e = b.entities();
            e.user(&actor_of(ev));
            if grantee.contains('@') {
                e.user(grantee);
            }
            e.mailbox(mailbox);
            if let Some(ip) = ip_of(ev) {
                e.ip(&ip);
            }
            if let Some(s) = ev.session_id.as_deref() {
                e.session(s);
            }
        }
        if !c.access.is_empty() {
            let items: u64 = c.access.iter().map(|t| t.items as u64).sum();
            let mbs: BTreeSet<&str> = c.access.iter().map(|t| cx.s(t.mailbox)).collect();
            let ips: BTreeSet<&str> = c.access.iter().map(|t| cx.s(t.ip)).filter(|s| !s.is_empty()).collect();
            b.reason(format!(
                "stage 3: {} access record(s), {items} item(s), to {} from {}",
                c.access.len(),
                mbs.into_iter().collect::<Vec<_>>().join(", "),
                ips.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        if !c.signins.is_empty() {
            let ips: BTreeSet<&str> = c.signins.iter().map(|t| cx.s(t.ip)).filter(|s| !s.is_empty()).collect();
            b.reason(format!(
                "{} partner sign-in(s) into the tenant from {}",
                c.signins.len(),
                ips.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        b.baseline(format!(
            "trusted partner tenants in the case: {}",
            if trusted.is_empty() { "none".to_string() } else { trusted.join(", ") }
        ));
        for t in c.access.iter().chain(c.signins.iter()) {
            b.evidence(&t.id, utc(t.ts));
            let e = b.entities();
            e.user(cx.s(t.actor));
            e.ip(cx.s(t.ip));
            e.session(cx.s(t.session));
            e.mailbox(cx.s(t.mailbox));
        }
        if !tenant.starts_with("domain:") && tenant != "unknown partner" {
            b.entities().tenant(&tenant);
        }
        b.alert.severity = sev;
        out.alerts.push(b);
    }
    out
}

fn show(ev: &Event) -> String {
    ev.ts.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "unknown time".to_string())
}
