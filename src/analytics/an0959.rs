//! AN0959: a token or session issued in one place is used from another, with no interactive sign-in behind the
//! new network.
//!
//! Check A joins workload and non-interactive records to the sign-in that issued their token (unique token id) and
//! compares country and network. Check B follows one session id across networks and asks whether the later network
//! ever signed in interactively in that session. Check C compares a user's data access with the countries of their
//! own interactive sign-ins in the lookback. Microsoft's networks, expected egress and allowed countries stay out,
//! and so do the case's automation accounts.
//! Findings are grouped per user and session so one replay is one alert.

use super::alert::AlertBuilder;
use super::allow::{names_of, AllowList};
use super::catalog::{self, IdSet};
use super::common::{ip_in, raise, utc, Cx, Findings};
use super::store::profile::Feat;
use super::store::strings::Sym;
use super::store::touch::{flags, Touch, TouchKind};
use crate::model::{ActorKind, Severity, UaClass};
use ipnet::IpNet;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What the checks found for one user and session.
#[derive(Default)]
struct Finding<'a> {
    checks: BTreeSet<&'static str>,
    issued: Vec<&'a Touch>,
    used: Vec<&'a Touch>,
    foreign_nets: BTreeSet<(Sym, u32)>,
    /// Addresses of uses with no country or ASN that no sign-in of the user came from.
    unlocated: BTreeSet<Sym>,
    home_nets: BTreeSet<(Sym, u32)>,
}

impl Finding<'_> {
    /// Records a use from `t`'s network (or, when unlocated, its address).
    fn note_use_network(&mut self, t: &Touch) {
        if is_located(t) {
            self.foreign_nets.insert(net_of(t));
        } else {
            self.unlocated.insert(t.ip);
        }
    }
}

/// True when the logs or enrichment gave the touch's address a country.
fn is_located(t: &Touch) -> bool {
    t.country != 0
}

/// Where each user signed in successfully (Entra sign-ins and the UAL's copies), so that an address with no
/// location can still be told apart from the user's own.
struct SigninPlaces {
    by_user: HashSet<(Sym, Sym)>,
    asns: HashSet<(Sym, u32)>,
}

impl SigninPlaces {
    fn learn(cx: &Cx) -> SigninPlaces {
        let signins = || {
            cx.store
                .touches
                .iter()
                .filter(|t| matches!(t.kind, TouchKind::SignIn | TouchKind::UalSignIn) && t.has(flags::SUCCESS))
        };
        SigninPlaces {
            by_user: signins().filter(|t| t.ip != 0).map(|t| (t.actor, t.ip)).collect(),
            asns: signins().filter(|t| t.asn != 0).map(|t| (t.actor, t.asn)).collect(),
        }
    }

    /// True when a use of a token issued at `issuer` happened away from it: in another country; in the same
    /// country on a network the user never signed in from; or, when either side has no location, from an address
    /// the user never signed in from.
    fn moved_away(&self, issuer: &Touch, t: &Touch) -> bool {
        if t.ip == issuer.ip {
            return false;
        }
        if is_located(issuer) && is_located(t) {
            let other_network = t.asn != 0 && issuer.asn != 0 && t.asn != issuer.asn;
            return t.country != issuer.country || other_network && !self.asns.contains(&(t.actor, t.asn));
        }
        !self.user_signed_in_from(t.actor, t.ip)
    }

    /// True when the user signed in from this address somewhere in the case.
    fn user_signed_in_from(&self, actor: Sym, ip: Sym) -> bool {
        self.by_user.contains(&(actor, ip))
    }
}

/// Findings by user and session, so one replay is one alert.
type Found<'a> = BTreeMap<(Sym, Sym), Finding<'a>>;

fn net_of(t: &Touch) -> (Sym, u32) {
    (t.country, t.asn)
}

