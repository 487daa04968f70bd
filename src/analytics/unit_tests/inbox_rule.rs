//! inbox-rule: rules that forward mail out of the tenant or hide it from the owner.

use super::build::*;
use crate::model::{ActorKind, Event, MailboxAccess, Severity, Source};

const ID: &str = "inbox-rule";
const CAROL: &str = "carol@contoso.example";
const DAVE: &str = "dave@contoso.example";
const ADMIN: &str = "admin@contoso.example";
const CAROL_OID: &str = "5f0e8c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";

/// `New-InboxRule` by `upn` at `ts` with `params`, from a rented server abroad.
fn new_rule(id: &str, upn: &str, params: &[(&str, &str)]) -> Event {
    cmdlet(id, at(3, 14, 0), upn, "New-InboxRule", params).via(VPS)
}

/// A rule saved from Outlook, as the mailbox audit records it.
fn outlook_rule(id: &str, upn: &str, name: &str, actions: &str, condition: &str, operation: &str) -> Event {
    let mut e = event(id, at(3, 15, 0), Source::UalExchange, "UpdateInboxRules")
        .by(upn)
        .via(VPS)
        .param("RuleName", name)
        .param("RuleActions", actions)
        .param("RuleCondition", condition)
        .param("RuleOperation", operation);
    e.mailbox = Some(MailboxAccess { mailbox: Some(upn.to_string()), logon_type: Some(0), ..Default::default() });
    e
}

#[test]
fn fires_high_on_a_rule_forwarding_every_message_outside_the_tenant() {
    let rule = new_rule("fwd", CAROL, &[("Name", "ForwardToHeaven"), ("ForwardTo", "smtp:Drop.Box@Mailbox.example")])
        .session("s-1");
    let d = run(ID, TENANT_TOML, vec![rule]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "Inbox rule 'ForwardToHeaven' on carol@contoso.example forwards mail outside the tenant");
    reason_with(a, &["sends the message to drop.box@mailbox.example (ForwardTo)", "[tenant] domains: contoso.example"]);
    reason_with(a, &["no condition, so it acts on every incoming message"]);
    reason_with(a, &["made from 203.0.113.200 (NL)"]);
    assert_eq!(a.entities.users, vec![CAROL.to_string()]);
    assert_eq!(a.entities.mailboxes, vec![CAROL.to_string()]);
    assert_eq!(a.entities.sessions, vec!["s-1".to_string()]);
    assert_eq!(a.evidence, vec!["fwd".to_string()]);
    assert_eq!(a.techniques, vec!["T1564.008".to_string(), "T1114.003".to_string()]);
}

