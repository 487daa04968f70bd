//! mail-forwarding, the mail flow rules: mail flow rules copying or redirecting mail outside the tenant, or deleting it.

use super::build::*;
use crate::model::{ActorKind, Event, Severity};

const ID: &str = "mail-forwarding";
const ADMIN: &str = "admin@contoso.example";
const ADMIN_OID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// `op` by the admin at night from a rented server abroad.
fn rule(id: &str, op: &str, params: &[(&str, &str)]) -> Event {
    cmdlet(id, at(4, 2, 10), ADMIN, op, params).via(VPS).session("s-adm")
}

#[test]
fn fires_high_on_a_hidden_copy_of_finance_mail_to_an_outside_address() {
    let params =
        [("Name", "Finance copy"), ("SentTo", "finance@contoso.example"), ("BlindCopyTo", "box@mailbox.example")];
    let d = run(ID, TENANT_TOML, vec![rule("bcc", "New-TransportRule", &params)]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, "Mail flow rule 'Finance copy' sends mail outside the tenant");
    reason_with(a, &["adds as a hidden (Bcc) recipient box@mailbox.example", "[tenant] domains: contoso.example"]);
    reason_with(a, &["New-TransportRule 'Finance copy' by admin@contoso.example"]);
    assert_eq!(a.entities.users, vec![ADMIN.to_string()]);
    assert_eq!(a.entities.sessions, vec!["s-adm".to_string()]);
    assert_eq!(a.evidence, vec!["bcc".to_string()]);
}

#[test]
fn a_redirect_or_a_rule_without_condition_is_critical() {
    let redirect = rule("r", "Set-TransportRule", &[("Identity", "Route"), ("RedirectMessageTo", "x@mailbox.example")]);
    let a = only_alert(&run(ID, TENANT_TOML, vec![redirect])).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["takes the message away from its real recipients"]);
    let everything = rule("all", "New-TransportRule", &[("Name", "all"), ("CopyTo", "x@mailbox.example")]);
    let a = only_alert(&run(ID, TENANT_TOML, vec![everything])).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["sets no condition, so it acts on every message of the organisation"]);
}

#[test]
fn a_rule_deleting_payment_mail_is_medium_and_one_in_test_mode_lower() {
    let params = [("Name", "clean"), ("SubjectContainsWords", "Payment advice"), ("DeleteMessage", "True")];
    let a = only_alert(&run(ID, TENANT_TOML, vec![rule("del", "New-TransportRule", &params)])).clone();
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, "Mail flow rule 'clean' deletes mail silently");
    reason_with(&a, &["watches for 'payment' (SubjectContainsWords)"]);
    let params =
        [("Name", "t"), ("SentTo", "ceo@contoso.example"), ("BlindCopyTo", "x@mailbox.example"), ("Mode", "Audit")];
    let a = only_alert(&run(ID, TENANT_TOML, vec![rule("test", "New-TransportRule", &params)])).clone();
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["(saved in test mode Audit)"]);
}

#[test]
fn benign_twins_stay_quiet() {
    let events = vec![
        // A disclaimer for mail leaving the organisation.
        rule(
            "disc",
            "New-TransportRule",
            &[
                ("Name", "Disclaimer"),
                ("SentToScope", "NotInOrganization"),
                ("ApplyHtmlDisclaimerText", "Confidential"),
            ],
        ),
        // A compliance copy of the board's mail to the legal hold mailbox inside the tenant.
        rule(
            "legal",
            "New-TransportRule",
            &[
                ("Name", "Board copy"),
                ("FromMemberOf", "board@contoso.example"),
                ("BlindCopyTo", "legalhold@contoso.example"),
            ],
        ),
        // Spam newsletters deleted on an ordinary condition.
        rule(
            "news",
            "New-TransportRule",
            &[("Name", "Drop promo"), ("SubjectContainsWords", "newsletter"), ("DeleteMessage", "True")],
        ),
    ];
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "copies inside the tenant").matched, "legalhold@contoso.example");
}

#[test]
fn allow_lists_hold_by_any_name_of_the_actor_and_domain() {
    let mut ev = rule("arch", "New-TransportRule", &[("Name", "Archive"), ("BlindCopyTo", "journal@archiver.example")]);
    ev.actor.id = Some(ADMIN_OID.to_string());
    for entry in [ADMIN_OID, "ADMIN@contoso.example"] {
        let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nactor_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![ev.clone()]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts").count, 1, "{entry}");
    }
    let toml = format!("{TENANT_TOML}[analytics.mail-forwarding]\nallowed_forward_domains = [\"archiver.example\"]\n");
    let d = run(ID, &toml, vec![ev.clone()]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allowed_forward_domains").matched, "journal@archiver.example");
    let sys = rule("sys", "Set-TransportRule", &[("Identity", "x"), ("CopyTo", "a@b.example")])
        .by("NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)")
        .kind(ActorKind::System);
    assert_eq!(suppression(&run(ID, TENANT_TOML, vec![sys]), "system actor").count, 1);
}

#[test]
fn coverage_says_mail_flow_changes_cannot_be_seen_without_exchange_records() {
    let d = run(ID, TENANT_TOML, office_days(ADMIN, 2, &[9]));
    let c = coverage_of(&d, ID);
    assert_eq!(c.status, "blind");
    assert!(c.notes.iter().any(|n| n.contains("mail flow rule changes cannot be seen")), "{:?}", c.notes);
}