/// The networks and countries that never count as foreign, and the session window.
struct Settings {
    nets: Vec<IpNet>,
    provider: Vec<String>,
    allowed_countries: Vec<String>,
    /// How long after a session's first touch check B follows it (seconds).
    window: i64,
    /// How long after its issuing sign-in a token's use is joined to it (seconds).
    token_life: i64,
    /// Touches already counted under an exclusion, so a record that several checks look at counts once.
    excluded: RefCell<HashSet<Box<str>>>,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            nets: cx.expected_nets("expected_ips"),
            provider: catalog::set_members(IdSet::ProviderAsns)
                .into_iter()
                .chain(p.list("provider_asns").iter().cloned())
                .collect(),
            allowed_countries: cx.config.allow.countries.iter().map(|c| c.to_ascii_uppercase()).collect(),
            window: p.int("session_window_hours").max(1) * 3600,
            token_life: p.int("token_life_hours").max(1) * 3600,
            excluded: RefCell::new(HashSet::new()),
        }
    }

    /// True when a touch's network may count as foreign: a person's activity from an address outside
    /// Microsoft's networks, the expected egress and the allowed countries (an address with no location is judged
    /// by the callers, never assumed to be home). Exclusions are counted once per record.
    fn is_foreign(&self, cx: &Cx, out: &mut Findings, t: &Touch) -> bool {
        if !matches!(t.actor_kind, ActorKind::User | ActorKind::Guest) || t.ip == 0 {
            return false;
        }
        let (rule, matched) = if t.asn != 0 && self.provider.iter().any(|a| a == &t.asn.to_string()) {
            ("provider network (Microsoft ASN)", if t.country != 0 { t.country } else { t.ip })
        } else if ip_in(&self.nets, cx.s(t.ip)) {
            ("allow.expected_ips", t.ip)
        } else if t.country != 0 && self.allowed_countries.iter().any(|c| c == cx.s(t.country)) {
            ("allow.countries", t.country)
        } else {
            return true;
        };
        if self.excluded.borrow_mut().insert(t.id.clone()) {
            out.suppressions.add(&cx.meta.id, rule, cx.s(matched), &t.id);
        }
        false
    }
}

/// Runs the analytic.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let p = cx.params;
    let settings = Settings::read(cx);
    let places = SigninPlaces::learn(cx);
    let mut found = Found::new();
    if p.flag("token_join") {
        check_token_away_from_issuer(cx, &settings, &places, &mut out, &mut found);
    }
    if p.flag("session_fanout") {
        check_session_across_networks(cx, &settings, &places, &mut out, &mut found);
    }
    if p.flag("noninteractive_network") {
        check_data_access_country(cx, &settings, &mut out, &mut found);
    }
    // Accounts the case names as automation (a sync job on a cloud host reuses its tokens from there by design)
    // are left out by any of their names, and counted.
    let automation = AllowList::new(&cx.config.allow.automation_accounts);
    for ((actor, session), f) in found {
        if let Some(m) = automation.matched(&names_of(cx, actor)) {
            let example = f.used.iter().chain(&f.issued).map(|t| &*t.id).min().unwrap_or_default();
            out.suppressions.add(&cx.meta.id, "allow.automation_accounts", m, example);
            continue;
        }
        if let Some(b) = replay_alert(cx, &places, actor, session, f) {
            out.alerts.push(b);
        }
    }
    out
}

/// Check A: token used away from its issuing sign-in.
fn check_token_away_from_issuer<'a>(
    cx: &Cx<'a>,
    settings: &Settings,
    places: &SigninPlaces,
    out: &mut Findings,
    found: &mut Found<'a>,
) {
    let store = cx.store;
    let mut issuers: HashMap<Sym, &Touch> = HashMap::new();
    for t in &store.touches {
        if t.kind == TouchKind::SignIn && t.token != 0 && t.has(flags::SUCCESS) {
            issuers.entry(t.token).or_insert(t);
        }
    }
    for t in &store.touches {
        if matches!(t.kind, TouchKind::SignIn | TouchKind::UalSignIn) || t.token == 0 {
            continue;
        }
        let Some(issuer) = issuers.get(&t.token) else { continue };
        if t.ts - issuer.ts > settings.token_life {
            continue;
        }
        if !places.moved_away(issuer, t) || !settings.is_foreign(cx, out, t) {
            continue;
        }
        let f = found.entry((t.actor, if t.session != 0 { t.session } else { issuer.session })).or_default();
        f.checks.insert("A");
        f.issued.push(issuer);
        f.used.push(t);
        f.note_use_network(t);
        if is_located(issuer) {
            f.home_nets.insert(net_of(issuer));
        }
    }
}