#[test]
fn forwarding_and_hiding_together_is_critical_as_is_one_destination_for_two_mailboxes() {
    let both =
        new_rule("both", CAROL, &[("Name", "x1"), ("RedirectTo", "drop@mailbox.example"), ("MarkAsRead", "True")]);
    let d = run(ID, TENANT_TOML, vec![both]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert!(a.title.ends_with("forwards mail outside the tenant and hides it"), "{}", a.title);

    let one = new_rule("c", CAROL, &[("Name", "sync"), ("ForwardTo", "drop@mailbox.example"), ("From", "boss")]);
    let two = new_rule("d", DAVE, &[("Name", "sync"), ("ForwardTo", "drop@mailbox.example"), ("From", "boss")]);
    let d = run(ID, TENANT_TOML, vec![one, two]);
    assert_eq!(d.alerts.len(), 2);
    for a in &d.alerts {
        assert_eq!(a.severity, Severity::Critical, "{}", a.title);
        reason_with(a, &["drop@mailbox.example also receives mail from rules on 2 mailboxes", CAROL, DAVE]);
    }
}

#[test]
fn fires_high_on_a_rule_hiding_payment_mail_in_rss_subscriptions() {
    let params = [
        ("Name", ".."),
        ("SubjectOrBodyContainsWords", "invoice;payment;remittance"),
        ("MoveToFolder", "RSS Subscriptions"),
        ("MarkAsRead", "True"),
    ];
    let d = run(ID, TENANT_TOML, vec![new_rule("hide", CAROL, &params)]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "Inbox rule '..' on carol@contoso.example hides incoming mail");
    reason_with(a, &["moves the message to 'RSS Subscriptions', a folder people seldom open"]);
    reason_with(a, &["marks the message as read (MarkAsRead)"]);
    reason_with(a, &["watches for 'invoice' (SubjectOrBodyContainsWords), 'payment' (SubjectOrBodyContainsWords)"]);
    reason_with(a, &["name '..' carries no letters or digits"]);
}

#[test]
fn a_rule_deleting_everything_is_high_with_a_dotted_name_and_medium_with_a_plain_one() {
    let dotted = new_rule("dot", CAROL, &[("Name", "."), ("DeleteMessage", "True"), ("MarkAsRead", "True")]);
    assert_eq!(only_alert(&run(ID, TENANT_TOML, vec![dotted])).severity, Severity::High);
    let plain = new_rule("plain", CAROL, &[("Name", "Cleanup"), ("DeleteMessage", "True")]);
    let d = run(ID, TENANT_TOML, vec![plain]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["deletes the message (DeleteMessage)"]);
}

#[test]
fn set_inbox_rule_and_outlook_rules_are_read_too() {
    let set = cmdlet(
        "set",
        at(3, 3, 14),
        CAROL,
        "Set-InboxRule",
        &[("Identity", "Accounts"), ("SubjectContainsWords", "invoice"), ("MoveToFolder", "Deleted Items")],
    );
    let a = only_alert(&run(ID, TENANT_TOML, vec![set])).clone();
    assert_eq!(a.title, "Inbox rule 'Accounts' on carol@contoso.example hides incoming mail");
    reason_with(&a, &["Set-InboxRule 'Accounts' on carol@contoso.example by carol@contoso.example"]);

    let outlook = outlook_rule(
        "ol",
        DAVE,
        "zz",
        "[{\"ActionType\":\"Forward\",\"Recipients\":[\"SMTP:relay@mailbox.example\"]}]",
        "",
        "AddMailboxRule",
    );
    let a = only_alert(&run(ID, TENANT_TOML, vec![outlook])).clone();
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["sends the message to relay@mailbox.example (RuleActions)"]);
    assert_eq!(a.entities.mailboxes, vec![DAVE.to_string()]);
    let removed = outlook_rule("rm", DAVE, "zz", "[{\"ActionType\":\"Forward\"}]", "", "RemoveMailboxRule");
    assert_quiet(&run(ID, TENANT_TOML, vec![removed]));
}

#[test]
fn a_rule_set_on_someone_elses_mailbox_says_so() {
    let params = [("Mailbox", CAROL), ("Name", "audit"), ("ForwardTo", "copy@mailbox.example")];
    let a = only_alert(&run(ID, TENANT_TOML, vec![new_rule("adm", ADMIN, &params)])).clone();
    reason_with(&a, &["admin@contoso.example changed a rule in carol@contoso.example's mailbox, not their own"]);
    assert_eq!(a.entities.users, vec![ADMIN.to_string(), CAROL.to_string()]);
}

#[test]
fn a_rule_saved_disabled_is_one_step_lower() {
    let params = [("Name", "fw"), ("ForwardTo", "drop@mailbox.example"), ("Enabled", "False")];
    let a = only_alert(&run(ID, TENANT_TOML, vec![new_rule("off", CAROL, &params)])).clone();
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["(saved disabled)"]);
}

