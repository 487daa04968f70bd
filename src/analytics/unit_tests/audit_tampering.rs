//! audit-tampering: auditing, alerting or data-protection controls switched off or shortened.

use super::build::*;
use crate::model::{Event, EventResult, Severity, Source};

const ID: &str = "audit-tampering";
const ADMIN: &str = "admin@contoso.example";
const ALEX: &str = "alex@contoso.example";
/// A place the admin never worked from.
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

/// Ten office days (days 0–9) for the admin.
fn office() -> Vec<Event> {
    office_days(ADMIN, 10, &[9, 10, 11, 14])
}

fn run_with(events: Vec<Event>) -> crate::analytics::Detection {
    run(ID, TENANT_TOML, events)
}

#[test]
fn unified_audit_ingestion_off_in_working_hours_is_high() {
    let mut events = office();
    events.push(cmdlet(
        "ual-off",
        at(10, 10, 30),
        ADMIN,
        "Set-AdminAuditLogConfig",
        &[("UnifiedAuditLogIngestionEnabled", "False")],
    ));
    let d = run_with(events);
    let a = only_alert(&d);
    assert_eq!(a.analytic, ID);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(
        a.title,
        format!("{ADMIN} weakened auditing: Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled False")
    );
    reason_with(a, &["UnifiedAuditLogIngestionEnabled False", "Thu 10:30 UTC"]);
    assert_eq!(a.entities.users, vec![ADMIN.to_string()]);
    assert_eq!(a.evidence, vec!["ual-off".to_string()]);
    assert_eq!(a.techniques, vec!["T1562.008".to_string(), "T1562.001".to_string()]);
}

#[test]
fn a_mailbox_audit_bypass_at_night_from_a_new_country_is_critical() {
    let mut events = office();
    let params = [("Identity", ALEX), ("AuditBypassEnabled", "True")];
    events.push(cmdlet("bypass", at(10, 2, 10), ADMIN, "Set-MailboxAuditBypassAssociation", &params).via(LAGOS));
    let d = run_with(events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    reason_with(a, &["AuditBypassEnabled True on alex@contoso.example"]);
    reason_with(a, &["acted at Thu 02:10 UTC, outside working hours", "held 0.0% of their"]);
    assert_eq!(a.entities.ips, vec![LAGOS.ip.to_string()]);
}

#[test]
fn audit_retention_cut_to_zero_is_high_and_to_thirty_days_medium() {
    for (value, severity, days) in [("00:00:00", Severity::High, "0.0"), ("30.00:00:00", Severity::Medium, "30.0")] {
        let mut events = office();
        let params = [("Identity", ALEX), ("AuditLogAgeLimit", value)];
        events.push(cmdlet("age", at(10, 11, 0), ADMIN, "Set-Mailbox", &params));
        let d = run_with(events);
        let a = only_alert(&d);
        assert_eq!(a.severity, severity, "{value}");
        reason_with(a, &[&format!("keeps {days} day(s) of audit records, under 90 day(s)")]);
    }
}

#[test]
fn mailbox_audit_off_dlp_removed_and_alert_disabled_each_fire() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Severity);
    let cases: [Case; 4] = [
        ("Set-Mailbox", &[("Identity", ALEX), ("AuditEnabled", "$false")], Severity::High),
        ("Remove-DlpCompliancePolicy", &[("Identity", "Credit card numbers")], Severity::Medium),
        ("Set-ProtectionAlert", &[("Identity", "Creation of forwarding rule"), ("Disabled", "True")], Severity::Medium),
        ("Set-OrganizationConfig", &[("AuditDisabled", "True")], Severity::High),
    ];
    for (op, params, severity) in cases {
        let mut events = office();
        let mut ev = cmdlet("act", at(10, 11, 0), ADMIN, op, params);
        if op.contains("Dlp") || op.contains("Protection") {
            ev.source = Some(Source::UalOther);
        }
        events.push(ev);
        let d = run_with(events);
        let a = only_alert(&d);
        assert_eq!(a.severity, severity, "{op}");
        assert!(a.title.contains(op), "{}", a.title);
    }
}

/// An `Update user` record whose licence change disables `disabled` plans, as Entra writes it.
fn licence_change(id: &str, old: &str, new: &str) -> Event {
    let mut e = audit(id, at(10, 11, 0), ADMIN, "Update user", "Matt", &[]);
    e.targets[0].upn = Some("matt@contoso.example".into());
    e.targets[0].modified.push(crate::model::ModifiedProperty {
        name: "AssignedLicense".into(),
        old: Some(format!("[\"[SkuName=SPE_E5, DisabledPlans=[{old}]]\"]")),
        new: Some(format!("[\"[SkuName=SPE_E5, DisabledPlans=[{new}]]\"]")),
    });
    e
}

