//! AN1089: bulk listing of users, groups and mail identities through Microsoft Graph.
//!
//! Exchange `Get-Recipient`/`Get-Mailbox` never reach the audit log, so Graph activity logs are the cloud-side
//! record; without them the analytic says so in coverage. Enumeration requests are added up per principal over a
//! sliding window (pages, bytes, distinct groups expanded, `/users` together with member listings, blind probing with
//! many errors). A principal that enumerated on enough earlier days is routine; directory sync and allowlisted
//! principals are suppressed and counted. A scripted client, an unexpected network, a first-ever enumeration or mail
//! and file collection afterwards raise the severity.

use super::alert::AlertBuilder;
use super::allow::{names_of, AllowList};
use super::catalog::{self, IdSet};
use super::common::{ip_in, raise, utc, Cx, Findings};
use super::store::profile::Feat;
use super::store::strings::Sym;
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{Severity, Source, UaClass};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

const USERS_AND_MEMBERS_WINDOW: i64 = 15 * 60;

/// One window of enumeration requests by a principal, and why it counts as bulk.
struct Burst<'a> {
    touches: Vec<&'a Touch>,
    groups: BTreeSet<Sym>,
    bytes: u64,
    errors: usize,
    paths: BTreeSet<Sym>,
    why: Vec<String>,
}

/// Data collected by the principal after a burst.
struct Collection<'a> {
    /// Mail items, file reads and Graph data requests.
    count: u64,
    /// The first 50 of those accesses.
    evidence: Vec<&'a Touch>,
}

/// The thresholds and allow lists this analytic reads.
struct Settings {
    /// The sliding window (seconds).
    window: i64,
    page_threshold: usize,
    bytes_threshold: u64,
    group_threshold: usize,
    um_min: usize,
    sync_apps: Vec<String>,
    admin_allow: AllowList,
    automation: AllowList,
    excluded_uas: Vec<String>,
    nets: Vec<IpNet>,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            window: p.int("window_min").max(1) * 60,
            page_threshold: p.int("page_threshold").max(1) as usize,
            bytes_threshold: (p.float("bytes_threshold_mb") * 1_048_576.0) as u64,
            group_threshold: p.int("group_expansion_threshold").max(1) as usize,
            um_min: p.int("users_and_members_min_requests").max(1) as usize,
            sync_apps: catalog::set_members(IdSet::DirectorySyncApps)
                .into_iter()
                .chain(p.list("sync_apps").iter().map(|s| s.to_ascii_lowercase()))
                .collect(),
            admin_allow: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            excluded_uas: p.list("excluded_user_agents").iter().map(|s| s.to_ascii_lowercase()).collect(),
            nets: cx.expected_nets("expected_ips"),
        }
    }
}

fn is_users_listing(cx: &Cx, t: &Touch) -> bool {
    let tpl = cx.s(t.template);
    tpl.ends_with("/users") || tpl.ends_with("/users/delta")
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::Graph) {
        out.notes.push(
            "no Microsoft Graph activity logs in the case: directory and mailbox enumeration cannot be seen \
             (Exchange Get-Recipient/Get-Mailbox are not audited)"
                .to_string(),
        );
        return out;
    }
    let settings = Settings::read(cx);
    // Enumeration requests per principal, in time order.
    let mut per_actor: BTreeMap<Sym, Vec<&Touch>> = BTreeMap::new();
    for t in &cx.store.touches {
        if t.kind == TouchKind::GraphEnum {
            per_actor.entry(t.actor).or_default().push(t);
        }
    }
    for (actor, list) in per_actor {
        let principal = cx.s(actor).to_string();
        // Greedy sliding windows: a burst starts at the first request not yet used.
        let mut i = 0;
        while i < list.len() {
            let start = list[i].ts;
            let mut j = i;
            while j < list.len() && list[j].ts < start + settings.window {
                j += 1;
            }
            let burst = burst_of(cx, &settings, &list[i..j]);
            if burst.why.is_empty() {
                i += 1;
                continue;
            }
            i = j;
            judge(cx, &settings, &mut out, actor, &principal, burst);
        }
    }
    out
}

/// Sums up one window of requests and says which bulk thresholds it crossed.
fn burst_of<'a>(cx: &Cx, settings: &Settings, slice: &[&'a Touch]) -> Burst<'a> {
    let mut burst = Burst {
        touches: slice.to_vec(),
        groups: slice.iter().map(|t| t.detail).filter(|d| *d != 0).collect(),
        bytes: slice.iter().map(|t| t.bytes).sum(),
        errors: slice.iter().filter(|t| (400..500).contains(&t.status)).count(),
        paths: slice.iter().map(|t| t.template).collect(),
        why: Vec::new(),
    };
    if slice.len() >= settings.page_threshold {
        burst.why.push(format!("{} enumeration request(s) within {} min", slice.len(), settings.window / 60));
    }
    if settings.bytes_threshold > 0 && burst.bytes >= settings.bytes_threshold {
        burst.why.push(format!("{:.1} MB of directory data returned", burst.bytes as f64 / 1_048_576.0));
    }
    if burst.groups.len() >= settings.group_threshold {
        burst.why.push(format!("members of {} groups or roles listed", burst.groups.len()));
    }
    let users_at: Vec<i64> = slice.iter().filter(|t| is_users_listing(cx, t)).map(|t| t.ts).collect();
    let members_at: Vec<i64> = slice.iter().filter(|t| t.detail != 0).map(|t| t.ts).collect();
    let paired = users_at.iter().any(|u| members_at.iter().any(|m| (u - m).abs() <= USERS_AND_MEMBERS_WINDOW));
    if paired && slice.len() >= settings.um_min {
        burst.why.push("listed /users and group members within 15 min".to_string());
    }
    if slice.len() >= 20
        && burst.paths.len() >= 15
        && burst.errors as f64 >= cx.params.float("error_ratio") * slice.len() as f64
    {
        burst.why.push(format!("{} of {} requests refused (blind probing)", burst.errors, slice.len()));
    }
    burst
}

