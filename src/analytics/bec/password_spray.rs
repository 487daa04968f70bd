//! password-spray: one source trying passwords against many accounts, one account worn down by guesses, and
//! MFASweep-style probing of which clients of one account ask for MFA.
//!
//! Every sign-in of a person is counted once (the Entra sign-in logs, or the UAL's `UserLoginFailed` /
//! `UserLoggedIn` copies on days no Entra log covers) and read by its error code (`failure_codes` are wrong or
//! locked credentials, `valid_password_codes` are the interrupts Entra raises only after the password was right)
//! or, without a code, by its failure reason. A failure the same account follows within `typo_grace_min` with a
//! success from the same address is a mistyped password and not counted.
//!
//! - **Spray:** the uncounted failures of each address are split into episodes (no gap longer than
//!   `slow_window_hours`); an episode that reaches `burst_min_accounts` accounts within `burst_window_min`, or
//!   `slow_min_accounts` over the episode, is a spray. Failures no single address explains are pooled by network
//!   (ASN) the same way, unless the tenant's own people sign in from that network.
//! - **Guessing:** `brute_min_failures` failures against one account from one address it never signed in from.
//! - **Probing:** one account tried as `sweep_min_platforms` or more operating systems within `sweep_window_min`.
//!
//! A success or an accepted password from the same source afterwards (within `success_window_hours`) makes the
//! alert much more severe; legacy clients, which never ask for MFA, raise it. Expected addresses and allow-listed
//! accounts are suppressed and counted.

use super::signins::{self, error_text, list_some, span, when, where_text, UserAllow};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::common::{raise, utc, Cx, Findings};
use crate::analytics::store::profile::Feat;
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::Severity;
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

/// What a sign-in attempt says about the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    /// Entra accepted the password and asked for more (MFA, a policy, "stay signed in").
    PasswordAccepted,
    /// Wrong, expired or locked credentials.
    BadCredentials,
    Other,
}

/// The thresholds and lists this detection reads.
struct Settings {
    failure_codes: Vec<u32>,
    failure_words: Vec<String>,
    valid_codes: Vec<u32>,
    legacy_clients: Vec<String>,
    platforms: Vec<(String, String)>,
    burst_window: i64,
    burst_min_accounts: usize,
    slow_window: i64,
    slow_min_accounts: usize,
    typo_grace: i64,
    success_window: i64,
    tenant_network_users: usize,
    brute_min_failures: usize,
    sweep_window: i64,
    sweep_min_platforms: usize,
    nets: Vec<IpNet>,
    users: UserAllow,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let platforms = p
            .list("platform_markers")
            .iter()
            .filter_map(|m| m.split_once('=').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
            .collect();
        Settings {
            failure_codes: signins::codes(cx, "failure_codes"),
            failure_words: signins::words(cx, "failure_reasons"),
            valid_codes: signins::codes(cx, "valid_password_codes"),
            legacy_clients: signins::words(cx, "legacy_clients"),
            platforms,
            burst_window: p.int("burst_window_min").max(1) * 60,
            burst_min_accounts: p.int("burst_min_accounts").max(2) as usize,
            slow_window: p.int("slow_window_hours").max(1) * 3600,
            slow_min_accounts: p.int("slow_min_accounts").max(2) as usize,
            typo_grace: p.int("typo_grace_min").max(0) * 60,
            success_window: p.int("success_window_hours").max(0) * 3600,
            tenant_network_users: p.int("tenant_network_users").max(1) as usize,
            brute_min_failures: p.int("brute_min_failures").max(2) as usize,
            sweep_window: p.int("sweep_window_min").max(1) * 60,
            sweep_min_platforms: p.int("sweep_min_platforms").max(2) as usize,
            nets: signins::expected(cx),
            users: UserAllow::read(cx),
        }
    }

    /// What an attempt says about the password.
    fn outcome(&self, cx: &Cx, t: &Touch) -> Outcome {
        if t.has(flags::SUCCESS) {
            return Outcome::Success;
        }
        if t.error != 0 {
            if self.valid_codes.contains(&t.error) {
                return Outcome::PasswordAccepted;
            }
            if self.failure_codes.contains(&t.error) {
                return Outcome::BadCredentials;
            }
            return Outcome::Other;
        }
        let reason = cx.s(t.reason).to_ascii_lowercase().replace(' ', "");
        if self.failure_words.iter().any(|w| reason.contains(&w.replace(' ', ""))) {
            Outcome::BadCredentials
        } else {
            Outcome::Other
        }
    }

