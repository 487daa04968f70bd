//! AN0534: a person's account signs in to mail, file or directory data with a scripted client, and what the
//! session did next.
//!
//! Candidates are successful user sign-ins whose user agent is a scripting, PowerShell or attack-tool client (or
//! whose client app is a known command-line tool) against Graph, Exchange, SharePoint or Azure AD Graph. They are
//! grouped per session (or per user, address and day when no session id exists). A client family the user has used
//! on enough earlier days is routine; without enough history the tenant's own use of it decides. What follows in the
//! same session, token or address within the follow-on window (mail items read, Graph mail and file calls, files
//! downloaded, bytes returned, other people's mailboxes) sets the severity.

use super::alert::AlertBuilder;
use super::allow::{names_of, AllowList};
use super::catalog::{self, IdSet};
use super::clock::Day;
use super::common::{ip_in, raise, utc, Cx, Findings};
use super::store::profile::{Feat, Profile};
use super::store::strings::Sym;
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Severity, UaClass};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

/// The allow lists and client lists this analytic reads.
struct Settings {
    classes: Vec<String>,
    extra_uas: Vec<String>,
    extra_apps: Vec<String>,
    automation: AllowList,
    nets: Vec<IpNet>,
    trusted: AllowList,
    vips: Vec<String>,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let lower = |name: &str| p.list(name).iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<String>>();
        Settings {
            classes: lower("user_agent_classes"),
            extra_uas: lower("extra_user_agents"),
            extra_apps: lower("scripting_clients"),
            automation: AllowList::new(&cx.list_with("automation_accounts", &cx.config.allow.automation_accounts)),
            nets: cx.expected_nets("expected_ips"),
            trusted: AllowList::new(&cx.config.allow.trusted_partner_tenants),
            vips: lower("target_mailboxes"),
        }
    }

    /// True when a sign-in's client is a scripting, PowerShell or attack-tool client or a command-line client app.
    fn is_scripted_client(&self, cx: &Cx, t: &Touch) -> bool {
        if self.classes.iter().any(|c| c == t.ua_class.as_str()) {
            return true;
        }
        let ua = cx.s(t.ua).to_ascii_lowercase();
        if !ua.is_empty() && self.extra_uas.iter().any(|x| ua.contains(x.as_str())) {
            return true;
        }
        let app = cx.s(t.app);
        // A command-line client app id with a non-browser agent (the same ids appear behind interactive browser
        // sign-ins when someone consents in a browser; those stay out).
        (catalog::in_set(IdSet::ScriptingClients, app) || self.extra_apps.iter().any(|a| a == app))
            && !matches!(t.ua_class, UaClass::Browser | UaClass::Mobile | UaClass::OfficeClient)
    }
}

/// One group of candidate sign-ins being judged, whose they are, and the lookback before the first.
struct Candidate<'a> {
    actor: Sym,
    user: String,
    signins: Vec<&'a Touch>,
    first: &'a Touch,
    profile: Option<&'a Profile>,
    day: Day,
    from: Day,
    to: Day,
}

/// The client of a group's first sign-in, and on how many earlier days the user used its family.
struct Client {
    family: Sym,
    product: String,
    used_days: usize,
}

/// What followed the sign-ins in the same session, token or address within the follow-on window.
struct FollowOn<'a> {
    /// The window (seconds).
    window: i64,
    mail_items: u64,
    graph_calls: u64,
    downloads: u64,
    bytes: u64,
    mailboxes: BTreeSet<Sym>,
    touches: Vec<&'a Touch>,
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let settings = Settings::read(cx);
    for ((actor, _), signins) in candidate_groups(cx, &settings) {
        let first = signins[0];
        let day = cx.day_of(first);
        let (from, to) = cx.lookback(day);
        let user = cx.s(actor).to_string();
        let profile = cx.store.profile(actor);
        let c = Candidate { actor, user, signins, first, profile, day, from, to };
        judge_candidate(cx, &settings, &c, &mut out);
    }
    out
}

