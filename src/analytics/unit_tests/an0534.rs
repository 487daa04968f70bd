//! AN0534: a person's account signs in with a scripted client, and what the session did next.

use super::build::*;
use crate::model::{Event, Severity, Source};

const ALICE: &str = "alice@contoso.example";
/// Azure Resource Manager, a resource outside mail, files and directory.
const AZURE_MGMT: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

/// Ten ordinary browser days for Alice (days 0–9), so day 10 has a trusted baseline.
fn alice_history() -> Vec<Event> {
    office_days(ALICE, 10, &[9, 14])
}

/// Alice's account signs in with python-requests through the Graph command-line client app.
fn scripted_sign_in(ts: chrono::DateTime<chrono::Utc>, place: Place) -> Event {
    sign_in("py-signin", ts, ALICE, true).via(place).ua(PYTHON).app(GRAPH_CLI).session("sess-py").token("tok-py")
}

/// `n` pages of Alice's mail through Graph in the scripted session, a few seconds apart.
fn mail_pages(n: usize, start: chrono::DateTime<chrono::Utc>, place: Place) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let uri = format!("/v1.0/me/messages?$top=50&$skip={}", i * 50);
            graph_get(&format!("py-mail-{i}"), start + chrono::Duration::seconds(20 * i as i64), ALICE, &uri, 90_000)
                .via(place)
                .ua(PYTHON)
                .session("sess-py")
        })
        .collect()
}

/// The planted act: a scripted sign-in from a server abroad, then 25 pages of mail.
fn scripted_collection() -> Vec<Event> {
    let mut events = alice_history();
    events.push(scripted_sign_in(at(10, 10, 30), VPS));
    events.extend(mail_pages(25, at(10, 10, 32), VPS));
    events
}

#[test]
fn fires_on_a_python_sign_in_that_pages_through_mail() {
    let d = run("AN0534", TENANT_TOML, scripted_collection());
    let a = only_alert(&d);
    assert_eq!(a.analytic, "AN0534");
    // 25 Graph mail calls make it high; an unmanaged device in a country Alice never used raises it once more.
    assert_eq!(a.severity, Severity::Critical);
    assert!(a.title.contains(ALICE) && a.title.contains("python-requests/2.31.0"), "{}", a.title);
    reason_with(a, &["python-requests/2.31.0 is a scripting client", "from 203.0.113.200 (NL, AS14061)"]);
    reason_with(a, &["25 Graph mail/file request(s)"]);
    reason_with(a, &["unmanaged device from NL"]);
    assert_eq!(a.entities.users, vec![ALICE.to_string()]);
    assert_eq!(a.entities.ips, vec![VPS.ip.to_string()]);
    assert_eq!(a.entities.sessions, vec!["sess-py".to_string()]);
    assert!(a.evidence.contains(&"py-signin".to_string()) && a.evidence.contains(&"py-mail-24".to_string()));
}

#[test]
fn a_lone_scripted_sign_in_from_the_office_is_medium() {
    let mut events = alice_history();
    events.push(scripted_sign_in(at(10, 10, 30), CORP));
    let d = run("AN0534", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!((a.analytic.as_str(), a.severity), ("AN0534", Severity::Medium));
    reason_with(a, &["python-requests/2.31.0", "1 sign-in(s)", "from 198.51.100.10 (US, AS64500)"]);
    assert!(!a.reasons.iter().any(|r| r.starts_with("in the next")), "no follow-on was claimed: {:?}", a.reasons);
    assert!(
        a.baseline.iter().any(|b| b.contains("used python-requests (any version) on 0 day(s)")),
        "{:?}",
        a.baseline
    );
    assert!(
        a.baseline.iter().any(|b| b == "client families seen for alice@contoso.example before: chrome"),
        "{:?}",
        a.baseline
    );
}

#[test]
fn a_browser_sign_in_to_the_command_line_app_is_not_scripted() {
    // Someone consents to the Graph command-line tools in a browser and reads mail from a hotel: a person, not a
    // program.
    let mut events = alice_history();
    events.push(sign_in("browser-cli", at(10, 10, 30), ALICE, true).via(HOTEL).app(GRAPH_CLI).session("sess-b"));
    events.extend(mail_pages(25, at(10, 10, 32), HOTEL).into_iter().map(|e| e.ua(CHROME).session("sess-b")));
    assert_quiet(&run("AN0534", TENANT_TOML, events));
}

#[test]
fn a_user_who_scripts_every_week_is_routine() {
    // Alice ran python-requests against Azure Resource Manager on three earlier days; the client family is her
    // habit, so today's run is counted but not raised.
    let mut events = scripted_collection();
    for d in [2, 5, 8] {
        events.push(sign_in(&format!("py-old-{d}"), at(d, 11, 0), ALICE, false).ua(PYTHON).resource(AZURE_MGMT));
    }
    let d = run("AN0534", TENANT_TOML, events);
    assert_quiet(&d);
    let s = suppression(&d, "baseline: client family routine for the user");
    assert_eq!((s.matched.as_str(), s.count), (ALICE, 1));
}

#[test]
fn approved_automation_accounts_are_suppressed_and_counted() {
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"Alice@Contoso.example\"]\n");
    let d = run("AN0534", &toml, scripted_collection());
    assert_quiet(&d);
    let s = suppression(&d, "allow.automation_accounts");
    assert_eq!((s.analytic.as_str(), s.matched.as_str(), s.count), ("AN0534", ALICE, 1));
    assert_eq!(s.examples, vec!["py-signin".to_string()]);
}

#[test]
fn expected_egress_ranges_are_suppressed_and_counted() {
    let toml = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"203.0.113.0/24\"]\n");
    let d = run("AN0534", &toml, scripted_collection());
    assert_quiet(&d);
    let s = suppression(&d, "allow.expected_ips");
    assert_eq!((s.matched.as_str(), s.count), (VPS.ip, 1));
}

#[test]
fn coverage_names_the_missing_graph_and_non_interactive_logs() {
    // Only the interactive sign-in log was exported: the sign-in still alerts, but the collection is invisible.
    let events: Vec<Event> = scripted_collection().into_iter().filter(|e| e.source != Some(Source::Graph)).collect();
    let d = run("AN0534", TENANT_TOML, events);
    let c = coverage_of(&d, "AN0534");
    assert_eq!(c.status, "degraded");
    assert_eq!(c.sources_present, vec!["signin_interactive".to_string()]);
    assert_eq!(c.sources_missing, vec!["signin_noninteractive".to_string(), "graph".to_string()]);
    assert!(c.notes.iter().any(|n| n == "missing source(s): signin_noninteractive, graph"), "{:?}", c.notes);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::High, "unmanaged device abroad, but no collection seen");
    assert!(a.sources.contains(&"graph: missing".to_string()), "{:?}", a.sources);
}

#[test]
fn coverage_is_blind_without_any_sign_in_or_graph_log() {
    let events = vec![mail_read("mail-1", at(3, 10, 0), ALICE, ALICE, 12)];
    let d = run("AN0534", TENANT_TOML, events);
    assert_quiet(&d);
    let c = coverage_of(&d, "AN0534");
    assert_eq!(c.status, "blind");
    assert_eq!(c.sources_missing.len(), 3, "{:?}", c.sources_missing);
}
