//! mail-forwarding, the mail flow rules: an Exchange mail flow rule that copies or redirects mail out of the tenant, or deletes it.
//!
//! Reads every `New-TransportRule` and `Set-TransportRule` record. A rule is raised when it sends messages to an
//! address outside the tenant (`BlindCopyTo`, `CopyTo`, `AddToRecipients`, `RedirectMessageTo`,
//! `GenerateIncidentReport`): high, critical when it redirects (the real recipients never get the message) or when
//! a new rule has no condition and so takes every message of the organisation. A rule that silently deletes mail
//! is high when it has no condition and medium when its condition watches for payment or warning words. A rule saved disabled or in a test mode is one
//! step lower. Copies inside the tenant (journaling, compliance mailboxes), allowed domains and changes by
//! Microsoft system actors or allow-listed actors are counted as suppressions.

use super::mail_dest::{addresses, flag, flag_off, words_in, Domains, Lies};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::catalog;
use crate::analytics::common::{actor_of, domain_of, ip_of, lower, prop, Cx, Findings};
use crate::model::{ActorKind, Event, Severity, Source};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Parameters that add someone to the message's recipients, and what each does.
const DESTINATION_PARAMS: [(&str, &str); 5] = [
    ("RedirectMessageTo", "redirects the message to"),
    ("BlindCopyTo", "adds as a hidden (Bcc) recipient"),
    ("CopyTo", "adds as a Cc recipient"),
    ("AddToRecipients", "adds as a recipient"),
    ("GenerateIncidentReport", "sends an incident report with the message to"),
];

/// Parameters of a transport rule that are not conditions: identity, state, actions and cmdlet switches.
const NOT_CONDITIONS: [&str; 34] = [
    "Name",
    "Identity",
    "Priority",
    "Mode",
    "Enabled",
    "State",
    "Comments",
    "RedirectMessageTo",
    "BlindCopyTo",
    "CopyTo",
    "AddToRecipients",
    "GenerateIncidentReport",
    "IncidentReportContent",
    "DeleteMessage",
    "Quarantine",
    "StopRuleProcessing",
    "SetSCL",
    "SetHeaderName",
    "SetHeaderValue",
    "PrependSubject",
    "ApplyHtmlDisclaimerText",
    "ApplyHtmlDisclaimerLocation",
    "ApplyHtmlDisclaimerFallbackAction",
    "ModerateMessageByUser",
    "RejectMessageReasonText",
    "RejectMessageEnhancedStatusCode",
    "ActivationDate",
    "ExpiryDate",
    "SenderAddressLocation",
    "RuleErrorAction",
    "RuleSubType",
    "Force",
    "Confirm",
    "DomainController",
];

/// The parameters and allow lists this detection reads.
struct Settings {
    words: Vec<String>,
    allowed_domains: Vec<String>,
    actors: AllowList,
    domains: Domains,
}

/// One transport rule change.
struct Change<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    name: String,
    actor: String,
    /// (what the parameter does, outside address).
    outside: Vec<(&'static str, String)>,
    redirects: bool,
    deletes: bool,
    watched: Vec<String>,
    every_message: bool,
    /// Why the rule may not act yet: saved disabled or in a test mode.
    inactive: Option<String>,
    severity: Severity,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    if !cx.store.has_source(Source::UalExchange) {
        out.notes
            .push("no Exchange admin records (ual_exchange) in the case: mail flow rule changes cannot be seen".into());
    }
    let mut actors: Vec<String> = cx.params.list("actor_allowlist").to_vec();
    actors.extend(cx.config.allow.automation_accounts.iter().cloned());
    let s = Settings {
        words: cx.params.list("watched_words").iter().map(|w| w.trim().to_lowercase()).collect(),
        allowed_domains: cx.params.list("allowed_forward_domains").iter().map(|d| d.trim().to_lowercase()).collect(),
        actors: AllowList::new(&actors),
        domains: Domains::of(cx),
    };
    let mut rules: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for ev in cx.audits {
        let op = ev.operation.trim().to_ascii_lowercase();
        if op != "new-transportrule" && op != "set-transportrule" {
            continue;
        }
        let Some(ts) = ev.ts else { continue };
        let actor = actor_of(ev);
        if ev.actor.kind == ActorKind::System || catalog::is_system_actor(&actor) {
            out.suppressions.add(&cx.meta.id, "system actor", &actor, &ev.id);
            continue;
        }
        if let Some(m) = s.actors.matched(&actor_names(cx, ev)) {
            out.suppressions.add(&cx.meta.id, "actor_allowlist or allow.automation_accounts", m, &ev.id);
            continue;
        }
        match judge(&s, ev, ts, actor, op == "new-transportrule") {
            Ok(Some(c)) => rules.entry(c.name.to_lowercase()).or_default().push(c),
            Ok(None) => {}
            Err((rule, matched)) => out.suppressions.add(&cx.meta.id, rule, &matched, &ev.id),
        }
    }
    for changes in rules.values() {
        out.alerts.push(build_alert(cx, &s, changes));
    }
    out
}

