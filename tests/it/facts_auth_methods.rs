//! MFA and authentication-method reports are read as facts: Microsoft-Extractor-Suite's MFA status CSV (one
//! True/False column per method), Graph `userRegistrationDetails` as JSON or flattened to CSV, and per-user MFA
//! status reports. Each file is in the ledger as a snapshot, the facts answer for the user, and the user's entity
//! page shows their methods and MFA state.

use crate::common::*;
use harrier::facts::Facts;
use harrier::tui::state::entity::{EntityKind, EntityRef};
use harrier::tui::state::entity_facts::entity_facts;

const SUITE: &str = "\u{feff}\"user\",\"MFAstatus\",\"email\",\"fido2\",\"app\",\"password\",\"phone\",\"softwareoath\",\
\"hellobusiness\",\"temporaryAccessPass\",\"certificateBasedAuthConfiguration\"\n\
\"ann@contoso.example\",\"Enabled\",\"False\",\"False\",\"True\",\"True\",\"True\",\"False\",\"False\",\"False\",\"False\"\n\
\"bob@contoso.example\",\"Disabled\",\"False\",\"False\",\"False\",\"True\",\"False\",\"False\",\"False\",\"False\",\"False\"\n";

const REGISTRATION_CSV: &str = "\"id\",\"userPrincipalName\",\"userDisplayName\",\"userType\",\"isAdmin\",\
\"isSsprRegistered\",\"isSsprEnabled\",\"isSsprCapable\",\"isMfaRegistered\",\"isMfaCapable\",\"isPasswordlessCapable\",\
\"methodsRegistered\",\"isSystemPreferredAuthenticationMethodEnabled\",\"systemPreferredAuthenticationMethods\",\
\"userPreferredMethodForSecondaryAuthentication\",\"lastUpdatedDateTime\"\n\
\"0b9c2a61-5b0e-4d57-9a53-3c1f4a0d7e11\",\"ann@contoso.example\",\"Ann\",\"member\",\"True\",\"True\",\"False\",\"False\",\
\"True\",\"True\",\"False\",\"microsoftAuthenticatorPush, mobilePhone\",\"False\",\"\",\"push\",\"2025-04-28T09:12:44Z\"\n\
\"6f1d2e3c-9a8b-4c7d-8e6f-5a4b3c2d1e0f\",\"bob@contoso.example\",\"Bob\",\"member\",\"False\",\"False\",\"False\",\"False\",\
\"False\",\"False\",\"False\",\"\",\"False\",\"\",\"none\",\"2025-04-28T09:12:44Z\"\n";

const REGISTRATION_JSON: &str = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails","value":[{"id":"2c5d9e4f-1a2b-4c3d-8e9f-0a1b2c3d4e5f","userPrincipalName":"cy@contoso.example","userDisplayName":"Cy","userType":"member","isAdmin":false,"isSsprRegistered":false,"isSsprEnabled":false,"isSsprCapable":false,"isMfaRegistered":true,"isMfaCapable":true,"isPasswordlessCapable":false,"methodsRegistered":["softwareOneTimePasscode","fido2"],"isSystemPreferredAuthenticationMethodEnabled":true,"systemPreferredAuthenticationMethods":["Fido2"],"userPreferredMethodForSecondaryAuthentication":"oath","lastUpdatedDateTime":"2025-04-28T09:12:44Z"}]}"#;

const MSOL: &str = "UserPrincipalName,DisplayName,MFA Status,MFA Methods\n\
dee@contoso.example,Dee,Disabled,\n\
eve@contoso.example,Eve,Enforced,PhoneAppNotification; OneWaySMS\n";

#[test]
fn mfa_reports_are_snapshots_that_answer_for_the_user_and_show_on_the_entity_page() {
    let tmp = tempfile::tempdir().unwrap();
    let mfa = tmp.path().join("MFA");
    std::fs::create_dir_all(&mfa).unwrap();
    std::fs::write(mfa.join("202504281012-MFA-AuthenticationMethods.csv"), SUITE).unwrap();
    std::fs::write(mfa.join("202504281012-MFA-UserRegistrationDetails.csv"), REGISTRATION_CSV).unwrap();
    std::fs::write(tmp.path().join("userRegistrationDetails.json"), REGISTRATION_JSON).unwrap();
    std::fs::write(tmp.path().join("MFAStatus.csv"), MSOL).unwrap();
    let (case, ledger) = ingest_dir(tmp.path());
    for (path, n) in [
        ("MFA-AuthenticationMethods.csv", 2),
        ("MFA-UserRegistrationDetails.csv", 2),
        ("userRegistrationDetails.json", 1),
        ("MFAStatus.csv", 2),
    ] {
        let f = file(&ledger, path);
        assert_eq!((f.format.as_str(), f.facts, f.rejected), ("auth_methods_snapshot", n, 0), "{path}: {f:?}");
    }
    assert!(ledger.files.iter().all(|f| f.format != "unsupported"), "no MFA report is set aside");

    let facts = Facts::load(&case.facts_path()).unwrap();
    let ann = facts.auth_methods_of("ann@contoso.example");
    let seen: Vec<(&str, Option<bool>, String)> =
        ann.iter().map(|m| (m.fact.report.as_str(), m.fact.mfa_registered, m.fact.methods.join(","))).collect();
    assert_eq!(
        seen,
        [
            ("methods", Some(true), "password,phone,app".to_string()),
            ("registration details", Some(true), "microsoftAuthenticatorPush,mobilePhone".to_string()),
        ]
    );
    assert_eq!(ann[1].fact.default_method.as_deref(), Some("push"));
    assert_eq!(facts.auth_methods_of("0b9c2a61-5b0e-4d57-9a53-3c1f4a0d7e11").len(), 2, "found by object id too");
    assert!(facts.auth_methods_of("bob@contoso.example").iter().all(|m| m.fact.without_mfa()));
    let cy = &facts.auth_methods_of("cy@contoso.example")[0];
    assert_eq!(cy.fact.methods, ["softwareOneTimePasscode", "fido2"]);
    assert!(facts.auth_methods_of("dee@contoso.example")[0].fact.without_mfa());
    let eve = &facts.auth_methods_of("eve@contoso.example")[0].fact;
    assert_eq!((eve.mfa_registered, eve.methods.len()), (Some(true), 2));

    let page = entity_facts(&facts, &EntityRef::new(EntityKind::User, "bob@contoso.example").unwrap());
    let methods: Vec<_> = page.sections.iter().filter(|s| s.title.starts_with("Sign-in methods")).collect();
    assert_eq!(methods.len(), 2, "one section per report: {page:#?}");
    assert!(methods.iter().all(|s| s.rows[0].notable && s.rows[0].text.starts_with("no MFA registered")));
    assert!(methods[0].snapshot.contains("MFA-AuthenticationMethods.csv"), "{}", methods[0].snapshot);
    let page = entity_facts(&facts, &EntityRef::new(EntityKind::User, "ann@contoso.example").unwrap());
    let texts: Vec<&str> = page.sections.iter().flat_map(|s| &s.rows).map(|r| r.text.as_str()).collect();
    assert!(
        texts.contains(&"MFA registered · microsoftAuthenticatorPush, mobilePhone · prefers push · administrator (registration details)"),
        "{texts:#?}"
    );
}
