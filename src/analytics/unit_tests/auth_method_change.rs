//! auth-method-change: security info, MFA, app passwords and authenticator devices changed.

use super::build::*;
use crate::model::{ActorKind, Event, ModifiedProperty, Severity, Source, Target};

const ID: &str = "auth-method-change";
const HELPDESK: &str = "helpdesk@contoso.example";
const CAROL: &str = "carol@contoso.example";
const LAGOS: Place = Place { ip: "203.0.113.91", country: Some("NG"), asn: Some(37148) };

fn office() -> Vec<Event> {
    [office_days(HELPDESK, 10, &[9, 10, 11, 14]), office_days(CAROL, 10, &[9, 14])].concat()
}

/// A security-info record `op` by `actor` on `user` at day 10 `hour`:`min`, naming `method`.
fn info(id: &str, op: &str, actor: &str, user: &str, hour: u32, min: u32, method: &str) -> Event {
    let mut e =
        event(id, at(10, hour, min), Source::EntraAudit, op).by(actor).via(CORP).param("AuthenticationMethod", method);
    e.targets = vec![Target { kind: Some("User".into()), upn: Some(user.into()), ..Default::default() }];
    e
}

/// An `Update user` on `user` changing `name` from `old` to `new`, by `actor`.
fn user_update(id: &str, actor: &str, user: &str, hour: u32, name: &str, old: &str, new: &str) -> Event {
    let mut e = event(id, at(10, hour, 0), Source::EntraAudit, "Update user").by(actor);
    e.targets = vec![Target {
        kind: Some("User".into()),
        upn: Some(user.into()),
        modified: vec![ModifiedProperty { name: name.into(), old: Some(old.into()), new: Some(new.into()) }],
        ..Default::default()
    }];
    e
}

fn with_office(events: Vec<Event>) -> crate::analytics::Detection {
    let mut all = office();
    all.extend(events);
    run(ID, TENANT_TOML, all)
}

#[test]
fn a_person_switching_off_their_own_mfa_is_one_high_alert() {
    let requirement = "[{\"RelyingParty\":\"*\",\"State\":1}]";
    let mut events = vec![user_update("req", CAROL, CAROL, 10, "StrongAuthenticationRequirement", requirement, "[]")];
    let mut off = info("off", "Disable Strong Authentication.", CAROL, CAROL, 10, 0, "");
    off.source = Some(Source::UalAzureAd);
    events.push(off);
    events.push(info("apppw", "Delete application password for user.", CAROL, CAROL, 10, 0, ""));
    let d = with_office(events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.title, format!("{CAROL}: MFA switched off by the user"));
    reason_with(a, &["StrongAuthenticationRequirement emptied"]);
    reason_with(a, &["app password deleted for carol@contoso.example"]);
    assert_eq!(a.evidence.len(), 3);
    assert_eq!(a.entities.users, vec![CAROL.to_string()]);
}

#[test]
fn registering_a_method_right_after_a_sign_in_from_a_new_country_fires_with_the_sign_in() {
    let events = vec![
        sign_in("carol-lagos", at(10, 11, 40), CAROL, true).via(LAGOS),
        info("reg", "User registered security info", CAROL, CAROL, 11, 50, "Authenticator App with Notification"),
    ];
    let d = with_office(events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["User registered security info (Authenticator App with Notification)"]);
    reason_with(a, &["10 min before, carol@contoso.example signed in from 203.0.113.91", "country NG"]);
    assert!(a.evidence.contains(&"carol-lagos".to_string()), "{:?}", a.evidence);
}

#[test]
fn a_person_registering_a_new_phone_from_the_office_is_counted_not_alerted() {
    let d = with_office(vec![info("reg", "User registered security info", CAROL, CAROL, 9, 20, "Phone")]);
    assert_quiet(&d);
    let s = suppression(&d, "self-service change with no new-place sign-in, unusual hour or place, or method swap");
    assert_eq!((s.matched.as_str(), s.count), (CAROL, 1));
}

#[test]
fn a_helpdesk_reset_in_working_hours_is_routine_and_the_same_at_night_is_not() {
    let reset = |h: u32| {
        vec![
            info("del", "Admin deleted security info", HELPDESK, CAROL, h, 0, "Authenticator App"),
            info("add", "Admin registered security info", HELPDESK, CAROL, h, 2, "Phone"),
        ]
    };
    let d = with_office(reset(11));
    assert_quiet(&d);
    assert_eq!(suppression(&d, "helpdesk change in working hours from the admin's usual place").count, 2);
    let d = with_office(reset(2));
    let a = only_alert(&d);
    assert_eq!(a.title, format!("{HELPDESK} changed {CAROL}'s sign-in methods: authentication methods removed"));
    reason_with(a, &["acted at Thu 02:00 UTC, outside working hours"]);
    assert_eq!(a.severity, Severity::Medium);
}

