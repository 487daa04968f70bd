//! inbox-rule: inbox rules that send mail out of the tenant or hide it from the mailbox owner.
//!
//! Reads every `New-InboxRule`, `Set-InboxRule` and Outlook's `UpdateInboxRules` record. A rule is raised when it
//! forwards or redirects mail to an address outside the tenant, or when it hides mail (deletes it, marks it read,
//! or moves it to a folder people seldom open) and either watches for words a fraudster cares about (payments,
//! invoices, warnings that the account is compromised), applies to every message, or carries a name with no
//! letters. Changes to one rule are one alert; a destination that several mailboxes' rules send to makes each
//! of them critical. Rules that file mail on an ordinary condition, forward inside the tenant or to an allowed
//! domain, and rules made by allow-listed or Microsoft system actors are counted as suppressions.

use super::inbox_rule_facts;
use super::mail_dest::{addresses, flag, flag_off, mailbox_label, obscure_name, words_in, Domains, Lies};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, ip_of, lower, prop, Cx, Findings};
use crate::facts::keys;
use crate::model::{ActorKind, Event, Severity, Source};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Parameters of `New-InboxRule` / `Set-InboxRule` that send a copy of the message to someone.
const FORWARD_PARAMS: [&str; 3] = ["ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"];

/// Parameters that restrict which messages a rule acts on.
const CONDITION_PARAMS: [&str; 22] = [
    "From",
    "FromAddressContainsWords",
    "SentTo",
    "SubjectContainsWords",
    "SubjectOrBodyContainsWords",
    "BodyContainsWords",
    "HeaderContainsWords",
    "RecipientAddressContainsWords",
    "HasAttachment",
    "MyNameInToBox",
    "MyNameInCcBox",
    "MyNameInToOrCcBox",
    "MyNameNotInToBox",
    "SentOnlyToMe",
    "FlaggedForAction",
    "WithImportance",
    "WithSensitivity",
    "MessageTypeMatches",
    "HasClassification",
    "FromSubscription",
    "ReceivedAfterDate",
    "ReceivedBeforeDate",
];

/// The parameters and allow lists this detection reads.
pub(super) struct Settings {
    pub(super) words: Vec<String>,
    pub(super) folders: Vec<String>,
    pub(super) name_chars: usize,
    pub(super) allowed_domains: Vec<String>,
    pub(super) actors: AllowList,
    pub(super) domains: Domains,
}

impl Settings {
    pub(super) fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let lower = |name: &str| p.list(name).iter().map(|s| s.trim().to_lowercase()).collect::<Vec<String>>();
        let mut actors: Vec<String> = p.list("actor_allowlist").to_vec();
        actors.extend(cx.config.allow.automation_accounts.iter().cloned());
        Settings {
            words: lower("watched_words"),
            folders: lower("hiding_folders"),
            name_chars: p.int("obscure_name_max_chars").max(0) as usize,
            allowed_domains: lower("allowed_forward_domains"),
            actors: AllowList::new(&actors),
            domains: Domains::of(cx),
        }
    }
}

/// One rule change as the record states it.
struct RuleChange<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    name: String,
    mailbox: String,
    actor: String,
    /// (parameter, address) pairs the rule sends mail to.
    forwards: Vec<(String, String)>,
    /// What the rule does to hide the message, one phrase each.
    hides: Vec<String>,
    /// Watched words in its conditions, as "word (Parameter)".
    watched: Vec<String>,
    /// A new rule with no condition: it acts on every message.
    every_message: bool,
    disabled: bool,
}

/// What a change amounts to once its destinations are placed.
struct Verdict<'e> {
    change: RuleChange<'e>,
    outside: Vec<String>,
    severity: Severity,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes.push(if cx.facts.mailbox_rules().is_empty() {
            "no Exchange records (ual_exchange) in the case: inbox rules created or changed cannot be seen".into()
        } else {
            "no Exchange records (ual_exchange) in the case: only the rules of the mailbox-rule snapshots are judged"
                .into()
        });
    }
    let settings = Settings::read(cx);
    let mut verdicts: Vec<Verdict> = Vec::new();
    for ev in cx.audits {
        let Some(change) = parse(ev) else { continue };
        if let Some((rule, matched)) = allowed(cx, &settings, &change) {
            out.suppressions.add(&cx.meta.id, rule, &matched, &ev.id);
            continue;
        }
        match judge(&settings, change) {
            Ok(v) => verdicts.extend(v),
            Err((rule, matched, id)) => out.suppressions.add(&cx.meta.id, rule, &matched, id),
        }
    }
    let mut standing = inbox_rule_facts::judge_all(cx, &settings, &mut out);
    let sends = verdicts
        .iter()
        .flat_map(|v| v.outside.iter().map(|a| (a.clone(), v.change.mailbox.clone())))
        .chain(standing.values().flat_map(|r| r.outside.iter().map(|a| (a.clone(), r.seen.fact.mailbox.clone()))));
    let shared = shared_destinations(sends);
    let mut groups: BTreeMap<(String, String), Vec<Verdict>> = BTreeMap::new();
    for v in verdicts {
        groups.entry((keys::mailbox(&v.change.mailbox), v.change.name.trim().to_lowercase())).or_default().push(v);
    }
    for (key, group) in groups {
        let mut b = build_alert(cx, &settings, &group, &shared);
        if let Some(rule) = standing.remove(&key) {
            inbox_rule_facts::still_in_place(&mut b, &rule);
        }
        out.alerts.push(b);
    }
    for rule in standing.values() {
        let mut b = inbox_rule_facts::alert(cx, &settings, rule);
        shared_reasons(&mut b, &rule.outside, &shared);
        out.alerts.push(b);
    }
    out
}