/// Reads one change and decides: a change to raise, nothing (`Ok(None)`), or a suppression rule and match.
fn judge<'e>(
    s: &Settings,
    ev: &'e Event,
    ts: DateTime<Utc>,
    actor: String,
    new: bool,
) -> Result<Option<Change<'e>>, (&'static str, String)> {
    let mut c = Change {
        ev,
        ts,
        name: prop(ev, &["Name", "Identity"]).unwrap_or_default(),
        actor,
        outside: Vec::new(),
        redirects: false,
        deletes: flag(ev, "DeleteMessage"),
        watched: Vec::new(),
        every_message: new && !has_condition(ev),
        inactive: inactive(ev),
        severity: Severity::Medium,
    };
    let mut inside: Option<(&'static str, String)> = None;
    for (param, does) in DESTINATION_PARAMS {
        for a in prop(ev, &[param]).map(|v| addresses(&v)).unwrap_or_default() {
            match s.domains.judge(&a, &s.allowed_domains) {
                Lies::Outside => {
                    c.redirects |= param == "RedirectMessageTo";
                    c.outside.push((does, a));
                }
                Lies::Allowed => inside = inside.or(Some(("allowed_forward_domains", a))),
                Lies::Inside | Lies::InsideSeen => inside = inside.or(Some(("copies inside the tenant", a))),
            }
        }
    }
    for (k, v) in &ev.params {
        if !NOT_CONDITIONS.iter().any(|n| n.eq_ignore_ascii_case(k)) && !k.starts_with("Except") {
            c.watched.extend(words_in(v, &s.words).into_iter().map(|w| format!("'{w}' ({k})")));
        }
    }
    c.severity = if !c.outside.is_empty() {
        if c.redirects || c.every_message {
            Severity::Critical
        } else {
            Severity::High
        }
    } else if c.deletes && c.every_message {
        Severity::High
    } else if c.deletes && !c.watched.is_empty() {
        Severity::Medium
    } else {
        return inside.map_or(Ok(None), Err);
    };
    if c.inactive.is_some() {
        c.severity = lower(c.severity);
    }
    Ok(Some(c))
}

/// True when the record sets any condition (anything that is not an action, a setting or an exception).
fn has_condition(ev: &Event) -> bool {
    ev.params.iter().any(|(k, v)| {
        !v.trim().is_empty() && !NOT_CONDITIONS.iter().any(|n| n.eq_ignore_ascii_case(k)) && !k.starts_with("Except")
    })
}

/// Why a rule does not act on mail yet: disabled, or in a test mode.
fn inactive(ev: &Event) -> Option<String> {
    if flag_off(ev, "Enabled") || prop(ev, &["State"]).is_some_and(|s| s.eq_ignore_ascii_case("Disabled")) {
        return Some("saved disabled".into());
    }
    prop(ev, &["Mode"]).filter(|m| !m.eq_ignore_ascii_case("Enforce")).map(|m| format!("saved in test mode {m}"))
}

/// One alert for every change to one rule.
fn build_alert(cx: &Cx, s: &Settings, changes: &[Change]) -> AlertBuilder {
    let first = &changes[0];
    let sev = changes.iter().map(|c| c.severity).max().unwrap_or(Severity::Medium);
    let sends = changes.iter().any(|c| !c.outside.is_empty());
    let what = if sends { "sends mail outside the tenant" } else { "deletes mail silently" };
    let mut b = cx.alert(format!("Mail flow rule '{}' {what}", first.name), sev);
    b.key.push(first.name.to_lowercase());
    for c in changes {
        describe(cx, s, &mut b, c);
    }
    b
}

/// The reasons, entities and evidence of one change.
fn describe(cx: &Cx, s: &Settings, b: &mut AlertBuilder, c: &Change) {
    b.reason(format!(
        "{} '{}' by {} at {}{}",
        c.ev.operation.trim(),
        c.name,
        c.actor,
        cx.store.clock.describe(c.ts),
        c.inactive.as_deref().map(|w| format!(" ({w})")).unwrap_or_default()
    ));
    for (does, a) in &c.outside {
        let domain = domain_of(a).unwrap_or("");
        b.reason(format!("the rule {does} {a}; {domain} is outside the tenant ({})", s.domains.basis()));
    }
    if c.redirects {
        b.reason("a redirect takes the message away from its real recipients");
    }
    if c.every_message {
        b.reason("the rule sets no condition, so it acts on every message of the organisation");
    }
    if c.deletes {
        b.reason("the rule deletes the message without notice (DeleteMessage)");
    }
    if !c.watched.is_empty() {
        b.reason(format!("its condition watches for {}", c.watched.join(", ")));
    }
    b.reason(match (ip_of(c.ev), c.ev.net.country.as_deref()) {
        (Some(ip), Some(cc)) => format!("changed from {ip} ({cc})"),
        (Some(ip), None) => format!("changed from {ip}, which no GeoIP entry or sign-in in the case places"),
        (None, _) => "the record names no client address".to_string(),
    });
    b.evidence(&c.ev.id, c.ts);
    let e = b.entities();
    if !c.actor.is_empty() {
        e.user(&c.actor);
    }
    if let Some(ip) = ip_of(c.ev) {
        e.ip(&ip);
    }
    if let Some(sid) = c.ev.session_id.as_deref() {
        e.session(sid);
    }
}
