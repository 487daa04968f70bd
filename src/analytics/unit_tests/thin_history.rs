//! Cases that hold only a few days of logs: what an analytic cannot know from them it says ("baseline thin"), and
//! it does not mistake the case's own start for something new or rare.

use super::build::*;
use crate::model::{ActorKind, Event, Source};

const ADMIN: &str = "admin@contoso.example";
const CAROL: &str = "carol@contoso.example";
const INTERN: &str = "old.intern@contoso.example";
const TECH: &str = "tech@bluestoneit.example";
const CEO: &str = "ceo@contoso.example";
const PARTNER_TENANT: &str = "7c1e9a52-3b84-4d6f-9a0e-5f2b8c4d1e67";
const SAO_PAULO: Place = Place { ip: "203.0.113.77", country: Some("BR"), asn: Some(28573) };

/// Two office days (0 and 1) for the admin and Carol: all the case holds.
fn two_days() -> Vec<Event> {
    [office_days(ADMIN, 2, &[9, 10, 11, 14]), office_days(CAROL, 2, &[9, 14])].concat()
}

#[test]
fn a_colleague_seen_on_every_day_of_a_short_case_is_neither_rare_nor_new() {
    let mut events = two_days();
    let params = [("Identity", "reception@contoso.example"), ("User", CAROL), ("AccessRights", "FullAccess")];
    events.push(cmdlet("grant", at(1, 10, 15), ADMIN, "Add-MailboxPermission", &params));
    let d = run("AN1107", TENANT_TOML, events);
    assert_quiet(&d);
    assert!(d.suppressions.iter().any(|s| s.rule.starts_with("routine grant") && s.matched == CAROL), "{d:?}");
}

#[test]
fn an_account_never_active_is_still_rare_on_a_short_case_and_the_baseline_is_called_thin() {
    let mut events = two_days();
    let params = [("Name", "Imp-Intern"), ("Role", "ApplicationImpersonation"), ("User", INTERN)];
    events.push(cmdlet("imp", at(1, 2, 40), ADMIN, "New-ManagementRoleAssignment", &params).via(SAO_PAULO));
    let d = run("AN1107", TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &[&format!("grantee {INTERN} was active on 0 day(s)")]);
    reason_with(a, &["baseline thin (1 days of history for admin@contoso.example"]);
    for r in a.reasons.iter().filter(|r| r.contains("outside working hours")) {
        assert!(r.contains("baseline thin"), "unusual on its hour alone: {r}");
    }
}

#[test]
fn a_replayed_token_on_the_first_day_says_the_baseline_is_thin_without_capping() {
    let mut events = vec![
        sign_in("browser", at(0, 8, 30), CAROL, true).session("s1").token("t-browser"),
        sign_in("spo", at(0, 8, 31), CAROL, false).resource(SHAREPOINT).session("s1").token("t-spo"),
    ];
    for i in 0..6 {
        events.push(file_download(&format!("dl-{i}"), at(0, 13, 40 + i), CAROL).via(VPS).session("s1").token("t-spo"));
    }
    let d = run("AN0959", TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["baseline thin (0 days of history for carol@contoso.example", "\"never\" speaks only for"]);
    assert!(a.baseline_insufficient.is_none(), "token evidence stands on its own: {:?}", a.reasons);
}

/// The partner's technician takes FullAccess to the CEO's mailbox and reads it; no sign-in names the partner's
/// tenant, only the technician's domain.
fn unsigned_partner_chain() -> Vec<Event> {
    let grant = cmdlet(
        "grant",
        at(1, 22, 3),
        TECH,
        "Add-MailboxPermission",
        &[("Identity", CEO), ("User", TECH), ("AccessRights", "FullAccess")],
    );
    let mut events = vec![grant.kind(ActorKind::Partner)];
    for i in 0..3 {
        let mut e = mail_read(&format!("read-{i}"), at(2, 1, 2 + i), TECH, CEO, 15).kind(ActorKind::Partner);
        if let Some(m) = e.mailbox.as_mut() {
            m.external_access = Some(true);
        }
        events.push(e);
    }
    events
}

#[test]
fn a_partner_chain_on_a_short_case_says_what_the_logs_cannot_show() {
    let mut events = unsigned_partner_chain();
    let props = [("PartnerTenantId", PARTNER_TENANT), ("PartnerType", "Delegated Administration")];
    let mut trust = audit("trust", at(1, 10, 0), ADMIN, "Add partner to company", "Bluestone IT", &props);
    trust.targets[0].id = Some(PARTNER_TENANT.into());
    trust.source = Some(Source::EntraAudit);
    events.push(trust);
    let d = run("AN1350", TENANT_TOML, events);
    assert!(
        d.alerts.iter().any(|a| a.reasons.iter().any(|r| r.starts_with("baseline thin (0 days of logs"))),
        "{:?}",
        d.alerts
    );
}

#[test]
fn a_partner_known_only_by_domain_is_not_called_untrusted_without_saying_why() {
    let toml = format!("{TENANT_TOML}[allow]\ntrusted_partner_tenants = [\"{PARTNER_TENANT}\"]\n");
    let d = run("AN1350", &toml, unsigned_partner_chain());
    let a = only_alert(&d);
    reason_with(a, &["partner known only by its domain bluestoneit.example", "list the domain"]);
    // Listing the domain is how such a case trusts the partner.
    let toml = format!("{TENANT_TOML}[allow]\ntrusted_partner_tenants = [\"bluestoneit.example\"]\n");
    let d = run("AN1350", &toml, unsigned_partner_chain());
    assert!(d.alerts.iter().all(|a| !a.reasons.iter().any(|r| r.contains("known only by its domain"))));
}