/// The rule change a record holds, if it is one (removals and records without a time are not).
fn parse(ev: &Event) -> Option<RuleChange<'_>> {
    let ts = ev.ts?;
    let op = ev.operation.trim().to_ascii_lowercase();
    let actor = actor_of(ev);
    let mut c = RuleChange {
        ev,
        ts,
        name: String::new(),
        mailbox: String::new(),
        actor,
        forwards: Vec::new(),
        hides: Vec::new(),
        watched: Vec::new(),
        every_message: false,
        disabled: flag_off(ev, "Enabled"),
    };
    match op.as_str() {
        "new-inboxrule" | "set-inboxrule" => cmdlet_rule(&mut c, op == "new-inboxrule"),
        "updateinboxrules" => {
            let what = prop(ev, &["RuleOperation"]).unwrap_or_default().to_ascii_lowercase();
            if what.contains("remove") || what.contains("delete") {
                return None;
            }
            c.name = prop(ev, &["RuleName"]).unwrap_or_default();
        }
        _ => return None,
    }
    c.mailbox = owner_of(ev, &c.actor);
    Some(c)
}

/// Name and mailbox of a cmdlet rule (`Set-InboxRule -Identity mailbox\rule` names both), and whether it is new.
fn cmdlet_rule(c: &mut RuleChange, new: bool) {
    let ident = prop(c.ev, &["Identity"]).unwrap_or_default();
    let rule_part = ident.rsplit('\\').next().unwrap_or(&ident).to_string();
    c.name = prop(c.ev, &["Name"]).unwrap_or(rule_part);
    c.every_message = new && !CONDITION_PARAMS.iter().any(|p| prop(c.ev, &[p]).is_some());
}

/// Whose mailbox the rule is in: the `Mailbox` parameter, the mailbox part of `Identity`, the mailbox the audit
/// record names (for `UpdateInboxRules`), else the person acting.
fn owner_of(ev: &Event, actor: &str) -> String {
    if let Some(m) = prop(ev, &["Mailbox"]) {
        return mailbox_label(&m);
    }
    if let Some((m, _)) = prop(ev, &["Identity"]).as_deref().and_then(|i| i.split_once('\\')) {
        if m.contains('@') {
            return m.to_ascii_lowercase();
        }
    }
    let recorded = ev.mailbox.as_ref().and_then(|m| m.mailbox.as_deref()).filter(|m| m.contains('@'));
    if ev.operation.eq_ignore_ascii_case("UpdateInboxRules") {
        if let Some(m) = recorded {
            return m.to_ascii_lowercase();
        }
    }
    if actor.contains('@') {
        return actor.to_string();
    }
    recorded.map(str::to_ascii_lowercase).unwrap_or_else(|| actor.to_string())
}

/// The allow rule a change falls under, with what matched: Microsoft system actors and approved actors.
fn allowed(cx: &Cx, s: &Settings, c: &RuleChange) -> Option<(&'static str, String)> {
    if c.ev.actor.kind == ActorKind::System || catalog::is_system_actor(&c.actor) {
        return Some(("system actor", c.actor.clone()));
    }
    let names = actor_names(cx, c.ev);
    s.actors.matched(&names).map(|m| ("actor_allowlist or allow.automation_accounts", m.to_string()))
}

