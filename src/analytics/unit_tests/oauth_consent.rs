//! oauth-consent: consent and grants to apps with mail, file, directory or offline-access scopes.

use super::build::*;
use crate::model::{Event, ModifiedProperty, Severity, Target};

const ID: &str = "oauth-consent";
const ADMIN: &str = "admin@contoso.example";
const CAROL: &str = "carol@contoso.example";
const DAN: &str = "dan@contoso.example";
const ERIN: &str = "erin@contoso.example";
const APP: &str = "8e7d6c5b-8888-4a3b-9c2d-1e0f9a8b7c6d";
const APP_OBJECT: &str = "0f1e2d3c-9999-4b5a-8c7d-6e5f4a3b2c1d";
const TEAMS: &str = "1fec8e78-bce4-4aaf-ab1b-5451cc387264";
const GRAPH_CLI_APP: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

fn office() -> Vec<Event> {
    [
        office_days(ADMIN, 10, &[9, 10, 11, 14]),
        office_days(CAROL, 10, &[9, 14]),
        office_days(DAN, 10, &[9, 14]),
        office_days(ERIN, 10, &[9, 14]),
    ]
    .concat()
}

/// `Consent to application` by `upn` at day 10 `hour`:30 to the app `app` named `name`, for `scope`.
fn consent(id: &str, upn: &str, hour: u32, app: &str, name: &str, scope: &str, admin: bool) -> Event {
    let permissions = format!(
        "[] => [[Id: x, ClientId: {APP_OBJECT}, PrincipalId: , ResourceId: r, ConsentType: {}, Scope: {scope}, ]]; ",
        if admin { "AllPrincipals" } else { "Principal" }
    );
    let mut e = audit(id, at(10, hour, 30), upn, "Consent to application", name, &[]);
    e.targets[0].kind = Some("ServicePrincipal".into());
    e.targets[0].id = Some(APP_OBJECT.into());
    let prop = |n: &str, v: &str| ModifiedProperty { name: n.into(), old: None, new: Some(v.into()) };
    e.targets[0].modified = vec![
        prop("ConsentContext.IsAdminConsent", if admin { "True" } else { "False" }),
        prop("ConsentContext.OnBehalfOfAll", if admin { "True" } else { "False" }),
        prop("ConsentAction.Permissions", &permissions),
        prop("TargetId.ServicePrincipalNames", &format!("\"{app}\"")),
    ];
    e
}

fn mail_consent(id: &str, upn: &str, hour: u32) -> Event {
    consent(id, upn, hour, APP, "Secure Docs Viewer", "Mail.Read offline_access User.Read", false)
}

fn with_office(events: Vec<Event>) -> crate::analytics::Detection {
    let mut all = office();
    all.extend(events);
    run(ID, TENANT_TOML, all)
}

#[test]
fn a_users_consent_to_read_mail_offline_is_medium() {
    let d = with_office(vec![mail_consent("c1", CAROL, 10)]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, format!("{CAROL} consented to Secure Docs Viewer ({APP}): mail, offline access scopes"));
    reason_with(
        a,
        &["Consent to application by carol@contoso.example (consent for themselves): Mail.Read, offline_access"],
    );
    reason_with(a, &[&format!("the case shows no activity of app {APP} before the consent")]);
    assert_eq!(a.entities.apps, vec![APP.to_string()]);
    assert_eq!(a.entities.users, vec![CAROL.to_string()]);
}

#[test]
fn a_consent_right_after_a_sign_in_from_a_new_country_is_raised_and_the_sign_in_is_evidence() {
    let mut events = vec![sign_in("carol-lagos", at(10, 10, 5), CAROL, true).via(LAGOS)];
    events.push(mail_consent("c1", CAROL, 10));
    let d = with_office(events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["25 min before, carol@contoso.example signed in from 203.0.113.91", "country NG"]);
    assert!(a.evidence.contains(&"carol-lagos".to_string()), "{:?}", a.evidence);
    assert!(a.entities.ips.contains(&LAGOS.ip.to_string()));
}

