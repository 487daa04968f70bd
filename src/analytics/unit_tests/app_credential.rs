//! app-credential: credentials or owners added to apps, and apps registered for a data-theft tool.

use super::build::*;
use crate::model::{ActorKind, Event, ModifiedProperty, Severity, Source, Target};

const ID: &str = "app-credential";
const ADMIN: &str = "admin@contoso.example";
const APP: &str = "3f2e1d0c-5555-4a6b-8c7d-9e0f1a2b3c4d";
const APP_OBJECT: &str = "a1b2c3d4-6666-4e5f-8a9b-0c1d2e3f4a5b";
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

fn office() -> Vec<Event> {
    office_days(ADMIN, 10, &[9, 10, 11, 14])
}

/// An Entra record by the admin at day 10 10:30 on the app `Payroll Sync` of `kind` with `(name, old, new)` changes.
fn on_app(id: &str, op: &str, kind: &str, props: &[(&str, &str, &str)]) -> Event {
    let mut e = audit(id, at(10, 10, 30), ADMIN, op, "Payroll Sync", &[]);
    e.targets[0].kind = Some(kind.into());
    e.targets[0].id = Some(APP_OBJECT.into());
    e.targets[0].modified = props
        .iter()
        .map(|(n, o, v)| ModifiedProperty { name: n.to_string(), old: Some(o.to_string()), new: Some(v.to_string()) })
        .collect();
    e
}

fn secret(id: &str, op: &str, kind: &str) -> Event {
    let key = "[\"[KeyIdentifier=11ca002d-d846-4692-8e1f-501db99f485a,KeyType=Password,KeyUsage=Verify,DisplayName=sync 2]\"]";
    let mut e = on_app(id, op, kind, &[("KeyDescription", "[]", key)]);
    if kind == "ServicePrincipal" {
        e.targets[0].modified.push(ModifiedProperty {
            name: "TargetId.ServicePrincipalNames".into(),
            old: None,
            new: Some(format!("\"{APP}\"")),
        });
    }
    e
}

/// The app was given Mail.Read as an application permission earlier in the case.
fn mail_read_grant() -> Event {
    let mut e = audit(
        "grant",
        at(3, 10, 0),
        ADMIN,
        "Add app role assignment to service principal",
        "Microsoft Graph",
        &[
            ("AppRole.Value", "Mail.Read"),
            ("ServicePrincipal.AppId", APP),
            ("ServicePrincipal.DisplayName", "Payroll Sync"),
        ],
    );
    e.targets[0].kind = Some("ServicePrincipal".into());
    e
}

fn with_office(events: Vec<Event>) -> crate::analytics::Detection {
    let mut all = office();
    all.extend(events);
    run(ID, TENANT_TOML, all)
}

#[test]
fn a_secret_on_a_service_principal_that_reads_mail_is_high() {
    let d = with_office(vec![
        mail_read_grant(),
        secret("sp-secret", "Add service principal credentials", "ServicePrincipal"),
    ]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} added a credential to Payroll Sync ({APP})"));
    reason_with(a, &["secret \"sync 2\" added to service principal Payroll Sync"]);
    reason_with(a, &["holds or asks for mail permissions in the case (Mail.Read)"]);
    assert_eq!(a.entities.apps, vec![APP.to_string()]);
    assert_eq!(a.evidence, vec!["sp-secret".to_string()]);
}

#[test]
fn an_app_registered_with_rclones_reply_address_is_high_in_the_ual_shape() {
    let mut e = event("clony", at(10, 10, 40), Source::UalAzureAd, "Add application.").by(ADMIN);
    e.targets = vec![
        Target {
            id: Some("Application_cee72eb3-e2d1-47e4-aee9-2035ef580de1".into()),
            modified: vec![
                ModifiedProperty {
                    name: "AppAddress".into(),
                    old: Some("[]".into()),
                    new: Some("[{\"AddressType\": 0, \"Address\": \"http://localhost:53682/\"}]".into()),
                },
                ModifiedProperty { name: "AppId".into(), old: Some("[]".into()), new: Some(format!("[\"{APP}\"]")) },
                ModifiedProperty {
                    name: "AvailableToOtherTenants".into(),
                    old: Some("[]".into()),
                    new: Some("[true]".into()),
                },
            ],
            ..Default::default()
        },
        Target { kind: Some("1".into()), id: Some("clony".into()), ..Default::default() },
    ];
    let d = with_office(vec![e]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} registered clony ({APP}) with a data-theft tool's reply address"));
    reason_with(a, &["http://localhost:53682/, the one rclone listens on by default, open to other tenants"]);
    assert_eq!(coverage_of(&d, ID).status, "degraded");
    assert!(coverage_of(&d, ID).notes.iter().any(|n| n.contains("working from ual_azuread")));
}

