//! inbox-rule and mail-forwarding over mailbox snapshots: a rule or forwarding the tenant held when the snapshot was
//! taken is found without the audit record of its creation, judged on the same criteria, and one alert when the
//! audit log has the change too.

use super::build::*;
use crate::facts::{
    Fact, Facts, FactsFile, Forwarding, InboxRule, RuleActions, RuleCondition, Snapshot, SnapshotFacts, SnapshotKind,
    Taken, TakenFrom, FACTS_VERSION,
};
use crate::model::Severity;
use chrono::NaiveDateTime;

const CAROL: &str = "carol@contoso.example";
const DAVE: &str = "dave@contoso.example";

/// Facts of one snapshot file taken on 2025-04-30 at 16:47.
fn snapshot(path: &str, kind: SnapshotKind, facts: Vec<Fact>) -> Facts {
    let at = NaiveDateTime::parse_from_str("2025-04-30 16:47", "%Y-%m-%d %H:%M").expect("valid time");
    let snapshot = Snapshot { path: path.into(), kind, taken: Some(Taken { at, from: TakenFrom::FileName }) };
    Facts::from_file(FactsFile { version: FACTS_VERSION, snapshots: vec![SnapshotFacts { snapshot, facts }] })
}

/// A rule of `mailbox` stated on record `row` of the snapshot.
fn rule(mailbox: &str, name: &str, row: u64, actions: RuleActions, conditions: &[(&str, &str)]) -> Fact {
    Fact::InboxRule(InboxRule {
        mailbox: mailbox.into(),
        name: name.into(),
        enabled: Some(true),
        conditions: conditions
            .iter()
            .map(|(t, v)| RuleCondition { test: t.to_string(), value: v.to_string() })
            .collect(),
        description: (!conditions.is_empty()).then(|| "If the message: …".to_string()),
        actions,
        row: Some(row),
        ..InboxRule::default()
    })
}

fn rules(facts: Vec<Fact>) -> Facts {
    snapshot("Output/Rules/MailboxRules.csv", SnapshotKind::MailboxRules, facts)
}

fn forward_to(to: &str) -> RuleActions {
    RuleActions { forward_to: vec![to.into()], ..RuleActions::default() }
}

#[test]
fn a_forwarding_rule_in_the_snapshot_fires_without_its_audit_record() {
    let facts = rules(vec![rule(CAROL, "Fwd", 3, forward_to("drop@mailbox.example"), &[])]);
    let d = run_with_facts("inbox-rule", TENANT_TOML, Vec::new(), facts);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "Inbox rule 'Fwd' on carol@contoso.example forwards mail outside the tenant");
    reason_with(a, &["in place in snapshot MailboxRules.csv record 3 (snapshot taken 2025-04-30 16:47)"]);
    reason_with(a, &["sends the message to drop@mailbox.example (ForwardTo)", "[tenant] domains: contoso.example"]);
    assert_eq!(a.entities.mailboxes, vec![CAROL.to_string()]);
    assert_eq!(a.first_seen.to_rfc3339(), "2025-04-30T16:47:00+00:00", "the alert is dated by the snapshot");
}

#[test]
fn hiding_payment_mail_hidden_rules_and_short_names_fire_and_filing_rules_do_not() {
    let rss = RuleActions { move_to_folder: Some("Inbox\\RSS Feeds".into()), ..RuleActions::default() };
    let read = RuleActions { mark_as_read: true, delete: true, ..RuleActions::default() };
    let travel = RuleActions { move_to_folder: Some("travel".into()), ..RuleActions::default() };
    let mut hidden = rule(DAVE, "Rule", 4, RuleActions::default(), &[("From", "boss@contoso.example")]);
    if let Fact::InboxRule(r) = &mut hidden {
        r.hidden = Some(true);
    }
    let facts = rules(vec![
        rule(CAROL, "Accounts", 1, rss, &[("SubjectOrBodyContainsWords", "invoice;statement")]),
        rule(CAROL, "ab", 2, read, &[]),
        rule(CAROL, "United Airlines", 3, travel, &[("SubjectOrBodyContainsWords", "United Airlines")]),
        hidden,
    ]);
    let d = run_with_facts("inbox-rule", TENANT_TOML, Vec::new(), facts);
    let mut titles: Vec<(&str, Severity)> = d.alerts.iter().map(|a| (a.title.as_str(), a.severity)).collect();
    titles.sort();
    assert_eq!(
        titles,
        vec![
            ("Inbox rule 'Accounts' on carol@contoso.example hides incoming mail", Severity::High),
            ("Inbox rule 'Rule' on dave@contoso.example is hidden from its owner", Severity::Medium),
            ("Inbox rule 'ab' on carol@contoso.example hides incoming mail", Severity::High),
        ]
    );
    let accounts = d.alerts.iter().find(|a| a.title.contains("Accounts")).unwrap();
    reason_with(accounts, &["moves the message to 'RSS Feeds'"]);
    reason_with(accounts, &["'invoice' (SubjectOrBodyContainsWords)"]);
    let hidden = d.alerts.iter().find(|a| a.title.contains("'Rule'")).unwrap();
    reason_with(hidden, &["marks the rule hidden", "-IncludeHidden"]);
}

