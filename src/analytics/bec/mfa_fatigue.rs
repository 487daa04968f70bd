//! mfa-fatigue: one person's MFA prompts denied, timed out or left unanswered again and again, then (often) a
//! success: someone who holds the password pushing prompts until one is approved.
//!
//! Interactive sign-ins of each person are read in time order (each sign-in once, whichever log holds it). A
//! failed MFA prompt is a sign-in whose error is one of `failure_codes` (500121) or whose reason names a denial,
//! a timeout or a fraud report (`failure_reasons`); an unanswered prompt is an MFA interrupt (`prompt_codes`,
//! 50074/50076) that neither a success nor a failed prompt of the same person follows within
//! `prompt_timeout_min`. Failed and unanswered prompts with no gap longer than `window_min` form an episode;
//! `min_failed_prompts` of them make an alert. A success within `success_window_min` after the episode makes it
//! high, a success from an address the person never used critical; a fraud report raises it. Prompts and the
//! success all coming from the person's usual address (with enough history) are someone fumbling their own
//! phone, suppressed and counted; allow-listed people likewise.

use super::signins::{self, error_text, list_some, span, when, where_text, UserAllow};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::common::{utc, Cx, Findings};
use crate::analytics::store::strings::Sym;
use crate::analytics::store::touch::{flags, Touch, TouchKind};
use crate::model::Severity;
use std::collections::{BTreeMap, BTreeSet};

/// The thresholds and lists this detection reads.
struct Settings {
    failure_codes: Vec<u32>,
    failure_words: Vec<String>,
    fraud_words: Vec<String>,
    prompt_codes: Vec<u32>,
    prompt_timeout: i64,
    window: i64,
    min_failed: usize,
    success_window: i64,
    usual_days: usize,
    users: UserAllow,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            failure_codes: signins::codes(cx, "failure_codes"),
            failure_words: signins::words(cx, "failure_reasons"),
            fraud_words: signins::words(cx, "fraud_reasons"),
            prompt_codes: signins::codes(cx, "prompt_codes"),
            prompt_timeout: p.int("prompt_timeout_min").max(1) * 60,
            window: p.int("window_min").max(1) * 60,
            min_failed: p.int("min_failed_prompts").max(2) as usize,
            success_window: p.int("success_window_min").max(0) * 60,
            usual_days: p.int("usual_address_days").max(1) as usize,
            users: UserAllow::read(cx),
        }
    }

    /// True when a failed sign-in is a denied, timed-out or fraud-reported MFA prompt.
    fn failed_prompt(&self, cx: &Cx, t: &Touch) -> bool {
        if t.has(flags::SUCCESS) {
            return false;
        }
        if self.failure_codes.contains(&t.error) {
            return true;
        }
        let reason = cx.s(t.reason).to_ascii_lowercase();
        !reason.is_empty() && self.failure_words.iter().any(|w| reason.contains(w.as_str()))
    }

    /// True when the prompt was reported as fraud.
    fn fraud(&self, cx: &Cx, t: &Touch) -> bool {
        let reason = cx.s(t.reason).to_ascii_lowercase();
        !reason.is_empty() && self.fraud_words.iter().any(|w| reason.contains(w.as_str()))
    }
}

/// A prompt that did not end in a success.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prompt {
    /// Denied, timed out or reported (a failed MFA step).
    Failed,
    /// An MFA interrupt nothing answered.
    Unanswered,
}

/// One episode of failed prompts and what followed it.
struct Episode<'a> {
    actor: Sym,
    prompts: Vec<(&'a Touch, Prompt)>,
    success: Option<&'a Touch>,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if signins::note_missing_signins(cx, &mut out) {
        return out;
    }
    let s = Settings::read(cx);
    let mut by_actor: BTreeMap<Sym, Vec<&Touch>> = BTreeMap::new();
    for t in signins::attempts(cx) {
        if t.kind == TouchKind::UalSignIn || t.has(flags::INTERACTIVE) {
            by_actor.entry(t.actor).or_default().push(t);
        }
    }
    for (actor, list) in by_actor {
        for e in episodes(cx, &s, actor, &list) {
            judge(cx, &s, &e, &mut out);
        }
    }
    out
}

/// The person's episodes of at least `min_failed` failed or unanswered prompts, each with the success after it.
fn episodes<'a>(cx: &Cx, s: &Settings, actor: Sym, list: &[&'a Touch]) -> Vec<Episode<'a>> {
    let mut prompts: Vec<(&Touch, Prompt)> = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if s.failed_prompt(cx, t) {
            prompts.push((t, Prompt::Failed));
        } else if !t.has(flags::SUCCESS) && s.prompt_codes.contains(&t.error) {
            let answered = list[i + 1..]
                .iter()
                .take_while(|n| n.ts - t.ts <= s.prompt_timeout)
                .any(|n| n.has(flags::SUCCESS) || s.failed_prompt(cx, n));
            if !answered {
                prompts.push((t, Prompt::Unanswered));
            }
        }
    }
    let mut out: Vec<Episode> = Vec::new();
    let mut current: Vec<(&Touch, Prompt)> = Vec::new();
    for p in prompts {
        if current.last().is_some_and(|(l, _)| p.0.ts - l.ts > s.window) {
            close(s, actor, list, std::mem::take(&mut current), &mut out);
        }
        current.push(p);
    }
    close(s, actor, list, current, &mut out);
    out
}