#[test]
fn a_localhost_reply_address_counts_only_on_an_app_open_to_other_tenants() {
    let reply = ("AppAddress", "[]", "[{\"Address\":\"http://localhost:8400/\"}]");
    let open = ("AvailableToOtherTenants", "[]", "[true]");
    let a = only_alert(&with_office(vec![on_app("multi", "Add application", "Application", &[reply, open])])).clone();
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.title.contains("localhost reply address, open to other tenants"), "{}", a.title);
    assert_quiet(&with_office(vec![on_app("single", "Add application", "Application", &[reply])]));
}

#[test]
fn an_owner_from_outside_the_tenant_is_raised() {
    let mut e = on_app("owner", "Add owner to application", "Application", &[]);
    e.targets.insert(
        0,
        Target { kind: Some("User".into()), upn: Some("dev@fabrikam.example".into()), ..Default::default() },
    );
    let d = with_office(vec![e]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{ADMIN} added an owner to Payroll Sync ({APP_OBJECT})"));
    reason_with(a, &["the new owner dev@fabrikam.example is a guest or outside the tenant's domains"]);
    assert!(a.entities.users.contains(&"dev@fabrikam.example".to_string()));
}

#[test]
fn a_routine_rotation_is_counted_and_the_same_at_night_from_abroad_fires() {
    let op = "Update application – Certificates and secrets management ";
    let d = with_office(vec![secret("rotate", op, "Application")]);
    assert_quiet(&d);
    let s = suppression(
        &d,
        "routine credential rotation (app without mail, file or directory permissions; usual hours and places)",
    );
    assert_eq!((s.matched.as_str(), s.count), (APP_OBJECT, 1));

    let mut night = secret("rotate-night", op, "Application").via(LAGOS);
    night.ts = Some(at(10, 2, 30));
    let a = only_alert(&with_office(vec![night])).clone();
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["acted from country NG"]);
}

#[test]
fn removals_and_managed_identity_keys_stay_quiet() {
    let key =
        "[\"[KeyIdentifier=11ca002d-d846-4692-8e1f-501db99f485a,KeyType=Password,KeyUsage=Verify,DisplayName=old]\"]";
    let removal = on_app(
        "remove",
        "Update application – Certificates and secrets management",
        "Application",
        &[("KeyDescription", key, "[]")],
    );
    let mut msi = on_app(
        "msi",
        "Add service principal",
        "ServicePrincipal",
        &[(
            "KeyDescription",
            "[]",
            "[\"[KeyIdentifier=714a4117,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=x]\"]",
        )],
    );
    msi.actor = crate::model::Actor {
        display_name: Some("Managed Service Identity".into()),
        kind: ActorKind::Sp,
        ..Default::default()
    };
    assert_quiet(&with_office(vec![removal, msi]));
}

#[test]
fn a_federated_credential_is_medium() {
    let fic = r#"[{"Name":"deploy","Issuer":"https://token.actions.githubusercontent.com","Subject":"repo:evil/x:ref:refs/heads/main"}]"#;
    let d = with_office(vec![on_app(
        "fic",
        "Update application",
        "Application",
        &[("FederatedIdentityCredentials", "[]", fic)],
    )]);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["federated identity credential trusting https://token.actions.githubusercontent.com"]);
}

#[test]
fn approved_apps_and_admins_are_suppressed_by_any_of_their_names() {
    for entry in [APP, "payroll sync"] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\napp_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![secret("sp-secret", "Add service principal credentials", "ServicePrincipal")]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "app_allowlist").count, 1, "{entry}");
    }
    let mut e = secret("sp-secret", "Add service principal credentials", "ServicePrincipal");
    e.actor.id = Some("c0ffee00-7777-4a8b-9c0d-1e2f3a4b5c6d".into());
    let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"c0ffee00-7777-4a8b-9c0d-1e2f3a4b5c6d\"]\n");
    assert_eq!(suppression(&run(ID, &toml, vec![e]), "admin_allowlist").count, 1);
}

#[test]
fn says_it_is_blind_without_directory_audit() {
    assert_eq!(coverage_of(&run(ID, TENANT_TOML, office()), ID).status, "blind");
}