#[test]
fn admin_consent_for_everyone_to_an_app_that_just_arrived_is_critical() {
    let mut sp =
        audit("sp", at(10, 10, 25), ADMIN, "Add service principal", "Secure Docs Viewer", &[("AppPrincipalId", APP)]);
    sp.targets[0].kind = Some("ServicePrincipal".into());
    sp.targets[0].id = Some(APP_OBJECT.into());
    let admin = consent("c-admin", ADMIN, 10, APP, "Secure Docs Viewer", "Mail.ReadWrite Files.ReadWrite.All", true);
    let a = only_alert(&with_office(vec![sp, admin])).clone();
    assert_eq!(a.severity, Severity::Critical);
    reason_with(&a, &["consent for the whole tenant"]);
    reason_with(&a, &["service principal was created in the tenant 5 min before"]);
}

#[test]
fn a_wave_of_consents_to_one_app_is_one_alert() {
    let d = with_office(vec![mail_consent("c1", CAROL, 10), mail_consent("c2", DAN, 11), mail_consent("c3", ERIN, 13)]);
    let a = only_alert(&d);
    assert_eq!(a.title, format!("3 people consented to Secure Docs Viewer ({APP}): mail, offline access scopes"));
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["3 different people consented to the same app"]);
    assert_eq!(a.evidence.len(), 3);
}

#[test]
fn offline_access_alone_is_low_and_a_profile_read_is_nothing() {
    let d = with_office(vec![consent("c1", CAROL, 10, APP, "Calendar Sync", "offline_access User.Read", false)]);
    assert_eq!(only_alert(&d).severity, Severity::Low);
    assert_quiet(&with_office(vec![consent("c2", CAROL, 10, APP, "Name Badge", "User.Read openid profile", false)]));
}

#[test]
fn microsofts_own_apps_are_counted_but_command_line_tools_still_fire() {
    let d = with_office(vec![consent(
        "teams",
        CAROL,
        10,
        TEAMS,
        "Microsoft Teams",
        "Mail.Read Files.ReadWrite.All",
        false,
    )]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "first-party Microsoft app").matched, TEAMS);
    let cli = consent(
        "cli",
        CAROL,
        10,
        GRAPH_CLI_APP,
        "Microsoft Graph Command Line Tools",
        "Directory.ReadWrite.All",
        false,
    );
    let d = with_office(vec![cli]);
    reason_with(only_alert(&d), &["Directory.ReadWrite.All"]);
}

#[test]
fn a_delegated_grant_naming_the_client_by_object_id_joins_its_consent() {
    let mut grant = audit(
        "grant",
        at(10, 10, 30),
        CAROL,
        "Add delegated permission grant",
        "Microsoft Graph",
        &[("DelegatedPermissionGrant.Scope", "Mail.Read offline_access"), ("ServicePrincipal.ObjectID", APP_OBJECT)],
    );
    grant.targets.push(Target { kind: Some("ServicePrincipal".into()), ..Default::default() });
    let d = with_office(vec![mail_consent("c1", CAROL, 10), grant]);
    let a = only_alert(&d);
    assert_eq!(a.evidence.len(), 2, "{:?}", a.evidence);
}

#[test]
fn approved_apps_and_admins_are_suppressed_by_any_of_their_names() {
    for entry in [APP, "secure docs viewer", APP_OBJECT] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\napproved_apps = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![mail_consent("c1", CAROL, 10)]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "approved_apps").count, 1, "{entry}");
    }
    let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"{CAROL}\"]\n");
    assert_eq!(suppression(&run(ID, &toml, vec![mail_consent("c1", CAROL, 10)]), "admin_allowlist").count, 1);
}

#[test]
fn says_when_sign_ins_or_the_audit_are_missing() {
    let d = run(ID, TENANT_TOML, vec![mail_consent("c1", CAROL, 10)]);
    assert!(
        coverage_of(&d, ID).notes.iter().any(|n| n.contains("holds no sign-ins of people")),
        "{:?}",
        coverage_of(&d, ID).notes
    );
    assert_eq!(coverage_of(&run(ID, TENANT_TOML, office()), ID).status, "blind");
}