#[test]
fn the_advanced_auditing_plan_disabled_on_a_licence_fires_in_either_record_shape() {
    let mut events = office();
    events.push(licence_change("lic", "", "M365_ADVANCED_AUDITING,EQUIVIO_ANALYTICS"));
    let d = run_with(events);
    let a = only_alert(&d);
    reason_with(a, &["M365_ADVANCED_AUDITING service plan disabled on the user's licence on matt@contoso.example"]);
    assert!(a.entities.users.contains(&"matt@contoso.example".to_string()), "{:?}", a.entities.users);

    // The UAL copy buries the same change, escaped, in additionalDetails.
    let details = r#"{"b":"{\"targetUpdatedProperties\":\"[{\\\"Name\\\":\\\"AssignedLicense\\\",\\\"OldValue\\\":[\\\"[SkuName=SPE_E5, DisabledPlans=[]]\\\"],\\\"NewValue\\\":[\\\"[SkuName=SPE_E5, DisabledPlans=[M365_ADVANCED_AUDITING]]\\\"]}]\"}"}"#;
    let mut ual = event("lic-ual", at(10, 11, 0), Source::UalAzureAd, "Update user.")
        .by(ADMIN)
        .param("additionalDetails", details);
    ual.targets.push(crate::model::Target { id: Some("matt@contoso.example".into()), ..Default::default() });
    let mut events = office();
    events.push(ual);
    let d = run_with(events);
    reason_with(only_alert(&d), &["M365_ADVANCED_AUDITING service plan disabled"]);
}

#[test]
fn turning_controls_back_on_and_long_retention_stay_quiet() {
    let mut events = office();
    events.push(cmdlet(
        "on",
        at(10, 10, 0),
        ADMIN,
        "Set-AdminAuditLogConfig",
        &[("UnifiedAuditLogIngestionEnabled", "True")],
    ));
    events.push(cmdlet(
        "audit-on",
        at(10, 10, 5),
        ADMIN,
        "Set-Mailbox",
        &[("Identity", ALEX), ("AuditEnabled", "True")],
    ));
    events.push(cmdlet(
        "long",
        at(10, 10, 6),
        ADMIN,
        "Set-Mailbox",
        &[("Identity", ALEX), ("AuditLogAgeLimit", "180.00:00:00")],
    ));
    events.push(cmdlet(
        "no-bypass",
        at(10, 10, 7),
        ADMIN,
        "Set-MailboxAuditBypassAssociation",
        &[("AuditBypassEnabled", "False")],
    ));
    events.push(cmdlet("fwd", at(10, 10, 8), ADMIN, "Set-Mailbox", &[("ForwardingSmtpAddress", "a@b.example")]));
    events.push(licence_change("relicensed", "M365_ADVANCED_AUDITING", ""));
    assert_quiet(&run_with(events));
}

#[test]
fn one_admins_changes_in_a_day_are_one_alert_raised_for_their_variety() {
    let mut events = office();
    events.push(cmdlet("dlp", at(10, 10, 0), ADMIN, "Remove-DlpCompliancePolicy", &[("Identity", "PCI")]));
    events.push(cmdlet("alert", at(10, 10, 20), ADMIN, "Set-ProtectionAlert", &[("Disabled", "true")]));
    let d = run_with(events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} made 2 changes that weaken auditing"));
    reason_with(a, &["2 different kinds of change by one actor within the window"]);
    assert_eq!(a.evidence, vec!["dlp".to_string(), "alert".to_string()]);
}

#[test]
fn a_failed_attempt_is_reported_one_step_lower() {
    let mut events = office();
    let mut ev = cmdlet(
        "try",
        at(10, 10, 30),
        ADMIN,
        "Set-AdminAuditLogConfig",
        &[("UnifiedAuditLogIngestionEnabled", "False")],
    );
    ev.result = EventResult::Failure;
    events.push(ev);
    let a = only_alert(&run_with(events)).clone();
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["did not go through"]);
}

#[test]
fn approved_admins_are_suppressed_by_any_of_their_names() {
    let mut ev = cmdlet(
        "ual-off",
        at(10, 10, 30),
        ADMIN,
        "Set-AdminAuditLogConfig",
        &[("UnifiedAuditLogIngestionEnabled", "False")],
    );
    ev.actor.id = Some("0b6e2c1d-1111-4a2b-9c3d-5e6f7a8b9c0d".into());
    ev.actor.display_name = Some("Contoso Admin".into());
    for entry in [ADMIN, "{0B6E2C1D-1111-4A2B-9C3D-5E6F7A8B9C0D}", "Contoso Admin"] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"{entry}\"]\n");
        let mut events = office();
        events.push(ev.clone());
        let d = run(ID, &toml, events);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "admin_allowlist").count, 1, "{entry}");
    }
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{ADMIN}\"]\n");
    let d = run(ID, &toml, vec![ev]);
    assert_quiet(&d);
    suppression(&d, "allow.automation_accounts");
}

#[test]
fn says_it_is_blind_without_audit_sources_and_counts_records_without_a_time() {
    let d = run_with(office());
    assert_eq!(coverage_of(&d, ID).status, "blind");
    let mut untimed = cmdlet(
        "no-time",
        at(10, 10, 0),
        ADMIN,
        "Set-AdminAuditLogConfig",
        &[("UnifiedAuditLogIngestionEnabled", "False")],
    );
    untimed.ts = None;
    let d = run_with(vec![untimed]);
    assert_quiet(&d);
    assert!(coverage_of(&d, ID).notes.iter().any(|n| n.contains("1 record(s) of interest carry no time")));
}
