//! privileged-role: tenant-controlling directory roles assigned, made eligible or activated.

use super::build::*;
use crate::model::{ActorKind, Event, Severity, Target};

const ID: &str = "privileged-role";
const ADMIN: &str = "admin@contoso.example";
const CAROL: &str = "carol@contoso.example";
const GA: &str = "62e90394-69f5-4237-9190-012177145e10";
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

/// Ten office days (days 0–9) for the admin and for Carol.
fn office() -> Vec<Event> {
    [office_days(ADMIN, 10, &[9, 10, 11, 14]), office_days(CAROL, 10, &[9, 14])].concat()
}

/// `Add member to role` of `role` for the user `grantee`, by `actor` at `ts`.
fn assign(id: &str, ts: chrono::DateTime<chrono::Utc>, actor: &str, role: &str, grantee: &str) -> Event {
    let mut e =
        audit(id, ts, actor, "Add member to role", grantee, &[("Role.DisplayName", role), ("Role.TemplateId", GA)]);
    if role != "Global Administrator" {
        e.targets[0].modified.retain(|m| m.name != "Role.TemplateId");
    }
    e.targets[0].upn = Some(grantee.to_string());
    e.targets[0].kind = Some("User".into());
    e
}

/// A PIM activation of Global Administrator by `upn` with `justification` (empty for none).
fn activation(id: &str, ts: chrono::DateTime<chrono::Utc>, upn: &str, justification: &str) -> Event {
    let mut e = event(id, ts, crate::model::Source::EntraAudit, "Add member to role completed (PIM activation)")
        .by(upn)
        .via(CORP);
    e.targets = vec![
        Target {
            kind: Some("Role".into()),
            id: Some(GA.into()),
            name: Some("Global Administrator".into()),
            ..Default::default()
        },
        Target { kind: Some("User".into()), upn: Some(upn.into()), name: Some("Admin".into()), ..Default::default() },
    ];
    e.result_detail = Some(justification.to_string()).filter(|j| !j.is_empty());
    e
}

fn alert_of(events: Vec<Event>) -> crate::analytics::Alert {
    let mut all = office();
    all.extend(events);
    only_alert(&run(ID, TENANT_TOML, all)).clone()
}

#[test]
fn global_admin_for_an_account_made_minutes_before_at_night_from_abroad_is_critical() {
    let mut created = audit("add-user", at(10, 2, 0), ADMIN, "Add user", "Backup Ops", &[]);
    created.targets[0].upn = Some("backup.ops@contoso.example".into());
    let grant = assign("ga", at(10, 2, 5), ADMIN, "Global Administrator", "backup.ops@contoso.example").via(LAGOS);
    let a = alert_of(vec![created, grant]);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.title, format!("{ADMIN} assigned Global Administrator to backup.ops@contoso.example"));
    reason_with(&a, &["assigned Global Administrator, a role that controls the whole tenant"]);
    reason_with(&a, &["was created in the case 5 min before"]);
    reason_with(&a, &["acted from country NG"]);
    assert_eq!(a.entities.users, vec![ADMIN.to_string(), "backup.ops@contoso.example".to_string()]);
    assert_eq!(a.evidence, vec!["ga".to_string()]);
}

#[test]
fn an_exchange_admin_role_for_an_active_colleague_in_working_hours_is_medium() {
    let a = alert_of(vec![assign("exo", at(10, 10, 0), ADMIN, "Exchange Administrator", CAROL)]);
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, format!("{ADMIN} assigned Exchange Administrator to {CAROL}"));
}

