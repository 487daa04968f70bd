//! inbox-rule, from a mailbox-rule snapshot (`Get-InboxRule` as exported): a rule the mailbox held when the
//! snapshot was taken is judged on the criteria a rule change in the audit log is, so a rule created before the
//! collected days is still found. A hidden rule is raised on its own. The snapshot does not say who made a rule,
//! so the actor allow lists are held against the mailbox's owner. When the audit log also holds a change to the
//! same rule, the two are one alert.

use super::inbox_rule::{grade, Settings};
use super::mail_dest::{obscure_name, words_in, Lies};
use super::snapshot_cite::{cite, taken_at};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::common::{lower, raise, Cx, Findings};
use crate::facts::{keys, InboxRule, Seen};
use crate::model::Severity;
use std::collections::BTreeMap;

/// A rule of a snapshot worth an alert, with what it does.
pub(super) struct StandingRule<'f> {
    pub(super) seen: Seen<'f, InboxRule>,
    /// Addresses outside the tenant it sends mail to, with the action that does it.
    pub(super) outside: Vec<String>,
    sends: Vec<(&'static str, String)>,
    hides: Vec<String>,
    watched: Vec<String>,
    every_message: bool,
    obscure: bool,
    severity: Severity,
}

/// The snapshot rules worth an alert, by (mailbox key, lower-case rule name), the key audit changes group under.
/// Rules that stay home or file mail on an ordinary condition are counted as suppressions.
pub(super) fn judge_all<'f>(
    cx: &Cx<'f>,
    s: &Settings,
    out: &mut Findings,
) -> BTreeMap<(String, String), StandingRule<'f>> {
    let mut found = BTreeMap::new();
    for seen in cx.facts.mailbox_rules() {
        let example = cite(seen.snapshot, seen.fact.row);
        if let Some(m) = s.actors.matched(&[seen.fact.mailbox.as_str()]) {
            out.suppressions.add(
                &cx.meta.id,
                "actor_allowlist or allow.automation_accounts (the mailbox's owner)",
                m,
                &example,
            );
            continue;
        }
        let rule = read(s, seen);
        match judge(s, rule) {
            Ok(r) => {
                found.insert((keys::mailbox(&seen.fact.mailbox), seen.fact.name.trim().to_lowercase()), r);
            }
            Err(Some((why, matched))) => out.suppressions.add(&cx.meta.id, why, &matched, &example),
            Err(None) => {}
        }
    }
    found
}

/// What a snapshot rule does, before it is graded.
fn read<'f>(s: &Settings, seen: Seen<'f, InboxRule>) -> StandingRule<'f> {
    let r = seen.fact;
    let a = &r.actions;
    // A recipient named without an address is one of the tenant's own (an Exchange `EX:` entry), as in the audit path.
    let mut sends: Vec<(&'static str, String)> = Vec::new();
    for (action, to) in [
        ("ForwardTo", &a.forward_to),
        ("ForwardAsAttachmentTo", &a.forward_as_attachment_to),
        ("RedirectTo", &a.redirect_to),
    ] {
        sends.extend(to.iter().filter(|x| x.contains('@')).map(|x| (action, x.clone())));
    }
    let mut hides = Vec::new();
    if a.delete {
        hides.push("deletes the message (DeleteMessage)".to_string());
    }
    if a.soft_delete {
        hides.push("soft-deletes the message (SoftDeleteMessage)".to_string());
    }
    if a.mark_as_read {
        hides.push("marks the message as read (MarkAsRead)".to_string());
    }
    if let Some(folder) = &a.move_to_folder {
        let leaf = folder.rsplit(['\\', '/']).next().unwrap_or(folder).trim();
        if s.folders.iter().any(|f| f.eq_ignore_ascii_case(leaf)) {
            hides.push(format!("moves the message to '{leaf}', a folder people seldom open (MoveToFolder)"));
        }
    }
    let mut watched = Vec::new();
    for c in r.conditions.iter().filter(|c| !c.test.to_ascii_lowercase().starts_with("exceptif")) {
        watched.extend(words_in(&c.value, &s.words).into_iter().map(|w| format!("'{w}' ({})", c.test)));
    }
    let says_condition = r.description.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("if the message"));
    StandingRule {
        seen,
        outside: Vec::new(),
        sends,
        hides,
        watched,
        every_message: r.conditions.is_empty() && !says_condition,
        obscure: obscure_name(&r.name, s.name_chars),
        severity: Severity::Low,
    }
}