#[test]
fn a_temporary_access_pass_is_reported_even_in_working_hours() {
    let mut tap = info("tap", "Admin registered security info", HELPDESK, CAROL, 11, 0, "");
    tap.params.clear();
    tap.result_detail = Some("Admin registered temporary access pass method for user".into());
    let a = only_alert(&with_office(vec![tap])).clone();
    assert_eq!(a.severity, Severity::Medium);
    reason_with(&a, &["temporary access pass issued for carol@contoso.example"]);
}

#[test]
fn a_new_authenticator_device_after_a_new_country_sign_in_fires_and_a_routine_refresh_does_not() {
    let old = r#"[{"DeviceName":"iPhone 13","Id":"aa73","LastAuthenticatedTimestamp":"2025-03-01"}]"#;
    let refreshed = r#"[{"DeviceName":"iPhone 13","Id":"aa73","LastAuthenticatedTimestamp":"2025-03-13"}]"#;
    let added = r#"[{"DeviceName":"iPhone 13","Id":"aa73"},{"DeviceName":"SM-S936B","Id":"6fd4"}]"#;
    let service = |id: &str, new: &str| {
        let mut e = user_update(id, "x", CAROL, 12, "StrongAuthenticationPhoneAppDetail", old, new);
        e.actor = crate::model::Actor {
            display_name: Some("Azure MFA StrongAuthenticationService".into()),
            kind: ActorKind::Sp,
            ..Default::default()
        };
        e
    };
    assert_quiet(&with_office(vec![service("refresh", refreshed)]));
    let events = vec![sign_in("carol-lagos", at(10, 11, 45), CAROL, true).via(LAGOS), service("device", added)];
    let a = only_alert(&with_office(events)).clone();
    reason_with(&a, &["new authenticator app device \"SM-S936B\" (6fd4)"]);
    assert_eq!(a.title, format!("{CAROL}: authentication methods added by the user"));
}

#[test]
fn approved_provisioning_accounts_are_suppressed_by_any_of_their_names() {
    let mut e = info("tap", "Admin registered security info", HELPDESK, CAROL, 11, 0, "Temporary Access Pass");
    e.actor.display_name = Some("Onboarding Robot".into());
    for entry in [HELPDESK, "onboarding robot"] {
        let toml = format!("{TENANT_TOML}[analytics.{ID}]\nadmin_allowlist = [\"{entry}\"]\n");
        let d = run(ID, &toml, vec![e.clone()]);
        assert_quiet(&d);
        assert_eq!(suppression(&d, "admin_allowlist").count, 1, "{entry}");
    }
}

#[test]
fn says_when_sign_ins_or_the_audit_are_missing() {
    let d = run(ID, TENANT_TOML, vec![info("reg", "User registered security info", CAROL, CAROL, 9, 20, "Phone")]);
    assert!(coverage_of(&d, ID).notes.iter().any(|n| n.contains("holds no sign-ins of people")));
    assert_eq!(coverage_of(&run(ID, TENANT_TOML, office()), ID).status, "blind");
}

/// Facts of an MFA registration report taken after the change, showing `upn` with or without MFA.
fn registration_report(upn: &str, mfa: bool, methods: &[&str]) -> crate::facts::Facts {
    use crate::facts::{AuthMethods, Fact, Facts, FactsFile, Snapshot, SnapshotFacts, SnapshotKind, FACTS_VERSION};
    let fact = Fact::AuthMethods(AuthMethods {
        upn: upn.into(),
        report: "registration details".into(),
        mfa_registered: Some(mfa),
        methods: methods.iter().map(|m| m.to_string()).collect(),
        ..AuthMethods::default()
    });
    let snapshot =
        Snapshot { path: "MFA/UserRegistrationDetails.csv".into(), kind: SnapshotKind::AuthMethods, taken: None };
    Facts::from_file(FactsFile {
        version: FACTS_VERSION,
        snapshots: vec![SnapshotFacts { snapshot, facts: vec![fact] }],
    })
}

#[test]
fn a_person_the_mfa_report_shows_without_mfa_registering_a_method_fires_and_others_show_their_methods() {
    let reg = || [office(), vec![info("reg", "User registered security info", CAROL, CAROL, 9, 20, "Phone")]].concat();
    let d = run_with_facts(ID, TENANT_TOML, reg(), registration_report(CAROL, false, &["email"]));
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High, "a firm finding raises the person's own change from medium");
    reason_with(
        a,
        &["UserRegistrationDetails.csv", "with no MFA method registered", "first factor beyond the password"],
    );
    reason_with(a, &["carol@contoso.example per the registration details report", "no MFA registered · email"]);

    let d = run_with_facts(ID, TENANT_TOML, reg(), registration_report(CAROL, true, &["mobilePhone"]));
    assert_quiet(&d);
    let tap = info("tap", "Admin registered security info", HELPDESK, CAROL, 22, 0, "Temporary Access Pass");
    let d = run_with_facts(
        ID,
        TENANT_TOML,
        [office(), vec![tap]].concat(),
        registration_report(CAROL, true, &["mobilePhone"]),
    );
    reason_with(only_alert(&d), &["per the registration details report", "MFA registered · mobilePhone"]);
}
