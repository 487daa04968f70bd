//! risky-sign-in: sign-ins Microsoft Entra ID Protection judged risky, weighed by whether they succeeded and
//! what their session reached.
//!
//! The Entra sign-in logs carry Identity Protection's verdict on each sign-in: `riskLevelDuringSignIn`,
//! `riskLevelAggregated`, `riskState` and the detections (`riskEventTypes_v2`: unfamiliar features, anonymous
//! address, password spray, token issuer anomaly, ...). Sign-ins of people at or above `min_risk_level` (or
//! whose state is at risk or confirmed compromised while the level is hidden) are grouped per session, else per
//! address and day. The level sets the base severity; a group that never succeeded (blocked or failed) is one step
//! lower, a successful single-factor sign-in and mail, file or directory access in the session or token within
//! `followon_window_min` are each a step higher, and confirmed compromise is critical. Risk an admin dismissed
//! or confirmed safe, risk below the minimum and allow-listed people are suppressed and counted.

use super::signins::{self, error_text, list_some, when, where_text, UserAllow};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::catalog;
use crate::analytics::common::{lower, raise, utc, Cx, Findings};
use crate::analytics::coverage::Sight;
use crate::analytics::store::signin_facts::SignInRisk;
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::{Severity, Source};
use std::collections::{BTreeMap, BTreeSet};

/// A risk level as a number: 0 unknown or none, 1 low, 2 medium, 3 high.
fn level(word: &str) -> u8 {
    match word.to_ascii_lowercase().as_str() {
        "low" => 1,
        "medium" => 2,
        "high" => 3,
        _ => 0,
    }
}

/// The word of a level number.
fn level_word(n: u8) -> &'static str {
    ["unknown", "low", "medium", "high"][n.min(3) as usize]
}

/// One risky sign-in with its facts.
#[derive(Clone, Copy)]
struct Risky<'a> {
    t: &'a Touch,
    risk: &'a SignInRisk,
    /// The higher of the level during sign-in and the aggregated level.
    level: u8,
}

/// The thresholds and lists this detection reads.
struct Settings {
    min_level: u8,
    followon_window: i64,
    settled_states: Vec<String>,
    users: UserAllow,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !signins::entra_signins(cx) {
        out.notes.push(
            "Identity Protection risk is carried only by the Entra sign-in logs; the case holds none of people, so no \
             risky sign-in can be seen"
                .to_string(),
        );
        return out;
    }
    note_unknown_risk(cx, &mut out);
    let p = cx.params;
    let s = Settings {
        min_level: level(p.text("min_risk_level")).max(1),
        followon_window: p.int("followon_window_min").max(1) * 60,
        settled_states: signins::words(cx, "settled_states"),
        users: UserAllow::read(cx),
    };
    let mut groups: BTreeMap<(Sym, String), Vec<Risky>> = BTreeMap::new();
    for t in signins::attempts(cx) {
        let Some(risk) = cx.store.risk_of(t) else { continue };
        let r = Risky { t, risk, level: level(cx.s(risk.during)).max(level(cx.s(risk.aggregated))) };
        if !kept(cx, &s, &r, &mut out) {
            continue;
        }
        let key = if t.session != 0 {
            format!("s:{}", cx.s(t.session))
        } else {
            format!("a:{}:{}", cx.s(t.ip), cx.day_of(t))
        };
        groups.entry((t.actor, key)).or_default().push(r);
    }
    for ((actor, _), list) in groups {
        if let Some((rule, matched)) = s.users.matched(cx, actor) {
            out.suppressions.add(&cx.meta.id, rule, &matched, &list[0].t.id);
            continue;
        }
        out.alerts.push(alert(cx, &s, actor, &list));
    }
    out
}

/// The coverage note when some Entra sign-ins of people carry none of Identity Protection's fields: their risk is
/// unknown, and a quiet result says nothing about them.
fn note_unknown_risk(cx: &Cx, out: &mut Findings) {
    let entra: Vec<&Touch> = cx
        .store
        .touches
        .iter()
        .filter(|t| t.kind == TouchKind::SignIn && signins::is_person(t))
        .filter(|t| matches!(t.source, Source::SigninInteractive | Source::SigninNoninteractive))
        .collect();
    let unknown = entra.iter().filter(|t| t.flags & flags::RISK_UNKNOWN != 0).count();
    if unknown == 0 {
        return;
    }
    const WHY: &str = "the portal's CSV download leaves them out; its JSON download, Graph, Log Analytics and \
                       diagnostic settings keep them";
    out.sight = if unknown == entra.len() { Sight::None } else { Sight::Partial };
    out.notes.push(if unknown == entra.len() {
        format!(
            "risk unknown: none of the {unknown} Entra sign-ins of people carries Identity Protection's fields ({WHY}), \
             so no risky sign-in can be seen"
        )
    } else {
        format!(
            "risk unknown on {unknown} of {} Entra sign-ins of people: their records carry none of Identity \
             Protection's fields ({WHY}), so a risky sign-in among them cannot be seen",
            entra.len()
        )
    });
}

