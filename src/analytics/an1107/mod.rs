//! AN1107: access to other people's mail granted to an app or to a rarely used account.
//!
//! Grants are the ApplicationImpersonation role and the RBAC-for-Applications mail roles (Exchange role
//! assignments), `full_access_as_app` and Graph `Mail.*` application permissions or consents, and mailbox
//! delegation (FullAccess, SendAs, SendOnBehalf, folder rights). A grant matters when the grantee is a service
//! principal, a new, dormant or guest account, when a folder is opened to everyone, or when the person granting acts
//! outside their hours, country or network; use of the grant afterwards raises it. Microsoft system actors and
//! allowlisted grantees, admins and delegate mailboxes are suppressed and counted; routine grants stay quiet.

mod actor;
mod grants;

use super::alert::AlertBuilder;
use super::allow::{actor_names, names_of, AllowList};
use super::catalog;
use super::clock::Day;
use super::common::{actor_of, ip_of, is_internal, raise, utc, Cx, Findings};
use super::store::profile::{Feat, Profile};
use super::store::strings::Sym;
use super::store::touch::{Touch, TouchKind};
use crate::model::{ActorKind, Event, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use grants::{Grant, Learnt};
use std::collections::BTreeSet;

const DAY: i64 = 86_400;

/// The allow lists and parameters this analytic reads.
struct Settings {
    grantee_allow: AllowList,
    admin_allow: AllowList,
    automation: AllowList,
    delegate_ok: AllowList,
    countries: Vec<String>,
    uas: Vec<String>,
    vips: Vec<String>,
    retired: Option<NaiveDate>,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let lower = |name: &str| p.list(name).iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<String>>();
        Settings {
            grantee_allow: AllowList::new(p.list("grantee_allowlist")),
            admin_allow: AllowList::new(p.list("exchange_admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            delegate_ok: AllowList::new(&cx.list_with("delegate_mailboxes", &cx.config.allow.delegate_mailboxes)),
            countries: cx.list_with("allowed_countries", &cx.config.allow.countries),
            uas: lower("user_agents"),
            vips: lower("target_mailboxes"),
            retired: NaiveDate::parse_from_str(p.text("impersonation_retired_after"), "%Y-%m-%d").ok(),
        }
    }

    /// The allow rule a grant falls under, with the value it matched. Every list is matched against every name
    /// the case knows the grantee or the actor by; an approved automation account granting itself (or another
    /// approved automation account) access is allowed, an admin granting one access is not.
    fn allowed<'a>(&self, cx: &Cx<'a>, ev: &'a Event, g: &'a Grant, actor: &'a str) -> Option<(&'static str, String)> {
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(actor) {
            return Some(("system actor", actor.to_string()));
        }
        let grantee = grantee_names(cx, g);
        let acting = actor_names(cx, ev);
        if let Some(m) = self.grantee_allow.matched(&grantee) {
            return Some(("grantee_allowlist", m.to_string()));
        }
        if let Some(m) = self.admin_allow.matched(&acting) {
            return Some(("exchange_admin_allowlist", m.to_string()));
        }
        if let (Some(m), Some(_)) = (self.automation.matched(&grantee), self.automation.matched(&acting)) {
            return Some(("allow.automation_accounts", m.to_string()));
        }
        if let Some(m) = self.delegate_ok.matched(&[g.mailbox.as_str()]) {
            return Some(("allow.delegate_mailboxes", m.to_string()));
        }
        None
    }
}

/// Every name the case knows a grantee by: as the record names it, its display name, and what the store learnt.
fn grantee_names<'a>(cx: &Cx<'a>, g: &'a Grant) -> Vec<&'a str> {
    let mut names = vec![g.grantee.as_str()];
    names.extend(g.grantee_name.as_deref());
    let key = if g.app_grantee { format!("app:{}", g.grantee) } else { g.grantee.clone() };
    if let Some(sym) = cx.store.strings.lookup(&key) {
        names.extend(names_of(cx, sym));
    }
    names
}

/// One grant being judged: its record and time, what it grants, who granted it, and the lookback before it.
struct Granted<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    grant: Grant,
    actor: String,
    day: Day,
    from: Day,
    to: Day,
}

