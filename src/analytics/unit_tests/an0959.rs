//! AN0959: a token or session issued in one place is used from another with no interactive sign-in there.

use super::build::*;
use crate::model::{Event, Severity, Source};

const CAROL: &str = "carol@contoso.example";

/// Carol's morning at the office on day 10: a browser sign-in, then SharePoint's token in the same session.
fn morning_at_the_office() -> Vec<Event> {
    let mut events = office_days(CAROL, 10, &[9, 14]);
    events.push(sign_in("carol-browser", at(10, 8, 30), CAROL, true).session("sess-c").token("tok-browser"));
    events.push(
        sign_in("carol-spo", at(10, 8, 31), CAROL, false).resource(SHAREPOINT).session("sess-c").token("tok-spo"),
    );
    events
}

/// `n` files downloaded from `place` with Carol's SharePoint token and session, in the afternoon.
fn downloads_from(place: Place, n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            file_download(&format!("dl-{i}"), at(10, 13, 40 + i as u32), CAROL)
                .via(place)
                .session("sess-c")
                .token("tok-spo")
        })
        .collect()
}

/// The planted act: the office token replayed from a rented server abroad.
fn replay() -> Vec<Event> {
    let mut events = morning_at_the_office();
    events.extend(downloads_from(VPS, 6));
    events
}

#[test]
fn fires_when_an_office_token_is_replayed_from_abroad() {
    let d = run("AN0959", TENANT_TOML, replay());
    let a = only_alert(&d);
    assert_eq!(a.analytic, "AN0959");
    // Token join, session move and data access from a new country all agree: two or more checks make it high.
    assert_eq!(a.severity, Severity::High);
    assert!(a.title.contains("reused from NL AS14061"), "{}", a.title);
    reason_with(a, &["token(s) issued to carol@contoso.example from US AS64500 were used from NL AS14061"]);
    reason_with(a, &["session sess-c moved to NL AS14061"]);
    reason_with(a, &["accessed data from NL AS14061 where they never signed in interactively"]);
    assert_eq!(a.entities.ips, vec![CORP.ip.to_string(), VPS.ip.to_string()]);
    assert_eq!(a.entities.sessions, vec!["sess-c".to_string()]);
    assert!(a.evidence.contains(&"carol-spo".to_string()) && a.evidence.contains(&"dl-5".to_string()));
}

#[test]
fn a_scripted_client_on_the_replayed_token_raises_it() {
    let mut events = morning_at_the_office();
    events.extend(downloads_from(VPS, 6).into_iter().map(|e| e.ua(PYTHON)));
    let d = run("AN0959", TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    reason_with(a, &["client changed from a browser/Office app to python-requests/2.31.0"]);
}

#[test]
fn a_traveller_who_signs_in_where_they_work_stays_quiet() {
    // Carol signs in interactively at a hotel in NL and downloads there with the token she got there.
    let mut events = office_days(CAROL, 10, &[9, 14]);
    events.push(sign_in("hotel-signin", at(10, 19, 0), CAROL, true).via(HOTEL).session("sess-t").token("tok-t"));
    events.extend(
        (0..6).map(|i| file_download(&format!("hotel-dl-{i}"), at(10, 19, 5 + i), CAROL).via(HOTEL).token("tok-t")),
    );
    let d = run("AN0959", TENANT_TOML, events);
    assert_quiet(&d);
    assert!(d.suppressions.is_empty(), "nothing needed suppressing: {:?}", d.suppressions);
}

#[test]
fn a_hop_through_microsofts_network_is_not_replay() {
    let msft = Place { ip: "52.97.10.20", country: Some("IE"), asn: Some(8075) };
    let mut events = morning_at_the_office();
    events.extend(downloads_from(msft, 2));
    let d = run("AN0959", TENANT_TOML, events);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "provider network (Microsoft ASN)").matched, "IE");
}

#[test]
fn expected_egress_ranges_are_suppressed_and_counted() {
    let toml = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"203.0.113.0/24\"]\n");
    let d = run("AN0959", &toml, replay());
    assert_quiet(&d);
    let s = suppression(&d, "allow.expected_ips");
    assert_eq!((s.analytic.as_str(), s.matched.as_str()), ("AN0959", VPS.ip));
    assert!(s.count >= 6, "every replayed download is counted: {s:?}");
    assert!(s.examples.contains(&"dl-0".to_string()), "{s:?}");
}

#[test]
fn allowed_countries_are_suppressed_and_counted() {
    let toml = format!("{TENANT_TOML}[allow]\ncountries = [\"NL\"]\n");
    let d = run("AN0959", &toml, replay());
    assert_quiet(&d);
    assert_eq!(suppression(&d, "allow.countries").matched, "NL");
}

#[test]
fn each_suppressed_record_is_counted_once() {
    let toml = format!("{TENANT_TOML}[allow]\nexpected_ips = [\"203.0.113.0/24\"]\n");
    let d = run("AN0959", &toml, replay());
    assert_eq!(suppression(&d, "allow.expected_ips").count, 6);
}

#[test]
fn a_token_used_from_an_unlocated_address_is_not_dropped_silently() {
    let unlocated = Place { ip: "203.0.113.200", country: None, asn: None };
    let mut events = morning_at_the_office();
    events.extend(downloads_from(unlocated, 6));
    let d = run("AN0959", TENANT_TOML, events);
    let a = only_alert(&d);
    reason_with(a, &["location unknown for 203.0.113.200: carol@contoso.example never signed in from there"]);
    reason_with(a, &["1 address(es) other than the issuing sign-in's used the token(s) or session; none of them"]);
}

#[test]
fn coverage_names_the_missing_non_interactive_log() {
    // Without the non-interactive log the issuing sign-in of the SharePoint token is gone: the token join cannot
    // run, the session and country checks still do.
    let events: Vec<Event> = replay().into_iter().filter(|e| e.source != Some(Source::SigninNoninteractive)).collect();
    let d = run("AN0959", TENANT_TOML, events);
    let c = coverage_of(&d, "AN0959");
    assert_eq!(c.status, "degraded");
    assert_eq!(c.sources_missing, vec!["signin_noninteractive".to_string()]);
    assert!(c.notes.iter().any(|n| n == "missing source(s): signin_noninteractive"), "{:?}", c.notes);
    let a = only_alert(&d);
    assert!(!a.reasons.iter().any(|r| r.starts_with("token(s) issued")), "{:?}", a.reasons);
    reason_with(a, &["session sess-c moved to NL AS14061"]);
}

#[test]
fn coverage_is_blind_without_sign_in_logs() {
    let events: Vec<Event> = replay().into_iter().filter(|e| !e.source.is_some_and(|s| s.is_signin())).collect();
    let d = run("AN0959", TENANT_TOML, events);
    assert_quiet(&d);
    let c = coverage_of(&d, "AN0959");
    assert_eq!(c.status, "blind");
    assert_eq!(c.sources_missing, vec!["signin_interactive".to_string(), "signin_noninteractive".to_string()]);
}

#[test]
fn the_cases_automation_accounts_are_suppressed_and_counted_and_no_one_else() {
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"Carol@Contoso.example\"]\n");
    let d = run("AN0959", &toml, replay());
    assert_quiet(&d);
    let s = suppression(&d, "allow.automation_accounts");
    assert_eq!((s.analytic.as_str(), s.matched.as_str()), ("AN0959", CAROL));
    assert!(!s.examples.is_empty(), "{s:?}");
    let toml = format!("{TENANT_TOML}[allow]\nautomation_accounts = [\"svc-sync@contoso.example\"]\n");
    only_alert(&run("AN0959", &toml, replay()));
}