/// Reads what the rule does and decides: a verdict to raise, or the suppression rule, match and record id.
/// `Ok(None)` for a rule that neither sends mail anywhere nor hides it.
fn judge<'e>(s: &Settings, mut c: RuleChange<'e>) -> Result<Option<Verdict<'e>>, (&'static str, String, &'e str)> {
    read_actions(s, &mut c);
    let outside: Vec<String> = c
        .forwards
        .iter()
        .filter(|(_, a)| s.domains.judge(a, &s.allowed_domains) == Lies::Outside)
        .map(|(_, a)| a.clone())
        .collect();
    let hide = !c.hides.is_empty();
    let obscure = obscure_name(&c.name, s.name_chars);
    let graded = grade(!outside.is_empty(), hide, !c.watched.is_empty(), c.every_message, obscure);
    let Some(mut sev) = graded else {
        let id = c.ev.id.as_str();
        return Err(match (c.forwards.first(), hide) {
            (Some((_, a)), _) => {
                let allowed = c.forwards.iter().any(|(_, a)| s.domains.judge(a, &s.allowed_domains) == Lies::Allowed);
                let rule = if allowed { "allowed_forward_domains" } else { "forwards inside the tenant" };
                (rule, a.clone(), id)
            }
            (None, true) => ("hides mail on an ordinary condition", c.mailbox.clone(), id),
            (None, false) => return Ok(None),
        });
    };
    if c.disabled {
        sev = lower(sev);
    }
    Ok(Some(Verdict { change: c, outside, severity: sev }))
}

/// How serious a rule is from what it does, the same for a change in the audit log and a rule in a snapshot:
/// sending mail outside is high (critical when it also hides it); hiding mail is high when the rule watches for
/// telling words or acts on every message under an obscure name, medium when it acts on every message or carries
/// an obscure name. `None` for a rule that does neither.
pub(super) fn grade(outside: bool, hide: bool, watched: bool, every_message: bool, obscure: bool) -> Option<Severity> {
    if outside {
        Some(if hide { Severity::Critical } else { Severity::High })
    } else if hide && (watched || every_message && obscure) {
        Some(Severity::High)
    } else if hide && (every_message || obscure) {
        Some(Severity::Medium)
    } else {
        None
    }
}

/// Fills in where the rule sends mail, how it hides it and which watched words its conditions hold.
fn read_actions(s: &Settings, c: &mut RuleChange) {
    let ev = c.ev;
    if ev.operation.eq_ignore_ascii_case("UpdateInboxRules") {
        read_outlook_rule(s, c);
        return;
    }
    for p in FORWARD_PARAMS {
        if let Some(v) = prop(ev, &[p]) {
            c.forwards.extend(addresses(&v).into_iter().map(|a| (p.to_string(), a)));
        }
    }
    if flag(ev, "DeleteMessage") {
        c.hides.push("deletes the message (DeleteMessage)".into());
    }
    if flag(ev, "SoftDeleteMessage") {
        c.hides.push("soft-deletes the message (SoftDeleteMessage)".into());
    }
    if flag(ev, "MarkAsRead") {
        c.hides.push("marks the message as read (MarkAsRead)".into());
    }
    if let Some(folder) = prop(ev, &["MoveToFolder"]) {
        let leaf = folder.rsplit(['\\', '/']).next().unwrap_or(&folder).trim().to_string();
        if s.folders.iter().any(|f| f.eq_ignore_ascii_case(&leaf)) {
            c.hides.push(format!("moves the message to '{leaf}', a folder people seldom open (MoveToFolder)"));
        }
    }
    for p in CONDITION_PARAMS {
        if let Some(v) = prop(ev, &[p]) {
            c.watched.extend(words_in(&v, &s.words).into_iter().map(|w| format!("'{w}' ({p})")));
        }
    }
}

/// The same for a rule saved from Outlook (`UpdateInboxRules`), whose actions and condition are free text.
fn read_outlook_rule(s: &Settings, c: &mut RuleChange) {
    let ev = c.ev;
    let actions = prop(ev, &["RuleActions"]).unwrap_or_default();
    let low = actions.to_ascii_lowercase();
    if low.contains("forward") || low.contains("redirect") {
        c.forwards.extend(addresses(&actions).into_iter().map(|a| ("RuleActions".to_string(), a)));
    }
    if low.contains("delete") {
        c.hides.push("deletes the message (RuleActions)".into());
    }
    if low.contains("markasread") || low.contains("mark as read") {
        c.hides.push("marks the message as read (RuleActions)".into());
    }
    if let Some(f) = s.folders.iter().find(|f| low.contains(f.as_str())) {
        c.hides.push(format!("moves the message to '{f}', a folder people seldom open (RuleActions)"));
    }
    if let Some(cond) = prop(ev, &["RuleCondition"]) {
        c.watched.extend(words_in(&cond, &s.words).into_iter().map(|w| format!("'{w}' (RuleCondition)")));
    }
}

/// Outside destinations that rules on more than one mailbox send to, with those mailboxes, from (destination,
/// mailbox) pairs.
fn shared_destinations(sends: impl Iterator<Item = (String, String)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_dest: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, mailbox) in sends {
        by_dest.entry(a).or_default().insert(mailbox);
    }
    by_dest.retain(|_, m| m.len() > 1);
    by_dest
}