/// True when the sign-in's risk is judged; settled and low risk are suppressed and counted.
fn kept(cx: &Cx, s: &Settings, r: &Risky, out: &mut Findings) -> bool {
    let state = cx.s(r.risk.state).to_ascii_lowercase();
    let user = cx.s(r.t.actor);
    if s.settled_states.contains(&state) {
        out.suppressions.add(&cx.meta.id, "settled_states", user, &r.t.id);
        return false;
    }
    if state == "confirmedcompromised" {
        return true;
    }
    if r.level == 0 {
        // A hidden or missing level with the user at risk is not taken as low.
        return state == "atrisk" || !cx.s(r.risk.types).is_empty();
    }
    if r.level < s.min_level {
        out.suppressions.add(&cx.meta.id, "min_risk_level", user, &r.t.id);
        return false;
    }
    true
}

/// The alert for one group of risky sign-ins.
fn alert(cx: &Cx, s: &Settings, actor: Sym, list: &[Risky]) -> AlertBuilder {
    let user = cx.s(actor).to_string();
    let first = list[0].t;
    let top = list.iter().map(|r| r.level).max().unwrap_or(0);
    let types: BTreeSet<&str> =
        list.iter().flat_map(|r| cx.s(r.risk.types).split(", ")).filter(|t| !t.is_empty()).collect();
    let types: Vec<String> = types.into_iter().map(str::to_string).collect();
    let base = match top {
        1 => Severity::Low,
        3 => Severity::High,
        _ => Severity::Medium,
    };
    let mut b = cx.alert(String::new(), base);
    b.key.push(user.clone());
    b.key.push(cx.s(first.session).to_string());
    describe(cx, &mut b, list);
    let signins: Vec<&Touch> = list.iter().map(|r| r.t).collect();
    let last = signins[signins.len() - 1];
    let follow = signins::follow_on(cx, actor, &signins, first.ts, last.ts + s.followon_window);
    b.alert.severity = severity(cx, s, &mut b, list, &follow, base);
    let what = if types.is_empty() { String::new() } else { format!(": {}", list_some(&types, 3)) };
    b.alert.title = format!(
        "Risky sign-in of {user} ({} risk{what}){}",
        level_word(top),
        if follow.reached_data() { " and the session reached mail, files or the directory" } else { "" }
    );
    let e = b.entities();
    e.user(&user);
    for t in signins.iter().chain(follow.touches.iter()) {
        e.ip(cx.s(t.ip));
        e.session(cx.s(t.session));
    }
    for t in &signins {
        b.entities().app(cx.s(t.app), None);
    }
    for m in &follow.mailboxes {
        b.entities().mailbox(cx.s(*m));
    }
    for t in signins.iter().chain(follow.touches.iter()) {
        b.evidence(&t.id, utc(t.ts));
    }
    b
}

/// What Identity Protection said about each sign-in, and where it came from.
fn describe(cx: &Cx, b: &mut AlertBuilder, list: &[Risky]) {
    let name = |id: &str| catalog::app_name(id).map(str::to_string).unwrap_or_else(|| id.to_string());
    for r in list.iter().take(5) {
        let t = r.t;
        let field = |label: &str, v: Sym| {
            let v = cx.s(v);
            if v.is_empty() {
                None
            } else {
                Some(format!("{label} {v}"))
            }
        };
        let facts: Vec<String> = [
            field("risk during sign-in", r.risk.during),
            field("aggregated risk", r.risk.aggregated),
            field("state", r.risk.state),
            field("detail", r.risk.detail),
            field("detections", r.risk.types),
        ]
        .into_iter()
        .flatten()
        .collect();
        let outcome =
            if t.has(flags::SUCCESS) { "succeeded".to_string() } else { format!("failed ({})", error_text(cx, t)) };
        b.reason(format!(
            "{} from {}, {} to {}, {outcome}: {}",
            when(t.ts),
            where_text(cx, t),
            name(cx.s(t.app)),
            name(cx.s(t.resource)),
            facts.join(", ")
        ));
    }
    if list.len() > 5 {
        b.reason(format!("{} more risky sign-in(s) in the same session", list.len() - 5));
    }
}

/// The level's severity, lower when nothing succeeded or the risk was remediated, higher for a single-factor
/// success and for data reached in the session; critical for confirmed compromise.
fn severity(
    cx: &Cx,
    s: &Settings,
    b: &mut AlertBuilder,
    list: &[Risky],
    follow: &signins::FollowOn,
    base: Severity,
) -> Severity {
    let mut sev = base;
    let succeeded: Vec<&Risky> = list.iter().filter(|r| r.t.has(flags::SUCCESS)).collect();
    if succeeded.is_empty() {
        sev = lower(sev);
        b.reason("no risky sign-in of the group succeeded: a policy blocked it or the credentials failed");
    } else if succeeded.iter().any(|r| r.t.has(flags::SINGLE_FACTOR)) {
        sev = raise(sev);
        b.reason(
            "a risky sign-in succeeded with a single factor (authenticationRequirement singleFactorAuthentication)",
        );
    }
    let states: BTreeSet<String> = list.iter().map(|r| cx.s(r.risk.state).to_ascii_lowercase()).collect();
    if states.iter().all(|st| st == "remediated") {
        sev = lower(sev);
        b.reason("Identity Protection marked the risk remediated (the user passed MFA or changed the password)");
    }
    if !follow.touches.is_empty() {
        b.reason(format!("in the same session or token within {} min: {}", s.followon_window / 60, follow.text()));
    }
    if follow.reached_data() && !succeeded.is_empty() {
        sev = raise(sev);
    }
    if states.contains("confirmedcompromised") {
        sev = Severity::Critical;
        b.reason("an administrator confirmed the user compromised");
    }
    sev
}
