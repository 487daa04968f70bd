//! device-code: a person signing in with the device-code flow when they never do, and what the session reached.
//!
//! Device-code phishing has the victim type an attacker's code at microsoft.com/devicelogin; the attacker's
//! program then holds the person's tokens. The Entra sign-in logs mark such sign-ins with
//! `authenticationProtocol` deviceCode, and the token refreshes that follow with `originalTransferMethod`
//! deviceCodeFlow. Successful ones are grouped per session (else per address and day). A person who used the
//! flow on `routine_days` earlier days (with enough history to know) is routine, suppressed and counted; so are
//! allow-listed people and client apps that use the flow by design (`allowed_apps`: meeting-room devices,
//! command-line tools an admin team uses). What followed in the same session or token within
//! `followon_window_min` sets the severity: medium alone, high when mail, files or the directory were reached,
//! critical when that happened from another address than the sign-in's (the token moved to the attacker).

use super::signins::{self, list_some, span, when, where_text, UserAllow};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::AllowList;
use crate::analytics::catalog;
use crate::analytics::clock::Day;
use crate::analytics::common::{raise, utc, Cx, Findings};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch};
use crate::model::Severity;
use std::collections::{BTreeMap, BTreeSet};

/// The thresholds and lists this detection reads.
struct Settings {
    routine_days: usize,
    followon_window: i64,
    apps: AllowList,
    users: UserAllow,
}

/// One group of device-code sign-ins: whose, and the history before it.
struct Group<'a> {
    actor: Sym,
    signins: Vec<&'a Touch>,
    day: Day,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !signins::entra_signins(cx) {
        out.notes.push(
            "device-code sign-ins show only in the Entra sign-in logs (authenticationProtocol, \
             originalTransferMethod); the case holds none of people, so none can be seen"
                .to_string(),
        );
        return out;
    }
    let p = cx.params;
    let s = Settings {
        routine_days: p.int("routine_days").max(1) as usize,
        followon_window: p.int("followon_window_min").max(1) * 60,
        apps: AllowList::new(p.list("allowed_apps")),
        users: UserAllow::read(cx),
    };
    for g in groups(cx) {
        judge(cx, &s, &g, &mut out);
    }
    out
}

/// Successful device-code sign-ins of people, grouped by session (else by address and day).
fn groups<'a>(cx: &Cx<'a>) -> Vec<Group<'a>> {
    let mut by_key: BTreeMap<(Sym, String), Vec<&Touch>> = BTreeMap::new();
    for t in signins::attempts(cx) {
        if !t.has(flags::DEVICE_CODE_FLOW) || !t.has(flags::SUCCESS) {
            continue;
        }
        let key = if t.session != 0 {
            format!("s:{}", cx.s(t.session))
        } else {
            format!("a:{}:{}", cx.s(t.ip), cx.day_of(t))
        };
        by_key.entry((t.actor, key)).or_default().push(t);
    }
    by_key.into_iter().map(|((actor, _), signins)| Group { actor, day: cx.day_of(signins[0]), signins }).collect()
}

/// Days before the group's day (in the lookback) on which the person signed in with the device-code flow.
fn earlier_days(cx: &Cx, g: &Group) -> usize {
    let (from, to) = cx.lookback(g.day);
    let days: BTreeSet<Day> = cx
        .store
        .by(g.actor)
        .filter(|t| t.has(flags::DEVICE_CODE_FLOW) && t.has(flags::SUCCESS))
        .map(|t| cx.day_of(t))
        .filter(|d| *d >= from && *d < to)
        .collect();
    days.len()
}

