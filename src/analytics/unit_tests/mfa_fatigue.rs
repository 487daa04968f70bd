//! mfa-fatigue: prompts pushed at one person until one is approved, and a person fumbling their own phone.

use super::build::*;
use super::signin_build::*;
use crate::model::{Event, Severity};
use chrono::{DateTime, Duration, Utc};

const ID: &str = "mfa-fatigue";
const ALICE: &str = "alice@contoso.example";
const STRONG_AUTH_FAILED: &str = "Authentication failed during strong authentication request.";

/// Ten office days for Alice, so day 10 has a trusted baseline.
fn history() -> Vec<Event> {
    office_days(ALICE, 10, &[9, 14])
}

/// A push Alice did not approve, with Entra's detail, from `place` at `ts`.
fn failed_push(id: &str, ts: DateTime<Utc>, place: Place, detail: &str) -> Event {
    with_signin(attempt(id, ts, ALICE, place, 500121, STRONG_AUTH_FAILED), |s| {
        s.status_detail = Some(detail.to_string())
    })
}

/// The MFA interrupt that starts a prompt.
fn interrupt(id: &str, ts: DateTime<Utc>, place: Place) -> Event {
    attempt(id, ts, ALICE, place, 50074, "Strong Authentication is required.")
}

/// `n` prompts two minutes apart from `place` on day 10 from 02:00, each an interrupt and a failed push.
fn storm(n: usize, place: Place, detail: &str) -> Vec<Event> {
    (0..n)
        .flat_map(|i| {
            let ts = at(10, 2, 0) + Duration::minutes(2 * i as i64);
            [
                interrupt(&format!("i{i}"), ts, place),
                failed_push(&format!("f{i}"), ts + Duration::seconds(50), place, detail),
            ]
        })
        .collect()
}

#[test]
fn fires_when_pushes_are_denied_and_then_one_is_approved_from_a_new_address() {
    let mut events = history();
    events.extend(storm(4, VPS, "MFA denied; user did not respond to mobile app notification"));
    events.push(attempt("ok", at(10, 2, 9), ALICE, VPS, 0, "").session("s-attacker"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.title, "MFA fatigue against alice@contoso.example: 4 failed prompts, then a sign-in");
    reason_with(a, &["4 MFA prompt(s) for alice@contoso.example did not succeed", "4 denied, timed out or reported"]);
    reason_with(a, &["500121 (Authentication failed during strong authentication request.", "did not respond", "×4"]);
    reason_with(a, &["prompted from 203.0.113.200 (NL, AS14061)"]);
    reason_with(a, &["then signed in successfully from 203.0.113.200", "a prompt was approved"]);
    reason_with(a, &["never signed in from 203.0.113.200"]);
    assert_eq!(a.entities.users, vec![ALICE.to_string()]);
    assert_eq!(a.entities.sessions, vec!["s-attacker".to_string()]);
    assert!(a.evidence.contains(&"f0".to_string()) && a.evidence.contains(&"ok".to_string()));
    assert!(!a.evidence.contains(&"i0".to_string()), "answered interrupts are not failed prompts");
}

#[test]
fn denials_without_a_success_are_medium_and_say_the_password_is_known() {
    let mut events = history();
    events.extend(storm(3, VPS, "MFA denied; user declined the authentication"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.title, "MFA fatigue against alice@contoso.example: 3 failed prompts");
    reason_with(a, &["no successful sign-in followed", "correct password"]);
}

#[test]
fn unanswered_interrupts_count_as_prompts() {
    let mut events = history();
    for i in 0..3 {
        events.push(interrupt(&format!("u{i}"), at(10, 2, 15 * i), VPS));
    }
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["0 denied, timed out or reported, 3 left unanswered"]);
}

#[test]
fn a_fraud_report_makes_it_high() {
    let mut events = history();
    events.extend(storm(3, VPS, "MFA denied; Phone App Reported Fraud"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["alice@contoso.example reported a prompt as fraud"]);
}

#[test]
fn an_ordinary_prompt_two_fumbles_and_non_interactive_interrupts_stay_quiet() {
    // Benign twins: every morning an interrupt answered by a success a minute later; one day two denials before
    // the approval; token refreshes that keep asking for MFA in the background.
    let mut events = history();
    for d in 0..10 {
        events.push(interrupt(&format!("m{d}"), at(d, 8, 59), CORP));
    }
    events.extend(storm(2, HOTEL, "MFA denied; user declined the authentication"));
    events.push(attempt("ok", at(10, 2, 5), ALICE, HOTEL, 0, ""));
    for i in 0..6 {
        let mut e = attempt(&format!("ni{i}"), at(10, 3, 10 * i), ALICE, VPS, 50076, "MFA required");
        e.source = Some(crate::model::Source::SigninNoninteractive);
        e.signin.as_mut().unwrap().interactive = Some(false);
        events.push(e);
    }
    assert_quiet(&run(ID, TENANT_TOML, events));
}

#[test]
fn retries_from_the_persons_usual_address_are_suppressed_but_not_on_a_thin_history() {
    let mut events = history();
    events.extend(storm(3, CORP, "MFA denied; user did not respond to mobile app notification"));
    events.push(attempt("ok", at(10, 2, 8), ALICE, CORP, 0, ""));
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "baseline: MFA retries from the person's usual address").matched, ALICE);
    // Seen only the two days before, Alice's habits are not known yet: the alert stands, capped and saying why.
    let mut events = vec![sign_in("d8", at(8, 9, 0), ALICE, true), sign_in("d9", at(9, 9, 0), ALICE, true)];
    events.extend(storm(3, CORP, "MFA denied; user did not respond to mobile app notification"));
    events.push(attempt("ok", at(10, 2, 8), ALICE, CORP, 0, ""));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.baseline_insufficient.is_some());
}

#[test]
fn allowlisted_people_are_suppressed_by_any_of_their_names() {
    let mut events: Vec<Event> =
        history().into_iter().map(|e| with_object_id(e, "0a11ce00-0000-4000-8000-000000000001")).collect();
    events.extend(storm(3, VPS, "MFA denied; user declined the authentication"));
    let by_id = format!(
        "{TENANT_TOML}[analytics.mfa-fatigue]\nuser_allowlist = [\"{{0A11CE00-0000-4000-8000-000000000001}}\"]\n"
    );
    let d = run(ID, &by_id, events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "user_allowlist").count, 1);
    let by_upn = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"ALICE@contoso.example\"]\n");
    let d = run(ID, &by_upn, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, ALICE);
}

#[test]
fn says_so_when_the_case_holds_no_sign_ins() {
    let d = run(ID, TENANT_TOML, vec![mail_read("m", at(1, 9, 0), ALICE, ALICE, 3)]);
    assert_quiet(&d);
    assert!(coverage_of(&d, ID).notes.iter().any(|n| n.contains("no sign-in of people")));
}