/// Keeps an episode that reached the threshold, with the first success after its threshold-th prompt.
fn close<'a>(
    s: &Settings,
    actor: Sym,
    list: &[&'a Touch],
    prompts: Vec<(&'a Touch, Prompt)>,
    out: &mut Vec<Episode<'a>>,
) {
    if prompts.len() < s.min_failed {
        return;
    }
    let from = prompts[s.min_failed - 1].0.ts;
    let to = prompts[prompts.len() - 1].0.ts + s.success_window;
    let success = list.iter().copied().find(|t| t.has(flags::SUCCESS) && t.ts >= from && t.ts <= to);
    out.push(Episode { actor, prompts, success });
}

/// Suppresses allowed people and a person's own retries, else raises the alert.
fn judge(cx: &Cx, s: &Settings, e: &Episode, out: &mut Findings) {
    let first = e.prompts[0].0;
    if let Some((rule, matched)) = s.users.matched(cx, e.actor) {
        out.suppressions.add(&cx.meta.id, rule, &matched, &first.id);
        return;
    }
    let day = cx.day_of(first);
    let mut b = cx.alert(String::new(), Severity::Medium);
    let enough_history = cx.check_history(&mut b, e.actor, day);
    let usual = |t: &Touch| signins::usual_ip(cx, e.actor, t.ip, day, s.usual_days);
    let all_usual = e.prompts.iter().all(|(t, _)| usual(t)) && e.success.is_none_or(usual);
    let fraud = e.prompts.iter().any(|(t, _)| s.fraud(cx, t));
    if enough_history && all_usual && !fraud {
        out.suppressions.add(
            &cx.meta.id,
            "baseline: MFA retries from the person's usual address",
            cx.s(e.actor),
            &first.id,
        );
        return;
    }
    describe(cx, s, &mut b, e);
    b.alert.severity = severity(cx, &mut b, e, enough_history, fraud);
    let user = cx.s(e.actor).to_string();
    b.entities().user(&user);
    for t in e.prompts.iter().map(|(t, _)| *t).chain(e.success) {
        b.entities().ip(cx.s(t.ip));
        b.entities().session(cx.s(t.session));
        b.entities().app(cx.s(t.app), None);
        b.evidence(&t.id, utc(t.ts));
    }
    out.alerts.push(b);
}

/// The title, the prompts, where they came from and what followed.
fn describe(cx: &Cx, s: &Settings, b: &mut AlertBuilder, e: &Episode) {
    let user = cx.s(e.actor).to_string();
    let (first, last) = (e.prompts[0].0, e.prompts[e.prompts.len() - 1].0);
    let failed = e.prompts.iter().filter(|(_, p)| *p == Prompt::Failed).count();
    let unanswered = e.prompts.len() - failed;
    b.key.push(user.clone());
    b.key.push(first.ts.to_string());
    b.alert.title = match e.success {
        Some(_) => format!("MFA fatigue against {user}: {} failed prompts, then a sign-in", e.prompts.len()),
        None => format!("MFA fatigue against {user}: {} failed prompts", e.prompts.len()),
    };
    b.reason(format!(
        "{} MFA prompt(s) for {user} did not succeed between {} and {} ({}): {failed} denied, timed out or \
         reported, {unanswered} left unanswered (threshold {} within gaps of {} min)",
        e.prompts.len(),
        when(first.ts),
        when(last.ts),
        span(last.ts - first.ts),
        s.min_failed,
        s.window / 60
    ));
    let mut results: BTreeMap<String, usize> = BTreeMap::new();
    for (t, _) in &e.prompts {
        *results.entry(error_text(cx, t)).or_default() += 1;
    }
    let results: Vec<String> = results.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
    b.reason(format!("results: {}", list_some(&results, 4)));
    let places: BTreeSet<String> = e.prompts.iter().map(|(t, _)| where_text(cx, t)).collect();
    b.reason(format!("prompted from {}", list_some(&places.into_iter().collect::<Vec<_>>(), 4)));
    match e.success {
        Some(t) => b.reason(format!(
            "{user} then signed in successfully from {} at {}, {} after the first prompt: a prompt was approved",
            where_text(cx, t),
            when(t.ts),
            span(t.ts - first.ts)
        )),
        None => b.reason(format!(
            "no successful sign-in followed within {} min; each prompt means someone typed {user}'s correct password",
            s.success_window / 60
        )),
    }
}

/// Medium; a success makes it high, from an address new to the person critical; a fraud report makes it at
/// least high.
fn severity(cx: &Cx, b: &mut AlertBuilder, e: &Episode, enough_history: bool, fraud: bool) -> Severity {
    let user = cx.s(e.actor);
    let mut sev = Severity::Medium;
    if fraud {
        sev = Severity::High;
        b.reason(format!("{user} reported a prompt as fraud"));
    }
    if let Some(t) = e.success {
        sev = sev.max(Severity::High);
        let day = cx.day_of(e.prompts[0].0);
        let (from, to) = cx.lookback(day);
        if !signins::usual_ip(cx, e.actor, t.ip, day, 1) {
            if enough_history {
                sev = Severity::Critical;
            }
            b.reason(format!("{user} never signed in from {} in the {} days before", cx.s(t.ip), to - from));
        }
    }
    sev
}
