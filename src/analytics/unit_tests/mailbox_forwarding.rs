//! mail-forwarding, the mailbox setting: a mailbox forwarding all its mail outside the tenant.

use super::build::*;
use crate::model::{ActorKind, Event, Severity};

const ID: &str = "mail-forwarding";
const CAROL: &str = "carol@contoso.example";
const DAVE: &str = "dave@contoso.example";
const ADMIN: &str = "admin@contoso.example";
const ADMIN_OID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// `Set-Mailbox` on `identity` by `actor` with `params`, from a rented server abroad.
fn set_mailbox(id: &str, actor: &str, identity: &str, params: &[(&str, &str)]) -> Event {
    let mut all = vec![("Identity", identity)];
    all.extend_from_slice(params);
    cmdlet(id, at(3, 21, 3), actor, "Set-Mailbox", &all).via(VPS).session("s-9")
}

#[test]
fn fires_high_on_forwarding_to_a_consumer_mailbox() {
    let ev = set_mailbox(
        "fwd",
        CAROL,
        CAROL,
        &[("ForwardingSmtpAddress", "smtp:Carol.Backup@gmail.com"), ("DeliverToMailboxAndForward", "True")],
    );
    let d = run(ID, TENANT_TOML, vec![ev]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "Mail of carol@contoso.example forwarded to carol.backup@gmail.com outside the tenant");
    reason_with(a, &["Set-Mailbox ForwardingSmtpAddress carol.backup@gmail.com on carol@contoso.example by carol@"]);
    reason_with(a, &["gmail.com is outside the tenant ([tenant] domains: contoso.example)"]);
    reason_with(a, &["gmail.com is a consumer mail service"]);
    reason_with(a, &["acted from 203.0.113.200 (NL)"]);
    assert_eq!(a.entities.mailboxes, vec![CAROL.to_string()]);
    assert_eq!(a.entities.ips, vec![VPS.ip.to_string()]);
    assert_eq!(a.entities.sessions, vec!["s-9".to_string()]);
    assert_eq!(a.evidence, vec!["fwd".to_string()]);
}

#[test]
fn several_mailboxes_to_one_destination_are_one_critical_alert() {
    let events = vec![
        set_mailbox("a", ADMIN, "6f1c2d3e-aaaa-4bbb-8ccc-000000000001", &[("ForwardingSmtpAddress", "drop@gmail.com")]),
        set_mailbox("b", ADMIN, "6f1c2d3e-aaaa-4bbb-8ccc-000000000002", &[("ForwardingSmtpAddress", "drop@gmail.com")]),
        set_mailbox("c", ADMIN, "6f1c2d3e-aaaa-4bbb-8ccc-000000000002", &[("ForwardingSmtpAddress", "drop@gmail.com")]),
    ];
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert!(a.title.starts_with("Mail of 2 mailboxes ("), "{}", a.title);
    reason_with(a, &["2 mailboxes forward to the same destination"]);
    assert_eq!(a.evidence.len(), 3);
}

#[test]
fn forwarding_without_keeping_a_copy_is_one_step_higher() {
    let ev = set_mailbox(
        "nocopy",
        CAROL,
        CAROL,
        &[("ForwardingSmtpAddress", "x@mailbox.example"), ("DeliverToMailboxAndForward", "False")],
    );
    let a = only_alert(&run(ID, TENANT_TOML, vec![ev])).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["the owner keeps no copy"]);
}

#[test]
fn a_forwarding_address_nothing_resolves_is_medium_and_a_known_colleague_is_quiet() {
    let mut events = office_days(DAVE, 1, &[9]);
    events.push(set_mailbox("contact", ADMIN, CAROL, &[("ForwardingAddress", "Ext Archive Contact")]));
    events.push(set_mailbox("dave", ADMIN, "sales@contoso.example", &[("ForwardingAddress", "dave")]));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["ForwardingAddress names 'Ext Archive Contact', a directory recipient no account"]);
    assert_eq!(suppression(&d, "forwards inside the tenant").matched, "dave");
}

#[test]
fn benign_twins_stay_quiet() {
    let events = vec![
        // An assistant receives the manager's mail inside the tenant.
        set_mailbox("inside", ADMIN, CAROL, &[("ForwardingSmtpAddress", DAVE), ("DeliverToMailboxAndForward", "True")]),
        // Forwarding cleared after a leaver's handover.
        set_mailbox("clear", ADMIN, CAROL, &[("ForwardingSmtpAddress", ""), ("ForwardingAddress", "$null")]),
        // Another mailbox setting entirely.
        set_mailbox("age", ADMIN, CAROL, &[("AuditLogAgeLimit", "90.00:00:00")]),
    ];
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "forwards inside the tenant").count, 1);
}

#[test]
fn allow_lists_hold_by_any_name_of_actor_mailbox_and_domain() {
    let mut ev = set_mailbox("fwd", ADMIN, CAROL, &[("ForwardingSmtpAddress", "carol@sister.example")]);
    ev.actor.id = Some(ADMIN_OID.to_string());
    for entry in [ADMIN_OID, "Admin@Contoso.example"] {
        let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nactor_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![ev.clone()]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts").count, 1, "{entry}");
    }
    let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nmailbox_allowlist = [\"CAROL@contoso.example\"]\n");
    assert_eq!(suppression(&run(ID, &toml, vec![ev.clone()]), "mailbox_allowlist").count, 1);
    let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nallowed_forward_domains = [\"sister.example\"]\n");
    let d = run(ID, &toml, vec![ev.clone()]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allowed_forward_domains").matched, "carol@sister.example");
    let system = set_mailbox("sys", "NT AUTHORITY\\SYSTEM (w3wp)", CAROL, &[("ForwardingSmtpAddress", "a@b.example")])
        .kind(ActorKind::System);
    assert_eq!(suppression(&run(ID, TENANT_TOML, vec![system]), "system actor").count, 1);
}

#[test]
fn without_tenant_domains_the_cases_own_domains_are_home() {
    let mut events = office_days(CAROL, 1, &[9]);
    events.push(set_mailbox("in", CAROL, CAROL, &[("ForwardingSmtpAddress", DAVE)]));
    events.push(set_mailbox("out", CAROL, CAROL, &[("ForwardingSmtpAddress", "c@mailbox.example")]));
    let d = run(ID, "", events);
    reason_with(only_alert(&d), &["no [tenant] domains set; the case's own accounts use contoso.example"]);
}

#[test]
fn coverage_says_forwarding_cannot_be_seen_without_exchange_records() {
    let d = run(ID, TENANT_TOML, office_days(CAROL, 2, &[9]));
    let c = coverage_of(&d, ID);
    assert_eq!(c.status, "blind");
    assert!(c.notes.iter().any(|n| n.contains("mailbox forwarding cannot be seen")), "{:?}", c.notes);
}