/// Check B: one session across networks, the later network never signing in interactively in it. A record from an
/// address with no location counts when neither the session nor the user ever signed in from that address; first-
/// party services' own records from such addresses are counted in a note instead.
fn check_session_across_networks<'a>(
    cx: &Cx<'a>,
    settings: &Settings,
    places: &SigninPlaces,
    out: &mut Findings,
    found: &mut Found<'a>,
) {
    let store = cx.store;
    let mut unjudged: BTreeSet<Sym> = BTreeSet::new();
    for (session, idx) in store.sessions() {
        let touches: Vec<&Touch> = idx.iter().map(|&i| &store.touches[i as usize]).collect();
        let Some(first) = touches.first() else { continue };
        let interactive_nets: BTreeSet<(Sym, u32)> = touches
            .iter()
            .filter(|t| t.kind == TouchKind::SignIn && t.has(flags::INTERACTIVE) && t.has(flags::SUCCESS))
            .map(|t| net_of(t))
            .collect();
        if interactive_nets.is_empty() {
            continue;
        }
        let interactive_countries: BTreeSet<Sym> = interactive_nets.iter().map(|n| n.0).collect();
        let session_ips: BTreeSet<Sym> = touches
            .iter()
            .filter(|t| matches!(t.kind, TouchKind::SignIn | TouchKind::UalSignIn))
            .map(|t| t.ip)
            .collect();
        for t in &touches {
            if t.ts > first.ts + settings.window || t.actor != first.actor {
                continue;
            }
            let away = if is_located(t) {
                !interactive_countries.contains(&t.country) && !interactive_nets.contains(&net_of(t))
            } else if t.ip == 0 || session_ips.contains(&t.ip) || places.user_signed_in_from(t.actor, t.ip) {
                false
            } else if catalog::in_set(IdSet::FirstPartyApps, cx.s(t.app)) {
                unjudged.insert(t.ip);
                false
            } else {
                true
            };
            if !away || !settings.is_foreign(cx, out, t) {
                continue;
            }
            let f = found.entry((t.actor, session)).or_default();
            f.checks.insert("B");
            f.used.push(t);
            f.note_use_network(t);
            for n in &interactive_nets {
                f.home_nets.insert(*n);
            }
            if let Some(i) = touches.iter().find(|x| x.kind == TouchKind::SignIn && x.has(flags::INTERACTIVE)) {
                f.issued.push(i);
            }
        }
    }
    if !unjudged.is_empty() {
        out.notes.push(format!(
            "{} address(es) with no location carried only Microsoft first-party service records inside sessions \
             and were not judged (for example {})",
            unjudged.len(),
            cx.s(*unjudged.iter().next().unwrap_or(&0))
        ));
    }
}

/// Check C: data access from a country the user's interactive sign-ins never used (lookback up to that day).
fn check_data_access_country<'a>(cx: &Cx<'a>, settings: &Settings, out: &mut Findings, found: &mut Found<'a>) {
    let store = cx.store;
    let min_cov = cx.params.int("min_coverage_days").max(0) as i32;
    for t in &store.touches {
        if !t.kind.is_data_access() || t.country == 0 {
            continue;
        }
        let day = cx.day_of(t);
        let Some(profile) = store.profile(t.actor) else { continue };
        if profile.history_days(day) < min_cov {
            continue;
        }
        let (from, _) = cx.lookback(day);
        if profile.days_with(Feat::InteractiveCountry, t.country, from, day + 1) > 0 {
            continue;
        }
        if profile.values_of(Feat::InteractiveCountry, from, day + 1, 1).is_empty() {
            continue;
        }
        if !settings.is_foreign(cx, out, t) {
            continue;
        }
        let f = found.entry((t.actor, t.session)).or_default();
        f.checks.insert("C");
        f.used.push(t);
        f.foreign_nets.insert(net_of(t));
    }
}

/// The alert for one user and session: what the checks saw, the user's own countries, and how bad it is.
fn replay_alert(cx: &Cx, places: &SigninPlaces, actor: Sym, session: Sym, mut f: Finding) -> Option<AlertBuilder> {
    f.used.sort_by_key(|t| (t.ts, t.id.clone()));
    f.used.dedup_by(|a, b| a.id == b.id);
    f.issued.sort_by_key(|t| (t.ts, t.id.clone()));
    f.issued.dedup_by(|a, b| a.id == b.id);
    let user = cx.s(actor).to_string();
    let first_use = f.used.first().copied()?;
    let mut foreign = net_names(cx, &f.foreign_nets);
    foreign.extend(f.unlocated.iter().map(|ip| format!("{} (location unknown)", cx.s(*ip))));
    let home = net_names(cx, &f.home_nets);
    let mut b = cx.alert(
        format!("{user}: token/session reused from {} without an interactive sign-in there", foreign.join(", ")),
        Severity::Medium,
    );
    b.key.push(user.clone());
    b.key.push(cx.s(session).to_string());
    let day = cx.day_of(first_use);
    if f.checks.contains("C") && f.checks.len() == 1 {
        cx.check_history(&mut b, actor, day);
    } else {
        cx.note_thin_history(&mut b, actor, day);
    }
    explain_checks(cx, &mut b, &f, &user, session, &foreign, &home);
    b.reason(addresses_text(places, &f, actor, &user));
    if !f.unlocated.is_empty() {
        let ips: Vec<&str> = f.unlocated.iter().map(|ip| cx.s(*ip)).collect();
        b.reason(format!(
            "location unknown for {}: {user} never signed in from there in the case and no GeoIP entry places it",
            ips.join(", ")
        ));
    }
    if let Some(pr) = cx.store.profile(actor) {
        let (from, _) = cx.lookback(day);
        let mut cs: Vec<&str> =
            pr.values_of(Feat::InteractiveCountry, from, day + 1, 1).iter().map(|s| cx.s(*s)).collect();
        cs.sort_unstable();
        b.baseline(format!("{user} signed in interactively from: {} (lookback {} days)", cs.join(", "), day - from));
    }
    b.alert.severity = replay_severity(cx, &mut b, &f);
    add_entities(cx, &mut b, &f, &user, session);
    Some(b)
}

