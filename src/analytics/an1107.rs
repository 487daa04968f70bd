//! AN1107: access to other people's mail granted to an app or to a rarely used account.
//!
//! Grants are the ApplicationImpersonation role and the RBAC-for-Applications mail roles (Exchange role
//! assignments), `full_access_as_app` and Graph `Mail.*` application permissions or consents, and mailbox
//! delegation (FullAccess, SendAs, SendOnBehalf, folder rights). A grant matters when the grantee is a service
//! principal, a new, dormant or guest account, when a folder is opened to everyone, or when the person granting acts
//! outside their hours, country or network; use of the grant afterwards raises it. Microsoft system actors and
//! allowlisted grantees, admins and delegate mailboxes are suppressed and counted; routine grants stay quiet.

use super::an1350::grant_parts;
use super::catalog::{self, OpList};
use super::clock::smoothed_share;
use super::common::{actor_of, ip_of, is_internal, op_in, prop, raise, utc, Cx, Findings};
use super::store::profile::Feat;
use super::store::strings::Sym;
use super::store::touch::{Touch, TouchKind};
use crate::model::{ActorKind, Event, Severity};
use chrono::NaiveDate;
use std::collections::BTreeSet;

const DAY: i64 = 86_400;

/// One grant found in the audit records.
struct Grant {
    what: String,
    grantee: String,
    /// A display name for an application grantee.
    grantee_name: Option<String>,
    /// The grantee is an application (app id or service principal name).
    app_grantee: bool,
    mailbox: String,
    tenant_wide: bool,
}