/// Suppresses allowed people and apps and routine use, else raises the alert.
fn judge(cx: &Cx, s: &Settings, g: &Group, out: &mut Findings) {
    let first = g.signins[0];
    if let Some((rule, matched)) = s.users.matched(cx, g.actor) {
        out.suppressions.add(&cx.meta.id, rule, &matched, &first.id);
        return;
    }
    let app = cx.s(first.app);
    if let Some(m) = s.apps.matched(&[app, catalog::app_name(app).unwrap_or("")]) {
        out.suppressions.add(&cx.meta.id, "allowed_apps", &m.to_ascii_lowercase(), &first.id);
        return;
    }
    let mut b = cx.alert(String::new(), Severity::Medium);
    let enough_history = cx.check_history(&mut b, g.actor, g.day);
    let used = earlier_days(cx, g);
    if enough_history && used >= s.routine_days {
        out.suppressions.add(&cx.meta.id, "baseline: device code routine for the person", cx.s(g.actor), &first.id);
        return;
    }
    let (from, to) = cx.lookback(g.day);
    b.baseline(format!(
        "{} signed in with the device-code flow on {used} day(s) in the {} days before ({} make it routine)",
        cx.s(g.actor),
        to - from,
        s.routine_days
    ));
    describe(cx, &mut b, g);
    let last = g.signins[g.signins.len() - 1];
    let follow = signins::follow_on(cx, g.actor, &g.signins, first.ts, last.ts + s.followon_window);
    b.alert.severity = severity(cx, s, &mut b, g, &follow, enough_history);
    b.alert.title = if follow.reached_data() {
        format!("{} signed in with a device code and the session reached mail, files or the directory", cx.s(g.actor))
    } else {
        format!("{} signed in with a device code", cx.s(g.actor))
    };
    let e = b.entities();
    e.user(cx.s(g.actor));
    for t in g.signins.iter().chain(follow.touches.iter()) {
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
    }
    for t in &g.signins {
        b.entities().app(cx.s(t.app), None);
    }
    for m in &follow.mailboxes {
        b.entities().mailbox(cx.s(*m));
    }
    for t in g.signins.iter().chain(follow.touches.iter()) {
        b.evidence(&t.id, utc(t.ts));
    }
    out.alerts.push(b);
}

/// The sign-in reason: how it was marked, the client and resource, where from; earlier failed attempts.
fn describe(cx: &Cx, b: &mut AlertBuilder, g: &Group) {
    let first = g.signins[0];
    let user = cx.s(g.actor);
    let name = |id: &str| catalog::app_name(id).map(|n| format!("{n} ({id})")).unwrap_or_else(|| id.to_string());
    let how = if cx.s(first.detail).eq_ignore_ascii_case("devicecode") {
        "authenticationProtocol deviceCode"
    } else {
        "a session first obtained by the device-code flow (originalTransferMethod deviceCodeFlow)"
    };
    b.key.push(user.to_string());
    b.key.push(cx.s(first.session).to_string());
    b.reason(format!(
        "{} sign-in(s) of {user} with {how}, the first at {} from {}, client {} to {}",
        g.signins.len(),
        when(first.ts),
        where_text(cx, first),
        name(cx.s(first.app)),
        name(cx.s(first.resource))
    ));
    let failed: Vec<&Touch> = cx
        .store
        .by_between(g.actor, first.ts - 3600, first.ts)
        .filter(|t| t.has(flags::DEVICE_CODE_FLOW) && !t.has(flags::SUCCESS))
        .collect();
    if !failed.is_empty() {
        b.reason(format!("{} failed device-code attempt(s) in the hour before", failed.len()));
    }
}

/// Medium; data reached in the session makes it high, from another address critical; an address new to the
/// person raises it.
fn severity(
    cx: &Cx,
    s: &Settings,
    b: &mut AlertBuilder,
    g: &Group,
    follow: &signins::FollowOn,
    enough_history: bool,
) -> Severity {
    let user = cx.s(g.actor);
    let mut sev = Severity::Medium;
    let first = g.signins[0];
    if enough_history && !signins::usual_ip(cx, g.actor, first.ip, g.day, 1) {
        sev = raise(sev);
        b.reason(format!("{user} never signed in from {} before", cx.s(first.ip)));
    }
    if !follow.touches.is_empty() {
        let last = follow.touches[follow.touches.len() - 1];
        b.reason(format!(
            "in the same session or token over the next {} ({} min window): {}",
            span(last.ts - first.ts),
            s.followon_window / 60,
            follow.text()
        ));
    }
    if follow.reached_data() {
        sev = sev.max(Severity::High);
    }
    // Addresses other than the first sign-in's: later sign-ins of the session, and what used its tokens.
    let mut others: BTreeSet<Sym> = follow.other_ips.clone();
    others.extend(g.signins.iter().chain(follow.touches.iter()).map(|t| t.ip));
    others.remove(&first.ip);
    others.remove(&0);
    if !others.is_empty() {
        let ips: Vec<String> = others.iter().map(|i| cx.s(*i).to_string()).collect();
        b.reason(format!("the session or token was used from other addresses: {}", list_some(&ips, 4)));
        if follow.reached_data() {
            sev = Severity::Critical;
        }
    }
    sev
}