#[test]
fn guests_service_principals_and_self_assignment_raise_it() {
    let guest = "mallory_evil.example#ext#@contoso.example";
    let a = alert_of(vec![assign("guest", at(10, 10, 0), ADMIN, "Exchange Administrator", guest)]);
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["is a guest or an account outside the tenant's domains"]);

    let mut sp = assign("sp", at(10, 10, 0), ADMIN, "Application Administrator", "Sync Helper");
    sp.targets[0].upn = None;
    sp.targets[0].kind = Some("ServicePrincipal".into());
    sp.targets[0].id = Some("7c1e5a2b-3333-4c4d-8e5f-6a7b8c9d0e1f".into());
    let a = alert_of(vec![sp]);
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["the grantee is a service principal (Sync Helper)"]);
    assert_eq!(a.entities.apps, vec!["7c1e5a2b-3333-4c4d-8e5f-6a7b8c9d0e1f".to_string()]);

    let a = alert_of(vec![assign("self", at(10, 10, 0), CAROL, "Security Administrator", CAROL)]);
    assert_eq!(a.severity, Severity::High);
    reason_with(&a, &["gave the role to themselves"]);
}

#[test]
fn eligibility_is_reported_as_such() {
    let mut e = assign("elig", at(10, 10, 0), ADMIN, "Privileged Role Administrator", CAROL);
    e.operation = "Add eligible member to role in PIM completed (permanent)".into();
    let a = alert_of(vec![e]);
    assert_eq!(a.title, format!("{ADMIN} made {CAROL} eligible for Privileged Role Administrator"));
    assert_eq!(a.severity, Severity::High);
}

#[test]
fn a_justified_pim_activation_by_the_usual_admin_in_working_hours_is_routine() {
    let mut all = office();
    all.push(activation("pim", at(10, 9, 30), ADMIN, "CHG-1042 quarterly licence review"));
    let d = run(ID, TENANT_TOML, all);
    assert_quiet(&d);
    let s = suppression(&d, "routine PIM activation (working hours, justified, usual place)");
    assert_eq!((s.matched.as_str(), s.count), (ADMIN, 1));
}

#[test]
fn an_unjustified_pim_activation_at_night_fires() {
    let a = alert_of(vec![activation("pim-night", at(10, 3, 10), ADMIN, "")]);
    assert!(a.severity >= Severity::High, "{:?}", a.severity);
    assert_eq!(a.title, format!("{ADMIN} activated Global Administrator through PIM"));
    reason_with(&a, &["no justification recorded"]);
    reason_with(&a, &["outside working hours"]);
}

#[test]
fn the_directory_copy_of_a_pim_activation_is_counted_once() {
    let mut copy = assign("copy", at(10, 9, 31), "ms-pim", "Global Administrator", ADMIN);
    copy.actor.upn = None;
    copy.actor.kind = ActorKind::Sp;
    copy.actor.display_name = Some("MS-PIM".into());
    copy.app_id = Some("01fc33a7-78ba-4d2f-a4b7-768e336e890e".into());
    let mut all = office();
    all.push(activation("pim", at(10, 9, 30), ADMIN, "CHG-1042"));
    all.push(copy);
    let d = run(ID, TENANT_TOML, all);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "directory copy of a PIM record").count, 1);
}

#[test]
fn roles_outside_the_list_stay_quiet() {
    let mut all = office();
    all.push(assign("reader", at(10, 2, 0), ADMIN, "Reports Reader", CAROL));
    assert_quiet(&run(ID, TENANT_TOML, all));
}

#[test]
fn approved_role_managers_are_suppressed_by_any_of_their_names() {
    let mut e = assign("ga", at(10, 10, 0), ADMIN, "Global Administrator", CAROL);
    e.actor.id = Some("9a8b7c6d-4444-4e5f-8a9b-0c1d2e3f4a5b".into());
    e.actor.display_name = Some("Identity Governance".into());
    for entry in [ADMIN, "9a8b7c6d-4444-4e5f-8a9b-0c1d2e3f4a5b", "identity governance"] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![e.clone()]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "admin_allowlist").count, 1, "{entry}");
    }
}

#[test]
fn says_it_is_blind_without_directory_audit() {
    let d = run(ID, TENANT_TOML, office());
    assert_eq!(coverage_of(&d, ID).status, "blind");
}
