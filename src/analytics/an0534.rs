//! AN0534: a person's account signs in to mail, file or directory data with a scripted client, and what the
//! session did next.
//!
//! Candidates are successful user sign-ins whose user agent is a scripting, PowerShell or attack-tool client (or
//! whose client app is a known command-line tool) against Graph, Exchange, SharePoint or Azure AD Graph. They are
//! grouped per session (or per user, address and day when no session id exists). A client family the user has used
//! on enough earlier days is routine; without enough history the tenant's own use of it decides. What follows in the
//! same session, token or address within the follow-on window (mail items read, Graph mail and file calls, files
//! downloaded, bytes returned, other people's mailboxes) sets the severity.

use super::catalog::{self, IdSet};
use super::common::{ip_in, raise, utc, Cx, Findings};
use super::store::profile::Feat;
use super::store::strings::Sym;
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Severity, UaClass};
use std::collections::{BTreeMap, BTreeSet};

struct Group<'a> {
    signins: Vec<&'a Touch>,
}

fn is_scripted_client(cx: &Cx, t: &Touch, classes: &[String], extra_uas: &[String], extra_apps: &[String]) -> bool {
    if classes.iter().any(|c| c == t.ua_class.as_str()) {
        return true;
    }
    let ua = cx.s(t.ua).to_ascii_lowercase();
    if !ua.is_empty() && extra_uas.iter().any(|x| ua.contains(x.as_str())) {
        return true;
    }
    let app = cx.s(t.app);
    // A command-line client app id with a non-browser agent (the same ids appear behind interactive browser
    // sign-ins when someone consents in a browser; those stay out).
    (catalog::in_set(IdSet::ScriptingClients, app) || extra_apps.iter().any(|a| a == app))
        && !matches!(t.ua_class, UaClass::Browser | UaClass::Mobile | UaClass::OfficeClient)
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let store = cx.store;
    let p = cx.params;
    let classes: Vec<String> = p.list("user_agent_classes").iter().map(|s| s.to_ascii_lowercase()).collect();
    let extra_uas: Vec<String> = p.list("extra_user_agents").iter().map(|s| s.to_ascii_lowercase()).collect();
    let extra_apps: Vec<String> = p.list("scripting_clients").iter().map(|s| s.to_ascii_lowercase()).collect();
    let automation = cx.list_with("automation_accounts", &cx.config.allow.automation_accounts);
    let nets = cx.expected_nets("expected_ips");
    let trusted: Vec<String> =
        cx.config.allow.trusted_partner_tenants.iter().map(|t| t.trim().to_ascii_lowercase()).collect();
    let vips: Vec<String> = p.list("target_mailboxes").iter().map(|s| s.to_ascii_lowercase()).collect();

    // Candidate sign-ins grouped by session (or user + address + day).
    let mut groups: BTreeMap<(Sym, String), Group> = BTreeMap::new();
    for t in &store.touches {
        if t.kind != TouchKind::SignIn || !t.has(flags::SUCCESS) {
            continue;
        }
        if !matches!(t.actor_kind, ActorKind::User | ActorKind::Guest | ActorKind::Partner) {
            continue;
        }
        if !is_scripted_client(cx, t, &classes, &extra_uas, &extra_apps) {
            continue;
        }
        let resource = cx.s(t.resource);
        if !resource.is_empty() && !catalog::in_set(IdSet::SensitiveResources, resource) {
            continue;
        }
        let key = if t.session != 0 {
            format!("s:{}", cx.s(t.session))
        } else {
            format!("a:{}:{}", cx.s(t.ip), cx.day_of(t))
        };
        groups.entry((t.actor, key)).or_insert_with(|| Group { signins: Vec::new() }).signins.push(t);
    }

    for ((actor, _), g) in groups {
        let first = g.signins[0];
        let user = cx.s(actor).to_string();
        let ip = cx.s(first.ip).to_string();
        if automation.iter().any(|a| *a == user || *a == cx.s(first.app)) {
            out.suppressions.add(&cx.meta.id, "allow.automation_accounts", &user, &first.id);
            continue;
        }
        let home = cx.s(first.home_tenant).to_ascii_lowercase();
        if !home.is_empty() && trusted.contains(&home) {
            out.suppressions.add(&cx.meta.id, "allow.trusted_partner_tenants", &home, &first.id);
            continue;
        }
        if !ip.is_empty() && ip_in(&nets, &ip) {
            out.suppressions.add(&cx.meta.id, "allow.expected_ips", &ip, &first.id);
            continue;
        }
        let day = cx.day_of(first);
        let (from, to) = cx.lookback(day);
        let family = first.ua_family;
        let family_name = if family != 0 { cx.s(family).to_string() } else { first.ua_class.as_str().to_string() };
        let product = if cx.s(first.ua).is_empty() { family_name.clone() } else { catalog::ua_product(cx.s(first.ua)) };
        let profile = store.profile(actor);
        let min_days = p.int("min_baseline_days").max(1) as usize;
        let used_days = profile.map(|pr| pr.days_with(Feat::UaFamily, family, from, to)).unwrap_or(0);
        let mut b = cx.alert(String::new(), Severity::Medium);
        let enough_history = cx.check_history(&mut b, actor, day);
        if family != 0 && used_days >= min_days {
            out.suppressions.add(&cx.meta.id, "baseline: client family routine for the user", &user, &first.id);
            continue;
        }
        if !enough_history && family != 0 {
            let others = store.prevalence_of(Feat::UaFamily, family, actor);
            if others >= p.int("tenant_prevalence_users").max(1) as usize {
                out.suppressions.add(&cx.meta.id, "baseline: client family common in the tenant", &user, &first.id);
                continue;
            }
        }

        // Follow-on activity: same session, token or address within the window after the first sign-in.
        let window = p.int("followon_window_min").max(1) * 60;
        let last_signin = g.signins.iter().map(|t| t.ts).max().unwrap_or(first.ts);
        let sessions: BTreeSet<Sym> = g.signins.iter().map(|t| t.session).filter(|s| *s != 0).collect();
        let tokens: BTreeSet<Sym> = g.signins.iter().map(|t| t.token).filter(|s| *s != 0).collect();
        let ips: BTreeSet<Sym> = g.signins.iter().map(|t| t.ip).filter(|s| *s != 0).collect();
        let (mut mail_items, mut graph_calls, mut downloads, mut bytes) = (0u64, 0u64, 0u64, 0u64);
        let mut mailboxes: BTreeSet<Sym> = BTreeSet::new();
        let mut follow: Vec<&Touch> = Vec::new();
        for t in store.by_between(actor, first.ts, last_signin + window) {
            if t.kind == TouchKind::SignIn {
                continue;
            }
            let linked = (t.session != 0 && sessions.contains(&t.session))
                || (t.token != 0 && tokens.contains(&t.token))
                || (t.ip != 0 && ips.contains(&t.ip));
            if !linked {
                continue;
            }
            match t.kind {
                TouchKind::MailRead => mail_items += t.items as u64,
                TouchKind::GraphMail | TouchKind::GraphFile => graph_calls += 1,
                TouchKind::FileDownload | TouchKind::FileRead => downloads += 1,
                _ => {}
            }
            bytes += t.bytes;
            if t.mailbox != 0 {
                mailboxes.insert(t.mailbox);
            }
            follow.push(t);
        }

        let ua_text = cx.s(first.ua);
        let shown_ua = if ua_text.is_empty() { "(no user agent)" } else { ua_text };
        let app_name = catalog::app_name(cx.s(first.app)).unwrap_or(cx.s(first.app)).to_string();
        b.alert.title = if mail_items + graph_calls + downloads == 0 {
            format!("{user} signed in with scripted client {product}")
        } else {
            format!("{user} signed in with scripted client {product} and used mail/file data")
        };
        b.key.push(user.clone());
        b.key.push(cx.s(first.session).to_string());
        b.reason(format!(
            "{shown_ua} is a {} client; {} sign-in(s) to {} from {ip}{}",
            first.ua_class.as_str().replace('_', " "),
            g.signins.len(),
            if cx.s(first.resource).is_empty() {
                app_name.clone()
            } else {
                catalog::app_name(cx.s(first.resource)).unwrap_or(cx.s(first.resource)).to_string()
            },
            store_country(cx, first)
        ));
        b.baseline(if family != 0 {
            format!("{user} used {family_name} on {used_days} day(s) in the {} days before", to - from)
        } else {
            format!("{user}: no earlier use of this client in the {} days before", to - from)
        });
        if let Some(pr) = profile {
            let fams = pr.values_of(Feat::UaFamily, from, to, 1);
            let mut names: Vec<&str> = fams.iter().map(|s| cx.s(*s)).collect();
            names.sort_unstable();
            names.truncate(4);
            if !names.is_empty() {
                b.baseline(format!("client families seen for {user} before: {}", names.join("; ")));
            }
        }
        let mut sev = Severity::Medium;
        if first.ua_class == UaClass::Offensive {
            sev = Severity::High;
            b.reason(format!("{shown_ua} is an attack tool"));
        }
        let heavy = mail_items >= p.int("mail_items_threshold") as u64
            || graph_calls >= p.int("graph_calls_threshold") as u64
            || downloads >= p.int("downloads_threshold") as u64
            || bytes >= (p.int("bytes_threshold_mb") as u64) << 20;
        if !follow.is_empty() {
            b.reason(format!(
                "in the next {} min: {mail_items} mail item(s) read, {graph_calls} Graph mail/file request(s), \
                 {downloads} file read(s)/download(s), {:.1} MB returned",
                (window / 60),
                bytes as f64 / 1_048_576.0
            ));
        }
        if heavy {
            sev = sev.max(Severity::High);
        }
        let mut others: Vec<&str> = mailboxes.iter().map(|m| cx.s(*m)).filter(|m| *m != user).collect();
        others.sort_unstable();
        if !others.is_empty() {
            sev = raise(sev).max(Severity::High);
            b.reason(format!("reached other people's mailboxes: {}", others.join(", ")));
        }
        if mailboxes.iter().any(|m| vips.iter().any(|v| v == cx.s(*m))) {
            sev = Severity::Critical;
            b.reason("a VIP mailbox (target_mailboxes) was read");
        }
        if p.flag("flag_unmanaged_device") && first.has(flags::UNMANAGED) && first.country != 0 {
            let countries =
                profile.map(|pr| pr.days_with(Feat::InteractiveCountry, first.country, from, to)).unwrap_or(0);
            if countries == 0 && enough_history {
                sev = raise(sev);
                b.reason(format!(
                    "unmanaged device from {} where {user} never signed in interactively",
                    cx.s(first.country)
                ));
            }
        }
        b.alert.severity = sev;
        let e = b.entities();
        e.user(&user);
        for t in &g.signins {
            e.ip(cx.s(t.ip));
            e.session(cx.s(t.session));
            e.app(cx.s(t.app), None);
        }
        for m in &mailboxes {
            e.mailbox(cx.s(*m));
        }
        for t in g.signins.iter().chain(follow.iter()) {
            b.evidence(&t.id, utc(t.ts));
        }
        out.alerts.push(b);
    }
    out
}

fn store_country(cx: &Cx, t: &Touch) -> String {
    match (cx.s(t.country), t.asn) {
        ("", 0) => String::new(),
        (c, 0) => format!(" ({c})"),
        ("", a) => format!(" (AS{a})"),
        (c, a) => format!(" ({c}, AS{a})"),
    }
}
