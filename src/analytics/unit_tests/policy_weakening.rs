//! policy-weakening: conditional access, mail filtering, federation and consent policies loosened.

use super::build::*;
use crate::model::{Event, ModifiedProperty, Severity, Source};

const ID: &str = "policy-weakening";
const ADMIN: &str = "admin@contoso.example";
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

fn office() -> Vec<Event> {
    office_days(ADMIN, 10, &[9, 10, 11, 14])
}

/// An Entra audit record by the admin at day 10, 10:30, whose first target carries `(name, old, new)` changes.
fn change(id: &str, op: &str, target: &str, props: &[(&str, &str, &str)]) -> Event {
    let mut e = audit(id, at(10, 10, 30), ADMIN, op, target, &[]);
    e.targets[0].modified = props
        .iter()
        .map(|(n, o, v)| ModifiedProperty { name: n.to_string(), old: Some(o.to_string()), new: Some(v.to_string()) })
        .collect();
    e
}

fn one(events: Vec<Event>) -> crate::analytics::Alert {
    let mut all = office();
    all.extend(events);
    only_alert(&run(ID, TENANT_TOML, all)).clone()
}

fn quiet(events: Vec<Event>) {
    let mut all = office();
    all.extend(events);
    assert_quiet(&run(ID, TENANT_TOML, all));
}

#[test]
fn letting_every_user_consent_to_any_app_is_high() {
    let legacy = "[\r\n  \"ManagePermissionGrantsForSelf.microsoft-user-default-legacy\"\r\n]";
    let mut ev = change(
        "authz",
        "Update authorization policy.",
        "Authorization Policy",
        &[("PermissionGrantPolicyIdsAssignedToDefaultUserRole", "[]", legacy)],
    );
    ev.source = Some(Source::UalAzureAd);
    let a = one(vec![ev]);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} let every user consent to any app"));
    reason_with(&a, &["ManagePermissionGrantsForSelf.microsoft-user-default-legacy", "every user"]);
    assert_eq!(a.evidence, vec!["authz".to_string()]);
}

#[test]
fn consent_to_low_risk_permissions_is_low() {
    let low = "[\"ManagePermissionGrantsForSelf.microsoft-user-default-low\"]";
    let ev = change(
        "authz-low",
        "Update authorization policy",
        "Authorization Policy",
        &[("PermissionGrantPolicyIdsAssignedToDefaultUserRole", "[]", low)],
    );
    assert_eq!(one(vec![ev]).severity, Severity::Low);
}

#[test]
fn conditional_access_deleted_disabled_or_report_only_fires_and_a_tightening_does_not() {
    let a = one(vec![change("ca-del", "Delete conditional access policy", "Require MFA for admins", &[])]);
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["conditional access policy \"Require MFA for admins\" deleted"]);

    let enabled = r#"{"id":"1","displayName":"Block legacy auth","state":"enabled"}"#;
    let disabled = r#"{"id":"1","displayName":"Block legacy auth","state":"disabled"}"#;
    let report = r#"{"id":"1","displayName":"Block legacy auth","state":"enabledForReportingButNotEnforced"}"#;
    let ca = |id: &str, new: &str| {
        change(
            id,
            "Update conditional access policy",
            "Block legacy auth",
            &[("ConditionalAccessPolicy", enabled, new)],
        )
    };
    let a = one(vec![ca("ca-off", disabled)]);
    assert_eq!(
        (a.severity, a.title.as_str()),
        (Severity::High, "admin@contoso.example set conditional access policy \"Block legacy auth\" to disabled")
    );
    assert_eq!(one(vec![ca("ca-report", report)]).severity, Severity::Medium);
    let tightened = r#"{"id":"1","displayName":"Block legacy auth","state":"enabled","conditions":{"users":["All"]}}"#;
    quiet(vec![ca("ca-tight", tightened)]);
}

#[test]
fn widened_filter_allow_lists_fire_and_removals_do_not() {
    let widen = cmdlet(
        "spam",
        at(10, 10, 30),
        ADMIN,
        "Set-HostedContentFilterPolicy",
        &[("Identity", "Default"), ("AllowedSenderDomains", "invoices-paypal.example")],
    );
    let a = one(vec![widen]);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["-AllowedSenderDomains invoices-paypal.example", "skips spam and phishing filtering"]);
    let remove = cmdlet(
        "spam-rm",
        at(10, 10, 30),
        ADMIN,
        "Set-HostedContentFilterPolicy",
        &[("Identity", "Default"), ("AllowedSenderDomains", "@{Remove=\"old.example\"}")],
    );
    quiet(vec![remove]);
    let off = cmdlet("rule-off", at(10, 10, 30), ADMIN, "Disable-AntiPhishRule", &[("Identity", "Strict")]);
    assert_eq!(one(vec![off]).title, format!("{ADMIN} ran Disable-AntiPhishRule \"Strict\""));
}

#[test]
fn transport_rules_that_bypass_spam_filtering_fire_by_scope() {
    let all_mail = cmdlet("tr-all", at(10, 10, 30), ADMIN, "New-TransportRule", &[("Name", "x"), ("SetSCL", "-1")]);
    let a = one(vec![all_mail]);
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["sets SCL -1 with no sender condition"]);
    let narrow = cmdlet(
        "tr-partner",
        at(10, 10, 30),
        ADMIN,
        "Set-TransportRule",
        &[("Name", "partner"), ("SetSCL", "-1"), ("SenderDomainIs", "fabrikam.example")],
    );
    let a = one(vec![narrow]);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["for mail matching SenderDomainIs fabrikam.example"]);
    quiet(vec![cmdlet("tr-spam", at(10, 10, 30), ADMIN, "New-TransportRule", &[("Name", "junk"), ("SetSCL", "6")])]);
}

#[test]
fn a_domain_handed_to_an_outside_identity_provider_is_high_and_raised_at_night_from_abroad() {
    let mut ev = change(
        "fed",
        "Set domain authentication",
        "contoso.example",
        &[("LiveType", "Managed", "Federated"), ("IssuerUri", "", "http://evil.example/adfs/services/trust")],
    );
    ev = ev.via(LAGOS);
    ev.ts = Some(at(10, 3, 0));
    let a = one(vec![ev]);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.title, format!("{ADMIN} changed sign-in trust for domain contoso.example"));
    reason_with(&a, &["LiveType = Federated", "trusts an outside identity provider"]);
    reason_with(&a, &["acted from country NG, seen on 0 day(s)"]);
    assert_eq!(a.entities.ips, vec![LAGOS.ip.to_string()]);
}

#[test]
fn approved_admins_are_suppressed_by_any_of_their_names() {
    let mut ev = change("ca-del", "Delete conditional access policy", "Require MFA", &[]);
    ev.actor.id = Some("5d0c7b6a-2222-4b3c-8d4e-6f7a8b9c0d1e".into());
    for entry in [ADMIN, "5D0C7B6A-2222-4B3C-8D4E-6F7A8B9C0D1E"] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![ev.clone()]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "admin_allowlist").count, 1, "{entry}");
    }
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{ADMIN}\"]\n");
    suppression(&run(ID, &toml, vec![ev]), "allow.automation_accounts");
}

#[test]
fn says_it_is_blind_without_directory_or_exchange_audit() {
    let d = run(ID, TENANT_TOML, office());
    assert_eq!(coverage_of(&d, ID).status, "blind");
}
