//! AN1107: access to other people's mail granted to an app or a rarely used account.

use super::build::*;
use crate::model::{Event, Severity, Source};

const ADMIN: &str = "admin@contoso.example";
const CAROL: &str = "carol@contoso.example";
const INTERN: &str = "old.intern@contoso.example";
const CFO: &str = "cfo@contoso.example";
const ARCHIVER_APP: &str = "5b1f6c2e-8d4a-4c3b-9e7f-2a1d0c9b8e7f";
/// A place the admin never worked from.
const SAO_PAULO: Place = Place { ip: "203.0.113.77", country: Some("BR"), asn: Some(28573) };

/// Ten office days (days 0–9) for the admin and for Carol; the intern's account has been idle all along.
fn office() -> Vec<Event> {
    [office_days(ADMIN, 10, &[9, 10, 11, 14]), office_days(CAROL, 10, &[9, 14])].concat()
}

/// The admin assigns ApplicationImpersonation to the idle intern account at 02:40 from São Paulo.
fn impersonation_grant() -> Event {
    let params =
        [("Name", "ApplicationImpersonation-OldIntern"), ("Role", "ApplicationImpersonation"), ("User", INTERN)];
    cmdlet("impersonation", at(10, 2, 40), ADMIN, "New-ManagementRoleAssignment", &params).via(SAO_PAULO)
}

/// `Add-MailboxPermission` FullAccess on `mailbox` for `user`, by `actor` at `ts`.
fn full_access(id: &str, ts: chrono::DateTime<chrono::Utc>, actor: &str, mailbox: &str, user: &str) -> Event {
    let params = [("Identity", mailbox), ("User", user), ("AccessRights", "FullAccess"), ("InheritanceType", "All")];
    cmdlet(id, ts, actor, "Add-MailboxPermission", &params)
}

#[test]
fn fires_on_impersonation_for_an_idle_account_at_night_from_a_new_country() {
    let mut events = office();
    events.push(impersonation_grant());
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.analytic, "AN1107");
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} granted ApplicationImpersonation role assignment to {INTERN}"));
    reason_with(a, &["grantee old.intern@contoso.example was active on 0 day(s) in the 30 days before"]);
    reason_with(a, &["ApplicationImpersonation is retired in Exchange Online"]);
    reason_with(a, &["admin@contoso.example acted at Thu 02:40 UTC, outside working hours", "held 0.0% of their 40"]);
    reason_with(a, &["acted from network AS28573, seen on 0 day(s)"]);
    reason_with(a, &["admin@contoso.example acted from BR, seen on 0 day(s) of their history"]);
    assert_eq!(a.entities.users, vec![ADMIN.to_string(), INTERN.to_string()]);
    assert_eq!(a.entities.ips, vec![SAO_PAULO.ip.to_string()]);
}

#[test]
fn use_of_the_grant_afterwards_raises_it_to_critical() {
    let mut events = office();
    events.push(impersonation_grant());
    for i in 0..3 {
        events.push(mail_read(&format!("intern-read-{i}"), at(10, 3, 5 + i), INTERN, CFO, 15).via(SAO_PAULO));
    }
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    reason_with(a, &["then used: 3 access record(s), 45 item(s) in cfo@contoso.example"]);
    assert_eq!(a.entities.mailboxes, vec![CFO.to_string()]);
    assert!(a.evidence.contains(&"intern-read-2".to_string()), "{:?}", a.evidence);
}

#[test]
fn full_access_as_app_for_a_service_principal_is_high() {
    let mut grant = audit(
        "app-role",
        at(10, 11, 0),
        ADMIN,
        "Add app role assignment to service principal",
        "Mail Archiver",
        &[
            ("AppRole.Value", "full_access_as_app"),
            ("ServicePrincipal.AppId", ARCHIVER_APP),
            ("ServicePrincipal.DisplayName", "Mail Archiver"),
        ],
    );
    grant.targets[0].id = Some("9d2c4b1a-0000-4000-8000-00000000a1b2".into());
    let mut events = office();
    events.push(grant);
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert!(a.title.contains("application permission full_access_as_app to Mail Archiver"), "{}", a.title);
    reason_with(a, &["the permission reaches every mailbox in the tenant"]);
    reason_with(a, &[&format!("grantee {ARCHIVER_APP} is an application")]);
    assert_eq!(a.entities.apps, vec![ARCHIVER_APP.to_string()]);
}

