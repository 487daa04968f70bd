//! risky-sign-in: Identity Protection's risk on sign-ins, weighed by success and what the session reached.

use super::build::*;
use super::signin_build::*;
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};

const ID: &str = "risky-sign-in";
const ALICE: &str = "alice@contoso.example";

/// Alice's sign-in from a server abroad on session `s-risk` with the given risk during sign-in and state.
fn risky(id: &str, ts: DateTime<Utc>, level: &str, state: &str, types: &[&str]) -> Event {
    let e = sign_in(id, ts, ALICE, true).via(VPS).session("s-risk");
    with_signin(e, |s| {
        s.risk_level = Some(level.to_string()).filter(|l| !l.is_empty());
        s.risk_level_aggregated = Some("low".into());
        s.risk_state = Some(state.to_string());
        s.risk_event_types = types.iter().map(|t| t.to_string()).collect();
    })
}

fn history() -> Vec<Event> {
    office_days(ALICE, 10, &[9])
}

#[test]
fn a_successful_high_risk_sign_in_whose_session_reads_mail_is_critical() {
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "high", "atRisk", &["anonymizedIPAddress", "unfamiliarFeatures"]));
    events.push(mail_read("m", at(10, 3, 5), ALICE, ALICE, 120).via(VPS).session("s-risk"));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(
        a.title,
        "Risky sign-in of alice@contoso.example (high risk: anonymizedIPAddress, unfamiliarFeatures) and the session \
         reached mail, files or the directory"
    );
    reason_with(
        a,
        &[
            "from 203.0.113.200 (NL, AS14061)",
            "succeeded",
            "risk during sign-in high, aggregated risk low, state atRisk",
            "detections anonymizedIPAddress, unfamiliarFeatures",
        ],
    );
    reason_with(a, &["120 mail item(s) read"]);
    assert_eq!(a.entities.sessions, vec!["s-risk".to_string()]);
    assert!(a.evidence.contains(&"m".to_string()));
}

#[test]
fn the_level_sets_the_base_and_a_blocked_sign_in_is_a_step_lower() {
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "medium", "atRisk", &["unfamiliarFeatures"]));
    let d = run(ID, TENANT_TOML, events);
    assert_eq!(only_alert(&d).severity, Severity::Medium);
    let mut events = history();
    let mut blocked = risky("r", at(10, 3, 0), "high", "atRisk", &["maliciousIPAddress"]);
    blocked.result = crate::model::EventResult::Failure;
    blocked.result_detail = Some("53003: Access has been blocked by Conditional Access policies.".into());
    blocked.signin.as_mut().unwrap().error_code = Some(53003);
    events.push(blocked);
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["failed (53003 (Access has been blocked by Conditional Access policies.))"]);
    reason_with(a, &["no risky sign-in of the group succeeded"]);
}

#[test]
fn a_single_factor_success_raises_and_confirmed_compromise_is_critical() {
    let mut events = history();
    events.push(with_signin(risky("r", at(10, 3, 0), "medium", "atRisk", &[]), |s| {
        s.auth_requirement = Some("singleFactorAuthentication".into())
    }));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High);
    reason_with(a, &["succeeded with a single factor"]);
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "low", "confirmedCompromised", &[]));
    let d = run(ID, TENANT_TOML, events);
    assert_eq!(only_alert(&d).severity, Severity::Critical);
}

#[test]
fn a_hidden_level_with_the_user_at_risk_is_not_taken_as_low() {
    let mut events = history();
    let e = with_signin(risky("r", at(10, 3, 0), "", "atRisk", &[]), |s| s.risk_level_aggregated = None);
    events.push(e);
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert!(a.title.contains("unknown risk"), "{}", a.title);
    assert_eq!(a.severity, Severity::Medium);
}

#[test]
fn low_settled_and_remediated_risk_are_quiet_or_lower() {
    // Low risk is below the default minimum: counted, quiet; with the minimum at low it fires as low.
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "low", "atRisk", &["unfamiliarFeatures"]));
    let d = run(ID, TENANT_TOML, events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "min_risk_level").matched, ALICE);
    let d = run(ID, &format!("{TENANT_TOML}[analytics.risky-sign-in]\nmin_risk_level = \"low\"\n"), events);
    assert_eq!(only_alert(&d).severity, Severity::Low);
    // Benign twin: an admin looked at it and dismissed it.
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "high", "dismissed", &["unfamiliarFeatures"]));
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "settled_states").count, 1);
    // Remediated by the user passing MFA: still shown, a step lower.
    let mut events = history();
    events.push(risky("r", at(10, 3, 0), "high", "remediated", &["unfamiliarFeatures"]));
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Medium);
    reason_with(a, &["marked the risk remediated"]);
}

#[test]
fn allowlisted_people_are_suppressed_by_any_of_their_names() {
    let mut events: Vec<Event> = history().into_iter().map(|e| with_object_id(e, "0a11ce")).collect();
    events.push(with_object_id(risky("r", at(10, 3, 0), "high", "atRisk", &[]), "0a11ce"));
    let d =
        run(ID, &format!("{TENANT_TOML}[analytics.risky-sign-in]\nuser_allowlist = [\"0A11CE\"]\n"), events.clone());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "user_allowlist").matched, "0a11ce");
    let d = run(ID, &format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"Alice@Contoso.example\"]\n"), events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.automation_accounts").matched, ALICE);
}

#[test]
fn says_it_is_blind_without_entra_sign_in_logs() {
    let d = run(ID, TENANT_TOML, vec![ual_logon("u", at(1, 9, 0), ALICE, CORP, 0, "")]);
    assert_quiet(&d);
    let cov = coverage_of(&d, ID);
    assert_eq!(cov.status, "blind");
    assert!(cov.notes.iter().any(|n| n.contains("only by the Entra sign-in logs")), "{:?}", cov.notes);
}

#[test]
fn sign_ins_without_identity_protection_fields_are_counted_as_risk_unknown_not_as_no_risk() {
    // A portal CSV download: no risk fields on any sign-in. Quiet, and the coverage says why it cannot be trusted.
    let portal = |mut e: Event| {
        e.signin.get_or_insert_with(Default::default).no_risk_fields = true;
        e
    };
    let events: Vec<Event> = history().into_iter().map(portal).collect();
    let all = events.iter().filter(|e| e.source.is_some_and(|s| s.is_signin())).count();
    let d = run(ID, TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(coverage_of(&d, ID).status, "blind", "a quiet result over sign-ins of unknown risk is not 'ok'");
    let notes = &coverage_of(&d, ID).notes;
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("risk unknown: none of the {all} Entra sign-ins")) && n.contains("CSV")),
        "{notes:?}"
    );
    // Exports mixed: the risky sign-in from the JSON export still alerts, and the rest are counted.
    let mut events: Vec<Event> = history().into_iter().map(portal).collect();
    events.push(risky("r", at(10, 3, 0), "high", "atRisk", &["unfamiliarFeatures"]));
    let d = run(ID, TENANT_TOML, events);
    only_alert(&d);
    assert_eq!(coverage_of(&d, ID).status, "degraded");
    let notes = &coverage_of(&d, ID).notes;
    assert!(
        notes.iter().any(|n| n.contains(&format!("risk unknown on {all} of {} Entra sign-ins", all + 1))),
        "{notes:?}"
    );
    // Records that carry the fields, even saying "none", raise no such note.
    let d = run(ID, TENANT_TOML, history());
    assert!(!coverage_of(&d, ID).notes.iter().any(|n| n.contains("risk unknown")));
    assert_ne!(coverage_of(&d, ID).status, "blind");
}