/// Mail access by the grantee after the grant.
struct GrantUse<'a> {
    touches: Vec<&'a Touch>,
    mailboxes: BTreeSet<Sym>,
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let settings = Settings::read(cx);
    let mut learnt = Learnt::with_groups(cx.params.list("impersonation_role_groups"));
    for ev in cx.audits {
        let found = learnt.grants_of(ev);
        let Some(ts) = ev.ts else { continue };
        for grant in found {
            let actor = actor_of(ev);
            if let Some((rule, matched)) = settings.allowed(cx, ev, &grant, &actor) {
                out.suppressions.add(&cx.meta.id, rule, &matched, &ev.id);
                continue;
            }
            let day = cx.store.clock.day(ts);
            let (from, to) = cx.lookback(day);
            let granted = Granted { ev, ts, grant, actor, day, from, to };
            judge_grant(cx, &settings, &granted, &mut out);
        }
    }
    out
}

/// Suppresses a routine grant, else raises an alert saying what about the grantee and the actor is unusual and
/// whether the grant was used.
fn judge_grant(cx: &Cx, settings: &Settings, x: &Granted, out: &mut Findings) {
    let store = cx.store;
    let g = &x.grant;
    let mut b = cx.alert(String::new(), Severity::Medium);
    let grantee_key = if g.app_grantee { format!("app:{}", g.grantee) } else { g.grantee.clone() };
    let grantee_sym = store.strings.lookup(&grantee_key);
    let gprof = grantee_sym.and_then(|s| store.profile(s));
    let grantee_notes = grantee_notes(cx, x, gprof);
    let mut anomalies: Vec<String> = retired_impersonation(settings, x).into_iter().collect();
    let actor_sym = store.strings.lookup(&x.actor);
    let aprof = actor_sym.and_then(|s| store.profile(s));
    let enough = actor_sym.map(|s| cx.check_history(&mut b, s, x.day)).unwrap_or(false);
    anomalies.extend(actor::anomalies(cx, settings, x, aprof, enough));
    let used = grant_use(cx, x, grantee_sym);

    let notable = !grantee_notes.is_empty() || !anomalies.is_empty() || g.tenant_wide && g.app_grantee;
    if !notable {
        let rule = if x.ev.net.ip.is_some() {
            "routine grant (active grantee, usual hours and places)"
        } else {
            "routine grant (active grantee, usual hours; the record names no address)"
        };
        out.suppressions.add(&cx.meta.id, rule, &g.grantee, &x.ev.id);
        return;
    }
    let mut sev = if g.app_grantee && g.tenant_wide || !grantee_notes.is_empty() && !anomalies.is_empty() {
        Severity::High
    } else {
        Severity::Medium
    };
    b.alert.title = grant_title(x);
    b.key.push(x.ev.id.clone());
    b.reason(format!("{} by {} at {}", g.what.trim(), x.actor, store.clock.describe(x.ts)));
    if g.tenant_wide {
        b.reason("the permission reaches every mailbox in the tenant");
    }
    for n in grantee_notes.iter().chain(anomalies.iter()) {
        b.reason(n.clone());
    }
    add_baselines(cx, &mut b, x, gprof, aprof);
    sev = explain_use(cx, settings, &mut b, &used, sev);
    if settings.vips.contains(&g.mailbox) {
        sev = raise(sev);
        b.reason(format!("{} is a VIP mailbox (target_mailboxes)", g.mailbox));
    }
    b.alert.severity = sev;
    add_entities(cx, &mut b, x, &used);
    out.alerts.push(b);
}

/// What makes the grantee worth a look: an application, a folder opened to everyone, or a rarely active, new or
/// outside account.
fn grantee_notes(cx: &Cx, x: &Granted, gprof: Option<&Profile>) -> Vec<String> {
    let p = cx.params;
    let g = &x.grant;
    let mut notes = Vec::new();
    let broad_folder = g.grantee == "default" || g.grantee == "anonymous";
    if g.app_grantee {
        notes.push(format!("grantee {} is an application", g.grantee));
    } else if broad_folder {
        notes.push(format!(
            "{} opened to everyone ({})",
            if g.mailbox.is_empty() { "a folder" } else { &g.mailbox },
            g.grantee
        ));
    } else {
        let active = gprof.map(|pr| pr.active.count_in(x.from, x.to)).unwrap_or(0);
        let first_seen = gprof.and_then(|pr| pr.active.first());
        // Rarity and newness speak only for the days the case holds: on a short case an account seen on each of
        // its few days is not rare, and everyone seen on its first day is as old as the case.
        let case_first = cx.store.span.map(|(f, _)| f).unwrap_or(x.day);
        let covered = x.day - case_first.max(x.from);
        let judged = covered >= p.int("min_coverage_days") as i32 || active == 0;
        if judged && active <= p.int("rare_user_active_days") as usize {
            notes.push(format!(
                "grantee {} was active on {active} day(s) in the {} days before",
                g.grantee,
                x.to - x.from
            ));
        }
        let new_since = case_first.max(x.from);
        if first_seen.is_some_and(|f| x.day - f <= p.int("new_account_days") as i32 && f > new_since) && active > 0 {
            notes.push(format!("grantee {} is new in the case", g.grantee));
        }
        if g.grantee.contains('@') && !is_internal(cx.config, &g.grantee) {
            notes.push(format!("grantee {} is outside the tenant", g.grantee));
        }
    }
    notes
}