#[test]
fn a_daytime_grant_to_an_active_colleague_is_routine() {
    let mut events = office();
    events.push(full_access("routine", at(10, 10, 15), ADMIN, "sales@contoso.example", CAROL));
    let d = run("AN1107", TENANT_TOML, events);
    assert_quiet(&d);
    let s = suppression(&d, "routine grant (active grantee, usual hours and places)");
    assert_eq!((s.matched.as_str(), s.count), (CAROL, 1));
}

#[test]
fn exchange_housekeeping_by_the_system_is_suppressed_and_counted() {
    let system = "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)";
    let mut events = office();
    events.push(full_access("system", at(10, 2, 0), system, "cfo@contoso.example", INTERN));
    let d = run("AN1107", TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "system actor").matched, system.to_ascii_lowercase());
}

#[test]
fn allowlisted_delegate_mailboxes_are_suppressed_and_counted() {
    // A new starter is given the shared support mailbox: rarely used grantee, so it alerts until the mailbox is
    // allowed for delegation.
    let mut events = office();
    events.push(full_access("support", at(10, 10, 15), ADMIN, "support@contoso.example", "new.hire@contoso.example"));
    let d = run("AN1107", TENANT_TOML, events.clone());
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["grantee new.hire@contoso.example was active on 0 day(s)"]);

    let toml = format!("{TENANT_TOML}[allow]\ndelegate_mailboxes = [\"Support@contoso.example\"]\n");
    let d = run("AN1107", &toml, events);
    assert_quiet(&d);
    let s = suppression(&d, "allow.delegate_mailboxes");
    assert_eq!((s.analytic.as_str(), s.matched.as_str(), s.count), ("AN1107", "support@contoso.example", 1));
    assert_eq!(s.examples, vec!["support".to_string()]);
}

#[test]
fn approved_grantees_are_suppressed_and_counted() {
    let toml = format!("{TENANT_TOML}[analytics.AN1107]\ngrantee_allowlist = [\"{INTERN}\"]\n");
    let mut events = office();
    events.push(impersonation_grant());
    let d = run("AN1107", &toml, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "grantee_allowlist").matched, INTERN);
}

#[test]
fn a_grant_from_an_unlocated_address_is_not_called_routine() {
    let unlocated = Place { ip: "203.0.113.77", country: None, asn: None };
    let mut events = office();
    events.push(full_access("unlocated", at(10, 10, 15), ADMIN, "sales@contoso.example", CAROL).via(unlocated));
    let d = run("AN1107", TENANT_TOML, events);
    let routine = d.suppressions.iter().any(|s| s.rule.starts_with("routine grant"));
    assert!(!routine, "the place is unknown, not usual: {:?}", d.suppressions);
}

#[test]
fn a_grant_from_a_network_the_admin_never_used_is_an_anomaly() {
    let new_isp = Place { ip: "203.0.113.90", country: Some("US"), asn: Some(64999) };
    let mut events = office();
    events.push(full_access("new-net", at(10, 10, 15), ADMIN, "sales@contoso.example", CAROL).via(new_isp));
    let d = run("AN1107", TENANT_TOML, events);
    reason_with(only_alert(&d), &["AS64999"]);
}

#[test]
fn coverage_names_the_missing_entra_logs() {
    let mut events = office();
    events.push(impersonation_grant());
    let d = run("AN1107", TENANT_TOML, events);
    let c = coverage_of(&d, "AN1107");
    assert_eq!(c.status, "degraded");
    assert_eq!(c.sources_present, vec!["ual_exchange".to_string()]);
    assert_eq!(c.sources_missing, vec!["entra_audit".to_string(), "ual_azuread".to_string()]);
    assert!(c.notes.iter().any(|n| n == "missing source(s): entra_audit, ual_azuread"), "{:?}", c.notes);
    assert!(only_alert(&d).sources.contains(&"entra_audit: missing".to_string()));
    let none: Vec<Event> = office().into_iter().filter(|e| e.source != Some(Source::UalExchange)).collect();
    assert_eq!(coverage_of(&run("AN1107", TENANT_TOML, none), "AN1107").status, "blind");
}