/// True when a touch may stand for a sign-in: an Entra sign-in, or, on a day the Entra sign-in logs do not cover,
/// the UAL's copy of one or a mail or file access the UAL recorded with its client.
fn stands_for_signin(cx: &Cx, t: &Touch) -> bool {
    match t.kind {
        TouchKind::SignIn => true,
        TouchKind::UalSignIn | TouchKind::MailRead | TouchKind::FileRead | TouchKind::FileDownload => {
            t.source.is_ual() && !cx.store.user_signins_logged_on(cx.day_of(t))
        }
        _ => false,
    }
}

/// Successful scripted sign-ins by people to sensitive resources, grouped by session (or user + address + day).
fn candidate_groups<'a>(cx: &Cx<'a>, settings: &Settings) -> BTreeMap<(Sym, String), Vec<&'a Touch>> {
    let mut groups: BTreeMap<(Sym, String), Vec<&Touch>> = BTreeMap::new();
    for t in &cx.store.touches {
        if !stands_for_signin(cx, t) || !t.has(flags::SUCCESS) {
            continue;
        }
        // An access stands for a sign-in only through the client it names; an app id alone is not enough.
        if t.kind != TouchKind::SignIn && t.kind != TouchKind::UalSignIn && !t.ua_class.is_scripted() {
            continue;
        }
        if !matches!(t.actor_kind, ActorKind::User | ActorKind::Guest | ActorKind::Partner) {
            continue;
        }
        if !settings.is_scripted_client(cx, t) {
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
        groups.entry((t.actor, key)).or_default().push(t);
    }
    groups
}

/// Suppresses an allowed or routine client, else raises an alert sized by what followed the sign-ins.
fn judge_candidate(cx: &Cx, settings: &Settings, c: &Candidate, out: &mut Findings) {
    if let Some((rule, matched)) = allow_rule(cx, settings, c) {
        out.suppressions.add(&cx.meta.id, rule, &matched, &c.first.id);
        return;
    }
    let client = client_of(cx, c);
    let mut b = cx.alert(String::new(), Severity::Medium);
    let enough_history = cx.check_history(&mut b, c.actor, c.day);
    if let Some(rule) = routine_rule(cx, c, &client, enough_history) {
        out.suppressions.add(&cx.meta.id, rule, &c.user, &c.first.id);
        return;
    }
    let follow = follow_on(cx, c);
    describe(cx, &mut b, c, &client, &follow);
    b.alert.severity = severity(cx, settings, &mut b, c, &follow, enough_history);
    let e = b.entities();
    e.user(&c.user);
    for t in &c.signins {
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.app(cx.s(t.app), None);
    }
    for m in &follow.mailboxes {
        e.mailbox(cx.s(*m));
    }
    for t in c.signins.iter().chain(follow.touches.iter()) {
        b.evidence(&t.id, utc(t.ts));
    }
    out.alerts.push(b);
}

/// The allow rule the group falls under (automation account, trusted partner tenant, expected address) and the
/// value it matched.
fn allow_rule(cx: &Cx, settings: &Settings, c: &Candidate) -> Option<(&'static str, String)> {
    let first = c.first;
    let ip = cx.s(first.ip);
    let mut names = names_of(cx, c.actor);
    names.push(cx.s(first.app));
    if let Some(m) = settings.automation.matched(&names) {
        return Some(("allow.automation_accounts", m.to_string()));
    }
    if let Some(home) = settings.trusted.matched(&[cx.s(first.home_tenant)]) {
        return Some(("allow.trusted_partner_tenants", home.to_ascii_lowercase()));
    }
    if !ip.is_empty() && ip_in(&settings.nets, ip) {
        return Some(("allow.expected_ips", ip.to_string()));
    }
    None
}

/// The first sign-in's client family and product, and the user's earlier days with the family.
fn client_of(cx: &Cx, c: &Candidate) -> Client {
    let first = c.first;
    let family = first.ua_family;
    let family_name = if family != 0 { cx.s(family).to_string() } else { first.ua_class.as_str().to_string() };
    let product = if cx.s(first.ua).is_empty() { family_name.clone() } else { catalog::ua_product(cx.s(first.ua)) };
    let used_days = c.profile.map(|pr| pr.days_with(Feat::UaFamily, family, c.from, c.to)).unwrap_or(0);
    Client { family, product, used_days }
}