    /// True when the attempt used a legacy client (`clientAppUsed`).
    fn legacy(&self, cx: &Cx, t: &Touch) -> bool {
        let c = cx.s(t.client).to_ascii_lowercase();
        !c.is_empty() && self.legacy_clients.contains(&c)
    }

    /// The operating system a user agent claims, from `platform_markers`.
    fn platform(&self, cx: &Cx, t: &Touch) -> Option<String> {
        let ua = cx.s(t.ua).to_ascii_lowercase();
        if ua.is_empty() {
            return None;
        }
        self.platforms.iter().find(|(marker, _)| ua.contains(marker.as_str())).map(|(_, name)| name.clone())
    }
}

/// One attempt with its reading.
#[derive(Clone, Copy)]
struct Attempt<'a> {
    t: &'a Touch,
    outcome: Outcome,
}

/// Where a spray came from.
#[derive(Clone)]
enum SprayFrom {
    Address(Sym),
    Network(u32),
}

/// A run of failures from one source that crossed a threshold.
struct Episode<'a> {
    from: SprayFrom,
    failures: Vec<&'a Touch>,
    /// Most accounts within one burst window.
    burst_accounts: usize,
    accounts: BTreeSet<Sym>,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if signins::note_missing_signins(cx, &mut out) {
        return out;
    }
    let s = Settings::read(cx);
    let attempts: Vec<Attempt> = signins::attempts(cx)
        .into_iter()
        .map(|t| Attempt { t, outcome: s.outcome(cx, t) })
        .filter(|a| !allowed(cx, &s, a, &mut out))
        .collect();
    let failures = uncounted_failures(cx, &s, &attempts);
    let (mut episodes, rest) = address_episodes(cx, &s, &failures, &mut out);
    episodes.extend(network_episodes(cx, &s, &rest));
    let mut sprayed: BTreeSet<(Sym, Sym)> = BTreeSet::new();
    for e in &episodes {
        sprayed.extend(e.failures.iter().map(|t| (t.actor, t.ip)));
        out.alerts.push(spray_alert(cx, &s, e, &attempts));
    }
    guessing(cx, &s, &failures, &sprayed, &attempts, &mut out);
    probing(cx, &s, &attempts, &mut out);
    out
}

/// True (and counted) when the attempt's account is allow-listed; only credential failures are counted.
fn allowed(cx: &Cx, s: &Settings, a: &Attempt, out: &mut Findings) -> bool {
    let Some((rule, matched)) = s.users.matched(cx, a.t.actor) else { return false };
    if a.outcome == Outcome::BadCredentials {
        out.suppressions.add(&cx.meta.id, rule, &matched, &a.t.id);
    }
    true
}

/// Credential failures that no success of the same account from the same address follows within the grace.
fn uncounted_failures<'a>(cx: &Cx<'a>, s: &Settings, attempts: &[Attempt<'a>]) -> Vec<&'a Touch> {
    attempts
        .iter()
        .filter(|a| a.outcome == Outcome::BadCredentials)
        .filter(|a| {
            let t = a.t;
            !cx.store.by_between(t.actor, t.ts, t.ts + s.typo_grace).any(|n| {
                n.ip == t.ip
                    && n.id != t.id
                    && matches!(s.outcome(cx, n), Outcome::Success | Outcome::PasswordAccepted)
                    && signins::is_person(n)
            })
        })
        .map(|a| a.t)
        .collect()
}

/// Splits time-ordered failures into runs with no gap longer than `gap` seconds.
fn runs<'a>(failures: &[&'a Touch], gap: i64) -> Vec<Vec<&'a Touch>> {
    let mut out: Vec<Vec<&Touch>> = Vec::new();
    for t in failures {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|l| t.ts - l.ts <= gap) => run.push(t),
            _ => out.push(vec![t]),
        }
    }
    out
}

/// The most distinct accounts within any `window` seconds of a time-ordered run.
fn busiest_window(run: &[&Touch], window: i64) -> usize {
    let mut counts: BTreeMap<Sym, usize> = BTreeMap::new();
    let (mut start, mut best) = (0usize, 0usize);
    for t in run {
        *counts.entry(t.actor).or_default() += 1;
        while run[start].ts < t.ts - window {
            let a = run[start].actor;
            if let Some(c) = counts.get_mut(&a) {
                *c -= 1;
                if *c == 0 {
                    counts.remove(&a);
                }
            }
            start += 1;
        }
        best = best.max(counts.len());
    }
    best
}