/// How much and from where the principal enumerated before the burst's day.
struct Habit {
    /// Days with any enumeration in the lookback.
    days: usize,
    /// The most enumeration requests in one clock hour in the lookback.
    busiest_hour: usize,
    /// Days of history the case holds for the principal.
    history: i32,
    /// Countries, networks, client apps and client families of the burst the principal never used before.
    new_context: Vec<String>,
}

/// The principal's enumeration habit before the burst: its size (the busiest hour) as well as its days, and what
/// about the burst's context is new for the principal.
fn habit_of(cx: &Cx, actor: Sym, burst: &Burst) -> Habit {
    let first = burst.touches[0];
    let day = cx.day_of(first);
    let (from, to) = cx.lookback(day);
    let profile = cx.store.profile(actor);
    let lookback_start = first.ts - (to - from) as i64 * 86_400;
    let mut per_hour: BTreeMap<i64, usize> = BTreeMap::new();
    for t in cx.store.by_between(actor, lookback_start, first.ts - 1) {
        if t.kind == TouchKind::GraphEnum && cx.day_of(t) < day {
            *per_hour.entry(t.ts.div_euclid(3600)).or_default() += 1;
        }
    }
    let mut new_context = Vec::new();
    if let Some(pr) = profile.filter(|pr| pr.history_days(day) > 0) {
        let mut seen = BTreeSet::new();
        for t in &burst.touches {
            let asn = cx.store.strings.lookup(&t.asn.to_string()).unwrap_or(0);
            let checks = [
                (Feat::Country, t.country, "country", cx.s(t.country).to_string()),
                (Feat::Asn, asn, "network", format!("AS{}", t.asn)),
                (Feat::UaFamily, t.ua_family, "client", catalog::ua_product(cx.s(t.ua))),
            ];
            // A person's new browser or Office build is not news; a new kind of program is.
            let everyday = matches!(t.ua_class, UaClass::Browser | UaClass::Mobile | UaClass::OfficeClient);
            for (feat, value, what, shown) in checks {
                if what == "client" && everyday {
                    continue;
                }
                if value != 0 && pr.days_with(feat, value, from, to) == 0 && seen.insert((what, shown.clone())) {
                    new_context.push(format!("{what} {shown}"));
                }
            }
        }
    }
    Habit {
        days: profile.map(|pr| pr.days_with(Feat::Enumeration, 1, from, to)).unwrap_or(0),
        busiest_hour: per_hour.values().copied().max().unwrap_or(0),
        history: profile.map(|pr| pr.history_days(day)).unwrap_or(0),
        new_context,
    }
}