#[test]
fn a_rule_both_in_the_audit_log_and_the_snapshot_is_one_alert() {
    let ev = cmdlet(
        "new",
        at(3, 14, 0),
        CAROL,
        "New-InboxRule",
        &[("Name", "Fwd"), ("Mailbox", CAROL), ("ForwardTo", "drop@mailbox.example"), ("DeleteMessage", "True")],
    );
    let facts = rules(vec![rule(CAROL, "fwd\t", 7, forward_to("drop@mailbox.example"), &[])]);
    let d = run_with_facts("inbox-rule", TENANT_TOML, vec![ev], facts);
    let a = only_alert(&d);
    assert_eq!(a.evidence, vec!["new".to_string()]);
    reason_with(a, &["New-InboxRule 'Fwd' on carol@contoso.example"]);
    reason_with(a, &["still in place in snapshot MailboxRules.csv record 7"]);
}

#[test]
fn snapshot_rules_forwarding_home_to_an_allowed_domain_or_in_an_allowed_mailbox_are_counted_not_alerted() {
    let facts = rules(vec![
        rule(CAROL, "team", 1, forward_to(DAVE), &[]),
        rule(DAVE, "partner", 2, forward_to("ap@partner.example"), &[]),
    ]);
    let toml = format!("{TENANT_TOML}[analytics.inbox-rule]\nallowed_forward_domains = [\"partner.example\"]\n");
    let d = run_with_facts("inbox-rule", &toml, Vec::new(), facts);
    assert_quiet(&d);
    assert_eq!(
        suppression(&d, "forwards inside the tenant").examples,
        vec!["snapshot MailboxRules.csv record 1 (snapshot taken 2025-04-30 16:47)".to_string()]
    );
    assert_eq!(suppression(&d, "allowed_forward_domains").count, 1);
    let hiding = rules(vec![rule(CAROL, ".", 1, RuleActions { delete: true, ..RuleActions::default() }, &[])]);
    let toml = format!("{TENANT_TOML}[analytics.inbox-rule]\nactor_allowlist = [\"{CAROL}\"]\n");
    let d = run_with_facts("inbox-rule", &toml, Vec::new(), hiding);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts (the mailbox's owner)").count, 1);
}

fn mailboxes(facts: Vec<Fact>) -> Facts {
    snapshot("Output/Mailbox/Get-Mailbox.csv", SnapshotKind::MailboxForwarding, facts)
}

fn forwarding(mailbox: &str, smtp: Option<&str>, keep: Option<bool>, row: u64) -> Fact {
    Fact::Forwarding(Forwarding {
        mailbox: mailbox.into(),
        smtp_address: smtp.map(str::to_string),
        recipient: None,
        deliver_and_forward: keep,
        row: Some(row),
    })
}

#[test]
fn mailbox_forwarding_in_the_snapshot_fires_and_no_copy_makes_it_critical() {
    let facts = mailboxes(vec![
        forwarding(CAROL, Some("carol.home@gmail.com"), Some(true), 1),
        forwarding(DAVE, Some("dave.home@gmail.com"), Some(false), 2),
        forwarding("erin@contoso.example", None, None, 3),
    ]);
    let d = run_with_facts("mail-forwarding", TENANT_TOML, Vec::new(), facts);
    assert_eq!(d.alerts.len(), 2);
    let carol = d.alerts.iter().find(|a| a.title.contains("carol.home")).unwrap();
    assert_eq!(carol.title, "Mail of carol@contoso.example forwarded to carol.home@gmail.com outside the tenant");
    assert_eq!(carol.severity, Severity::High);
    reason_with(carol, &["ForwardingSmtpAddress of carol@contoso.example is carol.home@gmail.com in snapshot Get-Mailbox.csv record 1"]);
    reason_with(carol, &["gmail.com is a consumer mail service"]);
    let dave = d.alerts.iter().find(|a| a.title.contains("dave.home")).unwrap();
    assert_eq!(dave.severity, Severity::Critical);
    reason_with(dave, &["DeliverToMailboxAndForward is False"]);
}

#[test]
fn snapshot_forwarding_respects_partner_domains_and_joins_the_audit_alert() {
    let facts = mailboxes(vec![
        forwarding(CAROL, Some("ap@partner.example"), Some(true), 1),
        forwarding(DAVE, Some("dave.home@gmail.com"), Some(true), 2),
    ]);
    let ev = cmdlet(
        "set",
        at(3, 21, 3),
        DAVE,
        "Set-Mailbox",
        &[("Identity", DAVE), ("ForwardingSmtpAddress", "smtp:dave.home@gmail.com")],
    );
    let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nallowed_forward_domains = [\"partner.example\"]\n");
    let d = run_with_facts("mail-forwarding", &toml, vec![ev], facts);
    let a = only_alert(&d);
    assert_eq!(a.evidence, vec!["set".to_string()]);
    reason_with(a, &["dave@contoso.example still forwards there in snapshot Get-Mailbox.csv record 2"]);
    assert_eq!(suppression(&d, "allowed_forward_domains").count, 1);
}