/// The runs of `failures` from one source that cross a threshold; the others are returned.
fn crossing<'a>(s: &Settings, from: SprayFrom, failures: &[&'a Touch]) -> (Vec<Episode<'a>>, Vec<&'a Touch>) {
    let (mut found, mut rest) = (Vec::new(), Vec::new());
    for run in runs(failures, s.slow_window) {
        let accounts: BTreeSet<Sym> = run.iter().map(|t| t.actor).collect();
        let burst_accounts = busiest_window(&run, s.burst_window);
        if burst_accounts >= s.burst_min_accounts || accounts.len() >= s.slow_min_accounts {
            found.push(Episode { from: from.clone(), failures: run, burst_accounts, accounts });
        } else {
            rest.extend(run);
        }
    }
    (found, rest)
}

/// Sprays from single addresses; failures from expected addresses are suppressed and counted once per address.
fn address_episodes<'a>(
    cx: &Cx<'a>,
    s: &Settings,
    failures: &[&'a Touch],
    out: &mut Findings,
) -> (Vec<Episode<'a>>, Vec<&'a Touch>) {
    let mut by_ip: BTreeMap<Sym, Vec<&Touch>> = BTreeMap::new();
    for t in failures {
        by_ip.entry(t.ip).or_default().push(t);
    }
    let (mut found, mut rest) = (Vec::new(), Vec::new());
    for (ip, list) in by_ip {
        if ip == 0 {
            rest.extend(list);
            continue;
        }
        let (episodes, left) = crossing(s, SprayFrom::Address(ip), &list);
        if signins::from_expected(cx, &s.nets, list[0]) {
            for e in &episodes {
                out.suppressions.add(&cx.meta.id, "allow.expected_ips", cx.s(ip), &e.failures[0].id);
            }
            continue;
        }
        found.extend(episodes);
        rest.extend(left);
    }
    (found, rest)
}

/// Sprays spread over several addresses of one network that the tenant's own people do not sign in from.
fn network_episodes<'a>(cx: &Cx<'a>, s: &Settings, rest: &[&'a Touch]) -> Vec<Episode<'a>> {
    let mut by_asn: BTreeMap<u32, Vec<&Touch>> = BTreeMap::new();
    for t in rest {
        if t.asn != 0 && !signins::from_expected(cx, &s.nets, t) {
            by_asn.entry(t.asn).or_default().push(t);
        }
    }
    let mut found = Vec::new();
    for (asn, mut list) in by_asn {
        let users = cx.store.strings.lookup(&asn.to_string()).map(|sym| cx.store.prevalence_of(Feat::Asn, sym, 0));
        if users.unwrap_or(0) >= s.tenant_network_users {
            continue;
        }
        list.sort_by_key(|t| t.ts);
        let (episodes, _) = crossing(s, SprayFrom::Network(asn), &list);
        found.extend(
            episodes.into_iter().filter(|e| e.failures.iter().map(|t| t.ip).collect::<BTreeSet<_>>().len() > 1),
        );
    }
    found
}

/// True when the attempt came from the episode's source.
fn same_source(from: &SprayFrom, t: &Touch) -> bool {
    match from {
        SprayFrom::Address(ip) => t.ip == *ip,
        SprayFrom::Network(asn) => t.asn == *asn,
    }
}

/// The successes and accepted passwords from the source, from an hour before the first failure to the success
/// window after the last.
fn hits<'a>(s: &Settings, from: &SprayFrom, first: i64, last: i64, attempts: &[Attempt<'a>]) -> Vec<Attempt<'a>> {
    // Attempts are in time order: look only at the window.
    let start = attempts.partition_point(|a| a.t.ts < first - 3600);
    attempts[start..]
        .iter()
        .take_while(|a| a.t.ts <= last + s.success_window)
        .filter(|a| matches!(a.outcome, Outcome::Success | Outcome::PasswordAccepted) && same_source(from, a.t))
        .copied()
        .collect()
}