/// Says which outside destinations other mailboxes' rules feed too, and makes the alert critical when any does.
fn shared_reasons(b: &mut AlertBuilder, outside: &[String], shared: &BTreeMap<String, BTreeSet<String>>) {
    for a in outside {
        if let Some(mbs) = shared.get(a) {
            let list: Vec<&str> = mbs.iter().map(String::as_str).collect();
            b.reason(format!("{a} also receives mail from rules on {} mailboxes: {}", mbs.len(), list.join(", ")));
            b.at_least(Severity::Critical);
        }
    }
}

/// One alert for every change to one rule: what it does, where it sends mail, and every record.
fn build_alert(cx: &Cx, s: &Settings, group: &[Verdict], shared: &BTreeMap<String, BTreeSet<String>>) -> AlertBuilder {
    let first = &group[0].change;
    let sev = group.iter().map(|v| v.severity).max().unwrap_or(Severity::Medium);
    let outside: BTreeSet<&String> = group.iter().flat_map(|v| v.outside.iter()).collect();
    let hides = group.iter().any(|v| !v.change.hides.is_empty());
    let what = match (outside.is_empty(), hides) {
        (false, true) => "forwards mail outside the tenant and hides it",
        (false, false) => "forwards mail outside the tenant",
        _ => "hides incoming mail",
    };
    let mut b = cx.alert(format!("Inbox rule '{}' on {} {what}", first.name, first.mailbox), sev);
    b.key.push(format!("{}\u{1f}{}", first.mailbox, first.name.to_lowercase()));
    for v in group {
        describe_change(cx, s, &mut b, v);
    }
    let outside: Vec<String> = outside.into_iter().cloned().collect();
    shared_reasons(&mut b, &outside, shared);
    b
}

/// The reasons, entities and evidence one change adds.
fn describe_change(cx: &Cx, s: &Settings, b: &mut AlertBuilder, v: &Verdict) {
    let c = &v.change;
    let ev = c.ev;
    b.reason(format!(
        "{} '{}' on {} by {} at {}{}",
        ev.operation.trim(),
        c.name,
        c.mailbox,
        c.actor,
        cx.store.clock.describe(c.ts),
        if c.disabled { " (saved disabled)" } else { "" }
    ));
    if c.mailbox != c.actor && c.actor.contains('@') && c.mailbox.contains('@') {
        b.reason(format!("{} changed a rule in {}'s mailbox, not their own", c.actor, c.mailbox));
    }
    for a in &v.outside {
        let param = c.forwards.iter().find(|(_, x)| x == a).map(|(p, _)| p.as_str()).unwrap_or("");
        let domain = a.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        b.reason(format!("sends the message to {a} ({param}); {domain} is outside the tenant ({})", s.domains.basis()));
    }
    for h in &c.hides {
        b.reason(format!("the rule {h}"));
    }
    if !c.watched.is_empty() {
        b.reason(format!("its condition watches for {}", c.watched.join(", ")));
    }
    if c.every_message {
        b.reason("it has no condition, so it acts on every incoming message");
    }
    if obscure_name(&c.name, s.name_chars) {
        b.reason(format!("the rule's name '{}' carries no letters or digits, or is too short to say anything", c.name));
    }
    b.reason(place_of(ev));
    add_entities(b, c);
}

/// Where the change came from, saying plainly when nothing places the address.
fn place_of(ev: &Event) -> String {
    match (ip_of(ev), ev.net.country.as_deref()) {
        (Some(ip), Some(cc)) => format!("made from {ip} ({cc})"),
        (Some(ip), None) => format!("made from {ip}, which no GeoIP entry or sign-in in the case places"),
        (None, _) => "the record names no client address".to_string(),
    }
}

/// The actor, mailbox, address and session of a change, and the record as evidence.
fn add_entities(b: &mut AlertBuilder, c: &RuleChange) {
    b.evidence(&c.ev.id, c.ts);
    let e = b.entities();
    if !c.actor.is_empty() {
        e.user(&c.actor);
    }
    if c.mailbox.contains('@') {
        e.user(&c.mailbox);
    }
    e.mailbox(&c.mailbox);
    if let Some(ip) = ip_of(c.ev) {
        e.ip(&ip);
    }
    if let Some(sid) = c.ev.session_id.as_deref() {
        e.session(sid);
    }
    if matches!(c.ev.actor.kind, ActorKind::Sp | ActorKind::Mi) {
        if let Some(app) = c.ev.app_id.as_deref() {
            e.app(app, c.ev.app_name.as_deref());
        }
    }
}