/// A new ApplicationImpersonation assignment after Exchange Online retired the role.
fn retired_impersonation(settings: &Settings, x: &Granted) -> Option<String> {
    if !x.grant.what.contains("ApplicationImpersonation") {
        return None;
    }
    let r = settings.retired?;
    (x.ts.date_naive() >= r).then(|| {
        format!("ApplicationImpersonation is retired in Exchange Online since {r}; a new assignment is unusual")
    })
}

/// Mail read by the grantee in other mailboxes within the use window after the grant.
fn grant_use<'a>(cx: &Cx<'a>, x: &Granted, grantee: Option<Sym>) -> GrantUse<'a> {
    let horizon = x.ts.timestamp() + cx.params.int("use_window_days").max(1) * DAY;
    let mut used = GrantUse { touches: Vec::new(), mailboxes: BTreeSet::new() };
    let Some(gs) = grantee else { return used };
    for t in cx.store.by_between(gs, x.ts.timestamp(), horizon) {
        if matches!(t.kind, TouchKind::MailRead | TouchKind::MailboxLogin | TouchKind::GraphMail) {
            let mb = cx.s(t.mailbox);
            if mb.is_empty() || mb != x.grant.grantee {
                used.touches.push(t);
                if t.mailbox != 0 {
                    used.mailboxes.insert(t.mailbox);
                }
            }
        }
    }
    used
}

/// "<actor> granted <what> to <grantee>".
fn grant_title(x: &Granted) -> String {
    let g = &x.grant;
    format!(
        "{} granted {} to {}",
        x.actor,
        g.what.trim(),
        match (&g.grantee_name, g.grantee.is_empty()) {
            (_, true) => "(unnamed grantee)".to_string(),
            (Some(n), false) => format!("{n} ({})", g.grantee),
            (None, false) => g.grantee.clone(),
        }
    )
}

/// The grantee's activity and the actor's usual countries in the lookback.
fn add_baselines(cx: &Cx, b: &mut AlertBuilder, x: &Granted, gprof: Option<&Profile>, aprof: Option<&Profile>) {
    if let Some(pr) = gprof {
        b.baseline(format!("grantee active on {} day(s) in the lookback", pr.active.count_in(x.from, x.to)));
    }
    if let Some(pr) = aprof {
        let mut cs: Vec<&str> = pr.values_of(Feat::Country, x.from, x.to, 1).iter().map(|s| cx.s(*s)).collect();
        cs.sort_unstable();
        b.baseline(format!(
            "{} usually acts from: {}",
            x.actor,
            if cs.is_empty() { "-".to_string() } else { cs.join(", ") }
        ));
    }
}

/// Says how the grant was used; use raises the severity, many or VIP mailboxes make it critical.
fn explain_use(cx: &Cx, settings: &Settings, b: &mut AlertBuilder, used: &GrantUse, mut sev: Severity) -> Severity {
    if used.touches.is_empty() {
        return sev;
    }
    let items: u64 = used.touches.iter().map(|t| t.items as u64).sum();
    let mut mbs: Vec<&str> = used.mailboxes.iter().map(|m| cx.s(*m)).collect();
    mbs.sort_unstable();
    b.reason(format!("then used: {} access record(s), {items} item(s) in {}", used.touches.len(), mbs.join(", ")));
    sev = raise(sev);
    if used.mailboxes.len() >= cx.params.int("multi_mailbox_threshold").max(1) as usize
        || mbs.iter().any(|m| settings.vips.iter().any(|v| v == m))
    {
        sev = Severity::Critical;
    }
    sev
}

/// The grant record and its use as evidence, with the people, app, mailboxes, addresses and sessions involved.
fn add_entities(cx: &Cx, b: &mut AlertBuilder, x: &Granted, used: &GrantUse) {
    let (ev, g) = (x.ev, &x.grant);
    b.evidence(&ev.id, x.ts);
    let e = b.entities();
    e.user(&x.actor);
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
    for t in used.touches.iter().take(200) {
        let e = b.entities();
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.mailbox(cx.s(t.mailbox));
        e.app(cx.s(t.app), None);
        b.evidence(&t.id, utc(t.ts));
    }
}