/// The alert for one spray episode.
fn spray_alert(cx: &Cx, s: &Settings, e: &Episode, attempts: &[Attempt]) -> AlertBuilder {
    let (first, last) = (e.failures[0], e.failures[e.failures.len() - 1]);
    let source = match e.from {
        SprayFrom::Address(_) => where_text(cx, first),
        SprayFrom::Network(asn) => {
            let ips: BTreeSet<&str> = e.failures.iter().map(|t| cx.s(t.ip)).collect();
            format!("{} addresses in AS{asn}", ips.len())
        }
    };
    let hits = hits(s, &e.from, first.ts, last.ts, attempts);
    let mut b = cx.alert(String::new(), Severity::Medium);
    b.key.push(match e.from {
        SprayFrom::Address(ip) => cx.s(ip).to_string(),
        SprayFrom::Network(asn) => format!("AS{asn}"),
    });
    b.key.push(first.ts.to_string());
    describe_failures(cx, &mut b, &e.failures, &source);
    b.reason(if e.burst_accounts >= s.burst_min_accounts {
        format!("{} accounts within {} min (threshold {})", e.burst_accounts, s.burst_window / 60, s.burst_min_accounts)
    } else {
        format!(
            "a slow spray: {} accounts over {} with no gap over {} h (threshold {})",
            e.accounts.len(),
            span(last.ts - first.ts),
            s.slow_window / 3600,
            s.slow_min_accounts
        )
    });
    let per_account = e.failures.len() as f64 / e.accounts.len().max(1) as f64;
    b.reason(format!("{per_account:.1} attempt(s) per account: few passwords tried across many accounts"));
    let hit_names = describe_hits(cx, &mut b, &hits, first.ts);
    b.alert.title = match hit_names.first() {
        Some(who) => format!(
            "Password spray from {source}: {} accounts failed, then {who}{} signed in",
            e.accounts.len(),
            if hit_names.len() > 1 { format!(" and {} more", hit_names.len() - 1) } else { String::new() }
        ),
        None => format!("Password spray from {source}: {} accounts failed", e.accounts.len()),
    };
    b.alert.severity = spray_severity(cx, s, &mut b, &e.failures, &hits);
    for t in e.failures.iter().copied().chain(hits.iter().map(|a| a.t)) {
        b.entities().user(cx.s(t.actor));
        b.entities().ip(cx.s(t.ip));
        b.evidence(&t.id, utc(t.ts));
    }
    for a in &hits {
        b.entities().session(cx.s(a.t.session));
    }
    b
}

/// The failure counts, codes, clients and accounts of a run of failures, and where the records came from.
fn describe_failures(cx: &Cx, b: &mut AlertBuilder, failures: &[&Touch], source: &str) {
    let (first, last) = (failures[0], failures[failures.len() - 1]);
    let accounts: BTreeSet<&str> = failures.iter().map(|t| cx.s(t.actor)).collect();
    b.reason(format!(
        "{} credential failure(s) against {} account(s) from {source} between {} and {} ({})",
        failures.len(),
        accounts.len(),
        when(first.ts),
        when(last.ts),
        span(last.ts - first.ts)
    ));
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut agents: BTreeMap<&str, usize> = BTreeMap::new();
    for t in failures {
        *codes.entry(error_text(cx, t)).or_default() += 1;
        let ua = cx.s(t.ua);
        *agents.entry(if ua.is_empty() { "(no user agent)" } else { ua }).or_default() += 1;
    }
    let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
    b.reason(format!("errors: {}", list_some(&codes, 4)));
    let agents: Vec<String> = agents.iter().map(|(a, n)| format!("{a} ×{n}")).collect();
    b.reason(format!("user agents: {}", list_some(&agents, 3)));
    let names: Vec<String> = accounts.iter().map(|a| a.to_string()).collect();
    b.reason(format!("accounts tried: {}", list_some(&names, 12)));
    if failures.iter().any(|t| t.kind != TouchKind::SignIn) {
        b.reason("seen in the Unified Audit Log (UserLoginFailed): no Entra sign-in log in the case covers those days");
    }
}