/// Grades a rule as the audit path does, a hidden rule at least medium; `Err` with the suppression rule and what
/// matched, or `Err(None)` for a rule that neither sends nor hides mail.
fn judge<'f>(s: &Settings, mut r: StandingRule<'f>) -> Result<StandingRule<'f>, Option<(&'static str, String)>> {
    r.outside = r
        .sends
        .iter()
        .filter(|(_, a)| s.domains.judge(a, &s.allowed_domains) == Lies::Outside)
        .map(|(_, a)| a.clone())
        .collect();
    let hidden = r.seen.fact.hidden == Some(true);
    let graded = grade(!r.outside.is_empty(), !r.hides.is_empty(), !r.watched.is_empty(), r.every_message, r.obscure);
    let mut sev = match (graded, hidden) {
        (Some(g), true) => raise(g),
        (Some(g), false) => g,
        (None, true) => Severity::Medium,
        (None, false) => {
            return Err(match (r.sends.first(), r.hides.is_empty()) {
                (Some((_, a)), _) => {
                    let allowed = r.sends.iter().any(|(_, a)| s.domains.judge(a, &s.allowed_domains) == Lies::Allowed);
                    let why = if allowed { "allowed_forward_domains" } else { "forwards inside the tenant" };
                    Some((why, a.clone()))
                }
                (None, false) => Some(("hides mail on an ordinary condition", r.seen.fact.mailbox.clone())),
                (None, true) => None,
            })
        }
    };
    if r.seen.fact.enabled == Some(false) {
        sev = lower(sev);
    }
    r.severity = sev;
    Ok(r)
}

/// The alert of a snapshot rule no audit record in the case changed.
pub(super) fn alert(cx: &Cx, s: &Settings, r: &StandingRule) -> AlertBuilder {
    let rule = r.seen.fact;
    let what = match (r.outside.is_empty(), r.hides.is_empty()) {
        (false, false) => "forwards mail outside the tenant and hides it",
        (false, true) => "forwards mail outside the tenant",
        (true, false) => "hides incoming mail",
        (true, true) => "is hidden from its owner",
    };
    let name = rule.name.trim();
    let mut b = cx.alert(format!("Inbox rule '{name}' on {} {what}", rule.mailbox), r.severity);
    b.key.push(format!("{}\u{1f}{}", rule.mailbox, name.to_lowercase()));
    b.reason(format!(
        "the rule is in place in {}; no record of its creation or change is among the case's audit records",
        cite(r.seen.snapshot, rule.row)
    ));
    describe(s, &mut b, r);
    if let Some(ts) = taken_at(r.seen.snapshot) {
        b.seen_at(ts);
    }
    let e = b.entities();
    if rule.mailbox.contains('@') {
        e.user(&rule.mailbox);
    }
    e.mailbox(&rule.mailbox);
    b
}

/// Adds the snapshot's word to the alert of audit changes to the same rule: it was still in place when the
/// snapshot was taken.
pub(super) fn still_in_place(b: &mut AlertBuilder, r: &StandingRule) {
    b.reason(format!("the rule is still in place in {}", cite(r.seen.snapshot, r.seen.fact.row)));
    if r.seen.fact.hidden == Some(true) {
        b.reason("the snapshot marks the rule hidden: Outlook and Get-InboxRule without -IncludeHidden do not show it");
    }
    b.at_least(r.severity);
}

/// The reasons a snapshot rule gives: what it does, where it sends mail, what it watches for.
fn describe(s: &Settings, b: &mut AlertBuilder, r: &StandingRule) {
    let rule = r.seen.fact;
    for a in &r.outside {
        let action = r.sends.iter().find(|(_, x)| x == a).map(|(p, _)| *p).unwrap_or("");
        let domain = a.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        b.reason(format!(
            "sends the message to {a} ({action}); {domain} is outside the tenant ({})",
            s.domains.basis()
        ));
    }
    for h in &r.hides {
        b.reason(format!("the rule {h}"));
    }
    if !r.watched.is_empty() {
        b.reason(format!("its condition watches for {}", r.watched.join(", ")));
    }
    if r.every_message {
        b.reason("it has no condition, so it acts on every incoming message");
    }
    if r.obscure {
        b.reason(format!(
            "the rule's name '{}' carries no letters or digits, or is too short to say anything",
            rule.name.trim()
        ));
    }
    if rule.hidden == Some(true) {
        b.reason("the snapshot marks the rule hidden: Outlook and Get-InboxRule without -IncludeHidden do not show it");
    }
    if rule.enabled == Some(false) {
        b.reason("the rule is disabled in the snapshot");
    }
}