/// The baseline rule that makes the client routine: the user's own use of the family on enough days, or, without
/// enough history, its use by enough others in the tenant.
fn routine_rule(cx: &Cx, c: &Candidate, client: &Client, enough_history: bool) -> Option<&'static str> {
    let p = cx.params;
    let min_days = p.int("min_baseline_days").max(1) as usize;
    if client.family != 0 && client.used_days >= min_days {
        return Some("baseline: client family routine for the user");
    }
    if !enough_history && client.family != 0 {
        let others = cx.store.prevalence_of(Feat::UaFamily, client.family, c.actor);
        if others >= p.int("tenant_prevalence_users").max(1) as usize {
            return Some("baseline: client family common in the tenant");
        }
    }
    None
}

/// Follow-on activity: same session, token or address within the window after the first sign-in.
fn follow_on<'a>(cx: &Cx<'a>, c: &Candidate) -> FollowOn<'a> {
    let window = cx.params.int("followon_window_min").max(1) * 60;
    let last_signin = c.signins.iter().map(|t| t.ts).max().unwrap_or(c.first.ts);
    let sessions: BTreeSet<Sym> = c.signins.iter().map(|t| t.session).filter(|s| *s != 0).collect();
    let tokens: BTreeSet<Sym> = c.signins.iter().map(|t| t.token).filter(|s| *s != 0).collect();
    let ips: BTreeSet<Sym> = c.signins.iter().map(|t| t.ip).filter(|s| *s != 0).collect();
    let mut f = FollowOn {
        window,
        mail_items: 0,
        graph_calls: 0,
        downloads: 0,
        bytes: 0,
        mailboxes: BTreeSet::new(),
        touches: Vec::new(),
    };
    for t in cx.store.by_between(c.actor, c.first.ts, last_signin + window) {
        if matches!(t.kind, TouchKind::SignIn | TouchKind::UalSignIn) {
            continue;
        }
        let linked = (t.session != 0 && sessions.contains(&t.session))
            || (t.token != 0 && tokens.contains(&t.token))
            || (t.ip != 0 && ips.contains(&t.ip));
        if !linked {
            continue;
        }
        match t.kind {
            TouchKind::MailRead => f.mail_items += t.items as u64,
            TouchKind::GraphMail | TouchKind::GraphFile => f.graph_calls += 1,
            TouchKind::FileDownload | TouchKind::FileRead => f.downloads += 1,
            _ => {}
        }
        f.bytes += t.bytes;
        if t.mailbox != 0 {
            f.mailboxes.insert(t.mailbox);
        }
        f.touches.push(t);
    }
    f
}

/// The title, the sign-in reason and the user's earlier clients.
fn describe(cx: &Cx, b: &mut AlertBuilder, c: &Candidate, client: &Client, follow: &FollowOn) {
    let (first, user, product) = (c.first, &c.user, &client.product);
    let ua_text = cx.s(first.ua);
    let shown_ua = if ua_text.is_empty() { "(no user agent)" } else { ua_text };
    let app_name = catalog::app_name(cx.s(first.app)).unwrap_or(cx.s(first.app)).to_string();
    let signed_in = matches!(first.kind, TouchKind::SignIn | TouchKind::UalSignIn);
    b.alert.title = if !signed_in {
        format!("{user} reached mail/file data with scripted client {product}")
    } else if follow.mail_items + follow.graph_calls + follow.downloads == 0 {
        format!("{user} signed in with scripted client {product}")
    } else {
        format!("{user} signed in with scripted client {product} and used mail/file data")
    };
    b.key.push(user.clone());
    b.key.push(cx.s(first.session).to_string());
    b.reason(format!(
        "{shown_ua} is {} client; {} {} to {} from {}{}",
        with_article(&first.ua_class.as_str().replace('_', " ")),
        c.signins.len(),
        if signed_in { "sign-in(s)" } else { "access record(s)" },
        if cx.s(first.resource).is_empty() {
            app_name.clone()
        } else {
            catalog::app_name(cx.s(first.resource)).unwrap_or(cx.s(first.resource)).to_string()
        },
        cx.s(first.ip),
        store_country(cx, first)
    ));
    if first.kind != TouchKind::SignIn {
        b.reason(format!(
            "seen in the Unified Audit Log ({}): no Entra sign-in log in the case covers that day",
            match first.kind {
                TouchKind::UalSignIn => "UserLoggedIn",
                TouchKind::MailRead => "MailItemsAccessed",
                _ => "file access",
            }
        ));
    }
    b.baseline(if client.family != 0 {
        format!(
            "{user} used {} (any version) on {} day(s) in the {} days before",
            client.product.split('/').next().unwrap_or(&client.product),
            client.used_days,
            c.to - c.from
        )
    } else {
        format!("{user}: no earlier use of this client in the {} days before", c.to - c.from)
    });
    if let Some(pr) = c.profile {
        let fams = pr.values_of(Feat::UaFamily, c.from, c.to, 1);
        let mut names: Vec<String> = fams.iter().map(|s| catalog::family_label(cx.s(*s))).collect();
        names.sort_unstable();
        names.dedup();
        names.truncate(4);
        if !names.is_empty() {
            b.baseline(format!("client families seen for {user} before: {}", names.join("; ")));
        }
    }
}