/// Says who signed in or had a password accepted from the source; returns their names.
fn describe_hits(cx: &Cx, b: &mut AlertBuilder, hits: &[Attempt], first_failure: i64) -> Vec<String> {
    let mut names = Vec::new();
    for a in hits {
        let user = cx.s(a.t.actor).to_string();
        let after = if a.t.ts >= first_failure {
            format!("{} after the first failure", span(a.t.ts - first_failure))
        } else {
            format!("{} before the first failure", span(first_failure - a.t.ts))
        };
        b.reason(match a.outcome {
            Outcome::Success => {
                format!("{user} signed in successfully from {} at {} ({after})", where_text(cx, a.t), when(a.t.ts))
            }
            _ => format!(
                "{user}'s password was accepted from {} at {} (error {}: Entra asked for more only after a right \
                 password; {after})",
                where_text(cx, a.t),
                when(a.t.ts),
                error_text(cx, a.t)
            ),
        });
        if !names.contains(&user) {
            names.push(user);
        }
    }
    names
}

/// Medium; legacy clients raise it a step, an accepted password makes it at least high, a success critical.
fn spray_severity(cx: &Cx, s: &Settings, b: &mut AlertBuilder, failures: &[&Touch], hits: &[Attempt]) -> Severity {
    let mut sev = Severity::Medium;
    let legacy: BTreeSet<&str> = failures.iter().filter(|t| s.legacy(cx, t)).map(|t| cx.s(t.client)).collect();
    if !legacy.is_empty() {
        sev = raise(sev);
        let n = failures.iter().filter(|t| s.legacy(cx, t)).count();
        b.reason(format!(
            "{n} attempt(s) used legacy clients ({}), which never ask for MFA",
            legacy.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if hits.iter().any(|a| a.outcome == Outcome::PasswordAccepted) {
        sev = sev.max(Severity::High);
    }
    if hits.iter().any(|a| a.outcome == Outcome::Success) {
        sev = Severity::Critical;
    }
    sev
}

/// Many failures against one account from one address it never signed in from (outside any spray).
fn guessing(
    cx: &Cx,
    s: &Settings,
    failures: &[&Touch],
    sprayed: &BTreeSet<(Sym, Sym)>,
    attempts: &[Attempt],
    out: &mut Findings,
) {
    let mut by_pair: BTreeMap<(Sym, Sym), Vec<&Touch>> = BTreeMap::new();
    for t in failures {
        if t.ip != 0 && !sprayed.contains(&(t.actor, t.ip)) && !signins::from_expected(cx, &s.nets, t) {
            by_pair.entry((t.actor, t.ip)).or_default().push(t);
        }
    }
    for ((actor, ip), list) in by_pair {
        for run in runs(&list, s.burst_window) {
            let day = cx.day_of(run[0]);
            if run.len() < s.brute_min_failures {
                continue;
            }
            if signins::usual_ip(cx, actor, ip, day, 1) || signins::usual_asn(cx, actor, run[0].asn, day) {
                out.suppressions.add(
                    &cx.meta.id,
                    "baseline: the account's own address or network",
                    cx.s(actor),
                    &run[0].id,
                );
                continue;
            }
            out.alerts.push(guessing_alert(cx, s, &run, attempts));
        }
    }
}

/// The alert for many failures against one account.
fn guessing_alert(cx: &Cx, s: &Settings, run: &[&Touch], attempts: &[Attempt]) -> AlertBuilder {
    let (first, last) = (run[0], run[run.len() - 1]);
    let user = cx.s(first.actor).to_string();
    let from = SprayFrom::Address(first.ip);
    let hits: Vec<Attempt> =
        hits(s, &from, first.ts, last.ts, attempts).into_iter().filter(|a| a.t.actor == first.actor).collect();
    let mut b = cx.alert(String::new(), Severity::Medium);
    cx.check_history(&mut b, first.actor, cx.day_of(first));
    b.key.push(user.clone());
    b.key.push(cx.s(first.ip).to_string());
    describe_failures(cx, &mut b, run, &where_text(cx, first));
    b.reason(format!(
        "{user} never signed in from {} or its network in the {} days before",
        cx.s(first.ip),
        cx.params.int("lookback_days")
    ));
    describe_hits(cx, &mut b, &hits, first.ts);
    b.alert.title = if hits.iter().any(|a| a.outcome == Outcome::Success) {
        format!("Password guessing against {user} from {}: {} failures, then a sign-in", cx.s(first.ip), run.len())
    } else {
        format!("Password guessing against {user} from {}: {} failures", cx.s(first.ip), run.len())
    };
    b.alert.severity = spray_severity(cx, s, &mut b, run, &hits);
    b.entities().user(&user);
    b.entities().ip(cx.s(first.ip));
    for t in run.iter().copied().chain(hits.iter().map(|a| a.t)) {
        b.evidence(&t.id, utc(t.ts));
    }
    b
}

/// One account tried as many operating systems in a short time: probing which clients skip MFA.
fn probing(cx: &Cx, s: &Settings, attempts: &[Attempt], out: &mut Findings) {
    let mut by_actor: BTreeMap<Sym, Vec<(Attempt, String)>> = BTreeMap::new();
    for a in attempts {
        if let Some(p) = s.platform(cx, a.t) {
            by_actor.entry(a.t.actor).or_default().push((*a, p));
        }
    }
    for (_, list) in by_actor {
        let (mut start, mut i, mut done) = (0usize, 0usize, 0usize);
        while i < list.len() {
            while list[i].0.t.ts - list[start].0.t.ts > s.sweep_window {
                start += 1;
            }
            let window = &list[start..=i];
            let platforms: BTreeSet<&str> = window.iter().map(|(_, p)| p.as_str()).collect();
            if platforms.len() >= s.sweep_min_platforms {
                // Take the whole probe: the attempts a window's length either side of the window that crossed.
                let t0 = list[start].0.t.ts;
                let end = list.iter().rposition(|(a, _)| a.t.ts - t0 <= s.sweep_window).unwrap_or(i);
                let begin = (done..start).find(|&k| t0 - list[k].0.t.ts <= s.sweep_window).unwrap_or(start);
                out.alerts.push(probing_alert(cx, s, &list[begin..=end]));
                done = end + 1;
                start = done;
                i = done;
                continue;
            }
            i += 1;
        }
    }
}

/// The alert for one probe of an account's clients.
fn probing_alert(cx: &Cx, s: &Settings, probe: &[(Attempt, String)]) -> AlertBuilder {
    let (first, last) = (probe[0].0.t, probe[probe.len() - 1].0.t);
    let user = cx.s(first.actor).to_string();
    let platforms: BTreeSet<&str> = probe.iter().map(|(_, p)| p.as_str()).collect();
    let apps: BTreeSet<(&str, &str)> = probe.iter().map(|(a, _)| (cx.s(a.t.app), cx.s(a.t.resource))).collect();
    let ips: BTreeSet<&str> = probe.iter().map(|(a, _)| cx.s(a.t.ip)).filter(|i| !i.is_empty()).collect();
    let worked: Vec<&Attempt> = probe
        .iter()
        .map(|(a, _)| a)
        .filter(|a| matches!(a.outcome, Outcome::Success | Outcome::PasswordAccepted))
        .collect();
    let mut b = cx.alert(
        format!(
            "MFA coverage probing of {user}: {} sign-ins as {} platforms in {}",
            probe.len(),
            platforms.len(),
            span(last.ts - first.ts)
        ),
        if worked.is_empty() { Severity::Medium } else { Severity::High },
    );
    b.key.push(user.clone());
    b.key.push(first.ts.to_string());
    b.reason(format!(
        "{} sign-in attempt(s) for {user} between {} and {} claiming {} operating systems ({}); threshold {} within {} min",
        probe.len(),
        when(first.ts),
        when(last.ts),
        platforms.len(),
        platforms.iter().copied().collect::<Vec<_>>().join(", "),
        s.sweep_min_platforms,
        s.sweep_window / 60
    ));
    b.reason(format!(
        "{} client app/resource pair(s) from {} address(es): {}",
        apps.len(),
        ips.len(),
        ips.iter().copied().collect::<Vec<_>>().join(", ")
    ));
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for (a, _) in probe {
        let key = if a.outcome == Outcome::Success { "success".to_string() } else { error_text(cx, a.t) };
        *outcomes.entry(key).or_default() += 1;
    }
    let outcomes: Vec<String> = outcomes.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    b.reason(format!("results: {}", outcomes.join(", ")));
    if !worked.is_empty() {
        b.reason(format!(
            "the password worked on {} of them: whoever probes holds {user}'s password and is looking for a client \
             without MFA",
            worked.len()
        ));
    }
    b.entities().user(&user);
    for (a, _) in probe {
        b.entities().ip(cx.s(a.t.ip));
        b.entities().session(cx.s(a.t.session));
        b.entities().app(cx.s(a.t.app), None);
        b.evidence(&a.t.id, utc(a.t.ts));
    }
    b
}