/// Suppresses an allowed or routine burst (a habit of the same size, from the usual places and clients), else
/// raises an alert sized by how far the burst exceeds the habit, the client, the new context and what followed.
fn judge(cx: &Cx, settings: &Settings, out: &mut Findings, actor: Sym, principal: &str, burst: Burst) {
    let p = cx.params;
    let first = burst.touches[0];
    if let Some((rule, matched)) = allow_rule(cx, settings, principal, first) {
        out.suppressions.add(&cx.meta.id, rule, &matched, &first.id);
        return;
    }
    let day = cx.day_of(first);
    let (from, to) = cx.lookback(day);
    let habit = habit_of(cx, actor, &burst);
    let scripted = burst.touches.iter().any(|t| t.ua_class.is_scripted());
    let ips: BTreeSet<Sym> = burst.touches.iter().map(|t| t.ip).filter(|i| *i != 0).collect();
    let unexpected_ip = ips.iter().any(|i| !ip_in(&settings.nets, cx.s(*i)));
    let factor = p.float("burst_factor").max(1.0);
    let within_habit = (burst.touches.len() as f64) <= factor * habit.busiest_hour.max(1) as f64;
    let routine = habit.days >= p.int("min_baseline_days").max(1) as usize && within_habit;
    if routine && !scripted && habit.new_context.is_empty() {
        out.suppressions.add(&cx.meta.id, "baseline: enumeration routine for the principal", principal, &first.id);
        return;
    }
    let mut b = cx.alert(format!("{principal} enumerated the directory in bulk through Graph"), Severity::Medium);
    b.key.push(principal.to_string());
    b.key.push(first.ts.to_string());
    let enough = cx.check_history(&mut b, actor, day);
    for w in &burst.why {
        b.reason(w.clone());
    }
    let last = burst.touches[burst.touches.len() - 1];
    let mut sev = Severity::Medium;
    b.reason(magnitude_text(principal, &burst, &habit, (last.ts - first.ts) / 60, to - from, enough));
    b.baseline(format!("{principal} enumerated on {} day(s) in the {} days before", habit.days, to - from));
    if habit.days == 0 && enough {
        b.reason(format!("first directory enumeration by {principal} in the lookback"));
        sev = Severity::High;
    } else if habit.days > 0 && !within_habit && enough {
        sev = Severity::High;
    }
    if !habit.new_context.is_empty() {
        b.reason(format!("new for {principal}: {}", habit.new_context.join(", ")));
        if enough {
            sev = raise(sev);
        }
    }
    if scripted {
        let s = burst.touches.iter().find(|t| t.ua_class.is_scripted()).map(|t| cx.s(t.ua)).unwrap_or("");
        b.reason(format!("scripted client: {s}"));
        sev = raise(sev);
    }
    if unexpected_ip && !settings.nets.is_empty() && first.has(flags::SUCCESS) {
        b.reason("from outside the expected networks");
    }
    let email = burst.touches.iter().filter(|t| t.has(flags::EMAIL_SELECT)).count();
    if email > 0 {
        b.reason(format!("{email} request(s) selected mail addresses"));
    }
    let collected = collection_after(cx, actor, &burst);
    if collected.count >= p.int("collection_threshold").max(1) as u64 {
        b.reason(format!(
            "followed by {} mail item(s)/file read(s)/Graph data request(s) within {} h",
            collected.count,
            p.int("collection_window_hours")
        ));
        sev = Severity::Critical;
    }
    b.alert.severity = sev;
    add_entities(cx, &mut b, principal, &burst, &collected.evidence);
    out.alerts.push(b);
}

/// "48 listing requests in 20 minutes; this user's busiest hour in the 30 days before had 2", or that the
/// baseline is too thin to compare with.
fn magnitude_text(principal: &str, burst: &Burst, habit: &Habit, minutes: i64, lookback: i32, enough: bool) -> String {
    let size = format!("{} listing request(s) in {} min", burst.touches.len(), minutes.max(1));
    if !enough {
        return format!("{size}; baseline thin ({} days) for {principal}", habit.history);
    }
    if habit.busiest_hour == 0 {
        format!("{size}; {principal} made no listing requests in the {lookback} days before")
    } else {
        format!("{size}; {principal}'s busiest hour in the {lookback} days before had {}", habit.busiest_hour)
    }
}

/// The allow rule a burst falls under (directory sync app, admin allow list, excluded agent) and what it matched.
fn allow_rule(cx: &Cx, settings: &Settings, principal: &str, first: &Touch) -> Option<(&'static str, String)> {
    let app = cx.s(first.app).to_string();
    if settings.sync_apps.contains(&app) {
        return Some(("directory sync app", principal.to_string()));
    }
    let mut names = names_of(cx, first.actor);
    names.push(cx.s(first.app));
    if let Some(m) = settings.admin_allow.matched(&names) {
        return Some(("admin_allowlist", m.to_string()));
    }
    if let Some(m) = settings.automation.matched(&names) {
        return Some(("allow.automation_accounts", m.to_string()));
    }
    let ua = cx.s(first.ua).to_ascii_lowercase();
    if !ua.is_empty() && settings.excluded_uas.iter().any(|x| ua.contains(x.as_str())) {
        return Some(("excluded_user_agents", ua));
    }
    None
}

/// Collection afterwards by the same principal: mail items, file reads and Graph data requests in the collection
/// window.
fn collection_after<'a>(cx: &Cx<'a>, actor: Sym, burst: &Burst) -> Collection<'a> {
    let last = burst.touches[burst.touches.len() - 1];
    let horizon = last.ts + cx.params.int("collection_window_hours").max(1) * 3600;
    let mut collected = 0u64;
    let mut coll: Vec<&Touch> = Vec::new();
    for t in cx.store.by_between(actor, last.ts, horizon) {
        if t.kind.is_data_access() {
            collected += if t.kind == TouchKind::MailRead { t.items as u64 } else { 1 };
            if coll.len() < 50 {
                coll.push(t);
            }
        }
    }
    Collection { count: collected, evidence: coll }
}

/// The principal, addresses, sessions and apps of the burst, and its requests and the collection as evidence.
fn add_entities(cx: &Cx, b: &mut AlertBuilder, principal: &str, burst: &Burst, collected: &[&Touch]) {
    let e = b.entities();
    if principal.starts_with("app:") {
        e.app(principal.trim_start_matches("app:"), None);
    } else {
        e.user(principal);
    }
    for t in &burst.touches {
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
        e.app(cx.s(t.app), None);
    }
    for t in burst.touches.iter().chain(collected.iter()) {
        b.evidence(&t.id, utc(t.ts));
    }
}
