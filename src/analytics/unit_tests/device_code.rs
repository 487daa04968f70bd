//! device-code: a device-code sign-in by someone who never uses the flow, and what its tokens reached.

use super::build::*;
use super::signin_build::*;
use crate::model::{Event, Severity, Source};
use chrono::{DateTime, Utc};

const ID: &str = "device-code";
const ALICE: &str = "alice@contoso.example";
/// Microsoft Authentication Broker, a client device-code phishing kits like.
const BROKER: &str = "29d9ed98-a469-4536-ade2-f981bc1d605e";

/// Ten office days for Alice, so day 10 has a trusted baseline.
fn history() -> Vec<Event> {
    office_days(ALICE, 10, &[9, 14])
}

/// Alice's interactive device-code sign-in from `place` on session `session`.
fn device_code(id: &str, ts: DateTime<Utc>, place: Place, session: &str) -> Event {
    let e = sign_in(id, ts, ALICE, true).via(place).app(BROKER).session(session);
    with_signin(e, |s| s.auth_protocol = Some("deviceCode".into()))
}

/// A token refresh of a session first obtained by the device-code flow.
fn refresh(id: &str, ts: DateTime<Utc>, place: Place, session: &str) -> Event {
    let mut e = sign_in(id, ts, ALICE, false).via(place).app(BROKER).session(session).ua(PYTHON);
    e.source = Some(Source::SigninNoninteractive);
    with_signin(e, |s| s.original_transfer_method = Some("deviceCodeFlow".into()))
}

/// Graph mail pages read on `session` from `place`.
fn mail_pages(n: usize, ts: DateTime<Utc>, place: Place, session: &str) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let uri = format!("/v1.0/me/messages?$top=50&$skip={}", 50 * i);
            let t = ts + chrono::Duration::seconds(10 * i as i64);
            graph_get(&format!("g{i}"), t, ALICE, &uri, 80_000).via(place).ua(PYTHON).session(session)
        })
        .collect()
}

#[test]
fn fires_critical_when_the_tokens_read_mail_from_another_address() {
    let mut events = history();
    events.push(device_code("dc", at(10, 10, 0), CORP, "s-dc"));
    events.push(refresh("r", at(10, 10, 5), VPS, "s-dc"));
    events.extend(mail_pages(5, at(10, 10, 6), VPS, "s-dc"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(
        a.title,
        "alice@contoso.example signed in with a device code and the session reached mail, files or the directory"
    );
    reason_with(
        a,
        &["2 sign-in(s) of alice@contoso.example with authenticationProtocol deviceCode", "from 198.51.100.10"],
    );
    reason_with(a, &["5 Graph mail/file/directory request(s)"]);
    reason_with(a, &["used from other addresses: 203.0.113.200"]);
    assert!(a.baseline.iter().any(|b| b.contains("on 0 day(s) in the 30 days before")), "{:?}", a.baseline);
    assert_eq!(a.entities.sessions, vec!["s-dc".to_string()]);
    assert_eq!(a.entities.ips, vec![CORP.ip.to_string(), VPS.ip.to_string()]);
    assert!(a.entities.apps.contains(&BROKER.to_string()));
    assert!(a.evidence.contains(&"dc".to_string()) && a.evidence.contains(&"g4".to_string()));
}

#[test]
fn a_lone_device_code_sign_in_is_medium_and_mail_from_the_same_address_high() {
    let mut events = history();
    events.push(device_code("dc", at(10, 10, 0), CORP, "s-dc"));
    let d = run(ID, TENANT_TOML, events.clone());
    let a = only_alert(&d);
    assert_eq!(
        (a.severity, a.title.as_str()),
        (Severity::Medium, "alice@contoso.example signed in with a device code")
    );
    events.extend(mail_pages(3, at(10, 10, 2), CORP, "s-dc"));
    let d = run(ID, TENANT_TOML, events);
    assert_eq!(only_alert(&d).severity, Severity::High);
}

#[test]
fn routine_device_code_use_and_failed_attempts_stay_quiet() {
    // Benign twin: Alice signs in to a meeting-room device by code every few days.
    let mut events = history();
    for d in [3, 6, 8] {
        events.push(device_code(&format!("old{d}"), at(d, 10, 0), CORP, &format!("s{d}")));
    }
    events.push(device_code("dc", at(10, 10, 0), CORP, "s-dc"));
    let d = run(ID, TENANT_TOML, events);
    // The first uses were new and alerted; by day 10 the flow is Alice's habit.
    assert!(!d.alerts.iter().any(|a| a.evidence.contains(&"dc".to_string())), "{:?}", d.alerts);
    assert!(suppression(&d, "baseline: device code routine for the person").examples.contains(&"dc".to_string()));
    // A code that was never completed signs nobody in.
    let mut events = history();
    let mut failed = device_code("dc", at(10, 10, 0), VPS, "s-dc");
    failed.result = crate::model::EventResult::Failure;
    events.push(failed);
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn a_thin_history_never_makes_the_flow_routine() {
    let events: Vec<Event> =
        [7, 8, 9, 10].iter().map(|&d| device_code(&format!("dc{d}"), at(d, 10, 0), CORP, &format!("s{d}"))).collect();
    let d = run(ID, TENANT_TOML, events);
    assert!(!d.alerts.is_empty());
    assert!(d.alerts.iter().all(|a| a.baseline_insufficient.is_some() && a.severity <= Severity::Medium));
}

#[test]
fn allowed_apps_and_people_are_suppressed_by_any_of_their_names() {
    let mut events = history();
    events.push(device_code("dc", at(10, 10, 0), CORP, "s-dc"));
    let app = format!(
        "{TENANT_TOML}[analytics.device-code]\nallowed_apps = [\"{{29D9ED98-A469-4536-ADE2-F981BC1D605E}}\"]\n"
    );
    let d = run(ID, &app, events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allowed_apps").matched, BROKER);
    let by_id: Vec<Event> = events.into_iter().map(|e| with_object_id(e, "a11ce-id")).collect();
    let user = format!("{TENANT_TOML}[analytics.device-code]\nuser_allowlist = [\"A11CE-ID\"]\n");
    let d = run(ID, &user, by_id.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "user_allowlist").matched, "a11ce-id");
    let d = run(ID, &format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"{ALICE}\"]\n"), by_id);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, ALICE);
}

#[test]
fn says_it_is_blind_without_entra_sign_in_logs() {
    let d = run(ID, TENANT_TOML, vec![ual_logon("u", at(1, 9, 0), ALICE, CORP, 0, "")]);
    assert_quiet(&d);
    let cov = coverage_of(&d, ID);
    assert_eq!(cov.status, "blind");
    assert!(cov.notes.iter().any(|n| n.contains("only in the Entra sign-in logs")), "{:?}", cov.notes);
}
