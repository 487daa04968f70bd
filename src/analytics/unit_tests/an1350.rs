//! AN1350: a partner's delegated access is turned into mailbox access (trust change, delegation, use).

use super::build::*;
use crate::model::{ActorKind, Event, Severity, SignInInfo, Source};

const ADMIN: &str = "admin@contoso.example";
const CEO: &str = "ceo@contoso.example";
const TECH: &str = "tech@bluestoneit.example";
const PARTNER_TENANT: &str = "7c1e9a52-3b84-4d6f-9a0e-5f2b8c4d1e67";
/// Where the partner's technicians work from.
const PARTNER_NET: Place = Place { ip: "198.18.5.10", country: Some("GB"), asn: Some(64510) };

/// Stage 1: the admin adds Bluestone IT as a delegated-admin partner (Entra audit, and its UAL copy).
fn partner_added() -> Vec<Event> {
    let props = [
        ("PartnerTenantId", PARTNER_TENANT),
        ("PartnerType", "Delegated Administration"),
        ("PartnerName", "Bluestone IT"),
    ];
    let mut entra = audit("trust", at(1, 10, 0), ADMIN, "Add partner to company", "Bluestone IT", &props);
    entra.targets[0].id = Some(PARTNER_TENANT.into());
    let mut copy = entra.clone();
    copy.id = "trust-ual".into();
    copy.source = Some(Source::UalAzureAd);
    copy.operation = "Add partner to company.".into();
    copy.ts = Some(at(1, 10, 1));
    vec![entra, copy]
}

/// A technician's service-provider sign-in into the tenant.
fn tech_sign_in(id: &str, ts: chrono::DateTime<chrono::Utc>) -> Event {
    let mut e = sign_in(id, ts, TECH, true).kind(ActorKind::Partner).home(PARTNER_TENANT).via(PARTNER_NET);
    e.signin = Some(SignInInfo {
        interactive: Some(true),
        cross_tenant_access_type: Some("serviceProvider".into()),
        ..Default::default()
    });
    e.resource(EXCHANGE)
}

/// Stage 2: the technician signs in at night and gives himself FullAccess to the CEO's mailbox.
fn full_access_taken() -> Vec<Event> {
    let grant = cmdlet(
        "grant",
        at(2, 22, 3),
        TECH,
        "Add-MailboxPermission",
        &[("Identity", "CEO@contoso.example"), ("User", TECH), ("AccessRights", "FullAccess")],
    );
    vec![tech_sign_in("tech-signin-1", at(2, 22, 0)), grant.kind(ActorKind::Partner).via(PARTNER_NET)]
}

/// Stage 3: the technician reads the CEO's mailbox from the partner's network in four batches of 15 items.
fn ceo_mail_read() -> Vec<Event> {
    let mut events = vec![tech_sign_in("tech-signin-2", at(3, 1, 0))];
    for i in 0..4 {
        let mut e = mail_read(&format!("read-{i}"), at(3, 1, 2 + i), TECH, CEO, 15).kind(ActorKind::Partner);
        e = e.via(PARTNER_NET);
        if let Some(m) = e.mailbox.as_mut() {
            m.logon_type = Some(6);
            m.external_access = Some(true);
        }
        events.push(e);
    }
    events
}

/// All three stages.
fn full_chain() -> Vec<Event> {
    [partner_added(), full_access_taken(), ceo_mail_read()].concat()
}

#[test]
fn fires_critical_on_trust_change_delegation_and_mailbox_access() {
    let d = run("AN1350", TENANT_TOML, full_chain());
    let a = only_alert(&d);
    assert_eq!(a.analytic, "AN1350");
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(
        a.title,
        format!("Partner Bluestone IT ({PARTNER_TENANT}): trust change, mailbox delegation and mailbox access")
    );
    reason_with(a, &[PARTNER_TENANT, "is not in allow.trusted_partner_tenants"]);
    reason_with(a, &["stage 1: Add partner to company by admin@contoso.example at 2025-03-04 10:00 UTC"]);
    reason_with(a, &["stage 2: Add-MailboxPermission FullAccess on ceo@contoso.example for", TECH, "22:03 UTC"]);
    reason_with(a, &["stage 3: 4 access record(s), 60 item(s), to ceo@contoso.example from 198.18.5.10"]);
    reason_with(a, &["2 partner sign-in(s) into the tenant from 198.18.5.10"]);
    // The UAL copy of the Entra record is the same change, not a second one.
    assert_eq!(a.reasons.iter().filter(|r| r.starts_with("stage 1")).count(), 1, "{:?}", a.reasons);
    assert_eq!(a.entities.tenants, vec![PARTNER_TENANT.to_string()]);
    assert_eq!(a.entities.mailboxes, vec![CEO.to_string()]);
    assert!(a.entities.users.contains(&TECH.to_string()) && a.entities.users.contains(&ADMIN.to_string()));
}

#[test]
fn two_linked_stages_are_high() {
    let d = run("AN1350", TENANT_TOML, [partner_added(), full_access_taken()].concat());
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert!(a.title.ends_with("trust change then mailbox delegation"), "{}", a.title);
}

#[test]
fn internal_delegation_and_a_partner_sign_in_alone_stay_quiet() {
    // The admin gives a colleague FullAccess to the shared sales mailbox; the partner's technician signs in but
    // changes nothing.
    let events = vec![
        cmdlet(
            "internal-grant",
            at(2, 10, 0),
            ADMIN,
            "Add-MailboxPermission",
            &[("Identity", "sales@contoso.example"), ("User", "bob@contoso.example"), ("AccessRights", "FullAccess")],
        ),
        tech_sign_in("tech-visit", at(2, 11, 0)),
    ];
    let d = run("AN1350", TENANT_TOML, events);
    assert_quiet(&d);
}

#[test]
fn a_trusted_partner_on_an_allowed_mailbox_is_suppressed_and_counted() {
    let toml = format!(
        "{TENANT_TOML}[allow]\ntrusted_partner_tenants = [\"{PARTNER_TENANT}\"]\ndelegate_mailboxes = [\"{CEO}\"]\n"
    );
    let d = run("AN1350", &toml, full_chain());
    assert_quiet(&d);
    let s = suppression(&d, "allow.trusted_partner_tenants + allow.delegate_mailboxes");
    assert_eq!((s.analytic.as_str(), s.matched.as_str(), s.count), ("AN1350", PARTNER_TENANT, 1));
    assert_eq!(s.examples, vec!["grant".to_string()]);
}

#[test]
fn a_trusted_partner_outside_the_allowed_mailboxes_is_one_step_lower() {
    let toml = format!("{TENANT_TOML}[allow]\ntrusted_partner_tenants = [\"{PARTNER_TENANT}\"]\n");
    let d = run("AN1350", &toml, full_chain());
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["is a trusted partner, but reached mailbox(es) outside allow.delegate_mailboxes"]);
}

#[test]
fn coverage_names_the_missing_unified_audit_log() {
    // Only the Entra audit log was exported: the trust change alone is visible, the mailbox side is not.
    let events: Vec<Event> = full_chain().into_iter().filter(|e| e.source == Some(Source::EntraAudit)).collect();
    let d = run("AN1350", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.title.ends_with("partner trust changed"), "{}", a.title);
    let c = coverage_of(&d, "AN1350");
    assert_eq!(c.status, "degraded");
    assert_eq!(c.sources_missing, vec!["ual_azuread".to_string(), "ual_exchange".to_string()]);
    assert!(c.notes.iter().any(|n| n == "missing source(s): ual_azuread, ual_exchange"), "{:?}", c.notes);
}