/// How many addresses other than the issuing sign-in's used the token or session, and how many of them the user
/// never signed in from: "3 address(es) other than the issuing sign-in's used it; none of them ever signed in as
/// alice@…".
fn addresses_text(places: &SigninPlaces, f: &Finding, actor: Sym, user: &str) -> String {
    let issuing: BTreeSet<Sym> = f.issued.iter().map(|t| t.ip).collect();
    let others: BTreeSet<Sym> = f.used.iter().map(|t| t.ip).filter(|ip| *ip != 0 && !issuing.contains(ip)).collect();
    let never = others.iter().filter(|ip| !places.user_signed_in_from(actor, **ip)).count();
    let signed = match (never, others.len()) {
        (0, _) => "all of them also signed in as the user elsewhere in the case".to_string(),
        (n, m) if n == m => format!("none of them ever signed in as {user}"),
        (n, _) => format!("{n} of them never signed in as {user}"),
    };
    format!("{} address(es) other than the issuing sign-in's used the token(s) or session; {signed}", others.len())
}

/// "<country> AS<asn>" for each network, sorted.
fn net_names(cx: &Cx, nets: &BTreeSet<(Sym, u32)>) -> Vec<String> {
    let mut names: Vec<String> =
        nets.iter().map(|(c, a)| if *a == 0 { cx.s(*c).to_string() } else { format!("{} AS{a}", cx.s(*c)) }).collect();
    names.sort_unstable();
    names
}

/// One reason per check that fired.
fn explain_checks(
    cx: &Cx,
    b: &mut AlertBuilder,
    f: &Finding,
    user: &str,
    session: Sym,
    foreign: &[String],
    home: &[String],
) {
    if f.checks.contains("A") {
        b.reason(format!(
            "token(s) issued to {user} from {} were used from {}",
            if home.is_empty() { "another network".to_string() } else { home.join(", ") },
            foreign.join(", ")
        ));
    }
    if f.checks.contains("B") {
        b.reason(format!(
            "session {} moved to {} and never signed in interactively from there",
            cx.s(session),
            foreign.join(", ")
        ));
    }
    if f.checks.contains("C") {
        b.reason(format!("{user} accessed data from {} where they never signed in interactively", foreign.join(", ")));
    }
}

/// Medium, high when two checks agree; raised by the data that went through and by a switch to a scripted client.
fn replay_severity(cx: &Cx, b: &mut AlertBuilder, f: &Finding) -> Severity {
    let p = cx.params;
    let volume: u64 = f
        .used
        .iter()
        .map(|t| match t.kind {
            TouchKind::MailRead => t.items as u64,
            TouchKind::SignIn => 0,
            _ => 1,
        })
        .sum();
    let mut sev = if f.checks.len() >= 2 { Severity::High } else { Severity::Medium };
    if volume >= p.int("data_access_threshold") as u64 {
        sev = raise(sev).max(Severity::High);
        b.reason(format!("{volume} item(s) or request(s) went through the reused token/session"));
    }
    if p.flag("user_agent_check") {
        let home_ok =
            f.issued.iter().any(|t| matches!(t.ua_class, UaClass::Browser | UaClass::OfficeClient | UaClass::Mobile));
        if let Some(s) = f.used.iter().find(|t| t.ua_class.is_scripted()) {
            if home_ok {
                sev = raise(sev);
                b.reason(format!("client changed from a browser/Office app to {}", cx.s(s.ua)));
            }
        }
    }
    sev
}

/// The user, session, addresses, apps and mailboxes involved, and every touch as evidence.
fn add_entities(cx: &Cx, b: &mut AlertBuilder, f: &Finding, user: &str, session: Sym) {
    let e = b.entities();
    e.user(user);
    e.session(cx.s(session));
    for t in f.issued.iter().chain(f.used.iter()) {
        e.ip(cx.s(t.ip));
        e.app(cx.s(t.app), None);
        if t.mailbox != 0 {
            e.mailbox(cx.s(t.mailbox));
        }
    }
    for t in f.issued.iter().chain(f.used.iter()) {
        b.evidence(&t.id, utc(t.ts));
    }
}