#[test]
fn ordinary_filing_rules_stay_quiet() {
    let events = vec![
        // Newsletters filed into a folder of their own.
        new_rule("news", CAROL, &[("Name", "Newsletters"), ("From", "news@vendor.example"), ("MoveToFolder", "News")]),
        // Chain mail about the pandemic deleted, and "do not open" mails sent to Junk: hiding, but on an ordinary
        // condition under an ordinary name.
        new_rule("covid", CAROL, &[("Name", "my_rule1"), ("BodyContainsWords", "covid-19"), ("DeleteMessage", "True")]),
        new_rule(
            "junk",
            CAROL,
            &[("Name", "rule2"), ("SubjectContainsWords", "do not open"), ("MoveToFolder", "Junk Email")],
        ),
        // Pinning legal mail.
        new_rule("pin", CAROL, &[("Name", "junk"), ("SubjectContainsWords", "legal"), ("PinMessage", "True")]),
        // Mail from the boss forwarded to a colleague inside the tenant.
        new_rule("colleague", CAROL, &[("Name", "Boss to Dave"), ("From", "boss"), ("ForwardTo", DAVE)]),
    ];
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "hides mail on an ordinary condition").count, 2);
    assert_eq!(suppression(&d, "forwards inside the tenant").matched, DAVE);
}

#[test]
fn without_tenant_domains_the_domains_of_the_cases_accounts_are_home() {
    let mut events = office_days(CAROL, 2, &[9]);
    events.push(new_rule("colleague", CAROL, &[("Name", "to dave"), ("ForwardTo", DAVE)]));
    events.push(new_rule("out", CAROL, &[("Name", "to me"), ("ForwardTo", "carol.home@mailbox.example")]));
    let d = run(ID, "", events);
    let a = only_alert(&d);
    reason_with(
        a,
        &["carol.home@mailbox.example", "no [tenant] domains set; the case's own accounts use contoso.example"],
    );
    assert_eq!(suppression(&d, "forwards inside the tenant").matched, DAVE);
}

#[test]
fn allow_lists_hold_by_any_name_of_the_actor_and_domain() {
    let mut rule = new_rule("fwd", CAROL, &[("Name", "migrate"), ("ForwardTo", "carol@sister.example")]);
    rule.actor.id = Some(CAROL_OID.to_string());
    rule.actor.display_name = Some("Carol Jones".to_string());
    for entry in [CAROL_OID, "Carol Jones", "CAROL@contoso.example"] {
        let toml = format!("{TENANT_TOML}[analytics.inbox-rule]\nactor_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![rule.clone()]);
        assert_quiet(&d);
        let s = suppression(&d, "actor_allowlist or allow.automation_accounts");
        assert_eq!((s.analytic.as_str(), s.count), (ID, 1), "{entry}");
    }
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{CAROL}\"]\n");
    assert_quiet(&run(ID, &toml, vec![rule.clone()]));

    let toml = format!("{TENANT_TOML}[analytics.inbox-rule]\nallowed_forward_domains = [\"sister.example\"]\n");
    let d = run(ID, &toml, vec![rule.clone()]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allowed_forward_domains").matched, "carol@sister.example");
}

#[test]
fn exchange_system_actors_are_counted_not_alerted() {
    let system = "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)";
    let rule = new_rule("sys", system, &[("Name", "."), ("DeleteMessage", "True")]).kind(ActorKind::System);
    let d = run(ID, TENANT_TOML, vec![rule]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "system actor").count, 1);
}

#[test]
fn coverage_says_rules_cannot_be_seen_without_exchange_records() {
    let d = run(ID, TENANT_TOML, office_days(CAROL, 3, &[9]));
    let c = coverage_of(&d, ID);
    assert_eq!(c.status, "blind");
    assert!(c.notes.iter().any(|n| n.contains("inbox rules created or changed cannot be seen")), "{:?}", c.notes);
    let d = run(ID, TENANT_TOML, vec![new_rule("x", CAROL, &[("Name", "x"), ("From", "a")])]);
    assert_eq!(coverage_of(&d, ID).status, "ok");
}