/// Medium; an attack tool, heavy follow-on use, other people's or VIP mailboxes and an unmanaged device from an
/// unusual country raise it.
fn severity(
    cx: &Cx,
    settings: &Settings,
    b: &mut AlertBuilder,
    c: &Candidate,
    follow: &FollowOn,
    enough_history: bool,
) -> Severity {
    let p = cx.params;
    let (first, user) = (c.first, &c.user);
    let mut sev = Severity::Medium;
    if first.ua_class == UaClass::Offensive {
        sev = Severity::High;
        let ua_text = cx.s(first.ua);
        b.reason(format!("{} is an attack tool", if ua_text.is_empty() { "(no user agent)" } else { ua_text }));
    }
    let heavy = follow.mail_items >= p.int("mail_items_threshold") as u64
        || follow.graph_calls >= p.int("graph_calls_threshold") as u64
        || follow.downloads >= p.int("downloads_threshold") as u64
        || follow.bytes >= (p.int("bytes_threshold_mb") as u64) << 20;
    if !follow.touches.is_empty() {
        b.reason(format!(
            "in the next {} min: {} mail item(s) read, {} Graph mail/file request(s), \
             {} file read(s)/download(s), {:.1} MB returned",
            (follow.window / 60),
            follow.mail_items,
            follow.graph_calls,
            follow.downloads,
            follow.bytes as f64 / 1_048_576.0
        ));
    }
    if heavy {
        sev = sev.max(Severity::High);
    }
    let mut others: Vec<&str> = follow.mailboxes.iter().map(|m| cx.s(*m)).filter(|m| m != user).collect();
    others.sort_unstable();
    if !others.is_empty() {
        sev = raise(sev).max(Severity::High);
        b.reason(format!("reached other people's mailboxes: {}", others.join(", ")));
    }
    if follow.mailboxes.iter().any(|m| settings.vips.iter().any(|v| v == cx.s(*m))) {
        sev = Severity::Critical;
        b.reason("a VIP mailbox (target_mailboxes) was read");
    }
    if p.flag("flag_unmanaged_device") && first.has(flags::UNMANAGED) && first.country != 0 {
        let countries =
            c.profile.map(|pr| pr.days_with(Feat::InteractiveCountry, first.country, c.from, c.to)).unwrap_or(0);
        if countries == 0 && enough_history {
            sev = raise(sev);
            b.reason(format!(
                "unmanaged device from {} where {user} never signed in interactively",
                cx.s(first.country)
            ));
        }
    }
    sev
}

/// "a scripting", "an offensive".
fn with_article(word: &str) -> String {
    let vowel = word.chars().next().is_some_and(|c| "aeiou".contains(c.to_ascii_lowercase()));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

fn store_country(cx: &Cx, t: &Touch) -> String {
    match (cx.s(t.country), t.asn) {
        ("", 0) => String::new(),
        (c, 0) => format!(" ({c})"),
        ("", a) => format!(" (AS{a})"),
        (c, a) => format!(" ({c}, AS{a})"),
    }
}