fn grant_of(ev: &Event) -> Option<Grant> {
    if op_in(ev, OpList::RoleAssignment) {
        let role = prop(ev, &["Role"]).unwrap_or_default();
        let low = role.to_ascii_lowercase();
        let impersonation = low.contains("applicationimpersonation");
        let app_mail = low.starts_with("application mail") || low.starts_with("application exchangefull");
        if !impersonation && !app_mail {
            return None;
        }
        let app = prop(ev, &["App"]);
        let user = prop(ev, &["User", "SecurityGroup"]);
        let (grantee, app_grantee) = match (app, user) {
            (Some(a), _) => (a, true),
            (None, Some(u)) => (u, false),
            _ => (String::new(), false),
        };
        let scope =
            prop(ev, &["CustomResourceScope", "RecipientAdministrativeUnitScope", "RecipientOrganizationalUnitScope"]);
        return Some(Grant {
            what: format!("{role} role assignment"),
            grantee: grantee.to_ascii_lowercase(),
            grantee_name: None,
            app_grantee,
            mailbox: String::new(),
            tenant_wide: scope.is_none(),
        });
    }
    if op_in(ev, OpList::AppGrant) {
        let mut perms: Vec<&'static str> = Vec::new();
        for t in &ev.targets {
            for m in &t.modified {
                if let Some(v) = m.new.as_deref() {
                    for p in catalog::mail_permissions_in(v) {
                        if !perms.contains(&p) {
                            perms.push(p);
                        }
                    }
                }
            }
        }
        for (_, v) in &ev.params {
            for p in catalog::mail_permissions_in(v) {
                if !perms.contains(&p) {
                    perms.push(p);
                }
            }
        }
        if perms.is_empty() {
            return None;
        }
        let grantee = prop(ev, &["ServicePrincipal.AppId", "AppId", "ServicePrincipal.DisplayName"])
            .or_else(|| ev.targets.iter().find_map(|t| t.id.clone()))
            .unwrap_or_default();
        let app_only = ev.operation.to_ascii_lowercase().contains("app role");
        let name = prop(ev, &["ServicePrincipal.DisplayName", "ServicePrincipal.Name", "DisplayName"]);
        return Some(Grant {
            what: format!("{} {}", if app_only { "application permission" } else { "consent to" }, perms.join(", ")),
            grantee: grantee.to_ascii_lowercase(),
            grantee_name: name,
            app_grantee: true,
            mailbox: String::new(),
            tenant_wide: app_only && perms.iter().any(|p| catalog::is_tenant_wide_mail_permission(p)),
        });
    }
    if op_in(ev, OpList::MailboxDelegation) {
        let (grantee, mailbox) = grant_parts(ev);
        let rights = prop(ev, &["AccessRights", "ExtendedRights"]).unwrap_or_default();
        let op = ev.operation.to_ascii_lowercase();
        if op == "set-mailbox" && prop(ev, &["GrantSendOnBehalfTo"]).is_none() {
            return None;
        }
        if op.contains("folderpermission") && rights.eq_ignore_ascii_case("none") {
            return None;
        }
        return Some(Grant {
            what: format!("{} {rights}", ev.operation),
            grantee,
            grantee_name: None,
            app_grantee: false,
            mailbox,
            tenant_wide: false,
        });
    }
    None
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let store = cx.store;
    let p = cx.params;
    let grantee_allow: Vec<String> = p.list("grantee_allowlist").iter().map(|s| s.to_ascii_lowercase()).collect();
    let admin_allow: Vec<String> = p.list("exchange_admin_allowlist").iter().map(|s| s.to_ascii_lowercase()).collect();
    let delegate_ok = cx.list_with("delegate_mailboxes", &cx.config.allow.delegate_mailboxes);
    let countries = cx.list_with("allowed_countries", &cx.config.allow.countries);
    let uas: Vec<String> = p.list("user_agents").iter().map(|s| s.to_ascii_lowercase()).collect();
    let vips: Vec<String> = p.list("target_mailboxes").iter().map(|s| s.to_ascii_lowercase()).collect();
    let retired = NaiveDate::parse_from_str(p.text("impersonation_retired_after"), "%Y-%m-%d").ok();

    for ev in cx.audits {
        let Some(g) = grant_of(ev) else { continue };
        let Some(ts) = ev.ts else { continue };
        let actor = actor_of(ev);
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor) {
            out.suppressions.add(&cx.meta.id, "system actor", &actor, &ev.id);
            continue;
        }
        if grantee_allow.contains(&g.grantee) {
            out.suppressions.add(&cx.meta.id, "grantee_allowlist", &g.grantee, &ev.id);
            continue;
        }
        if admin_allow.contains(&actor) {
            out.suppressions.add(&cx.meta.id, "exchange_admin_allowlist", &actor, &ev.id);
            continue;
        }
        if !g.mailbox.is_empty() && delegate_ok.contains(&g.mailbox) {
            out.suppressions.add(&cx.meta.id, "allow.delegate_mailboxes", &g.mailbox, &ev.id);
            continue;
        }
        let day = store.clock.day(ts);
        let (from, to) = cx.lookback(day);
        let mut b = cx.alert(String::new(), Severity::Medium);
        let mut anomalies: Vec<String> = Vec::new();
        let mut grantee_notes: Vec<String> = Vec::new();

        // The grantee.
        let grantee_key = if g.app_grantee { format!("app:{}", g.grantee) } else { g.grantee.clone() };
        let grantee_sym = store.strings.lookup(&grantee_key);
        let gprof = grantee_sym.and_then(|s| store.profile(s));
        let broad_folder = g.grantee == "default" || g.grantee == "anonymous";
        if g.app_grantee {
            grantee_notes.push(format!("grantee {} is an application", g.grantee));
        } else if broad_folder {
            grantee_notes.push(format!(
                "{} opened to everyone ({})",
                if g.mailbox.is_empty() { "a folder" } else { &g.mailbox },
                g.grantee
            ));
        } else {
            let active = gprof.map(|pr| pr.active.count_in(from, to)).unwrap_or(0);
            let first_seen = gprof.and_then(|pr| pr.active.first());
            if active <= p.int("rare_user_active_days") as usize {
                grantee_notes.push(format!(
                    "grantee {} was active on {active} day(s) in the {} days before",
                    g.grantee,
                    to - from
                ));
            }
            if first_seen.is_some_and(|f| day - f <= p.int("new_account_days") as i32 && f > from) && active > 0 {
                grantee_notes.push(format!("grantee {} is new in the case", g.grantee));
            }
            if g.grantee.contains('@') && !is_internal(cx.config, &g.grantee) {
                grantee_notes.push(format!("grantee {} is outside the tenant", g.grantee));
            }
        }
        if g.what.contains("ApplicationImpersonation") {
            if let Some(r) = retired {
                if ts.date_naive() >= r {
                    anomalies.push(format!(
                        "ApplicationImpersonation is retired in Exchange Online since {r}; a new assignment is unusual"
                    ));
                }
            }
        }

        // The actor's norms: hours, country, agent.
        let actor_sym = store.strings.lookup(&actor);
        let aprof = actor_sym.and_then(|s| store.profile(s));
        let enough = actor_sym.map(|s| cx.check_history(&mut b, s, day)).unwrap_or(false);
        let agent = ev.user_agent.as_deref().or_else(|| ev.param("User-Agent")).unwrap_or("").to_ascii_lowercase();
        let expected_agent = !agent.is_empty() && uas.iter().any(|u| agent.contains(u.as_str()));
        if let (Some(pr), true) = (aprof, enough) {
            let hist = pr.how_histogram(from, to);
            let share = smoothed_share(&hist, store.clock.how(ts));
            if share < p.float("hour_bucket_min_share") && !expected_agent {
                anomalies.push(format!(
                    "{actor} acted at {}, an hour holding {:.1}% of their activity",
                    store.clock.describe(ts),
                    share * 100.0
                ));
            }
            if let Some(c) = ev.net.country.as_deref() {
                let sym = store.strings.lookup(c).unwrap_or(0);
                let days = pr.days_with(Feat::Country, sym, from, to);
                if days < p.int("min_country_days") as usize && !countries.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                    anomalies.push(format!("{actor} acted from {c}, seen on {days} day(s) of their history"));
                }
            }
        } else if !store.clock.in_working_hours(ts) && !expected_agent {
            anomalies.push(format!(
                "granted at {}, outside working hours ({})",
                store.clock.describe(ts),
                store.clock.window_text()
            ));
        }

        // Use of the grant afterwards.
        let horizon = ts.timestamp() + p.int("use_window_days").max(1) * DAY;
        let mut used: Vec<&Touch> = Vec::new();
        let mut used_mailboxes: BTreeSet<Sym> = BTreeSet::new();
        if let Some(gs) = grantee_sym {
            for t in store.by_between(gs, ts.timestamp(), horizon) {
                if matches!(t.kind, TouchKind::MailRead | TouchKind::MailboxLogin | TouchKind::GraphMail) {
                    let mb = cx.s(t.mailbox);
                    if mb.is_empty() || mb != g.grantee {
                        used.push(t);
                        if t.mailbox != 0 {
                            used_mailboxes.insert(t.mailbox);
                        }
                    }
                }
            }
        }

        let notable = !grantee_notes.is_empty() || !anomalies.is_empty() || g.tenant_wide && g.app_grantee;
        if !notable {
            out.suppressions.add(
                &cx.meta.id,
                "routine grant (active grantee, usual hours and places)",
                &g.grantee,
                &ev.id,
            );
            continue;
        }
        let mut sev = if g.app_grantee && g.tenant_wide || !grantee_notes.is_empty() && !anomalies.is_empty() {
            Severity::High
        } else {
            Severity::Medium
        };
        b.alert.title = format!(
            "{actor} granted {} to {}",
            g.what.trim(),
            match (&g.grantee_name, g.grantee.is_empty()) {
                (_, true) => "(unnamed grantee)".to_string(),
                (Some(n), false) => format!("{n} ({})", g.grantee),
                (None, false) => g.grantee.clone(),
            }
        );
        b.key.push(ev.id.clone());
        b.reason(format!("{} by {actor} at {}", g.what.trim(), store.clock.describe(ts)));
        if g.tenant_wide && g.app_grantee {
            b.reason("the permission reaches every mailbox in the tenant");
        }
        for n in grantee_notes.iter().chain(anomalies.iter()) {
            b.reason(n.clone());
        }
        if let Some(pr) = gprof {
            b.baseline(format!("grantee active on {} day(s) in the lookback", pr.active.count_in(from, to)));
        }
        if let Some(pr) = aprof {
            let mut cs: Vec<&str> = pr.values_of(Feat::Country, from, to, 1).iter().map(|s| cx.s(*s)).collect();
            cs.sort_unstable();
            b.baseline(format!(
                "{actor} usually acts from: {}",
                if cs.is_empty() { "-".to_string() } else { cs.join(", ") }
            ));
        }
        if !used.is_empty() {
            let items: u64 = used.iter().map(|t| t.items as u64).sum();
            let mut mbs: Vec<&str> = used_mailboxes.iter().map(|m| cx.s(*m)).collect();
            mbs.sort_unstable();
            b.reason(format!("then used: {} access record(s), {items} item(s) in {}", used.len(), mbs.join(", ")));
            sev = raise(sev);
            if used_mailboxes.len() >= p.int("multi_mailbox_threshold").max(1) as usize
                || mbs.iter().any(|m| vips.iter().any(|v| v == m))
            {
                sev = Severity::Critical;
            }
        }
        if vips.contains(&g.mailbox) {
            sev = raise(sev);
            b.reason(format!("{} is a VIP mailbox (target_mailboxes)", g.mailbox));
        }
        b.alert.severity = sev;
        b.evidence(&ev.id, ts);
        let e = b.entities();
        e.user(&actor);
        if g.app_grantee {
            e.app(&g.grantee, g.grantee_name.as_deref());
        } else if g.grantee.contains('@') {
            e.user(&g.grantee);
        }
        e.mailbox(&g.mailbox);
        if let Some(ip) = ip_of(ev) {
            e.ip(&ip);
        }
        if let Some(s) = ev.session_id.as_deref() {
            e.session(s);
        }
        for t in used.iter().take(200) {
            let e = b.entities();
            e.ip(cx.s(t.ip));
            e.session(cx.s(t.session));
            e.mailbox(cx.s(t.mailbox));
            e.app(cx.s(t.app), None);
            b.evidence(&t.id, utc(t.ts));
        }
        out.alerts.push(b);
    }
    out
}
